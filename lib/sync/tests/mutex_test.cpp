// Host tests of Mutex, priority inheritance above all: simple inversion, a
// transitive chain, restoring priorities on unlock and on a waiter's timeout
// (with and without the scheduler's timeout hook), several held mutexes,
// deadlock and cycle detection, and the chain depth limit. Built with
// CONFIG_LIBSYNC_PI_MAX_DEPTH=4 (tests/unit.mk). The threads run on the real
// scheduler (sync_test.hpp): a boosted owner preempts as it would on the target.
#include "pi.hpp"
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
    EXPECT_EQ(s_mutex.owner(), self());
    EXPECT_EQ(st(s_mutex.unlock()), "ok");
    s_cond.signal();
}

TEST_F(MutexTest, BasicErrors) {
    Mutex m;
    EXPECT_EQ(st(m.unlock()), "NotOwner");
    EXPECT_EQ(st(m.try_lock()), "ok");
    EXPECT_EQ(st(m.lock()), "Deadlock");  // recursive lock
    EXPECT_EQ(st(m.try_lock()), "Deadlock");
    EXPECT_EQ(st(m.lock(k_timeout)), "Deadlock");
    EXPECT_EQ(st(m.unlock()), "ok");
    EXPECT_EQ(st(m.unlock()), "NotOwner");

    in_isr([&] {
        EXPECT_EQ(st(m.lock()), "InIsr");
        EXPECT_EQ(st(m.try_lock()), "InIsr");
        EXPECT_EQ(st(m.unlock()), "InIsr");
    });
    EXPECT_EQ(m.owner(), nullptr);
}

TEST_F(MutexTest, NotOwnerAndTryLockOfHeldMutex) {
    Mutex m;
    Thread* a = start("a", 3, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_EQ(st(m.unlock()), "NotOwner");  // the body is not the owner
    EXPECT_EQ(st(m.try_lock()), "WouldBlock");
    EXPECT_EQ(st(m.lock(k_no_wait)), "WouldBlock");
    EXPECT_EQ(eff(a), 3);  // no boost without blocking
    step(a);
    EXPECT_TRUE(done(a));
}

// L (1) holds m; H (10) blocks on it: L runs at 10 until it unlocks, then
// ownership goes straight to H, L is back at 1 and H preempts it.
TEST_F(MutexTest, SimpleInversion) {
    Mutex m;
    Thread* high = nullptr;
    std::string order;
    Thread* low = start("low", 1, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        {
            NoPreempt np;  // look at the hand-off before high runs
            EXPECT_EQ(st(m.unlock()), "ok");
            EXPECT_EQ(eff(self()), 1);
            EXPECT_EQ(m.owner(), high);  // handed over before high runs
            EXPECT_EQ(blocked_on(high), nullptr);
            EXPECT_TRUE(ready(high));
            EXPECT_TRUE(holds_none(self()));
            EXPECT_EQ(st(m.try_lock()), "WouldBlock");  // no barging
        }
        order += "low";
    });
    high = start("high", 10, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(m.owner(), self());
        EXPECT_EQ(st(m.unlock()), "ok");
        order += "high,";
    });
    EXPECT_TRUE(blocked(high));
    EXPECT_EQ(blocked_on(high), &m);
    EXPECT_EQ(eff(low), 10);
    EXPECT_EQ(base(low), 1);

    step(low);
    EXPECT_EQ(order, "high,low");  // high preempted low at the end of its NoPreempt
    EXPECT_TRUE(done(low));
    EXPECT_TRUE(done(high));
    EXPECT_EQ(eff(low), 1);
    EXPECT_EQ(m.owner(), nullptr);
    EXPECT_TRUE(holds_none(low));
    EXPECT_TRUE(holds_none(high));
}

TEST_F(MutexTest, LowerWaiterDoesNotLowerOwner) {
    Mutex m;
    Thread* waiter = nullptr;
    Thread* owner = start("owner", 5, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
        EXPECT_EQ(eff(self()), 5);
        EXPECT_EQ(m.owner(), waiter);
        EXPECT_TRUE(ready(waiter));  // lower: it waits for the owner to finish
    });
    waiter = start("waiter", 2, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_EQ(eff(owner), 5);
    step(owner);
    EXPECT_EQ(eff(owner), 5);
    EXPECT_EQ(eff(waiter), 2);
    EXPECT_TRUE(done(owner));
    EXPECT_TRUE(done(waiter));
}

