// The host environment lib/sched's core runs in for unit tests: arch/fake
// below it, lib/tntimer's real timer service beside it, and in place of the
// hardware a virtual clock and interrupts the test plays.
//
// One host thread runs every kernel thread (arch/fake switches ucontexts),
// so each test is one exact interleaving. The gtest body runs as lib/sched's
// main thread (priority LIBSCHED_MAIN_PRIORITY), as main() does on the
// target.
//
// Time: clock::now_ns() and the arch counter (1 tick = 1 ns) only move when
// a test calls advance() or when every thread is blocked: the idle thread's
// wait for an interrupt then jumps to the earliest armed timer, so sleeps
// and timeouts take no host time. The clock interrupt is taken when IRQs are
// unmasked, and leaves through the real exit path (tn_irq_exit_hook), so a
// thread it wakes preempts as on the target.
#pragma once

#include <tn/types.hpp>

namespace sched_env {

/// Boots the scheduler once per process (init records, then lib/sched's
/// boot CPU set-up); later calls do nothing.
void boot();
/// Virtual time, nanoseconds since boot.
tn::u64 now();
/// Moves time forward by @p ns as the calling thread runs; a timer that came
/// due fires at once if IRQs are unmasked (else when they are).
void advance(tn::u64 ns);
/// Runs @p fn(@p arg) as an interrupt handler on the calling thread's CPU
/// (IRQs masked, in_isr() true), then leaves the interrupt as the target
/// does: a thread made more urgent runs before interrupt() returns.
void interrupt(void (*fn)(void*), void* arg);
/// Clock interrupts taken since boot.
tn::u64 clock_interrupts();
/// Thread stacks allocated and not yet freed.
unsigned live_stacks();

}  // namespace sched_env
