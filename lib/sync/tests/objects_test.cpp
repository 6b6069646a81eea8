// Host tests of Semaphore, MessageQueue and EventFlags: counting and limits,
// blocking with wake-ups and timeouts, ISR rules, wake-up order, and that a
// woken waiter's unit, message or slot cannot be taken by a later arrival.
#include "sync_test.hpp"

#include <cstring>

namespace {

using namespace tn;
using namespace tn::sync;
using namespace sync_test;

class SemaphoreTest : public SyncTest {};
class MessageQueueTest : public SyncTest {};
class EventFlagsTest : public SyncTest {};

// ---- Semaphore ----------------------------------------------------------

TEST_F(SemaphoreTest, CountsUpToMax) {
    constinit static Semaphore s_sem(1, 2);
    EXPECT_EQ(s_sem.count(), 1u);
    EXPECT_EQ(st(s_sem.give()), "ok");
    EXPECT_EQ(s_sem.count(), 2u);
    EXPECT_EQ(st(s_sem.give()), "Overflow");
    EXPECT_EQ(s_sem.count(), 2u);
    EXPECT_EQ(st(s_sem.take(k_no_wait)), "ok");
    EXPECT_EQ(st(s_sem.take(k_no_wait)), "ok");
    EXPECT_EQ(st(s_sem.take(k_no_wait)), "WouldBlock");
    EXPECT_EQ(s_sem.count(), 0u);

    Semaphore clamped(5, 3);
    EXPECT_EQ(clamped.count(), 3u);
    Semaphore none(0, 0);
    EXPECT_EQ(st(none.give()), "Overflow");
}

TEST_F(SemaphoreTest, IsrRules) {
    Semaphore sem(1, 4);
    in_isr([&] {
        EXPECT_EQ(st(sem.take(k_timeout)), "InIsr");  // even though a unit is there
        EXPECT_EQ(st(sem.take(k_forever)), "InIsr");
        EXPECT_EQ(sem.count(), 1u);
        EXPECT_EQ(st(sem.take(k_no_wait)), "ok");
        EXPECT_EQ(st(sem.take(k_no_wait)), "WouldBlock");
        EXPECT_EQ(st(sem.give()), "ok");
    });
    EXPECT_EQ(sem.count(), 1u);
}

TEST_F(SemaphoreTest, GiveFromIsrHandsUnitToWaiter) {
    Semaphore sem(0, 1);
    Thread* t = start("t", 3, [&] { EXPECT_EQ(st(sem.take()), "ok"); });
    EXPECT_TRUE(blocked(t));
    in_isr([&] {
        EXPECT_EQ(st(sem.give()), "ok");
        EXPECT_TRUE(ready(t));  // runs on the way out of the interrupt
        EXPECT_EQ(sem.count(), 0u);  // handed over, not counted
        EXPECT_EQ(st(sem.take(k_no_wait)), "WouldBlock");  // no barging
    });
    EXPECT_TRUE(done(t));
    EXPECT_EQ(sem.count(), 0u);
}

TEST_F(SemaphoreTest, Timeout) {
    Semaphore sem(0, 1);
    Thread* t = start("t", 3, [&] { EXPECT_EQ(st(sem.take(k_timeout)), "Timeout"); });
    {
        NoPreempt np;
        advance(k_timeout);
        EXPECT_TRUE(ready(t));
        EXPECT_EQ(st(sem.give()), "ok");  // nobody waits any more: counted
        EXPECT_EQ(sem.count(), 1u);
    }
    EXPECT_TRUE(done(t));
    EXPECT_EQ(sem.count(), 1u);
}

TEST_F(SemaphoreTest, WakesHighestThenFifo) {
    Semaphore sem(0, 10);
    std::string order;
    auto taker = [&] {
        EXPECT_EQ(st(sem.take()), "ok");
        order += name(self());
    };
    Thread* w[4] = {start("a", 2, taker), start("b", 5, taker), start("c", 2, taker), start("d", 5, taker)};
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(st(sem.give()), "ok");  // the woken taker runs at once
        EXPECT_EQ(order.size(), static_cast<size_t>(i + 1));
    }
    EXPECT_EQ(order, "bdac");
    for (Thread* t : w)
        EXPECT_TRUE(done(t)) << name(t);
}

// ---- MessageQueue -------------------------------------------------------

