/// @file
/// @brief Threads and the scheduler (lib/sched, CONFIG_LIBSCHED; the paper's Algorithm 1).
///
/// Priority-preemptive: on each CPU the highest-priority ready thread runs.
/// Priorities are 0 (lowest) to LIBSCHED_PRIORITIES-1 (highest); the idle
/// thread is below all of them. A thread made ready with a higher priority than
/// the running one preempts it at once -- also when an interrupt handler made
/// it ready: the switch happens on the way out of the interrupt. Threads of
/// equal priority run in FIFO order; yield() hands the CPU to the next of the
/// same priority, and with LIBSCHED_TIMESLICE_US > 0 a thread that runs a
/// whole slice is moved behind its equals (round robin). A preempted thread
/// stays at the head of its priority; a thread whose priority changes goes
/// behind the threads of its new one. lock_preemption() defers preemption of
/// the calling thread, time slices included (it may still block or yield).
///
/// With LIBSCHED_COOPERATIVE nothing is ever preempted: threads switch only
/// when they block, yield or exit, and the highest-priority ready thread runs
/// next.
///
/// SMP: every CPU has its own run queue; a thread runs on the CPU it was
/// created for (ThreadAttr::cpu) for its whole life. One scheduler lock
/// protects all threads and wait queues (lib/sched/src/sched.cpp explains).
///
/// main() runs as a thread of priority LIBSCHED_MAIN_PRIORITY on the boot
/// CPU, on the boot stack.
///
/// Context: unless noted, calls are for threads. "ISR ok" calls may also be
/// made from interrupt handlers. The C interface is tn/sched.h.
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

/// Threads and the scheduler (lib/sched).
namespace tn::sched {

#ifdef CONFIG_LIBSCHED_PRIORITIES
inline constexpr unsigned k_priorities = CONFIG_LIBSCHED_PRIORITIES;
#else
/// Number of priority levels (CONFIG_LIBSCHED_PRIORITIES, default 32).
inline constexpr unsigned k_priorities = 32;
#endif
/// The lowest priority a thread may have (the idle thread is below it).
inline constexpr u8 k_lowest_priority = 0;
/// The highest priority a thread may have.
inline constexpr u8 k_highest_priority = k_priorities - 1;

/// Timeout that never blocks: the call fails with WouldBlock instead of waiting.
/// (Timeouts are in nanoseconds, relative to the call.)
inline constexpr u64 k_no_wait = 0;
/// Timeout that never expires.
inline constexpr u64 k_forever = ~u64{0};

/// Why a scheduler or lib/sync call failed. A failed call changes nothing.
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
    BadReservation,  ///< A budget or period out of range (set_reservation()).
};

/// Printable name of @p e ("Timeout"), for logs.
/// @context Any. @blocking No.
const char* error_name(Error e);

/// A thread (opaque). Its control block lives at the top of its stack.
class Thread;
/// A thread's function: runs with the @p arg given to create(). Returning
/// from it ends the thread as exit(0) does.
using Entry = void (*)(void* arg);

/// How create() makes a thread.
struct ThreadAttr {
    const char* name = "thread";             ///< For logs and stats; must outlive the thread.
    u8 priority = k_lowest_priority + 1;     ///< 0 to k_highest_priority.
    usize stack_size = 0;  ///< 0: LIBSCHED_DEFAULT_STACK_SIZE. Rounded up to pages.
    unsigned cpu = 0;      ///< The CPU the thread runs on.
    /// Create the thread suspended: it does not run until the first resume().
    bool start_suspended = false;
};

/// What the scheduler counts per thread (stats()).
struct ThreadStats {
    u64 switches_in;  ///< Times the thread was switched to.
    u64 run_ns;       ///< Time it ran (switched in until switched out); 0 without LIBSCHED_RUNTIME_STATS.
};

