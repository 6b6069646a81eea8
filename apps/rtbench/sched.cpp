// Scheduler metrics (paper Tables 4, 5 and 6). Every sample runs from a stamp
// in the thread that gives up the CPU (just before the call that does it) to
// the first stamp in the thread that gets it, so it covers the kernel call,
// the scheduling decision, the context switch and the return into the other
// thread, and nothing else.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/sched.hpp>
#include <tn/sync.hpp>

#include "bench.hpp"

using namespace tn;

namespace rtbench {

namespace {

// main() runs at LIBSCHED_MAIN_PRIORITY (16); every benchmark thread runs
// below it, so main only resumes (from join) once they have all ended.
constexpr u8 k_low = 5;
constexpr u8 k_mid = 10;
constexpr u8 k_high = 12;

u64 g_before;
volatile bool g_stop;

// ---- stamp: the cost of a stamp pair alone, included in every sample.
void bench_stamp() {
    reset();
    while (!full()) {
        u64 a = stamp();
        u64 b = stamp();
        add(b - a);
    }
    report("stamp");
}

// ---- thread_switch.N: N equal-priority threads yield in a ring.
void ring_thread(void*) {
    while (!g_stop) {
        u64 after = stamp();
        if (g_before)
            add(after - g_before);
        if (full())
            g_stop = true;
        g_before = stamp();
        sched::yield();
    }
    g_before = 0;
}

void bench_switch(int threads) {
    reset();
    g_stop = false;
    g_before = 0;
    sched::Thread* t[100];
    // All created before any runs, so the first samples already see N threads.
    sched::lock_preemption();
    for (int i = 0; i < threads; ++i)
        t[i] = spawn("ring", k_mid, ring_thread);
    sched::unlock_preemption();
    for (int i = 0; i < threads; ++i)
        join_thread(t[i]);
    char name[32];
    tn_snprintf(name, sizeof name, "thread_switch.%d", threads);
    report(name);
}

#ifdef CONFIG_LIBSCHED_RESERVATIONS
// ---- thread_switch.reserved.2: the ring of two with both threads reserved
// (a budget far beyond the run, so neither is throttled): every switch
// charges the outgoing thread's budget and arms the budget timer for the
// incoming one. Against thread_switch.2 of the same image: the cost of a
// switch between reserved threads.
void bench_switch_reserved() {
    reset();
    g_stop = false;
    g_before = 0;
    sched::Thread* t[2];
    sched::lock_preemption();
    for (auto*& x : t) {
        x = spawn("ring", k_mid, ring_thread);
        if (!sched::set_reservation(x, 50'000'000'000, 100'000'000'000).ok())
            tn_printf("bench: FAILED thread_switch.reserved.2: set_reservation\n");
    }
    sched::unlock_preemption();
    for (auto* x : t)
        join_thread(x);
    report("thread_switch.reserved.2");
}
#endif

// ---- preempt: the running thread makes a higher-priority thread ready
// (resumes it from suspension), which takes the CPU inside that call.
// Sample: stamp before resume() in the low thread -> stamp after suspend()
// returns in the high one.
sched::Thread* g_hi;

void preempt_hi(void*) {
    for (;;) {
        (void)sched::suspend(sched::current());
        u64 after = stamp();
        if (g_stop)
            return;
        add(after - g_before);
    }
}

void preempt_lo(void*) {
    while (!full()) {
        g_before = stamp();
        (void)sched::resume(g_hi);
    }
    g_stop = true;
    (void)sched::resume(g_hi);
}

void bench_preempt() {
    reset();
    g_stop = false;
    // The high thread runs first and suspends itself.
    g_hi = spawn("preempt-hi", k_high, preempt_hi);
    auto* lo = spawn("preempt-lo", k_low, preempt_lo);
    join_thread(lo);
    join_thread(g_hi);
    report("preempt");
}

// ---- sem_wakeup: give a semaphore a higher-priority thread waits on.
sync::Semaphore g_sem{0, 1};

void sem_waiter(void*) {
    for (;;) {
        (void)g_sem.take();
        u64 after = stamp();
        if (g_stop)
            return;
        add(after - g_before);
    }
}

void sem_giver(void*) {
    while (!full()) {
        g_before = stamp();
        (void)g_sem.give();
    }
    g_stop = true;
    (void)g_sem.give();
}

void bench_sem_wakeup() {
    reset();
    g_stop = false;
    // The waiter runs first (higher priority) and blocks in take().
    auto* waiter = spawn("sem-waiter", k_high, sem_waiter);
    auto* giver = spawn("sem-giver", k_low, sem_giver);
    join_thread(giver);
    join_thread(waiter);
    report("sem_wakeup");
}

// ---- irq_preempt: a thread sleeping until a deadline preempts a busy
// lower-priority thread; sample = first stamp in the woken thread minus the
// deadline in counter ticks (timer interrupt, expiry, wake-up, switch and
// sleep's return path).
void busy(void*) {
    while (!g_stop) {
    }
}

void sleeper(void*) {
    u64 hz = clock::frequency_hz();
    while (!full()) {
        u64 deadline_ns = clock::now_ns() + 200'000;
        u64 deadline_ticks = (deadline_ns * hz + 999'999'999) / 1'000'000'000;
        (void)sched::sleep_until(deadline_ns);
        add(stamp() - deadline_ticks);
    }
    g_stop = true;
}

void bench_irq_preempt() {
    reset();
    g_stop = false;
    auto* s = spawn("sleeper", k_high, sleeper);
    auto* b = spawn("busy", k_low, busy);
    join_thread(s);
    join_thread(b);
    report("irq_preempt");
}

}  // namespace

void run_sched() {
    bench_stamp();
    for (int n : {2, 10, 20, 50, 100})
        bench_switch(n);
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    bench_switch_reserved();
#endif
    bench_preempt();
    bench_sem_wakeup();
    bench_irq_preempt();
}

}  // namespace rtbench
