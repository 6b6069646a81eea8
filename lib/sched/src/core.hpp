// The seam between lib/sched's portable core (sched.cpp) and the code that
// ties it to an image (tenon.cpp on the target; the host environment of
// lib/sched/tests in unit tests).
//
// The core reaches the machine only through the arch contract
// (tn/arch/context.hpp, fpu.hpp, cpu.hpp; IRQ masking through tn/irq.hpp),
// lib/tntimer (the kernel lock, timeouts, time slices) and tn::clock. What is
// left (where stacks come from, how another CPU is told to reschedule) is
// the port below, which the image provides.
#pragma once

#include <tn/sched.hpp>
#include <tn/smp.hpp>
#include <tn/tntimer.hpp>
#include <tn/types.hpp>

#include "runqueue.hpp"
#include "thread.hpp"

namespace tn::sched {

/// One CPU's scheduling state (guarded by the kernel lock).
struct Cpu {
    Thread* current = nullptr;
    Thread* idle = nullptr;
    RunQueue<k_priorities> rq;
    bool need_resched = false;
    bool preempt_pending = false;  // preemption came due while locked
    // The running thread owes its equals a yield at the next preemption point (deferred while
    // its preemption is locked): its time slice ended, or its priority changed (it goes behind
    // the threads of its new priority). Moot once it is switched out.
    bool yield_due = false;
    tntimer::Timer slice;
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    bool budget_expired = false;  // the running reserved thread's budget ran out
    tntimer::Timer budget;        // armed while a reserved thread runs with budget left
#endif
    // The thread the running slice belongs to and when it ends: a thread that a more
    // urgent one preempted gets the rest of it back, not a new one (else a thread
    // preempted more often than once a slice would never let its equals run).
    Thread* slice_owner = nullptr;
    u64 slice_end = 0;
};

extern smp::PerCpu<Cpu> g_cpus;

/// The thread running on the calling CPU, read without the lock (fault
/// reports, the lazy FP trap: the running thread cannot change under them).
inline Thread* running_here() { return g_cpus.local().current; }

// ---- provided by the core

/// Makes the calling code CPU 0's main thread and creates CPU 0's idle
/// thread. @context Boot, before any other scheduler call.
Result<void, Error> init_boot_cpu();
/// Makes the calling code CPU @p cpu's idle thread, running. @context That
/// CPU's bring-up, IRQs masked, after init_boot_cpu().
void init_secondary_cpu(unsigned cpu);
/// The idle thread's loop: waits for interrupts until one makes a thread
/// ready (its way out switches away). @context An idle thread.
[[noreturn]] void idle_loop();

}  // namespace tn::sched

/// Called by lib/irq on the way out of every interrupt (IRQs masked, after
/// the handler): switches if the handler made a more urgent thread ready.
extern "C" void tn_irq_exit_hook();

namespace tn::sched {

// ---- provided by the port (the image)

namespace port {
/// Allocates a stack of @p pages pages with an inaccessible guard below it
/// and records it in @p stack. @return its top (one past the end), or 0 if
/// there is no memory or no room. @context Kernel lock held.
u64 map_stack(ThreadStack& stack, u64 pages);
/// Frees a stack map_stack() made. @context Kernel lock held.
void unmap_stack(const ThreadStack& stack);
/// The largest stack map_stack() can make, in pages.
u64 max_stack_pages();
/// Makes CPU @p cpu (not the caller's) reschedule at its next preemption
/// point. @context Kernel lock held, IRQs masked.
void send_resched(unsigned cpu);
}  // namespace port

}  // namespace tn::sched
