// lib/sched's core (src/sched.cpp) on the host: arch/fake underneath, the
// real timer service beside it, virtual time (sched_env.hpp). The test body
// runs as the main thread, priority 16.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>

#include "sched_env.hpp"

namespace sched = tn::sched;
using sched::Error;
using sched::Thread;
using tn::u64;
using tn::u8;

namespace {

constexpr u8 k_main = 16;
constexpr u64 k_ms = 1'000'000;

std::vector<std::string> g_log;
void log(const std::string& s) { g_log.push_back(s); }

void run_body(void* body) { (*static_cast<std::function<void()>*>(body))(); }

// A thread running @p body (which must outlive it: keep it until join).
Thread* spawn(const char* name, u8 priority, std::function<void()>& body) {
    auto r = sched::create({name, priority, 0, 0}, run_body, &body);
    EXPECT_TRUE(r.ok()) << sched::error_name(r.error());
    return r.ok() ? r.value() : nullptr;
}

u64 joined(Thread* t) {
    auto r = sched::join(t);
    EXPECT_TRUE(r.ok()) << sched::error_name(r.error());
    return r.ok() ? r.value() : ~u64{0};
}

std::vector<std::string> logged(std::initializer_list<const char*> l) { return {l.begin(), l.end()}; }

class SchedCore : public ::testing::Test {
protected:
    void SetUp() override {
        sched_env::boot();
        g_log.clear();
        m_stacks = sched_env::live_stacks();
        ASSERT_EQ(sched::effective_priority(sched::current()), k_main);
    }
    // Every test joins what it creates: no stack may be left behind.
    void TearDown() override { EXPECT_EQ(sched_env::live_stacks(), m_stacks); }

private:
    unsigned m_stacks = 0;
};

TEST_F(SchedCore, MainIsAThread) {
    EXPECT_STREQ(sched::name(sched::current()), "main");
    EXPECT_EQ(sched::priority(sched::current()), k_main);
    EXPECT_FALSE(sched::in_isr());
}

TEST_F(SchedCore, HigherPriorityRunsAtCreateAndJoinReturnsItsExitValue) {
    std::function<void()> body = [] {
        log("t");
        sched::exit(42);
    };
    Thread* t = spawn("t", k_main + 1, body);
    EXPECT_EQ(g_log, logged({"t"}));  // ran before create() returned
    EXPECT_EQ(joined(t), 42u);
}

TEST_F(SchedCore, ReturningFromTheEntryIsExitZero) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn("t", k_main + 1, body);
    EXPECT_EQ(joined(t), 0u);
}

TEST_F(SchedCore, LowerPriorityRunsOnlyWhenMainBlocks) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn("t", k_main - 1, body);
    EXPECT_TRUE(g_log.empty());
    sched::yield();  // nothing of main's priority: main keeps running
    EXPECT_TRUE(g_log.empty());
    auto early = sched::join(t, sched::k_no_wait);
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error(), Error::WouldBlock);
    EXPECT_EQ(joined(t), 0u);
    EXPECT_EQ(g_log, logged({"t"}));
}

TEST_F(SchedCore, ReadyThreadsRunHighestFirstAndFifoAmongEquals) {
    std::function<void()> a = [] { log("a"); }, b = [] { log("b"); }, c = [] { log("c"); },
                          d = [] { log("d"); };
    Thread* ta = spawn("a", 5, a);
    Thread* tb = spawn("b", 9, b);
    Thread* tc = spawn("c", 9, c);
    Thread* td = spawn("d", 7, d);
    EXPECT_EQ(joined(ta), 0u);
    EXPECT_EQ(g_log, logged({"b", "c", "d", "a"}));
    joined(tb);
    joined(tc);
    joined(td);
}

TEST_F(SchedCore, YieldTakesTurnsAmongEquals) {
    std::function<void()> a = [] {
        for (int i = 0; i < 3; ++i) {
            log("a" + std::to_string(i));
            sched::yield();
        }
    };
    std::function<void()> b = [] {
        for (int i = 0; i < 3; ++i) {
            log("b" + std::to_string(i));
            sched::yield();
        }
    };
    Thread* ta = spawn("a", 10, a);
    Thread* tb = spawn("b", 10, b);
    joined(ta);
    joined(tb);
    EXPECT_EQ(g_log, logged({"a0", "b0", "a1", "b1", "a2", "b2"}));
}

