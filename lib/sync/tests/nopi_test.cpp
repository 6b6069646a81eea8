// Host tests of LIBSYNC_MUTEX_PI=n (built as the separate binary sync_nopi,
// tests/unit.mk): no mutex raises its owner's priority, along a chain or
// otherwise, so a medium thread keeps a low owner (and the high waiter) out;
// set_priority() still works, and everything else about Mutex (hand-off to
// the highest waiter, timeouts, Deadlock) is unchanged.
#include "sync_test.hpp"

namespace {

using namespace tn;
using namespace tn::sync;
using namespace sync_test;

static_assert(!k_priority_inheritance, "tests/unit.mk builds sync_nopi with CONFIG_LIBSYNC and without CONFIG_LIBSYNC_MUTEX_PI");

class NoPiTest : public SyncTest {};

// The inversion PI would bound: L (1) holds m, H (10) waits; L stays at 1,
// so a medium thread (5) made ready meanwhile runs before L and H.
TEST_F(NoPiTest, OwnerKeepsItsPriority) {
    Mutex m;
    std::string order;
    Thread* low = start("low", 1, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");  // hands m to high, which preempts
        order += "low,";
    });
    Thread* high = start("high", 10, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        order += "high,";
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_TRUE(blocked(high));
    EXPECT_EQ(eff(low), 1);
    EXPECT_EQ(priority_changes(), 0u);
    Thread* medium = nullptr;
    {
        NoPreempt np;
        step(low);
        medium = start("medium", 5, [&] { order += "medium,"; });
    }
    EXPECT_EQ(order, "medium,high,low,");
    EXPECT_EQ(eff(low), 1);
    for (Thread* t : {low, high, medium})
        EXPECT_TRUE(done(t)) << name(t);
}

// A chain: C (1) holds m2, B (5) holds m1 and waits for m2, A (20) waits
// for m1. Nobody is raised; a timeout and set_priority() change nothing
// beyond the thread's own base priority.
TEST_F(NoPiTest, ChainAndSetPriority) {
    Mutex m1, m2;
    Thread* c = start("c", 1, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    Thread* b = start("b", 5, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    Thread* a = start("a", 20, [&] { EXPECT_EQ(st(m1.lock(k_timeout)), "Timeout"); });
    EXPECT_TRUE(blocked(a) && blocked(b));
    EXPECT_EQ(eff(b), 5);
    EXPECT_EQ(eff(c), 1);
    ASSERT_TRUE(sched::set_priority(c, 3).ok());
    ASSERT_TRUE(sched::set_priority(a, 25).ok());
    EXPECT_EQ(eff(c), 3);
    EXPECT_EQ(eff(a), 25);
    EXPECT_EQ(eff(b), 5);
    advance(k_timeout);
    EXPECT_TRUE(done(a));
    EXPECT_EQ(eff(b), 5);
    EXPECT_EQ(eff(c), 3);
    step(c);
    EXPECT_TRUE(done(b) && done(c));
}

// Without inheritance the hand-off order is still by priority and a cycle
// is still reported.
TEST_F(NoPiTest, HandOffOrderAndDeadlock) {
    Mutex m;
    std::string order;
    Thread* owner = start("owner", 1, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.lock()), "Deadlock");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    auto waiter = [&](char c) {
        return [&order, &m, c] {
            EXPECT_EQ(st(m.lock()), "ok");
            order += c;
            EXPECT_EQ(st(m.unlock()), "ok");
        };
    };
    Thread* w1 = start("w1", 4, waiter('1'));
    Thread* w2 = start("w2", 9, waiter('2'));
    step(owner);
    EXPECT_EQ(order, "21");
    EXPECT_TRUE(done(owner) && done(w1) && done(w2));
}

}  // namespace
