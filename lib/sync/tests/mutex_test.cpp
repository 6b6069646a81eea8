// Host tests of Mutex, priority inheritance above all: simple
// inversion, a transitive chain, restoring priorities on unlock and on a
// waiter's timeout (with and without sched's timeout hook), several held
// mutexes, deadlock and cycle detection, and the chain depth limit. Built
// with CONFIG_LIBSYNC_PI_MAX_DEPTH=4 (tests/unit.mk).
#include "sched_hooks.hpp"
#include "sync_test.hpp"

namespace {

using namespace tn;
using namespace tn::sync;
using namespace sync_test;

class MutexTest : public SyncTest {};

TEST_F(MutexTest, ConstinitAndZero) {
    constinit static Mutex s_mutex;
    constinit static CondVar s_cond;
    EXPECT_EQ(s_mutex.owner(), nullptr);
    EXPECT_EQ(st(s_mutex.lock()), "ok");
    EXPECT_EQ(s_mutex.owner(), fake::main_thread());
    EXPECT_EQ(st(s_mutex.unlock()), "ok");
    s_cond.signal();
}

TEST_F(MutexTest, BasicErrors) {
    Mutex m;
    EXPECT_EQ(st(m.unlock()), "NotOwner");
    EXPECT_EQ(st(m.try_lock()), "ok");
    EXPECT_EQ(st(m.lock()), "Deadlock");         // recursive lock
    EXPECT_EQ(st(m.try_lock()), "Deadlock");
    EXPECT_EQ(st(m.lock(k_timeout)), "Deadlock");
    EXPECT_EQ(st(m.unlock()), "ok");
    EXPECT_EQ(st(m.unlock()), "NotOwner");

    fake::set_in_isr(true);
    EXPECT_EQ(st(m.lock()), "InIsr");
    EXPECT_EQ(st(m.try_lock()), "InIsr");
    EXPECT_EQ(st(m.unlock()), "InIsr");
    fake::set_in_isr(false);
    EXPECT_EQ(m.owner(), nullptr);
}

TEST_F(MutexTest, NotOwnerAndTryLockOfHeldMutex) {
    Mutex m;
    Thread* a = fake::make("a", 3);
    start(a, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_EQ(st(m.unlock()), "NotOwner");   // main is not the owner
    EXPECT_EQ(st(m.try_lock()), "WouldBlock");
    EXPECT_EQ(st(m.lock(k_no_wait)), "WouldBlock");
    EXPECT_EQ(a->eff, 3);                    // no boost without blocking
    step(a);
    EXPECT_TRUE(done(a));
}

// L (1) holds m; H (10) blocks on it: L runs at 10 until it unlocks, then
// ownership goes straight to H and L is back at 1.
TEST_F(MutexTest, SimpleInversion) {
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
        EXPECT_EQ(m.owner(), high);
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_TRUE(blocked(high));
    EXPECT_EQ(high->blocked_on, &m);
    EXPECT_EQ(low->eff, 10);
    EXPECT_EQ(low->base, 1);

    step(low);
    EXPECT_TRUE(done(low));
    EXPECT_EQ(low->eff, 1);
    EXPECT_EQ(m.owner(), high);  // handed over before high runs
    EXPECT_EQ(high->blocked_on, nullptr);
    EXPECT_TRUE(low->held.empty());

    // No barging: main cannot take the mutex high was given.
    EXPECT_EQ(st(m.try_lock()), "WouldBlock");
    step(high);
    EXPECT_TRUE(done(high));
    EXPECT_EQ(m.owner(), nullptr);
    EXPECT_TRUE(high->held.empty());
}

TEST_F(MutexTest, LowerWaiterDoesNotLowerOwner) {
    Mutex m;
    Thread* owner = fake::make("owner", 5);
    Thread* waiter = fake::make("waiter", 2);
    start(owner, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    start(waiter, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_EQ(owner->eff, 5);
    step(owner);
    EXPECT_EQ(owner->eff, 5);
    EXPECT_EQ(waiter->eff, 2);
    step(waiter);
}

// Highest waiter first, FIFO among equals, each handed the mutex in turn.
TEST_F(MutexTest, HandOffOrder) {
    Mutex m;
    std::string order;
    Thread* owner = fake::make("owner", 1);
    Thread* w[4] = {fake::make("a", 3), fake::make("b", 7), fake::make("c", 3), fake::make("d", 7)};
    start(owner, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    for (Thread* t : w)
        start(t, [&, t] {
            EXPECT_EQ(st(m.lock()), "ok");
            order += t->name;
            EXPECT_EQ(st(m.unlock()), "ok");
        });
    EXPECT_EQ(owner->eff, 7);
    step(owner);
    // Each unlock hands over to the next; resume whoever owns it.
    for (int i = 0; i < 4; ++i) {
        Thread* next = m.owner();
        ASSERT_NE(next, nullptr);
        step(next);
    }
    EXPECT_EQ(order, "bdac");
    EXPECT_EQ(m.owner(), nullptr);
}

// T1 (1) holds m1. T2 (2) holds m2 and waits for m1. T3 (3) holds m3 and
// waits for m2. T4 (10) waits for m3: all three owners run at 10. Then T4
// times out and the whole chain drops back to what remains (3); unlocking
// restores every base priority.
TEST_F(MutexTest, TransitiveChainOfThreeMutexes) {
    Mutex m1, m2, m3;
    Thread* t1 = fake::make("t1", 1);
    Thread* t2 = fake::make("t2", 2);
    Thread* t3 = fake::make("t3", 3);
    Thread* t4 = fake::make("t4", 10);
    start(t1, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    start(t2, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    EXPECT_EQ(t1->eff, 2);
    start(t3, [&] {
        EXPECT_EQ(st(m3.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m3.unlock()), "ok");
    });
    EXPECT_EQ(t2->eff, 3);
    EXPECT_EQ(t1->eff, 3);
    start(t4, [&] { EXPECT_EQ(st(m3.lock(k_timeout)), "Timeout"); });
    EXPECT_TRUE(blocked(t4));
    EXPECT_EQ(t3->eff, 10);
    EXPECT_EQ(t2->eff, 10);
    EXPECT_EQ(t1->eff, 10);

    expire(t4);
    EXPECT_EQ(t3->eff, 3);
    EXPECT_EQ(t2->eff, 3);
    EXPECT_EQ(t1->eff, 3);
    step(t4);
    EXPECT_TRUE(done(t4));
    EXPECT_EQ(t4->blocked_on, nullptr);

    step(t1);  // m1 -> t2
    EXPECT_EQ(t1->eff, 1);
    EXPECT_EQ(m1.owner(), t2);
    EXPECT_EQ(t2->eff, 3);  // t3 still waits for m2
    step(t2);  // m2 -> t3
    EXPECT_EQ(t2->eff, 2);
    EXPECT_EQ(m2.owner(), t3);
    step(t3);
    for (Thread* t : {t1, t2, t3, t4}) {
        EXPECT_TRUE(done(t)) << t->name;
        EXPECT_EQ(t->eff, t->base) << t->name;
        EXPECT_TRUE(t->held.empty()) << t->name;
    }
}

// A waiter's timeout lowers the owner to the next waiter's priority, at
// once with sched's timeout hook, else when the waiter runs again.
class MutexTimeoutTest : public SyncTest, public ::testing::WithParamInterface<bool> {};

TEST_P(MutexTimeoutTest, WaiterTimeoutLowersOwner) {
    bool hook = GetParam();
    fake::set_timeout_hook(hook);
    Mutex m;
    Thread* owner = fake::make("owner", 1);
    Thread* mid = fake::make("mid", 4);
    Thread* high = fake::make("high", 9);
    start(owner, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    start(mid, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    start(high, [&] { EXPECT_EQ(st(m.lock(k_timeout)), "Timeout"); });
    EXPECT_EQ(owner->eff, 9);

    expire(high);
    EXPECT_EQ(owner->eff, hook ? 4 : 9);
    EXPECT_EQ(high->blocked_on, hook ? nullptr : &m);
    step(high);
    EXPECT_TRUE(done(high));
    EXPECT_EQ(owner->eff, 4);
    EXPECT_EQ(high->blocked_on, nullptr);
    EXPECT_EQ(m.owner(), owner);

    step(owner);
    EXPECT_EQ(owner->eff, 1);
    EXPECT_EQ(m.owner(), mid);
    step(mid);
    EXPECT_EQ(m.owner(), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Hook, MutexTimeoutTest, ::testing::Bool());

TEST_F(MutexTest, TimeoutOfOnlyWaiterRestoresBase) {
    Mutex m;
    Thread* owner = fake::make("owner", 2);
    Thread* waiter = fake::make("waiter", 6);
    start(owner, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    start(waiter, [&] {
        EXPECT_EQ(st(m.lock(k_timeout)), "Timeout");
        EXPECT_NE(m.owner(), waiter);
    });
    EXPECT_EQ(owner->eff, 6);
    expire(waiter);
    step(waiter);
    EXPECT_EQ(owner->eff, 2);
    step(owner);
    EXPECT_EQ(m.owner(), nullptr);  // no waiter left to hand to
}

// L holds m1 and m2; H1 (5) waits for m1, H2 (8) for m2. L runs at the
// higher of the two and drops step by step as it unlocks, in either order.
class HeldMutexesTest : public SyncTest, public ::testing::WithParamInterface<bool> {};

TEST_P(HeldMutexesTest, MultipleHeldMutexes) {
    bool m2_first = GetParam();
    Mutex m1, m2;
    Thread* low = fake::make("low", 1);
    Thread* h1 = fake::make("h1", 5);
    Thread* h2 = fake::make("h2", 8);
    start(low, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        hand_back();
        EXPECT_EQ(st((m2_first ? m2 : m1).unlock()), "ok");
        hand_back();
        EXPECT_EQ(st((m2_first ? m1 : m2).unlock()), "ok");
    });
    start(h1, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    EXPECT_EQ(low->eff, 5);
    start(h2, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    EXPECT_EQ(low->eff, 8);

    step(low);
    EXPECT_EQ(low->eff, m2_first ? 5 : 8);
    step(low);
    EXPECT_TRUE(done(low));
    EXPECT_EQ(low->eff, 1);
    EXPECT_EQ(m1.owner(), h1);
    EXPECT_EQ(m2.owner(), h2);
    step(h1);
    step(h2);
}

INSTANTIATE_TEST_SUITE_P(Order, HeldMutexesTest, ::testing::Bool());

// Recomputing after a timeout looks at every mutex the owner still holds.
TEST_F(MutexTest, RecomputeConsidersEveryHeldMutex) {
    Mutex m1, m2, m3;
    Thread* low = fake::make("low", 1);
    Thread* h1 = fake::make("h1", 5);
    Thread* h2 = fake::make("h2", 8);
    Thread* h3 = fake::make("h3", 9);
    start(low, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m3.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m3.unlock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    Thread* waiters[3] = {h1, h2, h3};
    Mutex* wanted[3] = {&m1, &m2, &m3};
    for (int i = 0; i < 3; ++i)
        start(waiters[i], [&, i] {
            EXPECT_EQ(st(wanted[i]->lock(i == 2 ? k_timeout : k_forever)), i == 2 ? "Timeout" : "ok");
            if (i != 2) {
                EXPECT_EQ(st(wanted[i]->unlock()), "ok");
            }
        });
    EXPECT_EQ(low->eff, 9);
    expire(h3);
    EXPECT_EQ(low->eff, 8);  // m2's waiter, not just the first held mutex's
    step(h3);
    step(low);
    EXPECT_EQ(low->eff, 1);
    step(h1);
    step(h2);
}

// A thread that is both an owner and a waiter: a boost of it reorders it in
// the wait queue it is in, so its owner sees the new order.
TEST_F(MutexTest, BoostReordersWaiterInItsQueue) {
    Mutex m1, m2;
    Thread* owner = fake::make("owner", 1);
    Thread* a = fake::make("a", 3);  // holds m2, waits for m1
    Thread* b = fake::make("b", 4);  // waits for m1
    Thread* c = fake::make("c", 9);  // waits for m2
    start(owner, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    start(a, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    start(b, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    EXPECT_EQ(owner->eff, 4);
    start(c, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    EXPECT_EQ(a->eff, 9);
    EXPECT_EQ(owner->eff, 9);
    step(owner);
    EXPECT_EQ(m1.owner(), a);  // a (9 by inheritance) is ahead of b (4)
    EXPECT_EQ(a->eff, 9);      // still inherits from c via m2, and b via m1
    step(a);                 // unlocks m1 (-> b), then m2 (-> c)
    EXPECT_EQ(a->eff, 3);
    step(b);
    step(c);
}

// a holds m1 and waits for m2, held by b; b asking for m1 would wait for
// itself. It gets Deadlock, and a (lower) is not boosted on the way.
TEST_F(MutexTest, CycleOfTwoIsDeadlock) {
    Mutex m1, m2;
    Thread* a = fake::make("a", 2);
    Thread* b = fake::make("b", 6);
    start(b, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m1.lock()), "Deadlock");
        EXPECT_EQ(st(m1.lock(k_timeout)), "Deadlock");
        EXPECT_EQ(b->blocked_on, nullptr);
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    start(a, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    EXPECT_TRUE(blocked(a));
    EXPECT_EQ(b->eff, 6);
    step(b);
    EXPECT_TRUE(done(b));
    EXPECT_EQ(a->eff, 2);  // never boosted by the refused lock
    EXPECT_EQ(m2.owner(), a);
    step(a);
    EXPECT_TRUE(done(a));
}

TEST_F(MutexTest, CycleIsReportedWithoutSideEffects) {
    Mutex m1, m2, m3;
    Thread* a = fake::make("a", 2);
    Thread* b = fake::make("b", 3);
    Thread* c = fake::make("c", 8);
    // a holds m1 and waits for m2; b holds m2 and waits for m3; c holds m3.
    start(c, [&] {
        EXPECT_EQ(st(m3.lock()), "ok");
        hand_back();
        unsigned changes = fake::priority_changes();
        EXPECT_EQ(st(m1.lock()), "Deadlock");       // c -> m1 -> a -> m2 -> b -> m3 -> c
        EXPECT_EQ(st(m1.lock(k_no_wait)), "WouldBlock");
        EXPECT_EQ(fake::priority_changes(), changes);  // nothing boosted
        EXPECT_EQ(c->blocked_on, nullptr);
        EXPECT_EQ(st(m3.unlock()), "ok");
    });
    start(b, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m3.lock()), "ok");
        EXPECT_EQ(st(m3.unlock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    start(a, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    EXPECT_EQ(c->eff, 8);
    EXPECT_EQ(b->eff, 3);
    EXPECT_EQ(a->eff, 2);
    step(c);  // Deadlock, then unlocks m3 -> b
    EXPECT_TRUE(done(c));
    EXPECT_EQ(a->eff, 2);
    EXPECT_EQ(b->eff, 3);
    step(b);  // unlocks m3, m2 (-> a)
    step(a);
    EXPECT_TRUE(done(a));
    EXPECT_TRUE(done(b));
}

// With sched's hook a timed-out waiter no longer counts as blocked, so the
// former owner can wait for a mutex the timed-out thread holds.
TEST_F(MutexTest, TimedOutWaiterIsNoLongerInTheChain) {
    Mutex m, m2;
    Thread* owner = fake::make("owner", 1);
    Thread* t = fake::make("t", 5);
    start(owner, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m2.lock()), "ok");  // t holds m2: blocks, no Deadlock
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    start(t, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m.lock(k_timeout)), "Timeout");
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    expire(t);
    step(owner);
    EXPECT_TRUE(blocked(owner));
    EXPECT_EQ(t->eff, 5);
    step(t);
    EXPECT_TRUE(done(t));
    EXPECT_EQ(m2.owner(), owner);
    step(owner);
    EXPECT_TRUE(done(owner));
}

// Chain of six threads: t0 <- t1 <- ... <- t5, each ti holding mi and
// waiting for m(i-1). With a depth limit of 4, t5's lock boosts t4..t1 but
// not t0, with exactly 4 priority changes.
TEST_F(MutexTest, ChainDepthIsBounded) {
    static_assert(k_pi_max_depth == 4, "tests/unit.mk sets CONFIG_LIBSYNC_PI_MAX_DEPTH=4");
    constexpr int n = 6;
    Mutex m[n - 1];
    Thread* t[n];
    for (int i = 0; i < n; ++i)
        t[i] = fake::make(("t" + std::to_string(i)).c_str(), static_cast<u8>(i == n - 1 ? 20 : i + 1));
    start(t[0], [&] {
        EXPECT_EQ(st(m[0].lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m[0].unlock()), "ok");
    });
    for (int i = 1; i < n - 1; ++i)
        start(t[i], [&, i] {
            EXPECT_EQ(st(m[i].lock()), "ok");
            EXPECT_EQ(st(m[i - 1].lock()), "ok");
            EXPECT_EQ(st(m[i - 1].unlock()), "ok");
            EXPECT_EQ(st(m[i].unlock()), "ok");
        });
    for (int i = 0; i < n - 1; ++i)
        EXPECT_EQ(t[i]->eff, n - 1) << i;  // t4 (5) boosted t3..t0: 4 owners
    unsigned changes = fake::priority_changes();
    start(t[n - 1], [&] {
        EXPECT_EQ(st(m[n - 2].lock()), "ok");
        EXPECT_EQ(st(m[n - 2].unlock()), "ok");
    });
    EXPECT_EQ(fake::priority_changes() - changes, k_pi_max_depth);
    for (int i = 1; i < n - 1; ++i)
        EXPECT_EQ(t[i]->eff, 20) << i;
    EXPECT_EQ(t[0]->eff, n - 1);  // beyond the limit

    for (int i = 0; i < n; ++i) {
        step(t[i]);
        EXPECT_TRUE(done(t[i])) << i;
        EXPECT_EQ(t[i]->eff, t[i]->base) << i;
    }
}

TEST_F(MutexTest, BasePriorityChangeHook) {
    Mutex m;
    Thread* owner = fake::make("owner", 2);
    Thread* waiter = fake::make("waiter", 4);
    start(owner, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    start(waiter, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_EQ(owner->eff, 4);
    {
        sched::Locked l;
        waiter->base = 7;  // what sched::set_priority() does, then the hook
        sync::base_priority_changed(l, waiter);
    }
    EXPECT_EQ(waiter->eff, 7);
    EXPECT_EQ(owner->eff, 7);  // passed along the chain
    {
        sched::Locked l;
        owner->base = 3;
        sync::base_priority_changed(l, owner);
    }
    EXPECT_EQ(owner->eff, 7);  // still inherits
    {
        sched::Locked l;
        waiter->base = 1;
        sync::base_priority_changed(l, waiter);
    }
    EXPECT_EQ(waiter->eff, 1);
    EXPECT_EQ(owner->eff, 3);
    step(owner);
    EXPECT_EQ(owner->eff, 3);
    step(waiter);
}

}  // namespace
