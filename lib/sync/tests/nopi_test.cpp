// Host tests of LIBSYNC_MUTEX_PI=n (built as the separate binary sync_nopi,
// tests/unit.mk): no mutex raises its owner's priority, along a chain or
// otherwise, set_priority() still works, and everything else about Mutex
// (hand-off to the highest waiter, timeouts, Deadlock) is unchanged.
#include "sched_hooks.hpp"
#include "sync_test.hpp"

namespace {

using namespace tn;
using namespace tn::sync;
using namespace sync_test;

static_assert(!k_priority_inheritance, "tests/unit.mk builds sync_nopi with CONFIG_LIBSYNC and without CONFIG_LIBSYNC_MUTEX_PI");

class NoPiTest : public SyncTest {};

// The inversion PI would bound: L (1) holds m, H (10) waits; L stays at 1.
TEST_F(NoPiTest, OwnerKeepsItsPriority) {
    Mutex m;
    Thread* low = fake::make("low", 1);
    Thread* high = fake::make("high", 10);
    start(low, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    start(high, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_TRUE(blocked(high));
    EXPECT_EQ(low->eff, 1);
    EXPECT_EQ(fake::priority_changes(), 0u);
    step(low);  // unlock hands m to high
    EXPECT_TRUE(done(low));
    EXPECT_EQ(low->eff, 1);
    step(high);
    EXPECT_TRUE(done(high));
}

// A chain: C (1) holds m2, B (5) holds m1 and waits for m2, A (20) waits
// for m1. Nobody is raised; a timeout and set_priority() change nothing
// beyond the thread's own base priority.
TEST_F(NoPiTest, ChainAndSetPriority) {
    Mutex m1, m2;
    Thread* c = fake::make("c", 1);
    Thread* b = fake::make("b", 5);
    Thread* a = fake::make("a", 20);
    start(c, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    start(b, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    start(a, [&] { EXPECT_EQ(st(m1.lock(1000)), "Timeout"); });
    EXPECT_TRUE(blocked(a) && blocked(b));
    EXPECT_EQ(b->eff, 5);
    EXPECT_EQ(c->eff, 1);
    {
        sched::Locked l;
        c->base = 3;  // what sched::set_priority() does, then the hook
        sync::base_priority_changed(l, c);
        a->base = 25;
        sync::base_priority_changed(l, a);
    }
    EXPECT_EQ(c->eff, 3);
    EXPECT_EQ(a->eff, 25);
    EXPECT_EQ(b->eff, 5);
    expire(a);
    step(a);
    EXPECT_TRUE(done(a));
    EXPECT_EQ(b->eff, 5);
    EXPECT_EQ(c->eff, 3);
    step(c);
    step(b);
    EXPECT_TRUE(done(b) && done(c));
}

// Without inheritance the hand-off order is still by priority and a cycle
// is still reported.
TEST_F(NoPiTest, HandOffOrderAndDeadlock) {
    Mutex m;
    std::string order;
    Thread* owner = fake::make("owner", 1);
    Thread* w1 = fake::make("w1", 4);
    Thread* w2 = fake::make("w2", 9);
    start(owner, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.lock()), "Deadlock");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    auto waiter = [&](char c) {
        return [&, c] {
            EXPECT_EQ(st(m.lock()), "ok");
            order += c;
            EXPECT_EQ(st(m.unlock()), "ok");
        };
    };
    start(w1, waiter('1'));
    start(w2, waiter('2'));
    step(owner);
    step(w2);
    step(w1);
    EXPECT_EQ(order, "21");
    EXPECT_TRUE(done(owner) && done(w1) && done(w2));
}

}  // namespace
