// Process benchmarks (issue 20, docs/benchmarks.md "Processes"): the kernel
// side. main() measures a yield between two kernel threads in this image
// (process.kthread_switch, for scale), then starts the program pbench,
// which measures the process.* metrics at EL0 and prints their "bench:"
// lines itself; main() waits for it and ends the run with "bench: done".
#include <stdio.h>
#include <sys/wait.h>

#include <tn/clock.hpp>
#include <tn/process.h>
#include <tn/sched.hpp>

#include "bench_stats.h"

namespace {

constexpr int k_samples = CONFIG_PROCESS_BENCH_SAMPLES;
constexpr int k_warmup = CONFIG_PROCESS_BENCH_WARMUP;
// Below main() (LIBSCHED_MAIN_PRIORITY, 16), which waits in join().
constexpr tn::u8 k_ring_priority = 10;

uint64_t g_buf[k_samples];
pb_samples g_samples = {g_buf, k_samples, 0, 0};
uint64_t g_before;
volatile bool g_stop;

// apps/rtbench's thread_switch.2 (sched.cpp), in this image: from the stamp
// before one thread's yield() to the first stamp in the other after its
// own yield() returns.
void ring_thread(void*) {
    while (!g_stop) {
        uint64_t after = pb_stamp();
        if (g_before)
            pb_add(&g_samples, after - g_before);
        if (pb_full(&g_samples))
            g_stop = true;
        g_before = pb_stamp();
        tn::sched::yield();
    }
    g_before = 0;
}

bool kthread_switch() {
    pb_reset(&g_samples, k_warmup);
    tn::sched::Thread* t[2];
    tn::sched::lock_preemption();
    for (auto& thread : t) {
        auto r = tn::sched::create({"ring", k_ring_priority, 0, 0}, ring_thread, nullptr);
        if (!r.ok()) {
            tn::sched::unlock_preemption();
            return false;
        }
        thread = r.value();
    }
    tn::sched::unlock_preemption();
    for (auto* thread : t)
        if (!tn::sched::join(thread).ok())
            return false;
    return pb_report(&g_samples, "process.kthread_switch", 1, "") == 0;
}

}  // namespace

int main() {
    printf("bench: counter %lu Hz\n", tn::clock::frequency_hz());
    if (!kthread_switch()) {
        printf("bench: FAILED process.kthread_switch\n");
        return 1;
    }
    char samples[16], warmup[16];
    snprintf(samples, sizeof samples, "%d", k_samples);
    snprintf(warmup, sizeof warmup, "%d", k_warmup);
    const char* argv[] = {"pbench", samples, warmup, nullptr};
    int pid = tn_process_spawn("pbench", argv);
    int status = 0;
    if (pid <= 0 || tn_process_wait(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("bench: FAILED pbench (pid %d, wait status 0x%x)\n", pid, status);
        return 1;
    }
    printf("bench: done\n");
    return 0;
}