TEST_F(SchedCore, ResumePreemptsWithAMoreUrgentThread) {
    std::function<void()> body = [] {
        log("before");
        EXPECT_TRUE(sched::suspend(sched::current()).ok());
        log("after");
    };
    Thread* t = spawn("t", k_main + 1, body);
    EXPECT_EQ(g_log, logged({"before"}));
    ASSERT_TRUE(sched::resume(t).ok());
    EXPECT_EQ(g_log, logged({"before", "after"}));  // ran inside resume()
    auto again = sched::resume(t);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error(), Error::BadState);
    joined(t);
}

TEST_F(SchedCore, SuspendedReadyThreadDoesNotRunUntilResumed) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn("t", k_main - 1, body);
    ASSERT_TRUE(sched::suspend(t).ok());
    EXPECT_EQ(sched::suspend(t).error(), Error::BadState);  // already suspended
    u64 t0 = sched_env::now();
    auto r = sched::join(t, 2 * k_ms);  // only idle can run: time jumps to the timeout
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), Error::Timeout);
    EXPECT_EQ(sched_env::now(), t0 + 2 * k_ms);
    EXPECT_TRUE(g_log.empty());
    ASSERT_TRUE(sched::resume(t).ok());
    joined(t);
    EXPECT_EQ(g_log, logged({"t"}));
}

TEST_F(SchedCore, SleepersWakeInDeadlineOrderAtTheirDeadlines) {
    static u64 woke[2];
    u64 t0 = sched_env::now();
    std::function<void()> slow = [] {
        EXPECT_TRUE(sched::sleep_ns(3 * k_ms).ok());
        woke[0] = sched_env::now();
        log("slow");
    };
    std::function<void()> fast = [] {
        EXPECT_TRUE(sched::sleep_ns(1 * k_ms).ok());
        woke[1] = sched_env::now();
        log("fast");
    };
    Thread* a = spawn("slow", 10, slow);
    Thread* b = spawn("fast", 10, fast);
    joined(a);
    joined(b);
    EXPECT_EQ(g_log, logged({"fast", "slow"}));
    EXPECT_EQ(woke[0], t0 + 3 * k_ms);
    EXPECT_EQ(woke[1], t0 + 1 * k_ms);
}

TEST_F(SchedCore, SleepUntilAPastDeadlineReturnsAtOnce) {
    sched_env::advance(10);
    u64 t0 = sched_env::now();
    EXPECT_TRUE(sched::sleep_until(t0 - 5).ok());
    EXPECT_TRUE(sched::sleep_ns(0).ok());
    EXPECT_EQ(sched_env::now(), t0);
}

TEST_F(SchedCore, ATimerInterruptPreemptsTheRunningThread) {
    std::function<void()> body = [] {
        EXPECT_TRUE(sched::sleep_ns(1 * k_ms).ok());
        log("woke");
    };
    Thread* t = spawn("t", k_main + 1, body);
    sched_env::advance(k_ms / 2);
    EXPECT_TRUE(g_log.empty());
    u64 irqs = sched_env::clock_interrupts();
    sched_env::advance(k_ms / 2);  // the deadline: main is preempted in the interrupt's exit
    EXPECT_EQ(g_log, logged({"woke"}));
    EXPECT_EQ(sched_env::clock_interrupts(), irqs + 1);
    joined(t);
}

TEST_F(SchedCore, BlockingCallsFailInAnInterruptHandler) {
    static bool in_isr;
    static Error sleep_error;
    sched_env::interrupt(
        [](void*) {
            in_isr = sched::in_isr();
            sleep_error = sched::sleep_ns(k_ms).error();
        },
        nullptr);
    EXPECT_TRUE(in_isr);
    EXPECT_EQ(sleep_error, Error::InIsr);
    EXPECT_FALSE(sched::in_isr());
}

