// lib/sync's side of the contract with lib/sched. The contract itself, in both
// directions (held_mutexes, wait_timed_out, base_priority_changed), is
// tn/sched_impl.hpp; the host tests link lib/sched's real core for its part
// (tests/sync_test.hpp).
#pragma once

#include <tn/list.hpp>
#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#include <tn/types.hpp>

// ---- Priority reads under the lock ----------------------------------------
namespace tn::sync::hooks {

// lib/sync reads priorities with the scheduler lock held, through the public
// sched::priority() / effective_priority(). They must therefore be plain reads
// that do not take the lock themselves; this is the one place to change if
// lib/sched ever offers Locked& variants instead.
inline u8 base_priority(sched::Locked&, const sched::Thread* t) { return sched::priority(t); }
inline u8 effective_priority(sched::Locked&, const sched::Thread* t) { return sched::effective_priority(t); }

}  // namespace tn::sync::hooks
