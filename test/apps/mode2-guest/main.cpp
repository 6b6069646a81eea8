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
//  - Runaway (MODE2_GUEST_RUNAWAY): spins forever; only Mortise (a
//    reservation, the shell's destroy) stops it taking its CPU.
//  - Share (MODE2_GUEST_SHARE): CPU-bound for MODE2_GUEST_SHARE_MS of the
//    counter's time, reading the counter in a tight loop: a step longer than
//    50 us is time another instance had the CPU, the rest is its own. Reports
//    its share in per mille and fails outside MODE2_GUEST_SHARE_MIN..MAX.
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
#ifdef CONFIG_MODE2_GUEST_BENCH
u64 g_late_ticks[CONFIG_MODE2_GUEST_PERIODS];

// scripts/bench's line (apps/rtbench's format), integers only.
void report(const char* metric, const u64* v, u32 n) {
    u64 lo = ~u64{0}, hi = 0, sum = 0;
    for (u32 i = 0; i < n; ++i) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
        sum += v[i];
    }
    const u64 mean_x100 = sum * 100 / n;
    u64 var = 0;
    for (u32 i = 0; i < n; ++i) {
        const i64 d = static_cast<i64>(v[i] * 100) - static_cast<i64>(mean_x100);
        var += static_cast<u64>(d * d) / n;
    }
    u64 sd = 0;  // integer square root of var (hundredths)
    for (u64 bit = u64{1} << 62; bit; bit >>= 2) {
        if (var >= sd + bit) {
            var -= sd + bit;
            sd = (sd >> 1) + bit;
        } else {
            sd >>= 1;
        }
    }
    tn_printf("bench: %s samples=%u min=%lu mean=%lu.%02lu max=%lu stddev=%lu.%02lu ops=1\n", metric, n, lo,
              mean_x100 / 100, mean_x100 % 100, hi, sd / 100, sd % 100);
}
#endif

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
#ifdef CONFIG_MODE2_GUEST_BENCH
        g_late_ticks[n] = static_cast<u64>(static_cast<unsigned __int128>(late) * clock::frequency_hz() / 1'000'000'000u);
#endif
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
#ifdef CONFIG_MODE2_GUEST_BENCH
    tn_printf("bench: counter %lu Hz\n", clock::frequency_hz());
    report(CONFIG_MODE2_GUEST_BENCH_METRIC, g_late_ticks, CONFIG_MODE2_GUEST_PERIODS);
    tn_puts("bench: done");
#endif
    return misses ? 1 : 0;
}
#elif defined(CONFIG_MODE2_GUEST_RUNAWAY)
int run() {
    tn_puts("runaway: spinning for good");
    for (;;)
        __asm__ volatile("" ::: "memory");
}
#elif defined(CONFIG_MODE2_GUEST_SHARE)
int run() {
    if (CONFIG_MODE2_GUEST_SHARE_DELAY_MS != 0) {
        // Blocked meanwhile (WFI hands the CPU to Mortise): the others on the CPU boot first.
        const u64 until = clock::now_ns() + u64{CONFIG_MODE2_GUEST_SHARE_DELAY_MS} * 1'000'000;
        clock::set_callback([](void*) {}, nullptr);
        if (!clock::arm_at(until).ok())
            return 2;
        irq::local_enable();
        while (clock::now_ns() < until)
            irq::wait_for_interrupt();
        irq::local_disable();
        clock::stop();
    }
    const u64 hz = clock::frequency_hz();
    const u64 gap = hz / 20'000;  // 50 us
    const u64 span = hz / 1000 * CONFIG_MODE2_GUEST_SHARE_MS;
    const u64 start = clock::now_ticks();
    u64 prev = start, mine = 0, gaps = 0;
    while (prev - start < span) {
        const u64 t = clock::now_ticks();
        if (t - prev < gap)
            mine += t - prev;
        else
            ++gaps;
        prev = t;
    }
    const u64 share = mine * 1000 / (prev - start);
    const bool ok = share >= CONFIG_MODE2_GUEST_SHARE_MIN && share <= CONFIG_MODE2_GUEST_SHARE_MAX;
    tn_printf("share: %lu per mille of %u ms, %lu times off the CPU: %s (band %u-%u)\n", share,
              CONFIG_MODE2_GUEST_SHARE_MS, gaps, ok ? "in band" : "FAILED", CONFIG_MODE2_GUEST_SHARE_MIN,
              CONFIG_MODE2_GUEST_SHARE_MAX);
#ifdef CONFIG_MODE2_GUEST_SHARE_DOUBLE_SCHED
    // scripts/bench's line, one sample.
    tn_printf("bench: counter %lu Hz\n", hz);
    tn_printf("bench: mode2.double_sched.share samples=1 min=%lu mean=%lu.00 max=%lu stddev=0.00 ops=1\n", share,
              share, share);
#endif
    return ok ? 0 : 1;
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
