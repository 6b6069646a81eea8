// Priority-inheritance walks (see pi.hpp for the algorithm and its bounds).
#include "pi.hpp"

namespace tn::sync::detail {

using sched::Locked;
using sched::Thread;

Mutex* mutex_blocked_on(Locked& l, const Thread* t) {
    // Only lib/sync sets blocked_on, and only to a Mutex.
    return static_cast<Mutex*>(sched::blocked_on(l, t));
}

u8 target_priority(Locked& l, Thread* t) {
    u8 priority = hooks::base_priority(l, t);
    if constexpr (!k_priority_inheritance)
        return priority;
    for (ListNode* n = sched::held_mutexes(l, t).front(); n != nullptr; n = n->next) {
        Mutex& m = *MutexCore::from_held_link(n);
        TN_ASSERT(MutexCore::owner(m) == t);  // held_mutexes(t) lists only t's mutexes
        // The wait queue is sorted by effective priority: first() is the highest.
        Thread* top = MutexCore::waiters(m).first();
        if (top != nullptr) {
            u8 inherited = hooks::effective_priority(l, top);
            if (inherited > priority)
                priority = inherited;
        }
    }
    return priority;
}

Result<void, Error> check_cycle(Locked& l, const Thread* self, const Mutex& m) {
    const Thread* t = MutexCore::owner(m);
    for (unsigned hops = 0; t != nullptr && hops < k_pi_max_depth; ++hops) {
        if (t == self)
            return err(Error::Deadlock);
        const Mutex* next = mutex_blocked_on(l, t);
        if (next == nullptr)
            return {};
        t = MutexCore::owner(*next);
    }
    return {};
}

void boost_chain(Locked& l, Thread* owner, u8 priority) {
    if constexpr (!k_priority_inheritance)
        return;
    Thread* t = owner;
    for (unsigned hops = 0; t != nullptr && hops < k_pi_max_depth; ++hops) {
        // Invariant: everything further along the chain is at least eff(t).
        if (hooks::effective_priority(l, t) >= priority)
            return;
        sched::set_effective_priority(l, t, priority);
        Mutex* next = mutex_blocked_on(l, t);
        if (next == nullptr)
            return;
        t = MutexCore::owner(*next);
    }
}

void update_chain(Locked& l, Thread* t) {
    for (unsigned hops = 0; t != nullptr && hops < k_pi_max_depth; ++hops) {
        u8 target = target_priority(l, t);
        if (target == hooks::effective_priority(l, t))
            return;
        // Re-sorts t in the wait queue it is in, so the next owner's
        // target_priority() sees the new order.
        sched::set_effective_priority(l, t, target);
        Mutex* next = mutex_blocked_on(l, t);
        if (next == nullptr)
            return;
        t = MutexCore::owner(*next);
    }
}

void waiter_left(Locked& l, Thread* t) {
    Mutex* m = mutex_blocked_on(l, t);
    if (m == nullptr)
        return;
    TN_ASSERT(MutexCore::owner(*m) != t);  // a waiter that owned m would have been woken by release()
    sched::set_blocked_on(l, t, nullptr);
    update_chain(l, MutexCore::owner(*m));
}

}  // namespace tn::sync::detail

namespace tn::sync {

void wait_timed_out(sched::Locked& l, sched::Thread* t) { detail::waiter_left(l, t); }

void base_priority_changed(sched::Locked& l, sched::Thread* t) { detail::update_chain(l, t); }

}  // namespace tn::sync