TEST_F(SchedCore, CreateRejectsBadArguments) {
    auto fn = [](void*) {};
    EXPECT_EQ(sched::create({"x", sched::k_priorities, 0, 0}, fn, nullptr).error(), Error::BadPriority);
    EXPECT_EQ(sched::create({"x", 1, 1024, 0}, fn, nullptr).error(), Error::BadStackSize);
    EXPECT_EQ(sched::create({"x", 1, 4 << 20, 0}, fn, nullptr).error(), Error::BadStackSize);
    EXPECT_EQ(sched::create({"x", 1, 0, 1}, fn, nullptr).error(), Error::BadCpu);
    EXPECT_EQ(sched::join(sched::current()).error(), Error::NotJoinable);
    EXPECT_EQ(sched::set_priority(sched::current(), sched::k_priorities).error(), Error::BadPriority);
}

// ---- wait queues (tn/sched_impl.hpp, what lib/sync builds on)

sched::WaitQueue g_wq;
sched::WaitResult g_result[2];
tn::uptr g_value[2];

void wait_on(int i, u64 timeout_ns) {
    sched::Locked held;
    g_result[i] = sched::wait(held, g_wq, timeout_ns);
    g_value[i] = sched::wake_value(held);
}

TEST_F(SchedCore, AWaitTimesOutAtItsDeadline) {
    u64 t0 = sched_env::now();
    std::function<void()> body = [] { wait_on(0, 5 * k_ms); };
    Thread* t = spawn("t", k_main + 1, body);
    joined(t);
    EXPECT_EQ(g_result[0], sched::WaitResult::Timeout);
    EXPECT_EQ(sched_env::now(), t0 + 5 * k_ms);
    EXPECT_TRUE(g_wq.empty());
}

TEST_F(SchedCore, WakeOneHandsAValueAndTheMoreUrgentWaiterGoesFirst) {
    std::function<void()> low = [] {
        wait_on(0, sched::k_forever);
        log("low");
    };
    std::function<void()> high = [] {
        wait_on(1, sched::k_forever);
        log("high");
    };
    Thread* tl = spawn("low", k_main + 1, low);
    Thread* th = spawn("high", k_main + 2, high);
    {
        sched::Locked held;
        EXPECT_EQ(g_wq.first(), th);
        EXPECT_EQ(sched::wake_one(held, g_wq, 7), th);
        EXPECT_TRUE(g_log.empty());  // the switch waits for the end of the locked scope
    }
    EXPECT_EQ(g_log, logged({"high"}));
    {
        sched::Locked held;
        EXPECT_EQ(sched::wake_all(held, g_wq, 9), 1u);
    }
    EXPECT_EQ(g_log, logged({"high", "low"}));
    EXPECT_EQ(g_result[1], sched::WaitResult::Woken);
    EXPECT_EQ(g_value[1], 7u);
    EXPECT_EQ(g_value[0], 9u);
    joined(tl);
    joined(th);
}

TEST_F(SchedCore, AWakeUpFromAnInterruptSwitchesOnTheWayOut) {
    std::function<void()> body = [] {
        wait_on(0, 10 * k_ms);
        log("woken");
    };
    Thread* t = spawn("t", k_main + 1, body);
    sched_env::interrupt(
        [](void*) {
            sched::Locked held;
            sched::wake_one(held, g_wq, 3);
            log("isr");
        },
        nullptr);
    EXPECT_EQ(g_log, logged({"isr", "woken"}));
    EXPECT_EQ(g_result[0], sched::WaitResult::Woken);
    joined(t);
}

TEST_F(SchedCore, WakeOneLastSwitchesInsideTheCallOnlyToAMoreUrgentWaiter) {
    std::function<void()> low = [] {
        wait_on(0, sched::k_forever);
        log("low");
    };
    std::function<void()> high = [] {
        wait_on(1, sched::k_forever);
        log("high");
    };
    Thread* tl = spawn("low", k_main - 1, low);
    Thread* th = spawn("high", k_main + 1, high);
    (void)sched::sleep_ns(k_ms);  // low waits too
    {
        sched::Locked held;
        EXPECT_TRUE(sched::wake_one_last(held, g_wq, 4));
        EXPECT_EQ(g_log, logged({"high"}));  // ran inside wake_one_last()
    }
    {
        sched::Locked held;
        EXPECT_TRUE(sched::wake_one_last(held, g_wq, 5));
        EXPECT_EQ(g_log, logged({"high"}));  // less urgent than main: ready, not running
        EXPECT_FALSE(sched::wake_one_last(held, g_wq));
    }
    EXPECT_EQ(g_value[1], 4u);
    joined(tl);
    EXPECT_EQ(g_log, logged({"high", "low"}));
    EXPECT_EQ(g_value[0], 5u);
    joined(th);
}

