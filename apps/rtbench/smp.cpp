// SMP (docs/benchmarks.md, "Worst case and SMP"): CPU 0 runs the scheduler,
// interrupt and Thread-Metric groups twice, first with CPU 1 idle (metric
// infix smp_idle), then while a thread on CPU 1 hammers the kernel (infix
// smp_interference): every round it creates and joins a thread, locks and
// unlocks its own mutex, gives and takes its own semaphore, ping-pongs with
// a second thread on CPU 1 (two switches there), wakes a thread on CPU 0
// (a cross-CPU wake-up into CPU 0's run queue, below every benchmark thread's
// priority so it never preempts a measurement) and sends CPU 0 an SGI (an
// interrupt CPU 0 takes in the middle of whatever it measures). Then
// thread_switch.<c>cpu.<N>: a yield ring of N threads on each of CPUs 0..c-1
// at once, CPU 0's ring measured, for c = 1, 2, 4. qemu_rr.gap and
// qemu_rr.run (below) show how QEMU interleaves the vCPUs in each setting.
//
// Under QEMU -icount the vCPUs run one at a time, round robin, and the
// counter counts the instructions of all of them: a sample on CPU 0 during
// which QEMU ran CPU 1 includes CPU 1's instructions (docs/benchmarks.md
// says what that means for these figures).
#include <tn/console.hpp>
#include <tn/irq.hpp>
#include <tn/sched.hpp>
#include <tn/smp.hpp>
#include <tn/sync.hpp>

#include "bench.hpp"

using namespace tn;