// Highest waiter first, FIFO among equals, each handed the mutex in turn.
TEST_F(MutexTest, HandOffOrder) {
    Mutex m;
    std::string order;
    Thread* owner = start("owner", 1, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    Thread* w[4];
    const char* names[4] = {"a", "b", "c", "d"};
    u8 prios[4] = {3, 7, 3, 7};
    for (int i = 0; i < 4; ++i)
        w[i] = start(names[i], prios[i], [&] {
            EXPECT_EQ(st(m.lock()), "ok");
            EXPECT_EQ(m.owner(), self());
            order += name(self());
            EXPECT_EQ(st(m.unlock()), "ok");
        });
    EXPECT_EQ(eff(owner), 7);
    step(owner);  // each unlock hands over to the next
    EXPECT_EQ(order, "bdac");
    EXPECT_EQ(m.owner(), nullptr);
    for (Thread* t : w)
        EXPECT_TRUE(done(t)) << name(t);
    EXPECT_TRUE(done(owner));
}

// T1 (1) holds m1. T2 (2) holds m2 and waits for m1. T3 (3) holds m3 and
// waits for m2. T4 (10) waits for m3: all three owners run at 10. Then T4
// times out and the whole chain drops back to what remains (3); unlocking
// restores every base priority.
TEST_F(MutexTest, TransitiveChainOfThreeMutexes) {
    Mutex m1, m2, m3;
    Thread* t1 = nullptr;
    Thread* t3 = nullptr;
    t1 = start("t1", 1, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    Thread* t2 = start("t2", 2, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(eff(t1), 1);  // dropped when it handed m1 over
        EXPECT_EQ(eff(self()), 3);  // t3 still waits for m2
        EXPECT_EQ(st(m1.unlock()), "ok");
        {
            NoPreempt np;
            EXPECT_EQ(st(m2.unlock()), "ok");
            EXPECT_EQ(eff(self()), 2);
            EXPECT_EQ(m2.owner(), t3);
        }
    });
    EXPECT_EQ(eff(t1), 2);
    t3 = start("t3", 3, [&] {
        EXPECT_EQ(st(m3.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m3.unlock()), "ok");
    });
    EXPECT_EQ(eff(t2), 3);
    EXPECT_EQ(eff(t1), 3);
    Thread* t4 = start("t4", 10, [&] { EXPECT_EQ(st(m3.lock(k_timeout)), "Timeout"); });
    EXPECT_TRUE(blocked(t4));
    EXPECT_EQ(eff(t3), 10);
    EXPECT_EQ(eff(t2), 10);
    EXPECT_EQ(eff(t1), 10);

    {
        NoPreempt np;
        advance(k_timeout);  // the timeout interrupt lowers the chain at once
        EXPECT_TRUE(ready(t4));
        EXPECT_EQ(eff(t3), 3);
        EXPECT_EQ(eff(t2), 3);
        EXPECT_EQ(eff(t1), 3);
    }
    EXPECT_TRUE(done(t4));
    EXPECT_EQ(blocked_on(t4), nullptr);

    step(t1);  // m1 -> t2, m2 -> t3: all run out
    for (Thread* t : {t1, t2, t3, t4}) {
        EXPECT_TRUE(done(t)) << name(t);
        EXPECT_EQ(eff(t), base(t)) << name(t);
        EXPECT_TRUE(holds_none(t)) << name(t);
    }
}

// A waiter's timeout lowers the owner to the next waiter's priority: at once
// with the scheduler's timeout hook, else when the waiter runs again.
class MutexTimeoutTest : public SyncTest, public ::testing::WithParamInterface<bool> {};

TEST_P(MutexTimeoutTest, WaiterTimeoutLowersOwner) {
    bool hook = GetParam();
    set_timeout_hook(hook);
    Mutex m;
    Thread* mid = nullptr;
    Thread* owner = start("owner", 1, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        NoPreempt np;
        EXPECT_EQ(st(m.unlock()), "ok");
        EXPECT_EQ(eff(self()), 1);
        EXPECT_EQ(m.owner(), mid);
    });
    mid = start("mid", 4, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    Thread* high = start("high", 9, [&] { EXPECT_EQ(st(m.lock(k_timeout)), "Timeout"); });
    EXPECT_EQ(eff(owner), 9);

    {
        NoPreempt np;
        advance(k_timeout);
        EXPECT_TRUE(ready(high));
        EXPECT_EQ(eff(owner), hook ? 4 : 9);
        EXPECT_EQ(blocked_on(high), hook ? nullptr : &m);
    }
    EXPECT_TRUE(done(high));
    EXPECT_EQ(eff(owner), 4);
    EXPECT_EQ(blocked_on(high), nullptr);
    EXPECT_EQ(m.owner(), owner);

    step(owner);
    EXPECT_EQ(eff(owner), 1);
    EXPECT_TRUE(done(mid));
    EXPECT_EQ(m.owner(), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Hook, MutexTimeoutTest, ::testing::Bool());

TEST_F(MutexTest, TimeoutOfOnlyWaiterRestoresBase) {
    Mutex m;
    Thread* owner = start("owner", 2, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    Thread* waiter = start("waiter", 6, [&] {
        EXPECT_EQ(st(m.lock(k_timeout)), "Timeout");
        EXPECT_NE(m.owner(), self());
    });
    EXPECT_EQ(eff(owner), 6);
    advance(k_timeout);
    EXPECT_TRUE(done(waiter));
    EXPECT_EQ(eff(owner), 2);
    step(owner);
    EXPECT_EQ(m.owner(), nullptr);  // no waiter left to hand to
}

// L holds m1 and m2; H1 (5) waits for m1, H2 (8) for m2. L runs at the
// higher of the two and drops step by step as it unlocks, in either order.
class HeldMutexesTest : public SyncTest, public ::testing::WithParamInterface<bool> {};

TEST_P(HeldMutexesTest, MultipleHeldMutexes) {
    bool m2_first = GetParam();
    Mutex m1, m2;
    Thread* low = start("low", 1, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        hand_back();
        EXPECT_EQ(st((m2_first ? m2 : m1).unlock()), "ok");
        hand_back();
        EXPECT_EQ(st((m2_first ? m1 : m2).unlock()), "ok");
    });
    auto waiter = [](Mutex* m) {
        return [m] {
            EXPECT_EQ(st(m->lock()), "ok");
            EXPECT_EQ(m->owner(), self());
            EXPECT_EQ(st(m->unlock()), "ok");
        };
    };
    Thread* h1 = start("h1", 5, waiter(&m1));
    EXPECT_EQ(eff(low), 5);
    Thread* h2 = start("h2", 8, waiter(&m2));
    EXPECT_EQ(eff(low), 8);

    step(low);
    EXPECT_EQ(eff(low), m2_first ? 5 : 8);
    EXPECT_TRUE(done(m2_first ? h2 : h1));
    step(low);
    EXPECT_TRUE(done(low));
    EXPECT_EQ(eff(low), 1);
    EXPECT_TRUE(done(h1));
    EXPECT_TRUE(done(h2));
}

INSTANTIATE_TEST_SUITE_P(Order, HeldMutexesTest, ::testing::Bool());

// Recomputing after a timeout looks at every mutex the owner still holds.
TEST_F(MutexTest, RecomputeConsidersEveryHeldMutex) {
    Mutex m[3];
    Thread* low = start("low", 1, [&] {
        for (Mutex& x : m)
            EXPECT_EQ(st(x.lock()), "ok");
        hand_back();
        for (int i = 2; i >= 0; --i)
            EXPECT_EQ(st(m[i].unlock()), "ok");
    });
    const char* names[3] = {"h1", "h2", "h3"};
    u8 prios[3] = {5, 8, 9};
    Thread* h[3];
    for (int i = 0; i < 3; ++i)
        h[i] = start(names[i], prios[i], [&, i] {
            EXPECT_EQ(st(m[i].lock(i == 2 ? k_timeout : k_forever)), i == 2 ? "Timeout" : "ok");
            if (i != 2) {
                EXPECT_EQ(st(m[i].unlock()), "ok");
            }
        });
    EXPECT_EQ(eff(low), 9);
    advance(k_timeout);
    EXPECT_TRUE(done(h[2]));
    EXPECT_EQ(eff(low), 8);  // m2's waiter, not just the first held mutex's
    step(low);
    EXPECT_EQ(eff(low), 1);
    for (Thread* t : h)
        EXPECT_TRUE(done(t)) << name(t);
}

// A thread that is both an owner and a waiter: a boost of it reorders it in
// the wait queue it is in, so its owner sees the new order.
TEST_F(MutexTest, BoostReordersWaiterInItsQueue) {
    Mutex m1, m2;
    std::string order;
    Thread* owner = start("owner", 1, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    Thread* a = start("a", 3, [&] {  // holds m2, waits for m1
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m1.lock()), "ok");
        order += "a,";  // ahead of b (4): 9 by inheritance
        EXPECT_EQ(eff(self()), 9);  // still inherits from c via m2, and b via m1
        EXPECT_EQ(st(m1.unlock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");  // c preempts
        EXPECT_EQ(eff(self()), 3);
        order += "a,";
    });
    Thread* b = start("b", 4, [&] {  // waits for m1
        EXPECT_EQ(st(m1.lock()), "ok");
        order += "b,";
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    EXPECT_EQ(eff(owner), 4);
    Thread* c = start("c", 9, [&] {  // waits for m2
        EXPECT_EQ(st(m2.lock()), "ok");
        order += "c,";
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    EXPECT_EQ(eff(a), 9);
    EXPECT_EQ(eff(owner), 9);
    step(owner);
    EXPECT_EQ(order, "a,c,b,a,");  // once c is done, b (4) runs before a (back at 3)
    EXPECT_EQ(eff(a), 3);
    for (Thread* t : {owner, a, b, c})
        EXPECT_TRUE(done(t)) << name(t);
}

// a holds m1 and waits for m2, held by b; b asking for m1 would wait for
// itself. It gets Deadlock, and a (lower) is not boosted on the way.
TEST_F(MutexTest, CycleOfTwoIsDeadlock) {
    Mutex m1, m2;
    Thread* a = nullptr;
    Thread* b = start("b", 6, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m1.lock()), "Deadlock");
        EXPECT_EQ(st(m1.lock(k_timeout)), "Deadlock");
        EXPECT_EQ(blocked_on(self()), nullptr);
        EXPECT_EQ(eff(a), 2);  // never boosted by the refused lock
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(m2.owner(), a);  // a (2) runs after b
        EXPECT_TRUE(ready(a));
    });
    a = start("a", 2, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    EXPECT_TRUE(blocked(a));
    EXPECT_EQ(eff(b), 6);
    step(b);
    EXPECT_TRUE(done(b));
    EXPECT_TRUE(done(a));
    EXPECT_EQ(eff(a), 2);
}

TEST_F(MutexTest, CycleIsReportedWithoutSideEffects) {
    Mutex m1, m2, m3;
    Thread* a = nullptr;
    Thread* b = nullptr;
    // a holds m1 and waits for m2; b holds m2 and waits for m3; c holds m3.
    Thread* c = start("c", 8, [&] {
        EXPECT_EQ(st(m3.lock()), "ok");
        hand_back();
        unsigned changes = priority_changes();
        EXPECT_EQ(st(m1.lock()), "Deadlock");  // c -> m1 -> a -> m2 -> b -> m3 -> c
        EXPECT_EQ(st(m1.lock(k_no_wait)), "WouldBlock");
        EXPECT_EQ(priority_changes(), changes);  // nothing boosted
        EXPECT_EQ(blocked_on(self()), nullptr);
        EXPECT_EQ(eff(a), 2);
        EXPECT_EQ(eff(b), 3);
        EXPECT_EQ(st(m3.unlock()), "ok");
    });
    b = start("b", 3, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m3.lock()), "ok");
        EXPECT_EQ(st(m3.unlock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
    });
    a = start("a", 2, [&] {
        EXPECT_EQ(st(m1.lock()), "ok");
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m1.unlock()), "ok");
    });
    EXPECT_EQ(eff(c), 8);
    EXPECT_EQ(eff(b), 3);
    EXPECT_EQ(eff(a), 2);
    step(c);  // Deadlock, then unlocks m3 -> b -> m2 -> a
    for (Thread* t : {a, b, c})
        EXPECT_TRUE(done(t)) << name(t);
}

// With the scheduler's hook a timed-out waiter no longer counts as blocked,
// even before it runs again: the owner it boosted can then wait for a mutex
// the timed-out thread holds without that being taken for a cycle.
TEST_F(MutexTest, TimedOutWaiterIsNoLongerInTheChain) {
    Mutex m, m2;
    // The owner (6) is above t (5), so it runs first once both are ready.
    Thread* owner = start("owner", 6, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m2.lock()), "ok");  // t holds m2: blocks, no Deadlock
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    Thread* t = start("t", 5, [&] {
        EXPECT_EQ(st(m2.lock()), "ok");
        EXPECT_EQ(st(m.lock(k_timeout)), "Timeout");
        EXPECT_EQ(eff(self()), 6);  // the owner waits for m2 now
        EXPECT_EQ(st(m2.unlock()), "ok");
        EXPECT_EQ(eff(self()), 5);
    });
    {
        NoPreempt np;
        advance(k_timeout);  // t's wait ends; it has not run yet
        EXPECT_TRUE(ready(t));
        step(owner);
    }
    EXPECT_TRUE(done(t));
    EXPECT_TRUE(done(owner));
    EXPECT_EQ(m.owner(), nullptr);
    EXPECT_EQ(m2.owner(), nullptr);
}

// Chain of six threads: t0 <- t1 <- ... <- t5, each ti holding mi and
// waiting for m(i-1). With a depth limit of 4, t5's lock boosts t4..t1 but
// not t0, with exactly 4 priority changes.
TEST_F(MutexTest, ChainDepthIsBounded) {
    static_assert(k_pi_max_depth == 4, "tests/unit.mk sets CONFIG_LIBSYNC_PI_MAX_DEPTH=4");
    constexpr int n = 6;
    Mutex m[n - 1];
    Thread* t[n];
    t[0] = start("t0", 1, [&] {
        EXPECT_EQ(st(m[0].lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m[0].unlock()), "ok");
    });
    for (int i = 1; i < n - 1; ++i) {
        t[i] = start(("t" + std::to_string(i)).c_str(), static_cast<u8>(i + 1), [&, i] {
            EXPECT_EQ(st(m[i].lock()), "ok");
            EXPECT_EQ(st(m[i - 1].lock()), "ok");
            EXPECT_EQ(st(m[i - 1].unlock()), "ok");
            EXPECT_EQ(st(m[i].unlock()), "ok");
        });
    }
    for (int i = 0; i < n - 1; ++i)
        EXPECT_EQ(eff(t[i]), n - 1) << i;  // t4 (5) boosted t3..t0: 4 owners
    unsigned changes = priority_changes();
    t[n - 1] = start("t5", 20, [&] {
        EXPECT_EQ(st(m[n - 2].lock()), "ok");
        EXPECT_EQ(st(m[n - 2].unlock()), "ok");
    });
    EXPECT_EQ(priority_changes() - changes, k_pi_max_depth);
    for (int i = 1; i < n - 1; ++i)
        EXPECT_EQ(eff(t[i]), 20) << i;
    EXPECT_EQ(eff(t[0]), n - 1);  // beyond the limit

    step(t[0]);  // each unlock hands on along the chain
    for (int i = 0; i < n; ++i) {
        EXPECT_TRUE(done(t[i])) << i;
        EXPECT_EQ(eff(t[i]), base(t[i])) << i;
    }
}

// sched::set_priority() calls lib/sync's base_priority_changed() hook.
TEST_F(MutexTest, BasePriorityChangeHook) {
    Mutex m;
    Thread* owner = start("owner", 2, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
        EXPECT_EQ(eff(self()), 3);
    });
    Thread* waiter = start("waiter", 4, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_EQ(eff(owner), 4);
    ASSERT_TRUE(sched::set_priority(waiter, 7).ok());
    EXPECT_EQ(eff(waiter), 7);
    EXPECT_EQ(eff(owner), 7);  // passed along the chain
    ASSERT_TRUE(sched::set_priority(owner, 3).ok());
    EXPECT_EQ(eff(owner), 7);  // still inherits
    ASSERT_TRUE(sched::set_priority(waiter, 1).ok());
    EXPECT_EQ(eff(waiter), 1);
    EXPECT_EQ(eff(owner), 3);
    step(owner);
    EXPECT_EQ(eff(owner), 3);
    EXPECT_TRUE(done(waiter));
}

// ---- Invariants (TN_ASSERT, on in host builds) ------------------------------

// The bookkeeping broken on purpose: a waiter no longer recorded as blocked
// on the mutex it waits for. The hand-off notices instead of corrupting the
// priority-inheritance state.
TEST_F(MutexTest, HandOffToAWaiterNotBlockedOnTheMutexAsserts) {
    Mutex m;
    ASSERT_EQ(st(m.lock()), "ok");
    Thread* w = start("w", 5, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    ASSERT_EQ(blocked_on(w), &m);
    EXPECT_DEATH(
        {
            {
                sched::Locked l;
                sched::set_blocked_on(l, w, nullptr);
            }
            (void)m.unlock();
        },
        "assertion failed: sched::blocked_on\\(l, next\\) == &m");
    EXPECT_EQ(st(m.unlock()), "ok");  // intact in this process
    EXPECT_TRUE(done(w));
}

TEST_F(MutexTest, AcquiringAnOwnedMutexAsserts) {
    Mutex m;
    ASSERT_EQ(st(m.lock()), "ok");
    EXPECT_DEATH(
        {
            sched::Locked l;
            detail::MutexCore::acquire(l, m, self());
        },
        "assertion failed: m.m_owner == nullptr");
    EXPECT_EQ(st(m.unlock()), "ok");
}

}  // namespace
