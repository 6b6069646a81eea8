// Timer servicing cost (paper Figure 9): how much CPU the kernel takes to
// service T armed periodic timers, measured from the application's side.
//
// Method. Virtual time cannot be read off idle time: under -icount
// sleep=off, WFI skips ahead to the next event. So main() runs a counting
// loop that never idles: in each window of W counter ticks it counts loop
// iterations until the counter passes the window's end. Every tick the loop
// did not get went to the kernel (timer interrupts, expiries, callbacks,
// re-arming, the tick). With c ticks per iteration, calibrated beforehand in
// short windows (the fastest of many, i.e. ones without an interrupt), one
// sample is
//     stolen = W - iterations * c          (counter ticks per window)
// The samples are reported as timer_stolen.<mode>.<T> for T = 0 (nothing
// armed: the kernel's own background cost, the periodic tick in tick mode)
// and T = 1, 10, 100, 1000; scripts/bench derives
//     timer_cost.<mode>.<T>            = (stolen_T - stolen_0) * hz / W   per second
//     timer_cost.<mode>.<T>.per_expiry = (stolen_T - stolen_0) * samples / expiries
// The T timers share one period P with deadlines spread evenly over it, so
// their expiries do not coincide (each one costs its own interrupt in
// tickless mode: the worst case) and the load is steady from the start.
// Under -icount the counter ticks are instructions, so the figures are
// kernel instructions; the callbacks count expiries, nothing more.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/tntimer.hpp>

#include "bench.hpp"

using namespace tn;

namespace rtbench {

namespace {

#ifdef CONFIG_LIBTNTIMER_TICK
constexpr const char* k_mode = "tick";
#else
constexpr const char* k_mode = "tickless";
#endif
constexpr u32 k_counts[] = {0, 1, 10, 100, 1000};
constexpr u32 k_max_timers = 1000;
constexpr u64 k_period_ns = u64{CONFIG_RTBENCH_TIMER_PERIOD_US} * 1000;
constexpr u64 k_scale = 1'000'000;  // fixed point of the per-iteration cost

tntimer::Timer g_timers[k_max_timers];
volatile u64 g_expiries;

void on_expiry(tntimer::Timer&, void*) { g_expiries = g_expiries + 1; }

// Loop iterations until the counter reaches @p end: isb, mrs, compare,
// branch, increment, branch.
[[gnu::noinline]] u64 count_until(u64 end) {
    u64 n = 0;
    while (stamp() < end)
        ++n;
    return n;
}

// Counter ticks per loop iteration, times k_scale. The fastest of 100
// windows (one without any interrupt: the tick, if any, comes far less
// often) of two lengths; their difference cancels the fixed cost of entering
// and leaving the loop, which is left in every sample and cancels again in
// stolen_T - stolen_0.
u64 fastest(u64 ticks) {
    u64 best = 0;
    for (int i = 0; i < 100; ++i) {
        u64 n = count_until(stamp() + ticks);
        best = n > best ? n : best;
    }
    return best;
}

u64 calibrate() {
    constexpr u64 k_short = 2000;
    u64 n1 = fastest(k_short);
    u64 n2 = fastest(2 * k_short);
    if (n2 <= n1)
        fail("timer: calibration loop did not speed up with a longer window");
    return k_short * k_scale / (n2 - n1);
}

void measure(u32 timers, u64 window, u64 cost_scaled) {
    u64 start_ns = clock::now_ns();
    for (u32 i = 0; i < timers; ++i) {
        g_timers[i].callback = on_expiry;
        tntimer::start(g_timers[i], start_ns + k_period_ns * (i + 1) / timers, k_period_ns);
    }
    reset();
    u64 end = stamp();
    u64 expiries_before = 0;
    int window_index = 0;
    while (!full()) {
        // The first recorded window starts after the warm-up ones.
        if (window_index++ == k_warmup)
            expiries_before = g_expiries;
        end += window;
        u64 n = count_until(end);
        u64 used = n * cost_scaled / k_scale;
        add(used < window ? window - used : 0);
    }
    u64 expiries = g_expiries - expiries_before;
    for (u32 i = 0; i < timers; ++i)
        (void)tntimer::cancel(g_timers[i]);
    char name[48], extra[96];
    tn_snprintf(name, sizeof name, "timer_stolen.%s.%u", k_mode, timers);
    tn_snprintf(extra, sizeof extra, " window=%lu expiries=%lu timers=%u period_ns=%lu", window, expiries, timers,
                k_period_ns);
    report(name, 1, extra);
}

}  // namespace

void run_timer() {
    u64 window = clock::frequency_hz() * CONFIG_RTBENCH_TIMER_WINDOW_US / 1'000'000;
    u64 cost = calibrate();
    tn_printf("bench: timer loop %lu.%06lu counter ticks per iteration\n", cost / k_scale, cost % k_scale);
    for (u32 t : k_counts)
        measure(t, window, cost);
    auto st = tntimer::stats();
    tn_printf("bench: timer service since boot: %lu interrupts, %lu timers fired\n", st.interrupts, st.fired);
}

}  // namespace rtbench