namespace rtbench {

namespace {

constexpr u32 k_ipi_sgi = 10;  // 7-9 are the other groups'
constexpr u8 k_sink = 1;       // below every benchmark thread on CPU 0
constexpr u8 k_hammer = 10;
constexpr u8 k_partner = 11;
constexpr u8 k_ring = 10;

volatile bool g_hammer_stop;
volatile bool g_helpers_stop;  // set once the hammer has ended, so no round is cut short
volatile u64 g_hammer_rounds;
volatile u64 g_ipis;

irq::Completion on_ipi(irq::Event, void*) {
    g_ipis = g_ipis + 1;
    return irq::Completion::Done;
}

// ---- The hammer and its helpers.
sync::Mutex g_own_mutex;
sync::Semaphore g_own_sem{0, 1};
sync::Semaphore g_ping{0, 1};
sync::Semaphore g_pong{0, 1};
sync::Semaphore g_sink_sem{0, 1};

void child(void*) {}

void partner(void*) {  // CPU 1, above the hammer: each give switches
    for (;;) {
        (void)g_ping.take();
        if (g_helpers_stop)
            return;
        (void)g_pong.give();
    }
}

void sink(void*) {  // CPU 0, woken from CPU 1
    while (!g_helpers_stop)
        (void)g_sink_sem.take();
}

void hammer(void*) {
    while (!g_hammer_stop) {
        auto c = sched::create({"smp-child", k_partner, 0, 1}, child, nullptr);
        if (!c.ok())
            fail("smp: hammer create");
        join_thread(c.value());
        (void)g_own_mutex.lock();
        (void)g_own_mutex.unlock();
        (void)g_own_sem.give();
        (void)g_own_sem.take();
        (void)g_ping.give();
        (void)g_pong.take();
        (void)g_sink_sem.give();
        (void)irq::send_sgi(k_ipi_sgi, irq::SgiTarget::to(irq::CpuAffinity{smp::mpidr(0)}));
        g_hammer_rounds = g_hammer_rounds + 1;
    }
}

// ---- qemu_rr.gap / qemu_rr.run: what CPU 0 sees of QEMU's round robin. A
// loop of stamps on CPU 0 (a few instructions an iteration); a step of more
// than k_gap_min counter ticks means CPU 0 did not run its loop meanwhile:
// it took an interrupt (its tick, an SGI) or QEMU ran the other vCPUs.
// gap: the ticks of such a step; run: the ticks from one step to the next.
constexpr u64 k_gap_min = 100;
constexpr u64 k_probe_limit = 400'000'000;  // ticks: stop even if fewer steps came

void probe_round_robin(bool gaps) {
    reset();
    u64 start = stamp();
    u64 prev = start;
    u64 run_start = start;
    while (!full() && prev - start < k_probe_limit) {
        u64 now = stamp();
        if (now - prev > k_gap_min) {
            add(gaps ? now - prev : prev - run_start);
            run_start = now;
        }
        prev = now;
    }
    report(gaps ? "qemu_rr.gap" : "qemu_rr.run");
}

void run_groups() {
    probe_round_robin(true);
    probe_round_robin(false);
#ifdef CONFIG_RTBENCH_SCHED
    run_sched();
#endif
#ifdef CONFIG_RTBENCH_IRQ
    run_irq();
#endif
#ifdef CONFIG_RTBENCH_TM
    run_tm();
#endif
}

void interference() {
    if (!irq::register_handler(k_ipi_sgi, on_ipi, nullptr).ok() || !irq::enable(k_ipi_sgi).ok())
        fail("smp: register SGI handler");
    set_infix("smp_idle");
    run_groups();
    g_hammer_stop = false;
    g_helpers_stop = false;
    auto* s = spawn("smp-sink", k_sink, sink);
    auto p = sched::create({"smp-partner", k_partner, 0, 1}, partner, nullptr);
    auto h = sched::create({"smp-hammer", k_hammer, 0, 1}, hammer, nullptr);
    if (!p.ok() || !h.ok())
        fail("smp: create the hammer on CPU 1");
    set_infix("smp_interference");
    run_groups();
    g_hammer_stop = true;
    join_thread(h.value());
    g_helpers_stop = true;
    (void)g_ping.give();
    join_thread(p.value());
    (void)g_sink_sem.give();
    join_thread(s);
    set_infix(nullptr);
    tn_printf("bench: smp_interference: CPU 1 ran %lu hammer rounds, CPU 0 took %lu of its SGIs\n",
              g_hammer_rounds, g_ipis);
    (void)irq::unregister_handler(k_ipi_sgi);
}

// ---- thread_switch.<c>cpu.<N>: one yield ring per CPU, CPU 0's measured.
struct Ring {
    u64 before;
    bool measured;
};

Ring g_rings[smp::k_max_cpus];
volatile bool g_rings_stop;

void ring_thread(void* arg) {
    Ring& r = *static_cast<Ring*>(arg);
    while (!g_rings_stop) {
        u64 after = stamp();
        if (r.measured) {
            if (r.before)
                add(after - r.before);
            if (full())
                g_rings_stop = true;
        }
        r.before = stamp();
        sched::yield();
    }
    r.before = 0;
}

void switch_scaling(unsigned cpus, int threads) {
    reset();
    g_rings_stop = false;
    static sched::Thread* t[smp::k_max_cpus][100];
    sched::lock_preemption();
    for (unsigned c = 0; c < cpus; ++c) {
        g_rings[c] = {0, c == 0};
        for (int i = 0; i < threads; ++i) {
            auto r = sched::create({"smp-ring", k_ring, 0, c}, ring_thread, &g_rings[c]);
            if (!r.ok())
                fail("smp: ring thread");
            t[c][i] = r.value();
        }
    }
    sched::unlock_preemption();
    for (unsigned c = 0; c < cpus; ++c)
        for (int i = 0; i < threads; ++i)
            join_thread(t[c][i]);
    char name[48];
    tn_snprintf(name, sizeof name, "thread_switch.%ucpu.%d", cpus, threads);
    report(name);
}

}  // namespace

void run_smp() {
    unsigned online = smp::online_count();
    tn_printf("bench: smp: %u CPUs online\n", online);
    if (online < 2)
        fail("smp: needs 2 CPUs online (qemu -smp 2 or more)");
    interference();
    for (unsigned cpus : {1u, 2u, 4u}) {
        if (cpus > online || cpus > smp::k_max_cpus) {
            tn_printf("bench: thread_switch.%ucpu.N skipped: %u CPUs online\n", cpus, online);
            continue;
        }
        for (int n : {2, 10, 20, 50, 100})
            switch_scaling(cpus, n);
    }
}

}  // namespace rtbench