TEST_F(MessageQueueTest, FifoWrapAndLimits) {
    static u32 s_buffer[3];
    constinit static MessageQueue s_queue(sizeof(u32), 3, s_buffer);
    MessageQueue& q = s_queue;
    EXPECT_EQ(q.capacity(), 3u);
    EXPECT_EQ(q.msg_size(), sizeof(u32));
    u32 out = 0;
    EXPECT_EQ(st(q.receive(&out, k_no_wait)), "WouldBlock");
    u32 next_in = 100, next_out = 100;
    for (int round = 0; round < 5; ++round) {  // wraps the ring several times
        while (q.count() < 3) {
            EXPECT_EQ(st(q.send(&next_in, k_no_wait)), "ok");
            ++next_in;
        }
        EXPECT_EQ(st(q.send(&next_in, k_no_wait)), "WouldBlock");
        for (int i = 0; i < 2; ++i) {
            EXPECT_EQ(st(q.receive(&out, k_no_wait)), "ok");
            EXPECT_EQ(out, next_out++);
        }
    }
    while (q.count() > 0) {
        EXPECT_EQ(st(q.receive(&out, k_no_wait)), "ok");
        EXPECT_EQ(out, next_out++);
    }
    EXPECT_EQ(next_out, next_in);
}

TEST_F(MessageQueueTest, CopiesWholeMessages) {
    struct Msg {
        char text[13];
    };
    Msg buffer[2];
    MessageQueue q(sizeof(Msg), 2, buffer);
    Msg a{"hello world!"}, b{"second msg.."}, out{};
    EXPECT_EQ(st(q.send(&a, k_no_wait)), "ok");
    EXPECT_EQ(st(q.send(&b, k_no_wait)), "ok");
    std::memset(&a, 0, sizeof a);  // the queue holds its own copy
    EXPECT_EQ(st(q.receive(&out, k_no_wait)), "ok");
    EXPECT_STREQ(out.text, "hello world!");
    EXPECT_EQ(st(q.receive(&out, k_no_wait)), "ok");
    EXPECT_STREQ(out.text, "second msg..");
}

TEST_F(MessageQueueTest, IsrRules) {
    u64 buffer[2];
    MessageQueue q(sizeof(u64), 2, buffer);
    u64 v = 7;
    in_isr([&] {
        EXPECT_EQ(st(q.send(&v, k_timeout)), "InIsr");
        EXPECT_EQ(st(q.send(&v, k_forever)), "InIsr");
        EXPECT_EQ(st(q.receive(&v, k_timeout)), "InIsr");
        EXPECT_EQ(q.count(), 0u);
        EXPECT_EQ(st(q.send(&v, k_no_wait)), "ok");
        EXPECT_EQ(st(q.receive(&v, k_no_wait)), "ok");
    });
}

TEST_F(MessageQueueTest, BlockedReceiverGetsMessageFromIsr) {
    u32 buffer[1];
    MessageQueue q(sizeof(u32), 1, buffer);
    Thread* rx = start("rx", 4, [&] {
        u32 v = 0;
        EXPECT_EQ(st(q.receive(&v)), "ok");
        EXPECT_EQ(v, 42u);
    });
    EXPECT_TRUE(blocked(rx));
    u32 msg = 42, other = 0;
    in_isr([&] {
        EXPECT_EQ(st(q.send(&msg, k_no_wait)), "ok");
        EXPECT_TRUE(ready(rx));
        EXPECT_EQ(st(q.receive(&other, k_no_wait)), "WouldBlock");  // promised to rx
    });
    EXPECT_TRUE(done(rx));
    EXPECT_EQ(q.count(), 0u);
}

TEST_F(MessageQueueTest, BlockedSenderGetsFreedSlot) {
    u32 buffer[2];
    MessageQueue q(sizeof(u32), 2, buffer);
    u32 v = 1;
    ASSERT_EQ(st(q.send(&v, k_no_wait)), "ok");
    v = 2;
    ASSERT_EQ(st(q.send(&v, k_no_wait)), "ok");
    Thread* tx = start("tx", 4, [&] {
        u32 w = 3;
        EXPECT_EQ(st(q.send(&w)), "ok");
    });
    EXPECT_TRUE(blocked(tx));
    u32 out = 0;
    {
        NoPreempt np;
        EXPECT_EQ(st(q.receive(&out, k_no_wait)), "ok");
        EXPECT_EQ(out, 1u);
        EXPECT_TRUE(ready(tx));
        v = 99;
        EXPECT_EQ(st(q.send(&v, k_no_wait)), "WouldBlock");  // slot promised to tx
    }
    EXPECT_TRUE(done(tx));
    EXPECT_EQ(st(q.receive(&out, k_no_wait)), "ok");
    EXPECT_EQ(out, 2u);
    EXPECT_EQ(st(q.receive(&out, k_no_wait)), "ok");
    EXPECT_EQ(out, 3u);
}