/// Creates a ready thread running entry(arg). Its stack comes from the page
/// allocator, mapped in the stack window with an unmapped guard page below
/// it, so an overflow faults instead of corrupting memory. Under the
/// preemptive policy a higher priority than the caller's (same CPU) runs it
/// at once. With ThreadAttr::start_suspended it is created Suspended
/// instead: it starts at its first resume().
/// @param attr name, priority, stack size, CPU and start_suspended.
/// @param entry the thread's function.
/// @param arg passed to @p entry.
/// @return the new thread, or
/// @retval Error::BadPriority priority at or above k_priorities.
/// @retval Error::BadCpu no such CPU, or it is not online.
/// @retval Error::BadStackSize below LIBSCHED_MIN_STACK_SIZE or above the stack slot.
/// @retval Error::NoMemory no memory for the stack, or LIBSCHED_MAX_THREADS exist.
/// @context Thread only. @blocking No (the new thread may preempt the caller).
Result<Thread*, Error> create(const ThreadAttr& attr, Entry entry, void* arg);
/// Ends the calling thread; a joiner gets @p value. Exiting while holding a
/// mutex is fatal (tn/sync.hpp).
/// @param value handed to join().
/// @context Thread only. @blocking Never returns.
[[noreturn]] void exit(uptr value);
/// Slot of lib/newlib: the thread's struct _reent (see slot()).
constexpr unsigned k_slot_libc = 0;
/// Slot of lib/posix: the thread's pthread record (see slot()).
constexpr unsigned k_slot_posix = 1;
/// Slot of lib/process: the process a thread runs for (see slot()).
constexpr unsigned k_slot_process = 2;
/// Number of per-thread slots.
constexpr unsigned k_thread_slots = 3;
/// A per-thread pointer that a library layered on the scheduler keeps
/// (k_slot_libc, k_slot_posix, k_slot_process), to read or set; null when the thread is
/// created. Only the library that owns the index uses it.
/// @param t a thread that has not been joined. @param index below k_thread_slots.
/// @context Any. @blocking No.
void*& slot(Thread* t, unsigned index);
/// A function exit() calls in the exiting thread, before it is marked
/// exited (its stack and slots still valid, no lock held): lib/newlib frees
/// the thread's reent there. Not called for main (its return powers off).
using ExitHook = void (*)(Thread* t);
/// Most hooks add_exit_hook() takes.
constexpr unsigned k_max_exit_hooks = 4;
/// Registers @p hook, for every thread that exits from now on.
/// @param hook the function.
/// @retval Error::NoMemory k_max_exit_hooks hooks are registered already.
/// @context Thread or init, before the threads it concerns exit. @blocking No.
Result<void, Error> add_exit_hook(ExitHook hook);
/// Waits for @p t to end and frees it (its stack and control block); @p t is
/// invalid afterwards.
/// @param t a thread create() made, not the caller.
/// @param timeout_ns relative timeout (k_no_wait, k_forever or between).
/// @return the value @p t passed to exit() (0 if its function returned), or
/// @retval Error::NotJoinable @p t is the caller, joined or being joined, or main/idle.
/// @retval Error::Timeout the timeout passed first.
/// @retval Error::WouldBlock k_no_wait and @p t is still running.
/// @retval Error::InIsr called from an interrupt handler.
/// @context Thread only. @blocking Yes, up to @p timeout_ns.
Result<uptr, Error> join(Thread* t, u64 timeout_ns = k_forever);

/// The calling thread.
/// @return the running thread; in an interrupt handler, the thread the
///         interrupt arrived in.
/// @context Any (ISR ok). @blocking No.
Thread* current();
/// Gives the CPU to the next ready thread of the same priority, if any.
/// @context Thread only. @blocking No (the caller stays ready).
void yield();
/// Blocks for at least @p ns nanoseconds.
/// @param ns relative time; 0 returns at once.
/// @retval Error::InIsr called from an interrupt handler.
/// @context Thread only. @blocking Yes, for @p ns.
Result<void, Error> sleep_ns(u64 ns);
/// Blocks until monotonic time @p deadline_ns (tn::clock::now_ns()); returns
/// at once if it has passed. On a fixed grid (start + n * period) it keeps a
/// periodic task's rate exact.
/// @param deadline_ns absolute time.
/// @retval Error::InIsr called from an interrupt handler.
/// @context Thread only. @blocking Yes, until @p deadline_ns.
Result<void, Error> sleep_until(u64 deadline_ns);

