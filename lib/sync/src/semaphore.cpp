// Counting semaphores (tn/sync.hpp). give() hands its unit straight to the
// first waiter instead of adding it to the count, so a woken taker always
// has its unit and a later take() cannot steal it.
#include <tn/assert.hpp>
#include <tn/sync.hpp>

namespace tn::sync {

using sched::Locked;

Result<void, Error> Semaphore::give() {
    Locked l;
    TN_ASSERT(m_count <= m_max);
    if (sched::wake_one(l, m_waiters) != nullptr) {
        TN_ASSERT(m_count == 0);  // takers wait only while no unit is left
        return {};
    }
    if (m_count >= m_max)
        return err(Error::Overflow);
    ++m_count;
    return {};
}

Result<void, Error> Semaphore::take(u64 timeout_ns) {
    if (timeout_ns != k_no_wait && sched::in_isr())
        return err(Error::InIsr);
    Locked l;
    if (m_count > 0) {
        --m_count;
        return {};
    }
    if (timeout_ns == k_no_wait)
        return err(Error::WouldBlock);
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