TEST_F(MessageQueueTest, Timeouts) {
    u32 buffer[1];
    MessageQueue q(sizeof(u32), 1, buffer);
    Thread* rx = start("rx", 4, [&] {
        u32 v = 0;
        EXPECT_EQ(st(q.receive(&v, k_timeout)), "Timeout");
        EXPECT_EQ(v, 0u);
    });
    u32 msg = 5;
    {
        NoPreempt np;
        advance(k_timeout);
        EXPECT_TRUE(ready(rx));
        EXPECT_EQ(st(q.send(&msg, k_no_wait)), "ok");  // nobody to promise it to
    }
    EXPECT_TRUE(done(rx));
    EXPECT_EQ(q.count(), 1u);

    Thread* tx = start("tx", 4, [&] {
        u32 w = 6;
        EXPECT_EQ(st(q.send(&w, k_timeout)), "Timeout");
    });
    EXPECT_TRUE(blocked(tx));
    advance(k_timeout);
    EXPECT_TRUE(done(tx));
    u32 out = 0;
    EXPECT_EQ(st(q.receive(&out, k_no_wait)), "ok");
    EXPECT_EQ(out, 5u);
    EXPECT_EQ(st(q.receive(&out, k_no_wait)), "WouldBlock");
    EXPECT_EQ(st(q.send(&msg, k_no_wait)), "ok");  // no stale slot promise
}

TEST_F(MessageQueueTest, HighestReceiverFirst) {
    u32 buffer[4];
    MessageQueue q(sizeof(u32), 4, buffer);
    u32 got_low = 0, got_high = 0;
    Thread* low = start("low", 2, [&] { EXPECT_EQ(st(q.receive(&got_low)), "ok"); });
    Thread* high = start("high", 8, [&] { EXPECT_EQ(st(q.receive(&got_high)), "ok"); });
    u32 m1 = 1, m2 = 2;
    {
        NoPreempt np;
        EXPECT_EQ(st(q.send(&m1, k_no_wait)), "ok");
        EXPECT_TRUE(ready(high));
        EXPECT_TRUE(blocked(low));
        EXPECT_EQ(st(q.send(&m2, k_no_wait)), "ok");
        EXPECT_TRUE(ready(low));
    }
    EXPECT_TRUE(done(high) && done(low));
    EXPECT_EQ(got_high, 1u);
    EXPECT_EQ(got_low, 2u);
}

// ---- EventFlags ---------------------------------------------------------

TEST_F(EventFlagsTest, ImmediateAnyAllAndClear) {
    constinit static EventFlags s_ev;
    EventFlags& ev = s_ev;
    EXPECT_EQ(ev.flags(), 0u);
    EXPECT_EQ(st(ev.wait(0x1, WaitMode::Any, false, k_no_wait)), "WouldBlock");
    ev.set(0x5);
    auto any = ev.wait(0x3, WaitMode::Any, false, k_no_wait);
    ASSERT_TRUE(any.ok());
    EXPECT_EQ(any.value(), 0x1u);
    EXPECT_EQ(st(ev.wait(0x3, WaitMode::All, false, k_no_wait)), "WouldBlock");
    auto all = ev.wait(0x5, WaitMode::All, true, k_no_wait);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all.value(), 0x5u);
    EXPECT_EQ(ev.flags(), 0u);

    ev.set(0xf0);
    auto cleared = ev.wait(0x30, WaitMode::Any, true, k_no_wait);
    ASSERT_TRUE(cleared.ok());
    EXPECT_EQ(cleared.value(), 0x30u);
    EXPECT_EQ(ev.flags(), 0xc0u);  // only the matched bits
    ev.clear(0x40);
    EXPECT_EQ(ev.flags(), 0x80u);

    auto nothing = ev.wait(0, WaitMode::Any, true, k_forever);
    ASSERT_TRUE(nothing.ok());
    EXPECT_EQ(nothing.value(), 0u);
    ev.clear(~0u);
}

TEST_F(EventFlagsTest, IsrRules) {
    EventFlags ev;
    in_isr([&] {
        EXPECT_EQ(st(ev.wait(1, WaitMode::Any, false, k_timeout)), "InIsr");
        ev.set(1);
        EXPECT_EQ(st(ev.wait(1, WaitMode::Any, true, k_no_wait)), "ok");
        ev.set(2);
        ev.clear(2);
    });
    EXPECT_EQ(ev.flags(), 0u);
}

