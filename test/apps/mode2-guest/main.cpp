// Guest of Mortise's mode-2 tests (test/qemu/mode2-*.test): Tenon instances
// that share one CPU under Mortise's scheduler.
//  - Periodic (MODE2_GUEST_PERIODIC): a one-shot timer on the grid start + n
//    periods, waiting with WFI in between (which hands the CPU back to
//    Mortise); each wake-up measures its lateness, and a wake-up later than
//    one period (the next deadline passed before this one was served) is a
//    deadline miss. Ends with the miss count and the worst lateness.
//  - Spinner (MODE2_GUEST_SPINNER): CPU-bound, never waits; it counts the
//    windows of MODE2_GUEST_WINDOW_MS (of the counter's time, which runs on
//    while other instances hold the CPU) in which it ran at all. Two
//    spinners of one priority must both run in nearly every window (the
//    scheduler's round-robin time slice); one starved while the other ran
//    would miss half of them or more.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/irq.hpp>

namespace {

using namespace tn;

#ifdef CONFIG_MODE2_GUEST_PERIODIC
constexpr u64 k_period_ns = u64{CONFIG_MODE2_GUEST_PERIOD_US} * 1000;

u64 g_deadline_ns;
volatile u64 g_late_ns;
volatile u32 g_wakeups;

void on_timer(void*) {
    g_late_ns = clock::now_ns() - g_deadline_ns;
    g_wakeups = g_wakeups + 1;
}

int run() {
    clock::set_callback(on_timer, nullptr);
    tn_printf("periodic: %u periods of %u us\n", CONFIG_MODE2_GUEST_PERIODS, CONFIG_MODE2_GUEST_PERIOD_US);
    irq::local_enable();
    u32 misses = 0;
    u64 worst = 0, total = 0;
    g_deadline_ns = clock::now_ns() + k_period_ns;
    for (u32 n = 0; n < CONFIG_MODE2_GUEST_PERIODS; ++n) {
        const u32 seen = g_wakeups;
        if (!clock::arm_at(g_deadline_ns).ok()) {
            tn_puts("periodic: cannot arm the timer");
            return 2;
        }
        while (g_wakeups == seen)
            irq::wait_for_interrupt();
        const u64 late = g_late_ns;
        worst = late > worst ? late : worst;
        total += late;
        if (late >= k_period_ns / 2)
            tn_printf("periodic: period %u: %lu us late\n", n, late / 1000);
        if (late >= k_period_ns && misses++ < 8)
            tn_printf("periodic: deadline missed at period %u, %lu us late\n", n, late / 1000);
        // Next deadline on the grid; after a miss, the next one still ahead.
        g_deadline_ns += k_period_ns;
        while (g_deadline_ns <= clock::now_ns())
            g_deadline_ns += k_period_ns;
    }
    clock::stop();
    tn_printf("periodic: %u periods, %u deadline misses, lateness mean %lu us, worst %lu us\n",
              CONFIG_MODE2_GUEST_PERIODS, misses, total / CONFIG_MODE2_GUEST_PERIODS / 1000, worst / 1000);
    return misses ? 1 : 0;
}
#else
constexpr u64 k_window_ns = u64{CONFIG_MODE2_GUEST_WINDOW_MS} * 1'000'000;
constexpr u32 k_windows = CONFIG_MODE2_GUEST_SPIN_MS / CONFIG_MODE2_GUEST_WINDOW_MS;
bool g_ran[k_windows];

int run() {
    tn_printf("spinner: %u windows of %u ms\n", k_windows, CONFIG_MODE2_GUEST_WINDOW_MS);
    const u64 start = clock::now_ns();
    u64 iterations = 0;
    for (;;) {
        const u64 w = (clock::now_ns() - start) / k_window_ns;
        if (w >= k_windows)
            break;
        g_ran[w] = true;
        ++iterations;
    }
    u32 ran = 0;
    for (bool r : g_ran)
        ran += r;
    // The first and the last window may be cut by the others' boot and exit.
    const bool fair = ran * 10 >= k_windows * 8;
    tn_printf("spinner: ran in %u of %u windows, %lu iterations: %s\n", ran, k_windows, iterations,
              fair ? "shared fairly" : "STARVED");
    return fair ? 0 : 1;
}
#endif

}  // namespace

int main() { return run(); }