/// Stops @p t until resume(). @p t may be:
/// - the calling thread: it stops here, and returns once resumed;
/// - a ready thread, of any CPU: it leaves its run queue and does not run
///   until resumed;
/// - a blocked thread (waiting on an object, sleeping or joining, any CPU):
///   it stays in its wait (it can still be woken or time out, and keeps its
///   place and priority there); when the wait ends it becomes suspended
///   instead of ready, keeping the wait's result, which it sees once
///   resumed. resume() before the wait ends only cancels the suspension.
///
/// A thread running on another CPU cannot be suspended (BadState): it would
/// have to be stopped there first. Suspend it when it is ready or blocked,
/// or let it suspend itself.
/// @param t the thread to suspend.
/// @retval Error::BadState @p t is exited, already suspended (also while
///         still blocked), the idle thread, or running on another CPU, or
///         a self-suspend from an interrupt handler.
/// @context Thread; ISR ok for another thread. @blocking Only when @p t is the caller.
Result<void, Error> suspend(Thread* t);
/// Ends a suspension. A suspended thread becomes ready again; if it is more
/// urgent than the running thread of its CPU it runs at once (Algorithm 1).
/// A thread suspended while blocked that is still waiting only loses the
/// suspension: it stays blocked, and becomes ready when its wait ends.
/// A thread created with ThreadAttr::start_suspended starts here.
/// @param t the suspended thread.
/// @retval Error::BadState @p t is not suspended.
/// @context Any (ISR ok). @blocking No.
Result<void, Error> resume(Thread* t);

/// Sets @p t's base priority; a thread holding a priority-inheritance mutex
/// keeps running at least at its waiters' priority. A ready or running thread
/// whose (effective) priority changes goes behind the threads of its new
/// priority, as one made ready there would: the running one yields to them at
/// its next preemption point (after the last unlock_preemption() if locked).
/// One whose priority stays the same keeps its place.
/// @param t the thread.
/// @param priority 0 to k_highest_priority.
/// @retval Error::BadPriority @p priority at or above k_priorities.
/// @context Any (ISR ok). @blocking No (the caller may be preempted).
Result<void, Error> set_priority(Thread* t, u8 priority);
/// Base priority of @p t (as created or set).
/// @context Any. @blocking No.
u8 priority(const Thread* t);
/// Effective priority of @p t: its base priority raised by priority
/// inheritance while it holds a mutex that a higher thread waits for.
/// @context Any. @blocking No.
u8 effective_priority(const Thread* t);
/// Name of @p t, as given to create() ("main" for main()).
/// @context Any. @blocking No.
const char* name(const Thread* t);
/// Switch count and run time of @p t (also of an exited thread not yet joined).
/// @context Any. @blocking No.
ThreadStats stats(const Thread* t);

/// Smallest budget set_reservation() takes (10 us): below it a budget is
/// mostly the cost of the switches and timer interrupts that enforce it.
inline constexpr u64 k_min_budget_ns = 10'000;
/// Largest period set_reservation() takes (100 s).
inline constexpr u64 k_max_period_ns = 100'000'000'000;

