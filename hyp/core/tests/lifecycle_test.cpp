// The guest lifecycle state machine (hyp/core/src/lifecycle.cpp) on one host
// thread: every transition, its errors, the vCPUs leaving and the last one
// finishing a stop or restart, one exact interleaving per test.
#include <gtest/gtest.h>

#include "lifecycle_harness.hpp"

namespace mortise::test {
namespace {

using S = GuestState;
using E = GuestError;

GuestError error_of(GuestResult r) {
    EXPECT_FALSE(r.ok());
    return r.error();
}

TEST(Lifecycle, StartBootsVcpuZeroOnce) {
    TestGuest g;
    EXPECT_EQ(g.life.state(), S::Stopped);
    ASSERT_TRUE(g.life.start().ok());
    EXPECT_EQ(g.life.state(), S::Running);
    EXPECT_EQ(g.boots, 1);
    EXPECT_TRUE(g.posted[0]);
    EXPECT_FALSE(g.posted[1]);
    EXPECT_EQ(error_of(g.life.start()), E::WrongState);
    EXPECT_EQ(g.boots, 1);
}

TEST(Lifecycle, NeverCreatedGuestCannotStart) {
    TestGuest g(false);
    EXPECT_EQ(error_of(g.life.start()), E::NotCreated);
    EXPECT_EQ(error_of(g.life.restart()), E::NotCreated);
    EXPECT_EQ(g.boots, 0);
    EXPECT_EQ(g.life.state(), S::Stopped);
}

TEST(Lifecycle, FailedBootLeavesItStopped) {
    TestGuest g;
    g.boot_result = tn::err(E::ImageTooLarge);
    EXPECT_EQ(error_of(g.life.start()), E::ImageTooLarge);
    EXPECT_EQ(g.life.state(), S::Stopped);
    EXPECT_FALSE(g.posted[0]);
    g.boot_result = {};
    EXPECT_TRUE(g.life.start().ok());
}

TEST(Lifecycle, PauseKeepsContextsAndResumeContinuesThem) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    EXPECT_EQ(error_of(g.life.resume()), E::WrongState);
    ASSERT_TRUE(g.life.pause().ok());
    EXPECT_EQ(g.life.state(), S::Paused);
    EXPECT_EQ(g.kicks, 1);
    EXPECT_EQ(error_of(g.life.pause()), E::WrongState);
    EXPECT_EQ(error_of(g.life.resume()), E::Busy);  // vCPU 0 has not left yet
    EXPECT_FALSE(g.still_on(0));
    EXPECT_EQ(g.life.vcpus_on(), 0u);
    ASSERT_TRUE(g.life.resume().ok());
    EXPECT_EQ(g.life.state(), S::Running);
    ASSERT_TRUE(g.posted[0]);
    EXPECT_TRUE(g.life.vcpu_entered(0));  // resumed: its saved context continues
    g.posted[0] = false;
    EXPECT_EQ(g.boots, 1);
}

TEST(Lifecycle, PauseTakesBackAStartNotYetTaken) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.life.pause().ok());
    EXPECT_FALSE(g.posted[0]);
    EXPECT_EQ(g.kicks, 0);
    ASSERT_TRUE(g.life.resume().ok());
    EXPECT_TRUE(g.posted[0]);
}

TEST(Lifecycle, DestroyFinishesWhenTheLastVcpuLeaves) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    ASSERT_TRUE(g.life.start_vcpu(1).ok());  // PSCI CPU_ON
    ASSERT_TRUE(g.claim(1));
    g.life.stop(false);
    EXPECT_EQ(g.life.state(), S::Stopped);
    EXPECT_EQ(g.halts, 1);
    EXPECT_EQ(g.kicks, 2);
    EXPECT_EQ(error_of(g.life.start()), E::Busy);
    EXPECT_FALSE(g.still_on(1));
    EXPECT_EQ(g.all_offs, 0);
    EXPECT_FALSE(g.still_on(0));
    EXPECT_EQ(g.all_offs, 1);
    g.life.stop(false);  // destroying a stopped guest: nothing to do
    EXPECT_EQ(g.halts, 1);
    EXPECT_EQ(g.all_offs, 1);
    EXPECT_TRUE(g.life.start().ok());
}

TEST(Lifecycle, FaultMarksItFaultedAndStartBootsAgain) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    g.life.stop(true);
    EXPECT_EQ(g.life.state(), S::Faulted);
    EXPECT_FALSE(g.still_on(0));
    EXPECT_EQ(g.all_offs, 1);
    ASSERT_TRUE(g.life.start().ok());
    EXPECT_EQ(g.life.state(), S::Running);
}

