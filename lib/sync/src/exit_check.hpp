// A thread that exits while it owns mutexes (tn/sync.hpp, "Exiting while
// holding a mutex"): the report, separate from the power-off so the host
// tests can check it.
#pragma once

#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#include <tn/types.hpp>

namespace tn::sync {

/// Exit status of a run stopped because a thread exited holding a mutex (as
/// for a fatal exception: a shell's status for SIGABRT).
inline constexpr int k_exit_holding_status = 134;

/// Called by sched::exit() under the lock when the exiting thread @p t still
/// owns mutexes: prints the report and powers the system off. Never returns.
/// (Declared for lib/sched in tn/sched_impl.hpp.)
[[noreturn]] void exit_holding_mutexes(sched::Locked&, sched::Thread* t);

namespace detail {

/// Writes the report for @p t into @p buf (at most @p size bytes, always
/// terminated): one line naming the thread and how many mutexes it owns,
/// then one per mutex (at most 8) with its address, its link-time address
/// (@p load_offset subtracted: what `nm` shows for a static mutex) and its
/// highest waiter. Returns how many mutexes @p t owns.
usize exit_holding_report(sched::Locked&, sched::Thread* t, u64 load_offset, char* buf, usize size);

}  // namespace detail
}  // namespace tn::sync