TEST_F(SchedCore, WakeOneLastWaitsForTheEndOfAnInterruptOrOfLockedPreemption) {
    std::function<void()> body = [] {
        wait_on(0, sched::k_forever);
        log("woken");
        wait_on(0, sched::k_forever);
        log("woken again");
    };
    Thread* t = spawn("t", k_main + 1, body);
    sched_env::interrupt(
        [](void*) {
            sched::Locked held;
            EXPECT_TRUE(sched::wake_one_last(held, g_wq));
            log("isr");
        },
        nullptr);
    EXPECT_EQ(g_log, logged({"isr", "woken"}));
    sched::lock_preemption();
    {
        sched::Locked held;
        EXPECT_TRUE(sched::wake_one_last(held, g_wq));
    }
    EXPECT_EQ(g_log, logged({"isr", "woken"}));
    sched::unlock_preemption();
    EXPECT_EQ(g_log, logged({"isr", "woken", "woken again"}));
    joined(t);
}

// ---- suspend and resume: created suspended, suspended while blocked

Thread* spawn_suspended(const char* name, u8 priority, std::function<void()>& body) {
    sched::ThreadAttr attr{name, priority, 0, 0};
    attr.start_suspended = true;
    auto r = sched::create(attr, run_body, &body);
    EXPECT_TRUE(r.ok()) << sched::error_name(r.error());
    return r.ok() ? r.value() : nullptr;
}

TEST_F(SchedCore, ACreatedSuspendedThreadStartsAtTheFirstResume) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn_suspended("t", k_main + 1, body);
    EXPECT_TRUE(g_log.empty());  // more urgent than main, but suspended
    EXPECT_EQ(sched::suspend(t).error(), Error::BadState);
    ASSERT_TRUE(sched::resume(t).ok());
    EXPECT_EQ(g_log, logged({"t"}));  // ran inside resume()
    joined(t);
}

TEST_F(SchedCore, APreemptedThreadRunsAgainBeforeItsEquals) {
    static Thread* high;
    std::function<void()> h = [] { log("h"); };
    std::function<void()> a = [] {
        log("a1");
        EXPECT_TRUE(sched::resume(high).ok());  // preempts a
        log("a2");
    };
    std::function<void()> b = [] { log("b"); };
    high = spawn_suspended("h", k_main + 1, h);
    Thread* ta = spawn("a", k_main - 1, a);
    Thread* tb = spawn("b", k_main - 1, b);
    joined(tb);
    EXPECT_EQ(g_log, logged({"a1", "h", "a2", "b"}));
    joined(ta);
    joined(high);
}

TEST_F(SchedCore, ASuspendedWaiterThatIsWokenStaysSuspendedAndSeesItsResultWhenResumed) {
    std::function<void()> body = [] {
        wait_on(0, sched::k_forever);
        log("woken");
    };
    Thread* t = spawn("t", k_main + 1, body);  // runs and blocks
    ASSERT_TRUE(sched::suspend(t).ok());
    EXPECT_EQ(sched::suspend(t).error(), Error::BadState);  // already suspended
    {
        sched::Locked held;
        EXPECT_EQ(sched::wake_one(held, g_wq, 5), t);
    }
    EXPECT_TRUE(g_log.empty());  // woken, but suspended: it does not run
    EXPECT_TRUE(g_wq.empty());
    EXPECT_EQ(sched::join(t, sched::k_no_wait).error(), Error::WouldBlock);
    EXPECT_EQ(sched::suspend(t).error(), Error::BadState);
    ASSERT_TRUE(sched::resume(t).ok());
    EXPECT_EQ(g_log, logged({"woken"}));
    EXPECT_EQ(g_result[0], sched::WaitResult::Woken);
    EXPECT_EQ(g_value[0], 5u);
    joined(t);
}

