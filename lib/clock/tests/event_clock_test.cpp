// lib/clock's one-shot/periodic state machine against a fake counter and
// comparator whose time the test sets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event_clock.hpp"

namespace tn::clock {
namespace {

class FakeDevice final : public Device {
public:
    u64 counter() const override { return now; }
    void program(u64 deadline) override {
        armed = true;
        this->deadline = deadline;
        log.push_back("program " + std::to_string(deadline));
    }
    void stop() override {
        armed = false;
        log.push_back("stop");
    }

    u64 now = 1000;
    u64 deadline = 0;
    bool armed = false;
    std::vector<std::string> log;
};

using Log = std::vector<std::string>;

struct Fixture : ::testing::Test {
    FakeDevice dev;
    EventClock clock;
    int fired = 0;

    static void count(void* ctx) { ++static_cast<Fixture*>(ctx)->fired; }
    void SetUp() override {
        ASSERT_TRUE(clock.install(dev, 62'500'000).ok());  // 16 ns per tick
        clock.set_callback(count, this);
        dev.log.clear();
    }
    // Advances time to @p t and delivers the interrupt if the comparator fired.
    void run_until(u64 t) {
        dev.now = t;
        if (dev.armed && dev.now >= dev.deadline)
            clock.expired();
    }
};

TEST(EventClockBare, NeedsADeviceAndAFrequency) {
    EventClock clock;
    FakeDevice dev;
    EXPECT_EQ(clock.arm_at(5).error(), Error::NoDevice);
    EXPECT_EQ(clock.arm_periodic(5).error(), Error::NoDevice);
    EXPECT_EQ(clock.now_ns(), 0u);
    clock.stop();
    clock.expired();
    EXPECT_EQ(clock.install(dev, 0).error(), Error::BadFrequency);
    EXPECT_EQ(clock.now_ticks(), 0u);
}

TEST_F(Fixture, NowConvertsTheCounter) {
    dev.now = 62'500'000;
    EXPECT_EQ(clock.now_ns(), 1'000'000'000u);
    EXPECT_EQ(clock.now_ticks(), 62'500'000u);
    EXPECT_EQ(clock.frequency_hz(), 62'500'000u);
}

TEST_F(Fixture, OneShotFiresOnceAtItsDeadline) {
    ASSERT_TRUE(clock.arm_at(100'000).ok());  // 6250 ticks
    EXPECT_EQ(dev.log, (Log{"program 6250"}));
    run_until(6249);
    EXPECT_EQ(fired, 0);
    run_until(6250);
    EXPECT_EQ(fired, 1);
    EXPECT_FALSE(dev.armed);
    clock.expired();  // A late duplicate interrupt changes nothing.
    EXPECT_EQ(fired, 1);
}

TEST_F(Fixture, DeadlineRoundsUpToTheNextTick) {
    ASSERT_TRUE(clock.arm_at(1001).ok());  // 62.56 ticks
    EXPECT_EQ(dev.deadline, 63u);
}

TEST_F(Fixture, StaleInterruptBeforeTheDeadlineIsIgnored) {
    ASSERT_TRUE(clock.arm_at(100'000).ok());
    dev.now = 10;
    clock.expired();
    EXPECT_EQ(fired, 0);
    EXPECT_TRUE(dev.armed);
}

TEST_F(Fixture, PeriodicAdvancesFromTheDeadlineNotFromNow) {
    ASSERT_TRUE(clock.arm_periodic(10'000'000).ok());  // 100 Hz: 625000 ticks
    EXPECT_EQ(dev.deadline, 1000u + 625'000);
    for (int i = 1; i <= 5; ++i)
        run_until(1000 + 625'000ull * i + 300);  // Each interrupt 300 ticks late.
    EXPECT_EQ(fired, 5);
    EXPECT_EQ(dev.deadline, 1000u + 625'000 * 6);
    EXPECT_EQ(clock.overruns(), 0u);
}

TEST_F(Fixture, LatePeriodicSkipsMissedPeriodsAndCountsThem) {
    ASSERT_TRUE(clock.arm_periodic(10'000'000).ok());
    run_until(1000 + 625'000 * 3 + 5);  // Two and a bit periods late.
    EXPECT_EQ(fired, 1);
    EXPECT_EQ(clock.overruns(), 2u);
    EXPECT_EQ(dev.deadline, 1000u + 625'000 * 4);  // Still on the grid, in the future.
    run_until(1000 + 625'000 * 4);
    EXPECT_EQ(fired, 2);
    EXPECT_EQ(clock.overruns(), 2u);
}

TEST_F(Fixture, PeriodicExactlyOnTheNextDeadlineIsAnOverrun) {
    ASSERT_TRUE(clock.arm_periodic(16).ok());  // One tick.
    run_until(1002);
    EXPECT_EQ(dev.deadline, 1003u);
    EXPECT_EQ(clock.overruns(), 1u);
}

TEST_F(Fixture, ZeroPeriodIsRejected) {
    EXPECT_EQ(clock.arm_periodic(0).error(), Error::BadPeriod);
    EXPECT_TRUE(dev.log.empty());
}

TEST_F(Fixture, DeadlineNearTheCounterLimitSaturates) {
    dev.now = ~u64{0} - 10;
    ASSERT_TRUE(clock.arm_periodic(1'000'000'000).ok());
    EXPECT_EQ(dev.deadline, ~u64{0});
}

TEST_F(Fixture, StopCancels) {
    ASSERT_TRUE(clock.arm_periodic(10'000'000).ok());
    clock.stop();
    EXPECT_FALSE(dev.armed);
    clock.expired();  // Raised before the stop took effect.
    EXPECT_EQ(fired, 0);
}

TEST_F(Fixture, CallbackMayRearmAOneShot) {
    struct Ctx {
        EventClock* clock;
        int fired;
    } ctx{&clock, 0};
    clock.set_callback(
        [](void* p) {
            auto* c = static_cast<Ctx*>(p);
            if (++c->fired < 3) {
                EXPECT_TRUE(c->clock->arm_at(c->clock->now_ns() + 1600).ok());
            }
        },
        &ctx);
    ASSERT_TRUE(clock.arm_at(0).ok());  // In the past: fires at once.
    run_until(1000);
    run_until(1100);
    run_until(1200);
    run_until(1300);
    EXPECT_EQ(ctx.fired, 3);
    EXPECT_FALSE(dev.armed);
}

TEST_F(Fixture, ArmReplacesTheArmedEvent) {
    ASSERT_TRUE(clock.arm_periodic(10'000'000).ok());
    ASSERT_TRUE(clock.arm_at(32'000).ok());  // 2000 ticks
    run_until(2000);
    run_until(1000 + 625'000);
    EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace tn::clock
