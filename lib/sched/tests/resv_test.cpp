// Reservations (LIBSCHED_RESERVATIONS) in lib/sched's core on the host, in
// virtual time (sched_env.hpp): a reserved thread "runs" by advancing the
// clock in small steps, so its budget timer fires in the middle of its work
// exactly as on the target. The test body is the main thread, priority 16.
#include <gtest/gtest.h>

#include <functional>

#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>

#include "sched_env.hpp"

namespace sched = tn::sched;
using sched::Error;
using sched::Thread;
using tn::u64;
using tn::u8;

namespace {

constexpr u8 k_main = 16;
constexpr u64 k_us = 1000;
constexpr u64 k_ms = 1'000'000;
constexpr u64 k_step = 10 * k_us;

void run_body(void* body) { (*static_cast<std::function<void()>*>(body))(); }

// A suspended thread: the test sets its reservation, then resumes it.
Thread* spawn_suspended(const char* name, u8 priority, std::function<void()>& body) {
    sched::ThreadAttr attr{name, priority, 0, 0, true};
    auto r = sched::create(attr, run_body, &body);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : nullptr;
}

// Runs (advances time) for @p ns in k_step steps, or until @p stop.
void run_for(u64 ns, const bool* stop = nullptr) {
    for (u64 done = 0; done < ns && !(stop && *stop); done += k_step)
        sched_env::advance(k_step);
}

// Spins (advancing time) until @p stop; counts the steps it ran (each
// before it, so a step cut short by a throttle is counted when it starts).
void spin(const bool& stop, u64& ran) {
    while (!stop) {
        ran += k_step;
        sched_env::advance(k_step);
    }
}

class Reservation : public ::testing::Test {
protected:
    void SetUp() override {
        sched_env::boot();
        m_stacks = sched_env::live_stacks();
    }
    void TearDown() override { EXPECT_EQ(sched_env::live_stacks(), m_stacks); }

private:
    unsigned m_stacks = 0;
};

TEST_F(Reservation, RunawayIsThrottledAtBudgetEndAndReplenishedAtPeriod) {
    bool stop = false;
    u64 ran = 0;
    std::function<void()> body = [&] { spin(stop, ran); };
    Thread* h = spawn_suspended("runaway", k_main + 4, body);
    ASSERT_TRUE(sched::set_reservation(h, 3 * k_ms, 10 * k_ms).ok());
    u64 t0 = sched_env::now();
    ASSERT_TRUE(sched::resume(h).ok());
    // It ran its 3 ms budget before main got the CPU back, and not a step more.
    EXPECT_EQ(sched_env::now() - t0, 3 * k_ms);
    EXPECT_EQ(ran, 3 * k_ms);
    sched::ReservationStats s = sched::reservation_stats(h);
    EXPECT_TRUE(s.throttled);
    EXPECT_EQ(s.throttles, 1u);
    EXPECT_EQ(s.budget_left_ns, 0u);
    EXPECT_EQ(s.periods, 0u);
    // Main runs until the period ends at t0 + 10 ms; then the runaway
    // preempts it for another 3 ms.
    u64 main_ran = 0;
    while (sched_env::now() - t0 < 99 * k_ms) {
        main_ran += k_step;
        sched_env::advance(k_step);
    }
    // 10 periods begun: 3 ms each for the runaway, the rest (7 ms, 6 in the
    // last one) for main.
    EXPECT_EQ(ran, 30 * k_ms);
    EXPECT_EQ(main_ran, 69 * k_ms);
    s = sched::reservation_stats(h);
    EXPECT_EQ(s.periods, 9u);
    EXPECT_EQ(s.throttles, 10u);
    EXPECT_EQ(s.overruns, 0u);
    EXPECT_EQ(s.budget_ns, 3 * k_ms);
    EXPECT_EQ(s.period_ns, 10 * k_ms);
    stop = true;
    EXPECT_TRUE(sched::join(h).ok());  // it sees stop at its next replenishment
}

TEST_F(Reservation, ABlockedThreadKeepsItsBudget) {
    u64 t0 = 0, throttled_at = 0;
    bool stop = false;
    u64 ran = 0;
    std::function<void()> body = [&] {
        run_for(1 * k_ms);
        EXPECT_TRUE(sched::sleep_ns(2 * k_ms).ok());  // blocks with 2 ms left
        spin(stop, ran);
    };
    Thread* h = spawn_suspended("blocker", k_main + 4, body);
    ASSERT_TRUE(sched::set_reservation(h, 3 * k_ms, 10 * k_ms).ok());
    t0 = sched_env::now();
    ASSERT_TRUE(sched::resume(h).ok());
    // It ran 1 ms and sleeps: its budget waits for it.
    EXPECT_EQ(sched_env::now() - t0, 1 * k_ms);
    sched::ReservationStats s = sched::reservation_stats(h);
    EXPECT_FALSE(s.throttled);
    EXPECT_EQ(s.budget_left_ns, 2 * k_ms);
    // It wakes at 3 ms and spends the 2 ms left: throttled at 5 ms.
    while (!sched::reservation_stats(h).throttled)
        sched_env::advance(k_step);
    throttled_at = sched_env::now() - t0;
    EXPECT_EQ(throttled_at, 5 * k_ms);
    EXPECT_EQ(ran, 2 * k_ms);
    stop = true;
    EXPECT_TRUE(sched::set_reservation(h, 0, 0).ok());  // removal makes it ready: it ends at once
    EXPECT_TRUE(sched::join(h).ok());
}

TEST_F(Reservation, RemovingItLetsTheThreadRunFreely) {
    u64 ran = 0;
    std::function<void()> body = [&] { run_for(5 * k_ms), ran = 5 * k_ms; };
    Thread* h = spawn_suspended("freed", k_main + 4, body);
    ASSERT_TRUE(sched::set_reservation(h, 1 * k_ms, 10 * k_ms).ok());
    u64 t0 = sched_env::now();
    ASSERT_TRUE(sched::resume(h).ok());
    EXPECT_EQ(sched_env::now() - t0, 1 * k_ms);
    EXPECT_TRUE(sched::reservation_stats(h).throttled);
    // Unreserved, it preempts main at once and runs its other 4 ms in one go.
    ASSERT_TRUE(sched::set_reservation(h, 0, 0).ok());
    EXPECT_EQ(ran, 5 * k_ms);
    EXPECT_EQ(sched_env::now() - t0, 5 * k_ms);
    EXPECT_EQ(sched::reservation_stats(h).budget_ns, 0u);
    EXPECT_TRUE(sched::join(h).ok());
}

TEST_F(Reservation, BadArgumentsAreRefused) {
    Thread* self = sched::current();
    auto bad = [&](u64 budget, u64 period) {
        auto r = sched::set_reservation(self, budget, period);
        return !r.ok() && r.error() == Error::BadReservation;
    };
    EXPECT_TRUE(bad(sched::k_min_budget_ns - 1, 10 * k_ms));  // budget below the minimum
    EXPECT_TRUE(bad(0, 10 * k_ms));
    EXPECT_TRUE(bad(11 * k_ms, 10 * k_ms));  // budget above the period
    EXPECT_TRUE(bad(1 * k_ms, sched::k_max_period_ns + 1));
    EXPECT_TRUE(bad(1 * k_ms, 0));
    EXPECT_EQ(sched::reservation_stats(self).budget_ns, 0u);  // a failed call changes nothing
    EXPECT_TRUE(sched::set_reservation(self, 0, 0).ok());     // removing none is fine
    // An exited thread cannot get one.
    std::function<void()> body = [] {};
    auto r = sched::create({"done", k_main + 1, 0, 0}, run_body, &body);
    ASSERT_TRUE(r.ok());
    auto e = sched::set_reservation(r.value(), 1 * k_ms, 10 * k_ms);
    EXPECT_TRUE(!e.ok() && e.error() == Error::BadState);
    EXPECT_TRUE(sched::join(r.value()).ok());
}

TEST_F(Reservation, APeriodicThreadWithinItsBudgetIsNeverThrottled) {
    std::function<void()> body = [] {
        u64 next = sched_env::now();
        for (int i = 0; i < 8; ++i) {
            run_for(2 * k_ms);  // of a 3 ms budget
            next += 10 * k_ms;
            EXPECT_TRUE(sched::sleep_until(next).ok());
        }
    };
    Thread* h = spawn_suspended("periodic", k_main + 4, body);
    ASSERT_TRUE(sched::set_reservation(h, 3 * k_ms, 10 * k_ms).ok());
    ASSERT_TRUE(sched::resume(h).ok());
    // Main sleeps meanwhile (only idle below); the stats are read before exit.
    EXPECT_TRUE(sched::sleep_ns(75 * k_ms).ok());
    sched::ReservationStats s = sched::reservation_stats(h);
    EXPECT_EQ(s.throttles, 0u);
    EXPECT_EQ(s.overruns, 0u);
    EXPECT_EQ(s.periods, 7u);
    EXPECT_TRUE(sched::join(h).ok());
}

TEST_F(Reservation, ItsOwnReservationThrottlesTheCaller) {
    // Main reserves itself 1 ms per 5 ms with a lower thread ready: after
    // 1 ms of main the lower one runs until main's replenishment.
    u64 low_ran = 0;
    bool stop = false;
    std::function<void()> body = [&] { spin(stop, low_ran); };
    auto r = sched::create({"low", k_main - 1, 0, 0}, run_body, &body);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(sched::set_reservation(sched::current(), 1 * k_ms, 5 * k_ms).ok());
    u64 t0 = sched_env::now();
    run_for(1500 * k_us);  // 1 ms, throttled for 4, then 0.5 ms of the next budget
    EXPECT_EQ(sched_env::now() - t0, 5500 * k_us);
    EXPECT_EQ(low_ran, 4 * k_ms);
    EXPECT_EQ(sched::reservation_stats(sched::current()).throttles, 1u);
    ASSERT_TRUE(sched::set_reservation(sched::current(), 0, 0).ok());
    stop = true;
    EXPECT_TRUE(sched::join(r.value()).ok());
}

// Priority inheritance: lib/sync raises a mutex holder's effective priority
// through set_effective_priority(); here the test plays lib/sync.
void set_effective(Thread* t, u8 priority) {
    sched::Locked held;
    sched::set_effective_priority(held, t, priority);
}

TEST_F(Reservation, ABoostedThreadRunsPastItsBudgetUntilTheBoostEnds) {
    u64 t0 = 0, unboosted_at = 0;
    std::function<void()> body = [&] {
        Thread* self = sched::current();
        set_effective(self, k_main + 8);  // "a more urgent thread waits for our mutex"
        run_for(5 * k_ms);                // past the 3 ms budget: not throttled
        unboosted_at = sched_env::now();
        set_effective(self, k_main + 4);  // "mutex released": throttled right here
        run_for(1 * k_ms);
    };
    Thread* h = spawn_suspended("holder", k_main + 4, body);
    ASSERT_TRUE(sched::set_reservation(h, 3 * k_ms, 10 * k_ms).ok());
    t0 = sched_env::now();
    ASSERT_TRUE(sched::resume(h).ok());
    EXPECT_EQ(unboosted_at - t0, 5 * k_ms);
    EXPECT_EQ(sched_env::now() - t0, 5 * k_ms);  // main runs from the boost's end
    sched::ReservationStats s = sched::reservation_stats(h);
    EXPECT_TRUE(s.throttled);
    EXPECT_EQ(s.overruns, 1u);
    EXPECT_EQ(s.throttles, 1u);
    EXPECT_EQ(s.debt_ns, 2 * k_ms);  // 5 ms run on a 3 ms budget
    // Its next budget is 3 - 2 = 1 ms: at t0 + 10 ms it runs 1 ms and is
    // throttled at the very end of its last step; it returns at t0 + 20 ms.
    sched_env::advance(0);
    while (sched::reservation_stats(h).periods < 1)
        sched_env::advance(k_step);
    EXPECT_EQ(sched_env::now() - t0, 11 * k_ms);
    s = sched::reservation_stats(h);
    EXPECT_TRUE(s.throttled);
    EXPECT_EQ(s.debt_ns, 0u);
    EXPECT_TRUE(sched::join(h).ok());
    EXPECT_EQ(sched_env::now() - t0, 20 * k_ms);
}

TEST_F(Reservation, BoostingAThrottledThreadMakesItRunOnNoBudget) {
    bool release = false, released = false, after = false;
    u64 ran = 0;
    std::function<void()> body = [&] {
        spin(release, ran);
        released = true;
        set_effective(sched::current(), k_main + 4);  // the boost ends: no budget, throttled
        after = true;
    };
    Thread* h = spawn_suspended("throttled-holder", k_main + 4, body);
    ASSERT_TRUE(sched::set_reservation(h, 1 * k_ms, 10 * k_ms).ok());
    u64 t0 = sched_env::now();
    ASSERT_TRUE(sched::resume(h).ok());
    ASSERT_TRUE(sched::reservation_stats(h).throttled);
    // A waiter of priority main+8 boosts it: it runs at once on no budget
    // (ends its spin, "releases the mutex") and is throttled again there.
    release = true;
    set_effective(h, k_main + 8);
    EXPECT_TRUE(released);  // it ran before main got back here
    EXPECT_FALSE(after);    // but not past the boost's end
    EXPECT_EQ(ran, 1 * k_ms);
    sched::ReservationStats s = sched::reservation_stats(h);
    EXPECT_TRUE(s.throttled);
    EXPECT_EQ(s.throttles, 2u);
    EXPECT_EQ(sched_env::now() - t0, 1 * k_ms);
    EXPECT_TRUE(sched::join(h).ok());  // it exits after its replenishment
    EXPECT_TRUE(after);
    EXPECT_EQ(sched_env::now() - t0, 10 * k_ms);
}

TEST_F(Reservation, APreemptionLockDefersTheThrottleToItsUnlock) {
    u64 t0 = 0, unlocked_at = 0;
    std::function<void()> body = [&] {
        sched::lock_preemption();
        run_for(4 * k_ms);
        unlocked_at = sched_env::now();
        sched::unlock_preemption();  // throttled here
    };
    Thread* h = spawn_suspended("locker", k_main + 4, body);
    ASSERT_TRUE(sched::set_reservation(h, 3 * k_ms, 10 * k_ms).ok());
    t0 = sched_env::now();
    ASSERT_TRUE(sched::resume(h).ok());
    EXPECT_EQ(sched_env::now() - t0, 4 * k_ms);
    EXPECT_EQ(unlocked_at - t0, 4 * k_ms);
    sched::ReservationStats s = sched::reservation_stats(h);
    EXPECT_TRUE(s.throttled);
    EXPECT_GE(s.overruns, 1u);
    EXPECT_TRUE(sched::join(h).ok());
}

TEST_F(Reservation, SuspendAndExitDisarmTheTimers) {
    bool stop = false;
    u64 ran = 0;
    std::function<void()> body = [&] { spin(stop, ran); };
    Thread* h = spawn_suspended("suspended", k_main + 4, body);
    ASSERT_TRUE(sched::set_reservation(h, 1 * k_ms, 10 * k_ms).ok());
    ASSERT_TRUE(sched::resume(h).ok());  // runs 1 ms, throttled
    ASSERT_TRUE(sched::suspend(h).ok());
    EXPECT_FALSE(sched::reservation_stats(h).throttled);
    EXPECT_EQ(tn::tntimer::armed_count(), 0u);  // neither its replenishment nor a budget timer
    EXPECT_TRUE(sched::sleep_ns(30 * k_ms).ok());
    EXPECT_EQ(ran, 1 * k_ms);  // no replenishment made it run
    stop = true;
    ASSERT_TRUE(sched::resume(h).ok());  // a new period with a full budget: it sees stop and exits
    EXPECT_TRUE(sched::join(h).ok());
    EXPECT_EQ(tn::tntimer::armed_count(), 0u);
}

}  // namespace
