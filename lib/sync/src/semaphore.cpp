// Counting semaphores (tn/sync.hpp). give() hands its unit straight to the
// first waiter instead of adding it to the count, so a woken taker always
// has its unit and a later take() cannot steal it.
//
// The uncontended cases (a unit to take, nobody to wake) are inline in the
// header, under the bare kernel lock: nothing became ready, so they need no
// preemption point. The slow paths below run inside that same lock hold
// (Locked over KernelLock::Held), so the check in the header and the wake-up
// or wait here are one atomic step.
#include <tn/assert.hpp>
#include <tn/sync.hpp>

namespace tn::sync {

using sched::Locked;

Result<void, Error> Semaphore::give_to_waiter() {
    Locked l{tntimer::KernelLock::Held{}};
    TN_ASSERT(m_count == 0);  // takers wait only while no unit is left
    (void)sched::wake_one_last(l, m_waiters);  // nothing else changes: a preemption happens in there
    return {};
}

Result<void, Error> Semaphore::wait_for_unit(u64 timeout_ns) {
    Locked l{tntimer::KernelLock::Held{}};
    // Only give() wakes a taker, and it hands over a unit when it does.
    if (sched::wait(l, m_waiters, timeout_ns) == sched::WaitResult::Timeout)
        return err(Error::Timeout);
    return {};
}

u32 Semaphore::count() const {
    Locked l;
    return m_count;
}

}  // namespace tn::sync
