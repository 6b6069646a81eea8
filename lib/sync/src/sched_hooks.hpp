// The contract between lib/sync and lib/sched beyond tn/sched_impl.hpp, in
// both directions. The first part is what lib/sched must provide; the second
// is what lib/sync provides for lib/sched to call. The host tests provide the
// first part from tests/fake_sched.cpp.
#pragma once

#include <tn/list.hpp>
#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#include <tn/types.hpp>

// ---- Provided by lib/sched ------------------------------------------------
namespace tn::sched {

/// The list of mutexes @p t owns, linked through their held links. A list
/// head embedded in every Thread, all-zero (empty) when it is created; only
/// lib/sync reads or changes it, always under the lock. A thread must not
/// exit while the list is non-empty (the mutexes would keep pointing at it).
IntrusiveList& held_mutexes(Locked&, Thread* t);

}  // namespace tn::sched

// ---- Provided by lib/sync, called by lib/sched ----------------------------
namespace tn::sync {

/// Call from the timeout path of sched::wait(), under the lock, right after
/// @p t was taken out of its WaitQueue because its timeout passed, if
/// blocked_on(t) != nullptr. Clears blocked_on(t) and lowers the priority of
/// the owner (chain) that @p t was boosting, at once rather than when @p t
/// next runs. lib/sync copes without it (the waiter does the same when it
/// runs again), but then a chain walk may still pass through @p t in between
/// and report a false Deadlock or boost an owner for a little too long.
void wait_timed_out(sched::Locked&, sched::Thread* t);

/// Call from sched::set_priority() after changing @p t's base priority,
/// instead of setting its effective priority directly: sets it to the base
/// priority or what the mutexes @p t holds require, whichever is higher, and
/// passes the change along the chain of owners @p t is blocked on.
void base_priority_changed(sched::Locked&, sched::Thread* t);

}  // namespace tn::sync

// ---- Priority reads under the lock ----------------------------------------
namespace tn::sync::hooks {

// lib/sync reads priorities with the scheduler lock held, through the public
// sched::priority() / effective_priority(). They must therefore be plain reads
// that do not take the lock themselves; this is the one place to change if
// lib/sched ever offers Locked& variants instead.
inline u8 base_priority(sched::Locked&, const sched::Thread* t) { return sched::priority(t); }
inline u8 effective_priority(sched::Locked&, const sched::Thread* t) { return sched::effective_priority(t); }

}  // namespace tn::sync::hooks