TEST_F(SchedCore, ATimeoutWhileSuspendedLeavesItSuspended) {
    std::function<void()> body = [] {
        EXPECT_TRUE(sched::sleep_ns(k_ms).ok());
        log("t");
    };
    Thread* t = spawn("t", k_main + 1, body);  // sleeping
    ASSERT_TRUE(sched::suspend(t).ok());
    u64 t0 = sched_env::now();
    EXPECT_EQ(sched::join(t, 3 * k_ms).error(), Error::Timeout);  // its sleep ended meanwhile
    EXPECT_EQ(sched_env::now(), t0 + 3 * k_ms);
    EXPECT_TRUE(g_log.empty());
    ASSERT_TRUE(sched::resume(t).ok());
    EXPECT_EQ(g_log, logged({"t"}));
    joined(t);
}

TEST_F(SchedCore, AResumeBeforeTheWaitEndsOnlyCancelsTheSuspension) {
    std::function<void()> body = [] {
        wait_on(0, 5 * k_ms);
        log("t");
    };
    u64 t0 = sched_env::now();
    Thread* t = spawn("t", k_main + 1, body);
    ASSERT_TRUE(sched::suspend(t).ok());
    ASSERT_TRUE(sched::resume(t).ok());
    EXPECT_TRUE(g_log.empty());  // still waiting
    EXPECT_EQ(sched::resume(t).error(), Error::BadState);  // not suspended any more
    joined(t);  // it times out and runs as if never suspended
    EXPECT_EQ(g_log, logged({"t"}));
    EXPECT_EQ(g_result[0], sched::WaitResult::Timeout);
    EXPECT_EQ(sched_env::now(), t0 + 5 * k_ms);
}

TEST_F(SchedCore, AnExitedThreadCannotBeSuspendedOrResumed) {
    std::function<void()> body = [] {};
    Thread* t = spawn("t", k_main + 1, body);
    EXPECT_EQ(sched::suspend(t).error(), Error::BadState);
    EXPECT_EQ(sched::resume(t).error(), Error::BadState);
    joined(t);
}

// ---- priorities and preemption control

TEST_F(SchedCore, RaisingAReadyThreadAboveTheCallerPreemptsIt) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn("t", k_main - 1, body);
    ASSERT_TRUE(sched::set_priority(t, k_main - 2).ok());
    EXPECT_TRUE(g_log.empty());
    ASSERT_TRUE(sched::set_priority(t, k_main + 1).ok());
    EXPECT_EQ(g_log, logged({"t"}));
    joined(t);
}

TEST_F(SchedCore, InheritedPriorityReordersTheRunQueue) {
    std::function<void()> a = [] { log("a"); }, b = [] { log("b"); };
    Thread* ta = spawn("a", 5, a);
    Thread* tb = spawn("b", 6, b);
    {
        sched::Locked held;
        sched::set_effective_priority(held, ta, 7);  // as priority inheritance does
    }
    EXPECT_EQ(sched::priority(ta), 5);
    EXPECT_EQ(sched::effective_priority(ta), 7);
    joined(tb);
    EXPECT_EQ(g_log, logged({"a", "b"}));
    joined(ta);
}

TEST_F(SchedCore, LoweringTheRunningThreadBelowAReadyOneSwitchesToIt) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn("t", k_main - 1, body);
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main - 2).ok());
    EXPECT_EQ(g_log, logged({"t"}));  // ran inside set_priority()
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main).ok());
    joined(t);
}

// A thread whose priority changes goes behind the threads of its new priority, as one made
// ready there does: lowered to a ready thread's priority, the running thread lets it run first.
// (It used to stay ahead of it: a thread going up and down, as a Mortise vCPU following its
// guest's scheduling hints, kept an equal off the CPU for good.)
TEST_F(SchedCore, ARunningThreadLoweredToAnEqualsPriorityGoesBehindIt) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn("t", k_main - 1, body);
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main - 1).ok());
    EXPECT_EQ(g_log, logged({"t"}));  // ran inside set_priority()
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main).ok());
    joined(t);
}

// Raised to a ready thread's priority, the same: behind it. The yield is a preemption, so with
// preemption locked it waits for the last unlock.
TEST_F(SchedCore, ARunningThreadRaisedToAnEqualsPriorityGoesBehindItAtTheUnlock) {
    std::function<void()> body = [] { log("t"); };
    sched::lock_preemption();
    Thread* t = spawn("t", k_main + 1, body);
    EXPECT_TRUE(g_log.empty());
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main + 1).ok());
    log("main");
    sched::unlock_preemption();
    EXPECT_EQ(g_log, logged({"main", "t"}));
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main).ok());
    joined(t);
}

