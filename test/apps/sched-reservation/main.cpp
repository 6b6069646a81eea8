// Reservations (LIBSCHED_RESERVATIONS) on the target:
//  1. A runaway thread of priority 20 that spins forever, reserved 3 ms per
//     10 ms, does not starve a victim thread of priority 16 on its CPU: over
//     one second the victim gets SCHED_RESERVATION_TEST_SHARE_MIN..MAX per
//     mille of the CPU, measured by itself from the counter (the time between
//     two of its reads counts as its own when shorter than 50 us). Without
//     the reservation it would never run again. The runaway's statistics
//     (C API) agree: about 100 periods and throttles, about 300 ms of run
//     time. On CPU 0, and on CPU 1 too when two CPUs are online.
//  2. A periodic thread of priority 22 reserved 2 ms per 10 ms that works
//     1 ms per period (sleep_until on a 10 ms grid) is never throttled.
//  3. Bad arguments fail with BadReservation, and nothing changes.
//  4. Priority inheritance outranks the budget: a thread reserved 1 ms per
//     10 ms holds a Mutex for 3 ms; a more urgent thread that waits for it
//     gets it when the critical section ends (about 2.5 ms), not after the
//     holder's next two replenishments (about 20 ms); the holder is
//     throttled when it releases the mutex, with one overrun.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/sched.h>
#include <tn/sched.hpp>
#include <tn/smp.hpp>
#include <tn/sync.hpp>

using namespace tn;

