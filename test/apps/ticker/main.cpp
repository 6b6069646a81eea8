// Timer-driven guest for Mortise's boot tests (test/qemu/mortise-*.test):
// prints "tick N" every TICKER_PERIOD_MS from the periodic timer event, checks
// at every tick that a memory pattern is intact (another guest or Mortise
// writing into this guest's RAM would show here), and exits with status 0
// after TICKER_TICKS ticks (TICKER_LATENCY adds the timer's lateness,
// TICKER_DISTURBANCE how long the check took and how many ticks other guests
// disturbed). With TICKER_ROGUE it instead writes outside its partition after
// a few ticks, which Mortise must answer by stopping it.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/irq.hpp>

namespace {

using namespace tn;

constexpr u64 k_period_ns = u64{CONFIG_TICKER_PERIOD_MS} * 1'000'000;
constexpr usize k_words = usize{CONFIG_TICKER_PATTERN_KIB} * 1024 / sizeof(u64);

volatile u32 g_ticks;
u64 g_pattern[k_words ? k_words : 1];

#ifdef CONFIG_TICKER_LATENCY
// One-shot events on the grid start + N periods; each callback records how late it ran.
u64 g_deadline_ns;
volatile u64 g_late_ns;

void on_tick(void*) {
    g_late_ns = clock::now_ns() - g_deadline_ns;
    g_deadline_ns += k_period_ns;
    (void)clock::arm_at(g_deadline_ns);
    g_ticks = g_ticks + 1;
}

bool start_timer() {
    g_deadline_ns = clock::now_ns() + k_period_ns;
    return clock::arm_at(g_deadline_ns).ok();
}
#else
void on_tick(void*) { g_ticks = g_ticks + 1; }

bool start_timer() { return clock::arm_periodic(k_period_ns).ok(); }
#endif

#ifdef CONFIG_TICKER_DISTURBANCE
// Ticks other guests disturbed, from tick TICKER_DISTURB_FROM on (Config.uk):
// missed, late or with a slow pattern check.
struct Disturbance {
    u64 fastest_ns = ~u64{0}, slowest_ns = 0;
    u32 missed = 0, late = 0, slow = 0;

    void add(u32 tick, u32 missed_ticks, u64 late_ns, u64 check_ns) {
        constexpr u32 k_from = CONFIG_TICKER_DISTURB_FROM;
        if (tick < k_from)
            return;
        fastest_ns = check_ns < fastest_ns ? check_ns : fastest_ns;
        slowest_ns = check_ns > slowest_ns ? check_ns : slowest_ns;
        // Only the missed ticks at or after k_from count.
        missed += tick - missed_ticks >= k_from ? missed_ticks : tick - k_from;
        if (late_ns > u64{CONFIG_TICKER_DISTURB_LATE_US} * 1000)
            ++late;
        else if (check_ns > u64{CONFIG_TICKER_DISTURB_CHECK_US} * 1000)
            ++slow;
    }

    void report() const {
        constexpr u32 k_from = CONFIG_TICKER_DISTURB_FROM;
        tn_printf("ticker: %u of %u ticks disturbed (ticks %u-%u): %u missed, %u late over %u us, %u pattern checks "
                  "over %u us (fastest %lu us, slowest %lu us)\n",
                  missed + late + slow, CONFIG_TICKER_TICKS - k_from + 1, k_from, CONFIG_TICKER_TICKS, missed, late,
                  CONFIG_TICKER_DISTURB_LATE_US, slow, CONFIG_TICKER_DISTURB_CHECK_US, fastest_ns / 1000,
                  slowest_ns / 1000);
    }
};
Disturbance g_disturbance;
#endif

u64 word(usize i) { return (i * 0x9e37'79b9'7f4a'7c15ull) ^ 0x5a5a'0000'1234'5678ull; }

bool pattern_intact() {
    for (usize i = 0; i < k_words; ++i)
        if (g_pattern[i] != word(i))
            return false;
    return true;
}

}  // namespace

int main() {
    for (usize i = 0; i < k_words; ++i)
        g_pattern[i] = word(i);
    clock::set_callback(on_tick, nullptr);
    if (!start_timer()) {
        tn_puts("ticker: cannot start the periodic timer");
        return 2;
    }
    tn_printf("ticker: started, %u ticks of %u ms\n", CONFIG_TICKER_TICKS, CONFIG_TICKER_PERIOD_MS);
    u32 seen = 0;
    irq::local_enable();
    while (seen < CONFIG_TICKER_TICKS) {
        irq::wait_for_interrupt();
        u32 now = g_ticks;
        if (now == seen)
            continue;
        [[maybe_unused]] const u32 missed = now - seen - 1;
        seen = now;
        const u64 check_start = clock::now_ns();
        if (!pattern_intact()) {
            tn_printf("ticker: memory pattern damaged at tick %u\n", seen);
            return 3;
        }
        [[maybe_unused]] const u64 check_ns = clock::now_ns() - check_start;
#ifdef CONFIG_TICKER_LATENCY
        static u64 min_ns = ~u64{0}, max_ns;
        const u64 late = g_late_ns;
        min_ns = late < min_ns ? late : min_ns;
        max_ns = late > max_ns ? late : max_ns;
#ifdef CONFIG_TICKER_DISTURBANCE
        g_disturbance.add(seen, missed, late, check_ns);
        tn_printf("tick %u (pattern intact), timer latency %lu ns (min %lu, max %lu), check %lu us\n", seen, late,
                  min_ns, max_ns, check_ns / 1000);
#else
        tn_printf("tick %u (pattern intact), timer latency %lu ns (min %lu, max %lu)\n", seen, late, min_ns, max_ns);
#endif
#else
        tn_printf("tick %u (pattern intact)\n", seen);
#endif
#ifdef CONFIG_TICKER_ROGUE
        if (seen == CONFIG_TICKER_ROGUE_AFTER) {
            tn_printf("ticker: writing to 0x%lx, outside this guest's partition\n",
                      static_cast<u64>(CONFIG_TICKER_ROGUE_ADDRESS));
            *reinterpret_cast<volatile u64*>(CONFIG_TICKER_ROGUE_ADDRESS) = 0xdead'beef;
            tn_puts("ticker: FAILED: the rogue write did not stop this guest");
            return 4;
        }
#endif
    }
    clock::stop();
#ifdef CONFIG_TICKER_DISTURBANCE
    g_disturbance.report();
#endif
    tn_puts("ticker: done");
    return 0;
}
