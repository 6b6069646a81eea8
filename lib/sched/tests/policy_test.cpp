// Every branch of Algorithm 1 (lib/sched/src/policy.hpp).
#include <gtest/gtest.h>

#include "policy.hpp"

namespace {

using tn::sched::Cause;
using tn::sched::decide;

constexpr int k_none = -1;

TEST(Algorithm1, PrevNotReadyAlwaysSwitches) {
    for (bool locked : {false, true})
        for (bool coop : {false, true})
            for (int top : {k_none, 0, 5, 31}) {
                auto d = decide(Cause::Blocked, locked, coop, 10, top);
                EXPECT_TRUE(d.switch_to_top);  // to the top, or idle when none
                EXPECT_FALSE(d.keep_pending);
            }
}

TEST(Algorithm1, ReschedulePreemptsOnlyForHigherPriority) {
    auto higher = decide(Cause::Preempt, false, false, 10, 11);
    EXPECT_TRUE(higher.switch_to_top);
    EXPECT_TRUE(higher.prev_to_front);  // preempted: resumes before its equals
    EXPECT_FALSE(decide(Cause::Preempt, false, false, 10, 10).switch_to_top);
    EXPECT_FALSE(decide(Cause::Preempt, false, false, 10, 3).switch_to_top);
    EXPECT_FALSE(decide(Cause::Preempt, false, false, 10, k_none).switch_to_top);
}

TEST(Algorithm1, LockedPreemptionIsDeferred) {
    auto d = decide(Cause::Preempt, true, false, 10, 20);
    EXPECT_FALSE(d.switch_to_top);
    EXPECT_TRUE(d.keep_pending);
    EXPECT_FALSE(decide(Cause::Preempt, true, false, 10, 5).keep_pending);
    // Blocking and yielding still switch while preemption is locked.
    EXPECT_TRUE(decide(Cause::Yield, true, false, 10, 10).switch_to_top);
}

TEST(Algorithm1, CooperativeNeverPreempts) {
    auto d = decide(Cause::Preempt, false, true, 1, 30);
    EXPECT_FALSE(d.switch_to_top);
    EXPECT_FALSE(d.keep_pending);
    EXPECT_TRUE(decide(Cause::Yield, false, true, 1, 30).switch_to_top);
}

TEST(Algorithm1, YieldGoesToEqualsOrHigherOnly) {
    auto equal = decide(Cause::Yield, false, false, 10, 10);
    EXPECT_TRUE(equal.switch_to_top);
    EXPECT_FALSE(equal.prev_to_front);  // behind its equals
    EXPECT_TRUE(decide(Cause::Yield, false, false, 10, 12).switch_to_top);
    EXPECT_FALSE(decide(Cause::Yield, false, false, 10, 9).switch_to_top);
    EXPECT_FALSE(decide(Cause::Yield, false, false, 10, k_none).switch_to_top);
}

}  // namespace