namespace {

constexpr u64 k_ms = 1'000'000;
int g_failures;

void check(bool ok, const char* what) {
    if (!ok) {
        tn_printf("sched-reservation: FAILED: %s\n", what);
        ++g_failures;
    }
}

sched::Thread* spawn_suspended(const char* name, u8 prio, sched::Entry fn, unsigned cpu = 0) {
    auto r = sched::create({name, prio, 0, cpu, true}, fn, nullptr);
    check(r.ok(), "create");
    return r.ok() ? r.value() : nullptr;
}

// Busy for @p ns of counter time (preemptions included).
void busy_ns(u64 ns) {
    u64 end = clock::now_ns() + ns;
    while (clock::now_ns() < end) {
    }
}

// ---- 1. the runaway
[[noreturn]] void runaway(void*) {
    for (;;)
        __asm__ volatile("" ::: "memory");
}

// The victim: priority 16 (main's) on the runaway's CPU.
void victim(void* arg) {
    unsigned cpu = static_cast<unsigned>(reinterpret_cast<uptr>(arg));
    sched::Thread* r = spawn_suspended("runaway", 20, runaway, cpu);
    if (!r)
        return;
    check(sched::set_reservation(r, 3 * k_ms, 10 * k_ms).ok(), "set_reservation(runaway, 3 ms, 10 ms)");
    check(sched::resume(r).ok(), "resume(runaway)");
    // Here once the runaway is throttled (3 ms later).
    u64 hz = clock::frequency_hz();
    u64 gap = hz / 20'000;  // 50 us
    u64 start = clock::now_ticks(), prev = start, mine = 0;
    while (prev - start < hz) {
        u64 t = clock::now_ticks();
        if (t - prev < gap)
            mine += t - prev;
        prev = t;
    }
    u64 share = mine * 1000 / (prev - start);
    tn_printf("sched-reservation: CPU %u: the victim got %lu per mille of 1 s beside a runaway reserved 3 ms per 10 ms\n",
              cpu, share);
    check(share >= CONFIG_SCHED_RESERVATION_TEST_SHARE_MIN && share <= CONFIG_SCHED_RESERVATION_TEST_SHARE_MAX,
          "the victim's share of the CPU is within the band");

    tn_reservation_stats_t s;
    tn_thread_reservation_stats(reinterpret_cast<tn_thread_t*>(r), &s);
    sched::ThreadStats ts = sched::stats(r);
    tn_printf("sched-reservation: runaway: %lu periods, %lu throttles, %lu overruns, ran %lu us\n", s.periods,
              s.throttles, s.overruns, ts.run_ns / 1000);
    check(s.budget_ns == 3 * k_ms && s.period_ns == 10 * k_ms, "the runaway's reservation as set");
    check(s.periods >= 99 && s.periods <= 102, "about 100 periods in 1 s");
    check(s.throttles >= 99 && s.throttles <= 102 && s.throttles <= s.periods + 1, "throttled once per period");
    check(s.overruns == 0, "no overruns");
    check(s.throttled == 1 && s.budget_left_ns == 0, "throttled while the victim runs");
#ifdef CONFIG_LIBSCHED_RUNTIME_STATS
    // 100 or 101 budgets of 3 ms (the switch in and out is charged too).
    check(ts.run_ns >= 297 * k_ms && ts.run_ns <= 306 * k_ms, "the runaway ran about 300 ms");
#endif
    // It stays suspended: nothing but the end of the run ends a runaway.
    check(sched::suspend(r).ok(), "suspend(runaway)");
    tn_thread_reservation_stats(reinterpret_cast<tn_thread_t*>(r), &s);
    check(s.throttled == 0, "a suspended thread is not throttled");
}

// On CPU 0 and, with two CPUs online, on CPU 1 (whose budget and
// replenishment timers fire on CPU 0 with the periodic tick).
void test_runaway() {
    for (unsigned cpu = 0; cpu < smp::online_count(); ++cpu) {
        auto v = sched::create({"victim", 16, 0, cpu}, victim, reinterpret_cast<void*>(uptr{cpu}));
        check(v.ok(), "create(victim)");
        if (v.ok())
            check(sched::join(v.value()).ok(), "join(victim)");
    }
}

// ---- 2. a periodic thread within its budget
tn_reservation_stats_t g_periodic;

void periodic(void*) {
    u64 next = clock::now_ns();
    for (int i = 0; i < 20; ++i) {
        busy_ns(1 * k_ms);
        if (i == 19)
            tn_thread_reservation_stats(reinterpret_cast<tn_thread_t*>(sched::current()), &g_periodic);
        next += 10 * k_ms;
        (void)sched::sleep_until(next);
    }
}

void test_periodic() {
    sched::Thread* p = spawn_suspended("periodic", 22, periodic);
    if (!p)
        return;
    check(tn_thread_set_reservation(reinterpret_cast<tn_thread_t*>(p), 2 * k_ms, 10 * k_ms) == 0,
          "tn_thread_set_reservation(periodic, 2 ms, 10 ms)");
    check(sched::resume(p).ok(), "resume(periodic)");
    check(sched::join(p).ok(), "join(periodic)");
    tn_printf("sched-reservation: periodic: %lu periods, %lu throttles\n", g_periodic.periods,
              g_periodic.throttles);
    check(g_periodic.periods == 19, "19 replenishments before its last period's work ended");
    check(g_periodic.throttles == 0 && g_periodic.overruns == 0, "a thread within its budget is never throttled");
}

// ---- 3. bad arguments
void test_bad_arguments() {
    sched::Thread* self = sched::current();
    auto refused = [&](u64 budget, u64 period) {
        auto r = sched::set_reservation(self, budget, period);
        return !r.ok() && r.error() == sched::Error::BadReservation;
    };
    check(refused(sched::k_min_budget_ns - 1, 10 * k_ms), "a budget below the minimum is refused");
    check(refused(11 * k_ms, 10 * k_ms), "a budget above the period is refused");
    check(refused(k_ms, sched::k_max_period_ns + 1), "a period above the maximum is refused");
    check(tn_thread_set_reservation(reinterpret_cast<tn_thread_t*>(self), 1, 10 * k_ms) == -TN_EINVAL,
          "the C API says -TN_EINVAL");
    check(sched::reservation_stats(self).budget_ns == 0, "a refused call changes nothing");
}

// ---- 4. priority inheritance
sync::Mutex g_mutex;
u64 g_waited_ns;

void holder(void*) {
    check(g_mutex.lock().ok(), "holder: lock");
    busy_ns(3 * k_ms);  // main and the waiter take some of it
    check(g_mutex.unlock().ok(), "holder: unlock");  // throttled here: its budget is long gone
}

void waiter(void*) {
    u64 start = clock::now_ns();
    check(g_mutex.lock().ok(), "waiter: lock");
    g_waited_ns = clock::now_ns() - start;
    check(g_mutex.unlock().ok(), "waiter: unlock");
}

void test_inheritance() {
    sched::Thread* h = spawn_suspended("holder", 12, holder);
    if (!h)
        return;
    check(sched::set_reservation(h, 1 * k_ms, 10 * k_ms).ok(), "set_reservation(holder, 1 ms, 10 ms)");
    check(sched::resume(h).ok(), "resume(holder)");
    (void)sched::sleep_ns(k_ms / 2);  // the holder takes the mutex and spends half its budget
    auto w = sched::create({"waiter", 24, 0, 0}, waiter, nullptr);  // blocks at once: boosts the holder
    check(w.ok(), "create(waiter)");
    if (w.ok())
        check(sched::join(w.value()).ok(), "join(waiter)");
    sched::ReservationStats s = sched::reservation_stats(h);
    tn_printf("sched-reservation: waiter got the mutex after %lu us; holder: %lu overruns, %s\n",
              g_waited_ns / 1000, s.overruns, s.throttled ? "throttled" : "not throttled");
    check(g_waited_ns <= 4 * k_ms, "the waiter's wait is the critical section, not the holder's periods");
    check(s.overruns == 1, "the budget ended once while the holder was boosted");
    check(s.throttled, "the holder is throttled once the boost ends");
    check(sched::join(h).ok(), "join(holder)");
}

}  // namespace

int main() {
    test_bad_arguments();
    test_runaway();
    test_periodic();
    test_inheritance();
    if (g_failures) {
        tn_printf("sched-reservation: %d checks FAILED\n", g_failures);
        return 1;
    }
    tn_puts("sched-reservation: all checks passed");
    return 0;
}