TEST_F(EventFlagsTest, WaitAllWokenOnlyWhenComplete) {
    EventFlags ev;
    Thread* t = start("t", 3, [&] {
        auto r = ev.wait(0x6, WaitMode::All, true);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r.value(), 0x6u);
    });
    in_isr([&] {
        ev.set(0x2);
        EXPECT_TRUE(blocked(t));
        ev.set(0x9);
        EXPECT_TRUE(blocked(t));
        ev.set(0x4);
        EXPECT_TRUE(ready(t));
        EXPECT_EQ(ev.flags(), 0x9u);  // cleared 0x6 when it was satisfied
    });
    EXPECT_TRUE(done(t));
}

TEST_F(EventFlagsTest, SetWakesEverySatisfiedWaiter) {
    EventFlags ev;
    u32 got[3] = {};
    const char* names[3] = {"a", "b", "c"};
    u8 prios[3] = {2, 5, 3};
    u32 want[3] = {0x1, 0x3, 0x4};
    Thread* t[3];
    for (int i = 0; i < 3; ++i)
        t[i] = start(names[i], prios[i], [&, i] {
            auto r = ev.wait(want[i], WaitMode::Any, false);
            ASSERT_TRUE(r.ok());
            got[i] = r.value();
        });
    {
        NoPreempt np;
        ev.set(0x3);
        EXPECT_TRUE(ready(t[0]));
        EXPECT_TRUE(ready(t[1]));
        EXPECT_TRUE(blocked(t[2]));
        EXPECT_EQ(ev.flags(), 0x3u);
        ev.set(0x4);
        EXPECT_TRUE(ready(t[2]));
    }
    for (Thread* x : t)
        EXPECT_TRUE(done(x)) << name(x);
    EXPECT_EQ(got[0], 0x1u);
    EXPECT_EQ(got[1], 0x3u);
    EXPECT_EQ(got[2], 0x4u);
}

// With clear-on-exit the first waiter in priority order consumes the bit.
TEST_F(EventFlagsTest, ClearOnExitConsumesInPriorityOrder) {
    EventFlags ev;
    std::string order;
    auto waiter = [&] {
        EXPECT_EQ(st(ev.wait(0x1, WaitMode::Any, true)), "ok");
        order += name(self());
    };
    Thread* low = start("low", 2, waiter);
    Thread* high = start("high", 6, waiter);
    {
        NoPreempt np;
        ev.set(0x1);
        EXPECT_TRUE(ready(high));
        EXPECT_TRUE(blocked(low));
        EXPECT_EQ(ev.flags(), 0u);
    }
    EXPECT_TRUE(done(high));
    EXPECT_TRUE(blocked(low));
    ev.set(0x1);
    EXPECT_TRUE(done(low));
    EXPECT_EQ(order, "highlow");
    EXPECT_EQ(ev.flags(), 0u);
}

TEST_F(EventFlagsTest, TimeoutLeavesNoStaleWaiter) {
    EventFlags ev;
    Thread* t = start("t", 3, [&] { EXPECT_EQ(st(ev.wait(0x1, WaitMode::Any, true, k_timeout)), "Timeout"); });
    advance(k_timeout);
    EXPECT_TRUE(done(t));
    ev.set(0x1);  // must not touch t's (gone) record or clear the bit for it
    EXPECT_EQ(ev.flags(), 0x1u);

    Thread* u = start("u", 3, [&] { EXPECT_EQ(st(ev.wait(0x2, WaitMode::Any, false, k_timeout)), "ok"); });
    EXPECT_TRUE(blocked(u));
    ev.set(0x2);
    EXPECT_TRUE(done(u));
}

// A set() between the timeout and the waiter running again still counts:
// the waiter was satisfied (and its bits cleared) before it returned.
TEST_F(EventFlagsTest, SetAfterTimeoutBeforeWaiterRuns) {
    EventFlags ev;
    Thread* t = start("t", 3, [&] {
        auto r = ev.wait(0x8, WaitMode::Any, true, k_timeout);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r.value(), 0x8u);
    });
    {
        NoPreempt np;
        advance(k_timeout);  // t's wait ends with Timeout; it has not run yet
        EXPECT_TRUE(ready(t));
        ev.set(0x8);
        EXPECT_EQ(ev.flags(), 0u);
    }
    EXPECT_TRUE(done(t));
}

}  // namespace