TEST(Lifecycle, RestartBootsOnceTheLastVcpuHasLeft) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    ASSERT_TRUE(g.life.restart().ok());
    EXPECT_EQ(g.life.state(), S::Stopped);
    EXPECT_TRUE(g.life.restart_pending());
    EXPECT_EQ(g.boots, 1);
    EXPECT_FALSE(g.still_on(0));
    EXPECT_EQ(g.boots, 2);
    EXPECT_EQ(g.life.state(), S::Running);
    EXPECT_FALSE(g.life.restart_pending());
    EXPECT_EQ(g.all_offs, 0);
    EXPECT_EQ(g.boots_with_vcpus_on, 0);
}

TEST(Lifecycle, RestartOfAStoppedOrPausedGuestBootsAtOnce) {
    TestGuest g;
    ASSERT_TRUE(g.life.restart().ok());
    EXPECT_EQ(g.boots, 1);
    ASSERT_TRUE(g.life.pause().ok());  // vCPU 0 never ran: nothing on a CPU
    ASSERT_TRUE(g.life.restart().ok());
    EXPECT_EQ(g.boots, 2);
    EXPECT_EQ(g.life.state(), S::Running);
}

TEST(Lifecycle, DestroyCancelsAWaitingRestart) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    ASSERT_TRUE(g.life.restart().ok());
    g.life.stop(false);
    EXPECT_FALSE(g.life.restart_pending());
    EXPECT_FALSE(g.still_on(0));
    EXPECT_EQ(g.life.state(), S::Stopped);
    EXPECT_EQ(g.boots, 1);
    EXPECT_EQ(g.all_offs, 1);
}

TEST(Lifecycle, RestartWhileTheVcpusAreStillLeaving) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    g.life.stop(false);
    ASSERT_TRUE(g.life.restart().ok());  // deferred, not Busy
    EXPECT_FALSE(g.still_on(0));
    EXPECT_EQ(g.life.state(), S::Running);
    EXPECT_EQ(g.boots, 2);
    EXPECT_EQ(g.all_offs, 0);
}

TEST(Lifecycle, FailedRestartReportsTheGuestOff) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    ASSERT_TRUE(g.life.restart().ok());
    g.boot_result = tn::err(E::NoImage);
    EXPECT_FALSE(g.still_on(0));
    EXPECT_EQ(g.life.state(), S::Stopped);
    EXPECT_FALSE(g.life.restart_pending());
    EXPECT_EQ(g.all_offs, 1);
}

// The CPU counts a vCPU on before it takes the start request: a stop that
// takes the request back in between leaves the finishing to the CPU, which
// then counts it off again (vcpu_withdrawn), exactly once.
TEST(Lifecycle, StopBetweenClaimAndTakeFinishesOnce) {
    TestGuest g;
    ASSERT_TRUE(g.life.restart().ok());
    ASSERT_TRUE(g.life.restart_pending() == false && g.posted[0]);
    (void)g.life.vcpu_entered(0);  // the CPU's first half of claim()
    ASSERT_TRUE(g.life.restart().ok());  // stop: takes the request back; vCPU 0 is counted on
    EXPECT_FALSE(g.posted[0]);
    EXPECT_EQ(g.boots, 1);  // not booted under the counted vCPU
    g.life.vcpu_withdrawn(0);  // the CPU's take failed
    EXPECT_EQ(g.boots, 2);
    EXPECT_EQ(g.boots_with_vcpus_on, 0);
    EXPECT_EQ(g.life.state(), S::Running);
    EXPECT_TRUE(g.posted[0]);
}

// The same stop just after the take: it cannot take the request back, and
// the vCPU leaves at its entry check.
TEST(Lifecycle, StopJustAfterTheTakeFinishesAtTheEntryCheck) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    g.running[0] = false;  // not yet marked running on its CPU: no kick possible
    g.life.stop(false);
    EXPECT_EQ(g.kicks, 0);
    EXPECT_EQ(g.all_offs, 0);
    EXPECT_FALSE(g.still_on(0));
    EXPECT_EQ(g.all_offs, 1);
}

// PSCI CPU_ON posts only while Running, under the lock: a stop between the
// caller's check and the post cannot leave a request that a CPU takes after
// the next boot (the race test found that one).
TEST(Lifecycle, SecondaryVcpuStartsOnlyWhileRunning) {
    TestGuest g;
    EXPECT_EQ(error_of(g.life.start_vcpu(1)), E::WrongState);
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    g.life.stop(false);
    EXPECT_EQ(error_of(g.life.start_vcpu(1)), E::WrongState);
    EXPECT_FALSE(g.posted[1]);
}

// PSCI CPU_OFF of the last online vCPU: nothing could ever run the guest
// again, so it stops as for SYSTEM_OFF, reported once, and the check for
// every guest being off follows (all_off).
TEST(Lifecycle, CpuOffOfTheLastOnlineVcpuStopsTheGuest) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    ASSERT_TRUE(g.life.start_vcpu(1).ok());
    ASSERT_TRUE(g.claim(1));
    g.power_off(1);
    EXPECT_EQ(g.life.state(), S::Running);
    EXPECT_EQ(g.last_offs, 0);
    g.power_off(0);
    EXPECT_EQ(g.life.state(), S::Stopped);
    EXPECT_EQ(g.last_offs, 1);
    EXPECT_EQ(g.last_off, 0);
    EXPECT_EQ(g.halts, 1);
    EXPECT_EQ(g.all_offs, 1);
    EXPECT_EQ(g.life.vcpus_on(), 0u);
    ASSERT_TRUE(g.life.start().ok());  // stopped, not stuck: it can start again
    EXPECT_TRUE(g.posted[0]);
}

