// Guest of test/apps/mode2-hint (qemu/mode2-hint, scripts/bench's mode2-double-sched): a Tenon
// instance with a 1 kHz control task (priority 20) and a CPU-bound background thread (priority 1),
// built with PLAT_MORTISE_GUEST_SCHED_HINT so that lib/sched reports each switch's priority to
// Mortise. Its description gives it priority 5, below a CPU-bound neighbour (10) on its CPU, and
// max-priority 20 above it ('rt'), or none ('nohint': Mortise refuses its hints, so it stays at 5).
//
// First the sched calls themselves: sched.info's priorities, a priority above 31 refused, a hint
// clamped into [priority, max-priority] (or DENIED without max-priority). Then the control task
// wakes on the grid start + n ms for MODE2_HINT_PERIODS periods; a wake-up one period or more
// after its deadline is a miss, and grid points passed meanwhile are misses too. Ends with the
// misses, the worst lateness and the background thread's iterations.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/mortise.hpp>
#include <tn/sched.hpp>

namespace {

using namespace tn;

constexpr u64 k_period_ns = 1'000'000;
constexpr u32 k_periods = CONFIG_MODE2_HINT_PERIODS;
constexpr u8 k_control_priority = 20, k_background_priority = 1;

volatile bool g_done;
volatile u64 g_iterations;
u32 g_misses;
u64 g_worst_ns;

void control(void*) {
    u64 next = clock::now_ns() + k_period_ns;
    for (u32 n = 0; n < k_periods; ++n) {
        (void)sched::sleep_until(next);
        const u64 now = clock::now_ns();
        const u64 late = now - next;
        g_worst_ns = late > g_worst_ns ? late : g_worst_ns;
        if (late >= k_period_ns && g_misses < 4)
            tn_printf("hint: deadline missed at period %u, %lu us late\n", n, late / 1000);
        g_misses += late >= k_period_ns;
        next += k_period_ns;
        // Grid points that passed unserved: missed too.
        for (; next <= now && n + 1 < k_periods; next += k_period_ns, ++n)
            ++g_misses;
    }
    g_done = true;
}

void background(void*) {
    while (!g_done)
        g_iterations = g_iterations + 1;
}

bool check(bool ok, const char* what) {
    tn_printf("hint: %s: %s\n", what, ok ? "ok" : "FAILED");
    return ok;
}

// The sched calls from this guest: @p hinting says whether it has max-priority (info's x2 > x1).
bool check_calls(bool& hinting) {
    mortise::Result info = mortise::sched_info();
    tn_printf("hint: sched.info: priority %lu, ceiling %lu, now %lu\n", info.x1, info.x2, info.x3);
    bool ok = check(info.ok() && info.x1 == 5 && info.x2 >= info.x1, "sched.info");
    hinting = info.x2 > info.x1;
    using St = mortise::Status;
    ok &= check(mortise::call(mortise::fid::k_sched_hint, 32, 0).status == St::InvalidParameters,
                "sched.hint(32, 0) is INVALID_PARAMETERS");
    ok &= check(mortise::call(mortise::fid::k_sched_hint, 0, ~u64{0}).status == St::InvalidParameters,
                "sched.hint(0, ~0) is INVALID_PARAMETERS");
    const St s = mortise::sched_hint(31, 31);
    if (!hinting) {
        ok &= check(s == St::Denied, "sched.hint without max-priority is DENIED");
        ok &= check(mortise::sched_info().x3 == 5, "still at priority 5");
        return ok;
    }
    ok &= check(s == St::Success && mortise::sched_info().x3 == info.x2, "sched.hint(31) is clamped to the ceiling");
    ok &= check(mortise::sched_hint(2, 0) == St::Success && mortise::sched_info().x3 == 5,
                "sched.hint(2) is clamped to the priority");
    ok &= check(mortise::sched_hint(0, 0) == St::Success && mortise::sched_info().x3 == 5, "sched.hint(0) is the base");
    return ok;
}

}  // namespace

int main() {
    bool hinting = false;
    const bool calls_ok = check_calls(hinting);
    // The hook reports from the next switch on (the explicit calls above left it unknown).
    mortise::set_sched_on_interrupt(CONFIG_PLAT_MORTISE_GUEST_SCHED_HINT_ON_INTERRUPT);
    sched::ThreadAttr a;
    a.name = "background";
    a.priority = k_background_priority;
    auto bg = sched::create(a, background, nullptr);
    a.name = "control";
    a.priority = k_control_priority;
    auto ctl = sched::create(a, control, nullptr);
    if (!bg.ok() || !ctl.ok()) {
        tn_puts("hint: FAILED: cannot create the threads");
        return 2;
    }
    (void)sched::join(ctl.value());
    (void)sched::join(bg.value());
    tn_printf("hint: %s: %u periods of 1 ms, %u deadline misses, worst lateness %lu us, background %lu iterations\n",
              hinting ? "hints on" : "hints refused", k_periods, g_misses, g_worst_ns / 1000, g_iterations);
#ifdef CONFIG_MODE2_HINT_BENCH
    tn_printf("bench: counter %lu Hz\n", clock::frequency_hz());
    tn_printf("bench: mode2.double_sched.misses.%s samples=%u min=%u mean=%u.00 max=%u stddev=0.00 ops=1\n",
              hinting ? "on" : "off", k_periods, g_misses, g_misses, g_misses);
    tn_puts("bench: done");
#endif
    return calls_ok ? 0 : 1;
}
