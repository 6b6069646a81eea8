// Host tests of the per-CPU timer set behind tickless SMP (src/timer_set.hpp):
// a timer fires from the queue of the CPU that armed it and no other, a
// cancel or re-arm from another CPU takes it out of its queue, and each
// CPU's comparator is reprogrammed exactly when its earliest deadline
// changes (and left early, not reprogrammed, by a cancel).
#include <gtest/gtest.h>

#include <vector>

#include "timer_set.hpp"

namespace {

using namespace tn;
using namespace tn::tntimer;

using Set = TimerSet<4>;
constexpr u64 k_none = Set::k_none;

// The timers pop_due() hands @p cpu at @p now, in order.
std::vector<Timer*> fire(Set& s, unsigned cpu, u64 now) {
    std::vector<Timer*> out;
    while (Timer* t = s.pop_due(cpu, now))
        out.push_back(t);
    return out;
}

// What next_deadline() says @p cpu's comparator must become; 0 for
// "leave it as it is".
u64 reprogram(Set& s, unsigned cpu) {
    u64 d = 0;
    return s.next_deadline(cpu, d) ? d : 0;
}
constexpr u64 k_unchanged = 0;

TEST(TimerSet, TimerFiresOnlyOnTheCpuThatArmedIt) {
    Set s;
    Timer a, b;
    EXPECT_TRUE(s.start(a, 1, 100, 0));
    EXPECT_TRUE(s.start(b, 2, 50, 0));
    EXPECT_EQ(s.size(), 2u);
    EXPECT_TRUE(fire(s, 0, 1000).empty());
    EXPECT_TRUE(fire(s, 3, 1000).empty());
    EXPECT_EQ(fire(s, 1, 99), std::vector<Timer*>{});
    EXPECT_EQ(fire(s, 1, 100), std::vector<Timer*>{&a});
    EXPECT_FALSE(a.armed());
    EXPECT_TRUE(b.armed());
    EXPECT_EQ(fire(s, 2, 60), std::vector<Timer*>{&b});
    EXPECT_EQ(s.size(), 0u);
}

TEST(TimerSet, CancelFromAnotherCpuRemovesFromTheArmingCpusQueue) {
    Set s;
    Timer a, b;
    (void)s.start(a, 1, 100, 0);
    (void)s.start(b, 1, 200, 0);
    EXPECT_TRUE(s.cancel(a));  // the caller's CPU plays no part
    EXPECT_FALSE(s.cancel(a));
    EXPECT_FALSE(a.armed());
    EXPECT_EQ(s.queue(1).size(), 1u);
    EXPECT_EQ(fire(s, 1, 150), std::vector<Timer*>{});  // the early interrupt finds nothing due
    EXPECT_EQ(fire(s, 1, 200), std::vector<Timer*>{&b});
}

TEST(TimerSet, RearmFromAnotherCpuMovesTheTimer) {
    Set s;
    Timer a;
    (void)s.start(a, 1, 100, 0);
    EXPECT_TRUE(s.start(a, 3, 300, 0));
    EXPECT_EQ(s.queue(1).size(), 0u);
    EXPECT_EQ(s.queue(3).size(), 1u);
    EXPECT_TRUE(fire(s, 1, 1000).empty());
    EXPECT_EQ(fire(s, 3, 300), std::vector<Timer*>{&a});
}

TEST(TimerSet, PeriodicTimerStaysOnItsCpu) {
    Set s;
    Timer p, o;
    (void)s.start(p, 2, 10, 10);
    (void)s.start(o, 2, 25, 0);
    EXPECT_EQ(fire(s, 2, 10), std::vector<Timer*>{&p});
    EXPECT_EQ(fire(s, 2, 25), (std::vector<Timer*>{&p, &o}));  // 20, then 25
    EXPECT_TRUE(p.armed());
    EXPECT_EQ(p.node.deadline, 30u);
    EXPECT_EQ(s.queue(2).size(), 1u);
    EXPECT_TRUE(s.cancel(p));
    EXPECT_EQ(s.size(), 0u);
}

TEST(TimerSet, EqualDeadlinesFireInArmingOrder) {
    Set s;
    Timer t[3];
    for (Timer& x : t)
        (void)s.start(x, 0, 7, 0);
    EXPECT_EQ(fire(s, 0, 7), (std::vector<Timer*>{&t[0], &t[1], &t[2]}));
}

TEST(TimerSet, ComparatorReprogrammedOnlyWhenItsEarliestChanges) {
    Set s;
    Timer a, b, c;
    for (unsigned cpu = 0; cpu < 4; ++cpu)
        EXPECT_EQ(reprogram(s, cpu), k_unchanged) << "stopped at boot, nothing armed";
    EXPECT_TRUE(s.start(a, 1, 100, 0));  // a new earliest of CPU 1
    EXPECT_EQ(reprogram(s, 1), 100u);
    EXPECT_EQ(reprogram(s, 1), k_unchanged);
    EXPECT_FALSE(s.start(b, 1, 200, 0));  // later: CPU 1's comparator stays
    EXPECT_EQ(reprogram(s, 0), k_unchanged) << "another CPU's comparator is not touched";
    EXPECT_TRUE(s.start(c, 1, 50, 0));  // earlier
    EXPECT_EQ(reprogram(s, 1), 50u);
    // A cancel (from anywhere) does not reprogram: the comparator fires early.
    EXPECT_TRUE(s.cancel(c));
    s.fired(1);
    EXPECT_TRUE(fire(s, 1, 50).empty());
    EXPECT_EQ(reprogram(s, 1), 100u);
    s.fired(1);
    EXPECT_EQ(fire(s, 1, 100), std::vector<Timer*>{&a});
    EXPECT_EQ(reprogram(s, 1), 200u);
    s.fired(1);
    EXPECT_EQ(fire(s, 1, 200), std::vector<Timer*>{&b});
    EXPECT_EQ(reprogram(s, 1), k_unchanged) << "nothing left: the event stopped itself";
    // Armed and cancelled without firing: the comparator keeps the old
    // deadline until the next arming of CPU 1's earliest moves it.
    Timer d, e;
    EXPECT_TRUE(s.start(d, 1, 300, 0));
    EXPECT_EQ(reprogram(s, 1), 300u);
    EXPECT_TRUE(s.cancel(d));
    EXPECT_EQ(reprogram(s, 0), k_unchanged);
    EXPECT_TRUE(s.start(d, 1, 400, 0)) << "the new earliest, later than the one it holds";
    EXPECT_EQ(reprogram(s, 1), 400u);
    EXPECT_FALSE(s.start(e, 1, 500, 0)) << "not the earliest";
    EXPECT_FALSE(s.start(d, 1, 400, 0)) << "the deadline it holds";
    EXPECT_TRUE(s.start(e, 1, 250, 0)) << "earlier than the one it holds";
}

TEST(TimerSet, ReArmingTheProgrammedDeadlineWritesNothing) {
    Set s;
    Timer a;
    EXPECT_TRUE(s.start(a, 0, 100, 0));
    EXPECT_EQ(reprogram(s, 0), 100u);
    EXPECT_FALSE(s.start(a, 0, 100, 0)) << "same deadline as the comparator holds";
    s.fired(0);
    EXPECT_TRUE(s.start(a, 0, 100, 0)) << "after the event the comparator holds nothing";
}

}  // namespace
