// Priority inversion on the target, measured: L (priority 5) holds a mutex,
// H (20) blocks on it, and M (10) is ready to burn the CPU for a fixed time.
//
//   with LIBSYNC_MUTEX_PI=y   L runs its critical section at H's priority,
//                             M cannot get in between: H waits for the
//                             critical section only, whatever M's run time;
//   with LIBSYNC_MUTEX_PI=n   M runs to completion first: H waits at least
//                             M's whole run plus the critical section, and
//                             the wait grows with M's run time.
//
// Two rounds with M running 10 ms and then 30 ms tell the two apart. The
// wait is measured by H itself in counter ticks; under -icount (one tick per
// instruction) it is the same on every run, so pi-inversion.test bounds it
// tightly. Everything runs on CPU 0, under main (16).
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/sched.hpp>
#include <tn/sync.hpp>

using namespace tn;

namespace {

constexpr u8 k_low = 5, k_medium = 10, k_high = 20;
constexpr u64 k_section_us = 2'000;               // L's critical section, after H blocks
constexpr u64 k_medium_us[] = {10'000, 30'000};   // M's run, round 1 and 2

int g_failures;
void check(bool ok, const char* what) {
    if (!ok) {
        tn_printf("pi: FAILED: %s\n", what);
        ++g_failures;
    }
}

u64 us_to_ticks(u64 us) { return us * clock::frequency_hz() / 1'000'000; }

// Busy for @p ticks counter ticks from now: CPU-bound, never blocks.
void spin(u64 ticks) {
    u64 until = clock::now_ticks() + ticks;
    while (clock::now_ticks() < until) {
    }
}

sync::Mutex g_mutex;
sync::Semaphore g_low_holds(0, 1);

// Who did what, in order: h = H asks for the mutex, M/m = M starts/ends,
// u = L unlocks, H = H owns the mutex.
char g_trace[8];
int g_trace_len;
void trace(char c) { g_trace[g_trace_len++] = c; }

u64 g_wait_ticks;
u8 g_low_eff_in_section;

void low(void*) {
    check(g_mutex.lock().ok(), "L locks");
    check(g_low_holds.give().ok(), "L reports the lock");  // main preempts L here
    spin(us_to_ticks(k_section_us));
    g_low_eff_in_section = sched::effective_priority(sched::current());
    trace('u');
    check(g_mutex.unlock().ok(), "L unlocks");
}

void medium(void* arg) {
    trace('M');
    spin(us_to_ticks(*static_cast<const u64*>(arg)));
    trace('m');
}

void high(void*) {
    trace('h');
    u64 start = clock::now_ticks();
    check(g_mutex.lock().ok(), "H locks");
    g_wait_ticks = clock::now_ticks() - start;
    trace('H');
    check(g_mutex.unlock().ok(), "H unlocks");
}

sched::Thread* spawn(const char* name, u8 prio, sched::Entry fn, void* arg) {
    auto r = sched::create({name, prio, 0, 0}, fn, arg);
    check(r.ok(), "create");
    return r.ok() ? r.value() : nullptr;
}

u64 run_round(const u64& medium_us) {
    g_trace_len = 0;
    auto* l = spawn("L", k_low, low, nullptr);
    check(g_low_holds.take().ok(), "main waits until L holds the mutex");
    auto* m = spawn("M", k_medium, medium, const_cast<u64*>(&medium_us));  // below main: waits
    auto* h = spawn("H", k_high, high, nullptr);  // runs at once and blocks on the mutex
    for (auto* t : {h, m, l})
        check(t && sched::join(t).ok(), "join");
    g_trace[g_trace_len] = 0;
    tn_printf("pi: M ran %lu us: H waited %lu ticks (%lu us), L ran its section at priority %u, trace %s\n",
              medium_us, g_wait_ticks, g_wait_ticks * 1'000'000 / clock::frequency_hz(), g_low_eff_in_section,
              g_trace);
    return g_wait_ticks;
}

}  // namespace

int main() {
    tn_printf("pi: priority inheritance %s, counter %lu Hz\n", sync::k_priority_inheritance ? "on" : "off",
              clock::frequency_hz());
    u64 section = us_to_ticks(k_section_us);
    u64 wait[2];
    for (int i = 0; i < 2; ++i) {
        wait[i] = run_round(k_medium_us[i]);
        u64 medium = us_to_ticks(k_medium_us[i]);
        check(wait[i] >= section, "H waited at least L's critical section");
        if (sync::k_priority_inheritance) {
            check(__builtin_strcmp(g_trace, "huHMm") == 0, "with PI, L finishes before M starts");
            check(g_low_eff_in_section == k_high, "with PI, L inherits H's priority");
            check(wait[i] <= section + CONFIG_PI_TEST_SLACK_TICKS, "with PI, H's wait is bounded by the section");
        } else {
            check(__builtin_strcmp(g_trace, "hMmuH") == 0, "without PI, M runs before L finishes");
            check(g_low_eff_in_section == k_low, "without PI, L keeps its priority");
            check(wait[i] >= medium + section, "without PI, H waits for M's whole run");
        }
    }
    u64 growth = wait[1] > wait[0] ? wait[1] - wait[0] : wait[0] - wait[1];
    tn_printf("pi: the wait changed by %lu ticks when M ran %lu us longer\n", growth,
              k_medium_us[1] - k_medium_us[0]);
    if (sync::k_priority_inheritance)
        check(growth <= CONFIG_PI_TEST_SLACK_TICKS, "with PI, H's wait does not depend on M");
    else
        // Within 1 %: each of M's runs ends at a clock read past its own deadline, so the two ends
        // differ from the run times by a few ticks either way (5 short in one SMP layout).
        check(growth * 100 >= us_to_ticks(k_medium_us[1] - k_medium_us[0]) * 99,
              "without PI, H's wait grows with M's run");
    if (g_failures)
        return 1;
    tn_printf("pi: all checks passed (inheritance %s)\n", sync::k_priority_inheritance ? "on" : "off");
    return 0;
}