// A vCPU that PSCI CPU_ON posted is online before its CPU takes it.
TEST(Lifecycle, CpuOffWhileAnotherVcpuIsStartingKeepsItRunning) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    ASSERT_TRUE(g.life.start_vcpu(1).ok());
    g.power_off(0);
    EXPECT_EQ(g.life.state(), S::Running);
    EXPECT_EQ(g.last_offs, 0);
    ASSERT_TRUE(g.claim(1));
    g.power_off(1);
    EXPECT_EQ(g.life.state(), S::Stopped);
    EXPECT_EQ(g.last_off, 1);
    EXPECT_EQ(g.all_offs, 1);
}

// CPU_OFF that a pause overtook: the vCPU leaves without its context, so
// resume would have nothing to continue.
TEST(Lifecycle, CpuOffOfTheLastVcpuOfAPausedGuestStopsIt) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    ASSERT_TRUE(g.life.pause().ok());
    g.power_off(0);
    EXPECT_EQ(g.life.state(), S::Stopped);
    EXPECT_EQ(g.last_offs, 1);
    EXPECT_EQ(g.all_offs, 1);
    EXPECT_EQ(error_of(g.life.resume()), E::WrongState);
}

// Leaving a guest that is already stopping is not a CPU_OFF: no report, and
// a waiting restart still boots it.
TEST(Lifecycle, LeavingAStoppingGuestIsNoCpuOff) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    ASSERT_TRUE(g.life.restart().ok());
    g.power_off(0);
    EXPECT_EQ(g.last_offs, 0);
    EXPECT_EQ(g.boots, 2);
    EXPECT_EQ(g.life.state(), S::Running);
    EXPECT_TRUE(g.posted[0]);
    ASSERT_TRUE(g.claim(0));
    g.life.stop(false);
    g.power_off(0);
    EXPECT_EQ(g.last_offs, 0);
    EXPECT_EQ(g.all_offs, 1);
}

// An on-demand instance is reclaimed only once stopped with every vCPU off; then the slot
// refuses everything until it is created again, from a clean state (Stopped, nothing paused).
TEST(Lifecycle, RetireOnlyWhenOffAndThenItIsNoGuest) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    EXPECT_EQ(error_of(g.life.retire()), E::WrongState);  // running
    ASSERT_TRUE(g.life.pause().ok());
    EXPECT_EQ(error_of(g.life.retire()), E::WrongState);  // paused
    EXPECT_FALSE(g.still_on(0));  // leaves, keeping its context
    g.life.stop(true);            // a fault: Faulted
    EXPECT_EQ(g.life.state(), S::Faulted);
    ASSERT_TRUE(g.life.retire().ok());
    EXPECT_FALSE(g.life.created());
    EXPECT_EQ(g.life.state(), S::Stopped);
    EXPECT_EQ(error_of(g.life.start()), E::NotCreated);
    EXPECT_EQ(error_of(g.life.restart()), E::NotCreated);
    EXPECT_EQ(error_of(g.life.pause()), E::WrongState);
    EXPECT_EQ(error_of(g.life.retire()), E::NotCreated);
    g.life.set_created(1);  // the slot's next instance
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    EXPECT_EQ(g.life.state(), S::Running);
}

TEST(Lifecycle, RetireWaitsForTheLastVcpuToLeave) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    ASSERT_TRUE(g.claim(0));
    g.life.stop(false);
    EXPECT_EQ(error_of(g.life.retire()), E::Busy);  // vCPU 0 is still on its CPU
    EXPECT_FALSE(g.still_on(0));
    EXPECT_TRUE(g.life.retire().ok());
}

using LifecycleDeathTest = ::testing::Test;

TEST_F(LifecycleDeathTest, AVcpuThatNeverEnteredCannotLeave) {
    TestGuest g;
    ASSERT_TRUE(g.life.start().ok());
    EXPECT_DEATH(g.life.vcpu_left(0, false), "assertion failed: before > 0");
}

TEST_F(LifecycleDeathTest, MoreVcpusOnThanTheGuestHas) {
    TestGuest g;
    (void)g.life.vcpu_entered(0);
    (void)g.life.vcpu_entered(1);
    EXPECT_DEATH((void)g.life.vcpu_entered(0), "assertion failed: on <= m_vcpu_count");
}

TEST_F(LifecycleDeathTest, CreatedTwice) {
    TestGuest g;
    EXPECT_DEATH(g.life.set_created(1), "assertion failed: m_vcpu_count == 0");
}

}  // namespace
}  // namespace mortise::test
