// Real-time benchmarks (issue 5, docs/benchmarks.md): each group measures
// its metrics on the target and prints one "bench:" line per metric, which
// scripts/bench parses. The groups run one after the other in main(), so no
// measurement overlaps another; which groups run is a Kconfig choice, so one
// defconfig fragment per benchmark configuration (scripts/bench) runs only
// what that configuration is for.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/sched.hpp>

#include "bench.h"
#include "bench.hpp"

int main() {
    if (CONFIG_RTBENCH_START_DELAY_MS != 0) {
        if (!tn::sched::sleep_ns(tn::u64{CONFIG_RTBENCH_START_DELAY_MS} * 1'000'000).ok())
            rtbench::fail("start delay: sleep_ns");
        tn_puts("bench: start");
    }
    tn_printf("bench: counter %lu Hz\n", tn::clock::frequency_hz());
#ifdef CONFIG_RTBENCH_SMP
    // The groups below run inside run_smp(), under the smp_* infixes.
    rtbench::run_smp();
#else
#ifdef CONFIG_RTBENCH_SCHED
    rtbench::run_sched();
#endif
#ifdef CONFIG_RTBENCH_IRQ
    rtbench::run_irq();
#endif
#ifdef CONFIG_RTBENCH_TM
    rtbench::run_tm();
#endif
#ifdef CONFIG_RTBENCH_TIMER
    rtbench::run_timer();
#endif
#ifdef CONFIG_RTBENCH_WORST
    rtbench::run_worst();
#endif
#ifdef CONFIG_RTBENCH_POSIX
    rtbench_run_posix();
#endif
#endif
    tn_puts("bench: done");
    return 0;
}