/// What reservation_stats() reports; all 0 for a thread without a reservation.
struct ReservationStats {
    u64 budget_ns;       ///< Budget per period, as set.
    u64 period_ns;       ///< Period, as set.
    u64 budget_left_ns;  ///< Budget left in the current period (counting a run in progress).
    u64 periods;         ///< Replenishments so far (periods ended).
    u64 throttles;       ///< Times the thread was throttled (its budget used up before its period ended).
    /// Budget ends that did not throttle at once: the thread was boosted by
    /// priority inheritance (throttled when the boost ends) or had preemption
    /// locked (throttled at its unlock).
    u64 overruns;
    /// Time run past its budgets (budget interrupt latency, whole ticks with
    /// the periodic tick, boosts, preemption locks) not yet paid back: the
    /// next budgets are smaller by it.
    u64 debt_ns;
    bool throttled;      ///< Throttled now: waiting for its replenishment.
};

/// Gives @p t a reservation of @p budget_ns of CPU time per @p period_ns
/// (a deferrable server at @p t's priority), or removes it (0, 0).
///
/// A reserved thread is scheduled by priority as any other while it has
/// budget. Its run time, from switch-in to switch-out, is charged against the
/// budget; when the budget of the current period is used up it is throttled:
/// it leaves the run queue and does not run until the next replenishment,
/// which refills the budget (unused budget does not carry over) and makes it
/// ready again (preempting a lower thread). Periods start when the
/// reservation is set, and again at every resume() after a suspend(). A
/// thread that blocks keeps the budget it has left. So a runaway thread at a
/// high priority takes at most @p budget_ns of every @p period_ns from the
/// threads below it.
///
/// Priority inheritance takes precedence: a thread boosted above its base
/// priority (holding a mutex a more urgent thread waits for, tn/sync.hpp) is
/// not throttled; it runs on and is throttled when the boost ends, and the
/// budget end counts as an overrun. With preemption locked, throttling waits
/// for unlock_preemption(). Time run past the budget, for these reasons or
/// because the budget timer fires late (by the interrupt latency, or up to a
/// tick with the periodic tick), is a debt taken from the next budgets, so
/// over time the thread gets @p budget_ns per @p period_ns and no more.
///
/// Defined only in images with CONFIG_LIBSCHED_RESERVATIONS (otherwise the
/// link fails naming it).
/// @param t a thread that has not exited, not the idle thread; any CPU.
/// @param budget_ns CPU time per period: k_min_budget_ns to @p period_ns.
/// @param period_ns replenishment period: up to k_max_period_ns.
/// @retval Error::BadReservation budget below k_min_budget_ns or above the
///         period, or period above k_max_period_ns (and not both 0).
/// @retval Error::BadState @p t is exited or an idle thread.
/// @context Any (ISR ok). @blocking No (the caller may be throttled or preempted).
Result<void, Error> set_reservation(Thread* t, u64 budget_ns, u64 period_ns);
/// The reservation of @p t and what it did (zeros without one). Defined only
/// with CONFIG_LIBSCHED_RESERVATIONS.
/// @context Any. @blocking No.
ReservationStats reservation_stats(const Thread* t);

/// Defers preemption of the calling thread until the matching unlock (they
/// nest). A preemption that came due meanwhile happens at the last unlock.
/// Interrupts are still taken; the thread may still block or yield.
/// @context Thread only. @blocking No.
void lock_preemption();
/// Ends one lock_preemption().
/// @context Thread only. @blocking No (the caller may be preempted at the last one).
void unlock_preemption();

/// Makes the calling secondary CPU schedulable: the code calling it becomes
/// the CPU's idle thread, which must then wait for interrupts with IRQs
/// enabled (a thread made ready there is switched to on the way out of the
/// interrupt). lib/sched's own tn_secondary_main() calls it and runs its
/// idle loop; an image with an idle loop of its own (Mortise) defines
/// tn_secondary_main() and calls this first.
/// @param cpu the calling CPU (online, IRQs masked).
/// @context A secondary CPU's boot, once. @blocking No.
void start_secondary_cpu(unsigned cpu);

/// True in an interrupt handler.
/// @context Any. @blocking No.
bool in_isr();

}  // namespace tn::sched
