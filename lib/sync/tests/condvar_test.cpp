// Host tests of CondVar: errors, releasing and re-locking the mutex
// atomically around the wait, re-locking with priority inheritance, timeouts
// (returning with the mutex held), and signal/broadcast order.
#include "sync_test.hpp"

namespace {

using namespace tn;
using namespace tn::sync;
using namespace sync_test;

class CondVarTest : public SyncTest {};

TEST_F(CondVarTest, Errors) {
    Mutex m;
    CondVar cv;
    EXPECT_EQ(st(cv.wait(m)), "NotOwner");
    ASSERT_EQ(st(m.lock()), "ok");
    EXPECT_EQ(st(cv.wait(m, k_no_wait)), "WouldBlock");
    EXPECT_EQ(m.owner(), self());  // still held
    in_isr([&] {
        EXPECT_EQ(st(cv.wait(m)), "InIsr");
        cv.signal();  // ISR ok, nobody waits
        cv.broadcast();
    });
    EXPECT_EQ(st(m.unlock()), "ok");
}

TEST_F(CondVarTest, SignalReleasesAndRelocks) {
    Mutex m;
    CondVar cv;
    bool ready = false;
    int wakeups = 0;
    Thread* consumer = start("consumer", 5, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        while (!ready) {
            EXPECT_EQ(st(cv.wait(m)), "ok");
            ++wakeups;
        }
        EXPECT_EQ(m.owner(), self());
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_TRUE(blocked(consumer));
    EXPECT_EQ(m.owner(), nullptr);  // released while waiting
    EXPECT_TRUE(holds_none(consumer));

    cv.signal();  // wakes it, but the predicate is still false: it waits again
    EXPECT_EQ(wakeups, 1);
    EXPECT_TRUE(blocked(consumer));
    EXPECT_EQ(blocked_on(consumer), nullptr);  // on the condition, not the mutex
    EXPECT_EQ(m.owner(), nullptr);

    ASSERT_EQ(st(m.lock()), "ok");
    ready = true;
    cv.signal();  // it wakes and blocks re-locking m, lending the body its priority
    EXPECT_EQ(wakeups, 1);
    EXPECT_EQ(blocked_on(consumer), &m);
    EXPECT_EQ(eff(self()), 5);
    EXPECT_EQ(st(m.unlock()), "ok");
    EXPECT_EQ(eff(self()), k_controller);
    EXPECT_EQ(wakeups, 2);
    EXPECT_TRUE(done(consumer));
}

TEST_F(CondVarTest, RelockBlocksWithInheritance) {
    Mutex m;
    CondVar cv;
    Thread* waiter = start("waiter", 9, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(cv.wait(m)), "ok");
        EXPECT_EQ(m.owner(), self());
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    Thread* signaller = start("signaller", 1, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        cv.signal();  // the waiter preempts, then blocks on m
        EXPECT_EQ(eff(self()), 9);
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
        EXPECT_EQ(eff(self()), 1);
    });
    EXPECT_TRUE(blocked(waiter));
    EXPECT_EQ(blocked_on(waiter), &m);
    EXPECT_EQ(eff(signaller), 9);
    step(signaller);
    EXPECT_EQ(eff(signaller), 1);
    EXPECT_TRUE(done(waiter));
    EXPECT_TRUE(done(signaller));
}

TEST_F(CondVarTest, TimeoutReturnsWithMutexHeld) {
    Mutex m;
    CondVar cv;
    Thread* t = start("t", 3, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(cv.wait(m, k_timeout)), "Timeout");
        EXPECT_EQ(m.owner(), self());
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    {
        NoPreempt np;
        advance(k_timeout);
        EXPECT_TRUE(ready(t));
        cv.signal();  // too late: t is no longer waiting
    }
    EXPECT_TRUE(done(t));
}

TEST_F(CondVarTest, BroadcastWakesAllInPriorityOrder) {
    Mutex m;
    CondVar cv;
    std::string order;
    auto waiter = [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(cv.wait(m)), "ok");
        order += name(self());
        EXPECT_EQ(st(m.unlock()), "ok");
    };
    Thread* w[3] = {start("a", 2, waiter), start("b", 6, waiter), start("c", 4, waiter)};
    {
        NoPreempt np;
        cv.broadcast();
        for (Thread* t : w)
            EXPECT_TRUE(ready(t)) << name(t);
    }
    for (Thread* t : w)  // each relocked the free mutex and released it
        EXPECT_TRUE(done(t)) << name(t);
    EXPECT_EQ(order, "bca");

    // signal() picks the highest waiter.
    order.clear();
    Thread* x[3] = {start("a", 2, waiter), start("b", 6, waiter), start("c", 4, waiter)};
    {
        NoPreempt np;
        cv.signal();
        EXPECT_TRUE(ready(x[1]));
        EXPECT_TRUE(blocked(x[0]));
        EXPECT_TRUE(blocked(x[2]));
    }
    EXPECT_TRUE(done(x[1]));
    cv.signal();
    EXPECT_TRUE(done(x[2]));
    EXPECT_TRUE(blocked(x[0]));
    cv.signal();
    EXPECT_TRUE(done(x[0]));
    EXPECT_EQ(order, "bca");
}

}  // namespace
