// Priority inheritance for tn::sync::Mutex: basic priority inheritance
// (Sha, Rajkumar, Lehoczky, "Priority Inheritance Protocols: An Approach to
// Real-Time Synchronization", IEEE Trans. Computers 39(9), 1990), transitive
// through chains of mutexes, computed from the mutexes' wait queues.
//
// State: a Mutex records its owner and is linked into the owner's
// held_mutexes() list; a blocked thread's blocked_on() names the mutex it
// waits for. Wait queues are sorted by effective priority, so the highest
// waiter of a mutex is m.waiters.first(). The invariant, for every thread t
// (within the depth bound below):
//
//   eff(t) = max(base(t), max over m in held(t) of eff(first waiter of m))
//
// Operations, all under the scheduler lock:
//  * boost_chain(owner, p), before a thread of effective priority p blocks
//    on a mutex: raise the owner to p, and if it is blocked on a mutex, that
//    mutex's owner, and so on. Raising only: an owner already at p or above
//    ends the walk, because by the invariant everything further along the
//    chain is at least as high. (The waiter enters the wait queue only inside
//    sched::wait(), after the walk, which is why it passes p instead of the
//    walk reading it from the queue.)
//  * update_chain(t), after t's held set or a waiter set of a mutex t holds
//    shrank (unlock, a waiter's timeout) or t's base priority changed:
//    recompute eff(t) from the invariant; if it changed and t is blocked on a
//    mutex, repeat for that mutex's owner. An unchanged priority ends the walk.
//  * check_cycle(self, m), before self blocks on m: follow owner -> blocked_on
//    -> owner from m; reaching self means blocking would deadlock.
//
// With LIBSYNC_MUTEX_PI=n (k_priority_inheritance false) the invariant is
// eff(t) = base(t): boost_chain() does nothing and target_priority() is the
// base priority, so update_chain() never changes anything. check_cycle() is
// the same either way.
//
// Bounds: every walk visits at most k_pi_max_depth owners
// (CONFIG_LIBSYNC_PI_MAX_DEPTH), so with the lock held and IRQs masked a
// lock() costs at most 2 * depth hops plus depth set_effective_priority()
// calls, and an unlock or timeout at most depth recomputations, each
// O(mutexes held by that owner). A chain longer than the limit is boosted and
// checked for cycles only that far: owners beyond it keep a lower priority
// (bounded inversion turns unbounded again for them) and a cycle beyond it
// blocks instead of returning Deadlock. Real-time designs nest mutexes two or
// three deep; the limit only caps the worst case with the IRQs masked.
#pragma once

#include <tn/assert.hpp>
#include <tn/sync.hpp>

#include "sched_hooks.hpp"

namespace tn::sync::detail {

/// Mutex internals, for Mutex, CondVar and the PI walks.
struct MutexCore {
    static sched::WaitQueue& waiters(Mutex& m) { return m.m_waiters; }
    static sched::Thread* owner(const Mutex& m) { return m.m_owner; }
    static Mutex* from_held_link(ListNode* n) { return container_of(n, &Mutex::m_held_link); }

    /// Makes @p t the owner of the free mutex @p m. @pre owner(m) == nullptr
    static void acquire(sched::Locked&, Mutex& m, sched::Thread* t);
    /// Releases @p m held by @p self: ownership goes to its highest waiter,
    /// if any, and both threads' priorities are recomputed.
    /// @pre owner(m) == self
    static void release(sched::Locked&, Mutex& m, sched::Thread* self);
    /// Mutex::lock() with the lock held. @pre self is the calling thread.
    static Result<void, Error> lock(sched::Locked&, Mutex& m, sched::Thread* self, u64 timeout_ns);
};

/// The mutex @p t is blocked on, nullptr if none.
Mutex* mutex_blocked_on(sched::Locked&, const sched::Thread* t);
/// What eff(@p t) should be: max(base, the highest waiter of every mutex it holds).
u8 target_priority(sched::Locked&, sched::Thread* t);
/// Deadlock if blocking @p self on @p m would close a cycle (owner(m) is
/// @p self included), within k_pi_max_depth owners.
Result<void, Error> check_cycle(sched::Locked&, const sched::Thread* self, const Mutex& m);
/// Raises @p owner and the owners it waits for to at least @p priority.
void boost_chain(sched::Locked&, sched::Thread* owner, u8 priority);
/// Recomputes eff(@p t) and passes a change along the chain @p t waits in.
void update_chain(sched::Locked&, sched::Thread* t);
/// Ends @p t's wait for the mutex in blocked_on(t) (a timeout): clears it
/// and lowers that mutex's owner chain. Nothing if blocked_on(t) is null.
void waiter_left(sched::Locked&, sched::Thread* t);

}  // namespace tn::sync::detail
