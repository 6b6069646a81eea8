// Threads and the scheduler (the paper's Algorithm 1).
//
// Priority-preemptive: on each CPU the highest-priority ready thread runs.
// Priorities are 0 (lowest) to LIBSCHED_PRIORITIES-1 (highest); the idle
// thread is below all of them. A thread made ready with a higher priority than
// the running one preempts it at once -- also when an interrupt handler made
// it ready: the switch happens on the way out of the interrupt. Threads of
// equal priority run in FIFO order; yield() hands the CPU to the next of the
// same priority, and with LIBSCHED_TIMESLICE_US > 0 a thread that runs a
// whole slice is moved behind its equals (round robin). A preempted thread
// stays at the head of its priority. lock_preemption() defers preemption of
// the calling thread (it may still block or yield).
//
// With LIBSCHED_COOPERATIVE nothing is ever preempted: threads switch only
// when they block, yield or exit, and the highest-priority ready thread runs
// next.
//
// SMP: every CPU has its own run queue; a thread runs on the CPU it was
// created for (ThreadAttr::cpu) for its whole life. One scheduler lock
// protects all threads and wait queues (lib/sched/src/sched.cpp explains).
//
// Context: unless noted, calls are for threads. "ISR ok" calls may also be
// made from interrupt handlers.
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::sched {

#ifdef CONFIG_LIBSCHED_PRIORITIES
inline constexpr unsigned k_priorities = CONFIG_LIBSCHED_PRIORITIES;
#else
inline constexpr unsigned k_priorities = 32;
#endif
inline constexpr u8 k_lowest_priority = 0;
inline constexpr u8 k_highest_priority = k_priorities - 1;

/// Timeouts in nanoseconds, relative to the call.
inline constexpr u64 k_no_wait = 0;
inline constexpr u64 k_forever = ~u64{0};

enum class Error : u8 {
    BadPriority,   ///< At or above k_priorities.
    BadCpu,        ///< No such CPU, or it is not online.
    BadStackSize,  ///< Below the minimum (LIBSCHED_MIN_STACK_SIZE) or above the stack slot.
    NoMemory,      ///< No memory for the stack or no free stack slot.
    Timeout,       ///< The wait ended because its timeout passed.
    WouldBlock,    ///< k_no_wait was given and the call would have blocked.
    NotJoinable,   ///< join() on itself, on a thread already joined or being joined.
    InIsr,         ///< A blocking call made from an interrupt handler.
    Deadlock,      ///< The call would wait for itself (a mutex it holds, a cycle).
    NotOwner,      ///< Unlocking a mutex the caller does not hold.
    Overflow,      ///< A counter would exceed its limit.
    BadState,      ///< The thread is not in a state the call applies to (see suspend/resume).
};

/// Printable name of @p e ("Timeout"), for logs.
const char* error_name(Error e);

class Thread;
using Entry = void (*)(void* arg);

struct ThreadAttr {
    const char* name = "thread";
    u8 priority = k_lowest_priority + 1;
    usize stack_size = 0;  ///< 0: LIBSCHED_DEFAULT_STACK_SIZE. Rounded up to pages.
    unsigned cpu = 0;      ///< The CPU the thread runs on.
};

struct ThreadStats {
    u64 switches_in;  ///< Times the thread was switched to.
    u64 run_ns;       ///< Time it ran (switched in until switched out); 0 without LIBSCHED_RUNTIME_STATS.
};

/// Creates a ready thread running entry(arg). Its stack comes from the page
/// allocator, mapped in the stack window with an unmapped guard page below
/// it, so an overflow faults instead of corrupting memory. A higher priority
/// than the caller's (same CPU) runs it at once.
/// Errors: BadPriority, BadCpu, BadStackSize, NoMemory.
Result<Thread*, Error> create(const ThreadAttr& attr, Entry entry, void* arg);
/// Ends the calling thread; a joiner gets @p value. Never returns.
[[noreturn]] void exit(uptr value);
/// Waits for @p t to end and frees it (its stack and control block).
/// Errors: NotJoinable, Timeout, WouldBlock, InIsr.
Result<uptr, Error> join(Thread* t, u64 timeout_ns = k_forever);

/// The calling thread (ISR ok: the thread the interrupt arrived in).
Thread* current();
/// Gives the CPU to the next ready thread of the same priority, if any.
void yield();
/// Blocks for at least @p ns nanoseconds. Errors: InIsr.
Result<void, Error> sleep_ns(u64 ns);
/// Blocks until monotonic time @p deadline_ns (tn::clock::now_ns()); returns
/// at once if it has passed. Errors: InIsr.
Result<void, Error> sleep_until(u64 deadline_ns);

/// Stops @p t until resume(): the calling thread itself (it blocks here), or
/// a ready thread (of any CPU). Errors: BadState for a thread that is
/// blocked, exited, already suspended, or running on another CPU, and for a
/// self-suspend from an interrupt handler. ISR ok for another thread.
Result<void, Error> suspend(Thread* t);
/// Makes a suspended thread ready again; if it is more urgent than the
/// running thread of its CPU it runs at once (Algorithm 1). ISR ok.
/// Errors: BadState if @p t is not suspended.
Result<void, Error> resume(Thread* t);

/// Sets @p t's base priority; a thread holding a priority-inheritance mutex
/// keeps running at least at its waiters' priority. ISR ok. Errors: BadPriority.
Result<void, Error> set_priority(Thread* t, u8 priority);
/// Base priority (as created or set) and effective priority (after inheritance).
u8 priority(const Thread* t);
u8 effective_priority(const Thread* t);
const char* name(const Thread* t);
ThreadStats stats(const Thread* t);

/// Defers preemption of the calling thread until the matching unlock (they
/// nest). A preemption that came due meanwhile happens at the last unlock.
void lock_preemption();
void unlock_preemption();

/// True in an interrupt handler.
bool in_isr();

}  // namespace tn::sched
