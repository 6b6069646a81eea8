// Priority-inheritance mutexes and condition variables (tn/sync.hpp).
//
// Ownership changes only under the scheduler lock, and unlock() hands the
// mutex to the first waiter before waking it, so a woken waiter owns the
// mutex when its wait returns; a waiter whose wait ends without owning it
// timed out. blocked_on(t) is set just before t waits and cleared by whoever
// ends the wait: release() for the new owner, the timeout path (or
// sched's wait_timed_out() hook) otherwise.
#include "pi.hpp"

namespace tn::sync {

using detail::MutexCore;
using sched::Locked;
using sched::Thread;

namespace detail {

void MutexCore::acquire(Locked& l, Mutex& m, Thread* t) {
    TN_ASSERT(m.m_owner == nullptr && !m.m_held_link.linked);
    m.m_owner = t;
    sched::held_mutexes(l, t).push_back(m.m_held_link);
}

void MutexCore::release(Locked& l, Mutex& m, Thread* self) {
    TN_ASSERT(m.m_owner == self && m.m_held_link.linked);
    sched::held_mutexes(l, self).remove(m.m_held_link);
    m.m_owner = nullptr;
    // Uncontended: m's (absent) waiters lifted nobody, so no priority changes
    // (a waiter that timed out lowered self already, in waiter_left()).
    if (m.m_waiters.empty())
        return;
    if (Thread* next = sched::wake_one(l, m.m_waiters)) {
        // Every thread in m_waiters is blocked on m (lock() sets it before it
        // waits, a timeout takes the thread out of the queue first).
        TN_ASSERT(sched::blocked_on(l, next) == &m);
        sched::set_blocked_on(l, next, nullptr);
        acquire(l, m, next);
        // A safeguard that normally changes nothing: next was m's highest
        // waiter, so m's remaining waiters cannot lift it.
        update_chain(l, next);
    }
    // self lost m's waiters: drop to what its other mutexes require.
    update_chain(l, self);
}

Result<void, Error> MutexCore::lock(Locked& l, Mutex& m, Thread* self, u64 timeout_ns) {
    if (m.m_owner == nullptr) {
        acquire(l, m, self);
        return {};
    }
    if (m.m_owner == self)
        return err(Error::Deadlock);
    if (timeout_ns == k_no_wait)
        return err(Error::WouldBlock);
    if (auto cycle = check_cycle(l, self, m); !cycle)
        return cycle;

    boost_chain(l, m.m_owner, hooks::effective_priority(l, self));
    sched::set_blocked_on(l, self, &m);
    (void)sched::wait(l, m.m_waiters, timeout_ns);
    // The owner test, not the WaitResult, decides: only release() wakes a
    // mutex waiter, and it makes the waiter the owner first.
    if (m.m_owner == self) {
        TN_ASSERT(sched::blocked_on(l, self) == nullptr);  // release() cleared it
        return {};
    }
    waiter_left(l, self);  // Nothing left to do if sched called wait_timed_out().
    return err(Error::Timeout);
}

}  // namespace detail

Result<void, Error> Mutex::lock(u64 timeout_ns) {
    if (irq::in_interrupt())
        return err(Error::InIsr);
    Thread* self = sched::current();
    Locked l;
    return MutexCore::lock(l, *this, self, timeout_ns);
}

Result<void, Error> Mutex::unlock() {
    if (irq::in_interrupt())
        return err(Error::InIsr);
    Thread* self = sched::current();
    Locked l;
    if (m_owner != self)
        return err(Error::NotOwner);
    MutexCore::release(l, *this, self);
    return {};
}

Thread* Mutex::owner() const {
    Locked l;
    return m_owner;
}

Result<void, Error> CondVar::wait(Mutex& mutex, u64 timeout_ns) {
    if (irq::in_interrupt())
        return err(Error::InIsr);
    Thread* self = sched::current();
    Locked l;
    if (MutexCore::owner(mutex) != self)
        return err(Error::NotOwner);
    if (timeout_ns == k_no_wait)
        return err(Error::WouldBlock);

    // Releasing and starting to wait under one lock hold: a signal() that
    // follows the release finds this thread in m_waiters.
    MutexCore::release(l, mutex, self);
    sched::WaitResult woken = sched::wait(l, m_waiters, timeout_ns);
    TN_TRY(MutexCore::lock(l, mutex, self, k_forever));
    if (woken == sched::WaitResult::Timeout)
        return err(Error::Timeout);
    return {};
}

void CondVar::signal() {
    Locked l;
    (void)sched::wake_one(l, m_waiters);
}

void CondVar::broadcast() {
    Locked l;
    (void)sched::wake_all(l, m_waiters);
}

}  // namespace tn::sync
