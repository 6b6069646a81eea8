// A deterministic fake of the scheduler contract (tn/sched.hpp,
// tn/sched_impl.hpp, src/sched_hooks.hpp) for lib/sync's host tests.
//
// Every fake thread is a host std::thread, but only one runs at a time: a
// baton passes between the test body (the controller) and the thread it
// runs. A thread runs until it blocks in sched::wait(), calls fake::hand_back(),
// or returns; then the controller continues. Nothing else is concurrent, so
// each test is one exact interleaving. The controller itself acts as
// fake::main_thread() (or as an interrupt handler after set_in_isr(true)); it
// must never block.
//
// Timeouts never pass by themselves: fake::expire(t) plays the timer
// interrupt that ends t's wait with Timeout (and, unless disabled, calls
// lib/sync's wait_timed_out() hook as lib/sched does).
#pragma once

#include <functional>
#include <string>

#include <tn/sched_impl.hpp>

namespace tn::sched {

class Thread {
public:
    std::string name;
    u8 base = 1;
    u8 eff = 1;
    void* blocked_on = nullptr;
    IntrusiveList held;  // held_mutexes()

    ListNode link;                 // in *waiting_on
    WaitQueue* waiting_on = nullptr;
    u64 timeout_ns = 0;            // of the current wait
    WaitResult result = WaitResult::Woken;
    uptr wake_value = 0;

    enum class State { New, Running, Paused, Blocked, Ready, Done } state = State::New;
};

}  // namespace tn::sched

namespace fake {

using tn::sched::Thread;

/// Forgets every thread (the test fixture calls it); fails the test if a
/// thread is still blocked or paused, after unwinding it.
void reset();
/// The thread the controller acts as; base priority 0 unless set.
Thread* main_thread();
/// A new thread with base and effective priority @p priority.
Thread* make(const char* name, tn::u8 priority);
/// Starts @p t running @p body; returns when it blocks, pauses or returns.
void start(Thread* t, std::function<void()> body);
/// Called by a thread body: hands the baton back to the controller until
/// step(self).
void hand_back();
/// Lets a paused or woken thread continue; returns when it blocks, pauses
/// or returns. Fails the test if @p t is still blocked.
void step(Thread* t);
/// Ends @p t's wait as its timeout would. Fails the test if @p t is not in a
/// wait with a finite timeout. Does not run @p t (step() does).
void expire(Thread* t);
/// Whether expire() calls tn::sync::wait_timed_out() (default true).
void set_timeout_hook(bool on);
/// Makes sched::in_isr() true for the controller's calls.
void set_in_isr(bool on);

bool blocked(const Thread* t);
bool done(const Thread* t);
/// Calls of set_effective_priority() since reset().
unsigned priority_changes();

}  // namespace fake
