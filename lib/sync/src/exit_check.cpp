// A thread exited while owning mutexes: a fatal error (tn/sync.hpp explains
// why). lib/sched calls this from sched::exit() under the lock, before the
// thread is marked exited, so the report reads consistent state.
#include <tn/console.hpp>
#include <tn/plat.hpp>
#if defined(__aarch64__)
#include <tn/arch/fault.hpp>
#endif

#include "exit_check.hpp"

namespace tn::sync {

void exit_holding_mutexes(sched::Locked& l, sched::Thread* t) {
#if defined(__aarch64__)
    u64 load_offset = tn_arch_load_offset;
#else
    u64 load_offset = 0;
#endif
    static char report[768];  // the lock is held: one report at a time
    (void)detail::exit_holding_report(l, t, load_offset, report, sizeof report);
    tn_printf("\n%s", report);
    tn_printf("  The data a mutex protects may be half updated: unlock every mutex before the thread ends.\n");
    plat::power_off(k_exit_holding_status);
}

}  // namespace tn::sync
