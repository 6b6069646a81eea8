// Shared helpers of lib/sync's host tests: lib/sync on the real scheduler
// core (lib/sched/tests/sched_env.hpp: arch/fake contexts, virtual time).
//
// The test body is lib/sched's main thread, lowered to priority 0 for the
// test (the "controller"). Every thread a test starts has a higher priority,
// so it runs as soon as it is made ready, until it blocks, pauses (hand_back():
// it suspends itself) or returns; only then does the body go on. When several
// threads are ready, the scheduler picks, as on the target. To look at the
// state between a wake-up and the woken thread running, a thread or the body
// holds a NoPreempt (sched::lock_preemption()) around the call that wakes.
//
// Timeouts pass in virtual time: advance(k_timeout) plays the clock
// interrupt that ends every wait given k_timeout, through the scheduler's own
// timeout path (and its call of lib/sync's wait_timed_out() hook).
// in_isr(fn) runs fn as an interrupt handler.
//
// A started thread lives until the fixture's TearDown() joins it; it must
// have finished by then (see sync_test.cpp for why a test that leaves one
// blocked stops the whole binary).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#include <tn/sync.hpp>

namespace sync_test {

using tn::sched::Thread;

/// The controller's priority during a test: below every thread it starts.
constexpr tn::u8 k_controller = 0;
/// Timeout (virtual nanoseconds) the tests give blocking calls.
constexpr tn::u64 k_timeout = 1'000'000;

/// A thread @p name of priority @p priority (above k_controller) running
/// @p body; it runs at once, and start() returns when it (and whatever it
/// made ready) blocked, paused or returned. @p body runs before start()
/// returns, so it refers to its own thread as self(), not through the
/// variable start()'s result goes to.
Thread* start(const char* name, tn::u8 priority, std::function<void()> body);
/// Called by a thread: suspends it (hands the CPU back) until step() resumes it.
void hand_back();
/// Resumes the paused @p t; returns when the controller runs again.
void step(Thread* t);
/// The calling thread.
Thread* self();
/// Advances virtual time by @p ns (timeouts that pass end their waits).
void advance(tn::u64 ns);
/// Runs @p fn as an interrupt handler (in_isr() true); a thread it makes
/// ready runs on the way out, before in_isr() returns.
void in_isr(const std::function<void()>& fn);

bool blocked(const Thread* t);    ///< In a wait (wait queue or sleep).
bool ready(const Thread* t);      ///< Woken, waiting for the CPU.
bool paused(const Thread* t);     ///< In hand_back().
bool done(const Thread* t);       ///< Returned (not yet joined).
// name(t): sched::name(), found by argument-dependent lookup.
tn::u8 eff(const Thread* t);      ///< Effective priority.
tn::u8 base(const Thread* t);     ///< Base priority.
void* blocked_on(Thread* t);      ///< sched::blocked_on(), under the lock.
bool holds_none(Thread* t);       ///< sched::held_mutexes() is empty.

/// Calls of sched::set_effective_priority() made by lib/sync since SetUp().
unsigned priority_changes();
/// Whether the scheduler's timeout path calls lib/sync's wait_timed_out()
/// (as it always does on the target). Off: the waiter cleans up when it
/// runs again, as with a scheduler without the hook. Reset by SetUp().
void set_timeout_hook(bool on);

/// Preemption of the calling thread is deferred for the guard's lifetime.
class NoPreempt {
public:
    NoPreempt() { tn::sched::lock_preemption(); }
    ~NoPreempt() { tn::sched::unlock_preemption(); }
    NoPreempt(const NoPreempt&) = delete;
    NoPreempt& operator=(const NoPreempt&) = delete;
};

/// "ok" or the error's name, so failures print readably.
template <class R>
std::string st(const R& r) {
    return r.ok() ? "ok" : tn::sched::error_name(r.error());
}

/// Boots the scheduler once, lowers the body to k_controller for the test,
/// and at the end joins every started thread (each must have returned) and
/// checks that no stack is left behind.
class SyncTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

private:
    unsigned m_stacks = 0;
};

}  // namespace sync_test