// A priority set to what it already is changes nothing: the running thread keeps its place
// ahead of its equal, which runs only when it yields.
TEST_F(SchedCore, ASetPriorityThatChangesNothingKeepsThePlace) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn("t", k_main, body);
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main).ok());
    log("main");
    sched::yield();
    EXPECT_EQ(g_log, logged({"main", "t"}));
    joined(t);
}

// Going up and back down again (a scheduling hint's raise and its end) leaves it behind its equal.
TEST_F(SchedCore, UpAndDownAgainLeavesTheRunningThreadBehindItsEqual) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn("t", k_main - 1, body);
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main - 1).ok());  // t runs: behind it now
    std::function<void()> body2 = [] { log("u"); };
    sched::lock_preemption();
    Thread* u = spawn("u", k_main - 1, body2);
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main + 2).ok());
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main - 1).ok());
    log("main");
    sched::unlock_preemption();
    EXPECT_EQ(g_log, logged({"t", "main", "u"}));
    ASSERT_TRUE(sched::set_priority(sched::current(), k_main).ok());
    joined(t);
    joined(u);
}

TEST_F(SchedCore, LockedPreemptionIsDeferredToTheLastUnlock) {
    std::function<void()> body = [] { log("t"); };
    sched::lock_preemption();
    sched::lock_preemption();
    Thread* t = spawn("t", k_main + 1, body);
    sched::unlock_preemption();
    EXPECT_TRUE(g_log.empty());
    sched::unlock_preemption();
    EXPECT_EQ(g_log, logged({"t"}));
    joined(t);
}

TEST_F(SchedCore, AResumeWithPreemptionLockedRunsTheThreadAtTheLastUnlock) {
    std::function<void()> body = [] { log("t"); };
    Thread* t = spawn_suspended("t", k_main + 1, body);
    sched::lock_preemption();
    ASSERT_TRUE(sched::resume(t).ok());
    EXPECT_TRUE(g_log.empty());
    sched::unlock_preemption();
    EXPECT_EQ(g_log, logged({"t"}));
    joined(t);
}

TEST_F(SchedCore, AResumeFromAnInterruptSwitchesOnTheWayOut) {
    static Thread* t;
    std::function<void()> body = [] { log("t"); };
    t = spawn_suspended("t", k_main + 1, body);
    sched_env::interrupt(
        [](void*) {
            EXPECT_TRUE(sched::resume(t).ok());
            log("isr");
        },
        nullptr);
    EXPECT_EQ(g_log, logged({"isr", "t"}));
    joined(t);
}

TEST_F(SchedCore, RunTimeStatisticsCountSwitchesAndRunningTime) {
    std::function<void()> body = [] {
        sched_env::advance(500);  // runs 500 ns
        EXPECT_TRUE(sched::sleep_ns(k_ms).ok());
        sched_env::advance(300);
        EXPECT_TRUE(sched::suspend(sched::current()).ok());
    };
    Thread* t = spawn("t", k_main + 1, body);
    sched::ThreadStats s = sched::stats(t);
    EXPECT_EQ(s.switches_in, 1u);
    EXPECT_EQ(s.run_ns, 500u);
    sched_env::advance(k_ms);  // its sleep ends: it runs again, then suspends itself
    s = sched::stats(t);
    EXPECT_EQ(s.switches_in, 2u);
    EXPECT_EQ(s.run_ns, 800u);
    ASSERT_TRUE(sched::resume(t).ok());
    joined(t);
}

// ---- Invariants (TN_ASSERT, on in host builds) ------------------------------

// lib/sync computes max(base, inherited): an effective priority below the
// base priority is a bug in the caller, stopped before it reaches a queue.
TEST_F(SchedCore, AnEffectivePriorityBelowTheBaseAsserts) {
    EXPECT_DEATH(
        {
            sched::Locked l;
            sched::set_effective_priority(l, sched::current(), k_main - 1);
        },
        "assertion failed: priority >= t->base_priority");
    EXPECT_EQ(sched::effective_priority(sched::current()), k_main);
}

}  // namespace
