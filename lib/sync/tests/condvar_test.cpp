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
    EXPECT_EQ(m.owner(), fake::main_thread());  // still held
    fake::set_in_isr(true);
    EXPECT_EQ(st(cv.wait(m)), "InIsr");
    cv.signal();  // ISR ok, nobody waits
    cv.broadcast();
    fake::set_in_isr(false);
    EXPECT_EQ(st(m.unlock()), "ok");
}

TEST_F(CondVarTest, SignalReleasesAndRelocks) {
    Mutex m;
    CondVar cv;
    bool ready = false;
    Thread* consumer = fake::make("consumer", 5);
    start(consumer, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        while (!ready)
            EXPECT_EQ(st(cv.wait(m)), "ok");
        EXPECT_EQ(m.owner(), consumer);
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    EXPECT_TRUE(blocked(consumer));
    EXPECT_EQ(m.owner(), nullptr);  // released while waiting
    EXPECT_TRUE(consumer->held.empty());

    cv.signal();  // wakes, but the predicate is still false
    step(consumer);
    EXPECT_TRUE(blocked(consumer));

    ASSERT_EQ(st(m.lock()), "ok");
    ready = true;
    cv.signal();
    EXPECT_FALSE(blocked(consumer));
    EXPECT_EQ(st(m.unlock()), "ok");
    step(consumer);
    EXPECT_TRUE(done(consumer));
}

TEST_F(CondVarTest, RelockBlocksWithInheritance) {
    Mutex m;
    CondVar cv;
    Thread* waiter = fake::make("waiter", 9);
    Thread* signaller = fake::make("signaller", 1);
    start(waiter, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(cv.wait(m)), "ok");
        EXPECT_EQ(m.owner(), waiter);
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    start(signaller, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        cv.signal();
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    step(waiter);  // woken, then blocks on m
    EXPECT_TRUE(blocked(waiter));
    EXPECT_EQ(signaller->eff, 9);
    step(signaller);
    EXPECT_EQ(signaller->eff, 1);
    EXPECT_EQ(m.owner(), waiter);
    step(waiter);
    EXPECT_TRUE(done(waiter));
}

TEST_F(CondVarTest, TimeoutReturnsWithMutexHeld) {
    Mutex m;
    CondVar cv;
    Thread* t = fake::make("t", 3);
    start(t, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        EXPECT_EQ(st(cv.wait(m, k_timeout)), "Timeout");
        EXPECT_EQ(m.owner(), t);
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    expire(t);
    cv.signal();  // too late: t is no longer waiting
    step(t);
    EXPECT_TRUE(done(t));
}

TEST_F(CondVarTest, BroadcastWakesAllInPriorityOrder) {
    Mutex m;
    CondVar cv;
    std::string order;
    Thread* w[3] = {fake::make("a", 2), fake::make("b", 6), fake::make("c", 4)};
    for (Thread* t : w)
        start(t, [&, t] {
            EXPECT_EQ(st(m.lock()), "ok");
            EXPECT_EQ(st(cv.wait(m)), "ok");
            order += t->name;
            EXPECT_EQ(st(m.unlock()), "ok");
        });
    cv.broadcast();
    for (Thread* t : w)
        EXPECT_FALSE(blocked(t)) << t->name;
    for (Thread* t : w)
        step(t);  // each relocks the free mutex and releases it
    EXPECT_EQ(order, "abc");

    // signal() picks the highest waiter.
    order.clear();
    Thread* x[3] = {fake::make("a", 2), fake::make("b", 6), fake::make("c", 4)};
    for (Thread* t : x)
        start(t, [&, t] {
            EXPECT_EQ(st(m.lock()), "ok");
            EXPECT_EQ(st(cv.wait(m)), "ok");
            order += t->name;
            EXPECT_EQ(st(m.unlock()), "ok");
        });
    cv.signal();
    EXPECT_FALSE(blocked(x[1]));
    EXPECT_TRUE(blocked(x[0]));
    EXPECT_TRUE(blocked(x[2]));
    step(x[1]);
    cv.signal();
    EXPECT_FALSE(blocked(x[2]));
    step(x[2]);
    cv.signal();
    step(x[0]);
    EXPECT_EQ(order, "bca");
}

}  // namespace
