/**
 * @file
 * @brief C interface to lib/sched: threads and the scheduler.
 *
 * tn/sched.hpp explains the behaviour; each function forwards to the C++ call
 * of the same name. Threads are opaque handles. Functions that can fail
 * return 0 or a negative error code:
 *
 * | code            | meaning (C++ sched::Error) |
 * |-----------------|----------------------------|
 * | -TN_EINVAL      | bad priority, CPU or stack size; a null argument; join() of itself or of a thread already joined; a reservation out of range (BadPriority, BadCpu, BadStackSize, NotJoinable, BadReservation) |
 * | -TN_ENOMEM      | no memory or no stack slot for a new thread (NoMemory) |
 * | -TN_ETIMEDOUT   | the timeout passed first (Timeout) |
 * | -TN_EAGAIN      | TN_NO_WAIT was given and the call would block (WouldBlock) |
 * | -TN_EINISR      | a call that may block, from an interrupt handler (InIsr) |
 * | -TN_EBADSTATE   | suspend/resume of a thread in the wrong state (BadState) |
 *
 * Priorities: 0 (lowest) to tn_sched_priorities() - 1; higher runs first.
 * Times are nanoseconds of the monotonic clock (tn::clock::now_ns()).
 * Enable with CONFIG_LIBSCHED.
 */
#ifndef TN_SCHED_H
#define TN_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include <tn/errno.h>

#ifdef __cplusplus
extern "C" {
#endif

/* TN_NO_WAIT, TN_FOREVER and the TN_E* codes: tn/errno.h. */

/** Opaque handle of a thread (a tn::sched::Thread). */
typedef struct tn_thread tn_thread_t;
/** A thread's function: runs with the @p arg given to tn_thread_create(). */
typedef void (*tn_thread_entry_t)(void* arg);

/** How tn_thread_create() makes a thread. */
typedef struct tn_thread_attr {
    const char* name;    /**< For logs and stats; kept by pointer: must outlive the thread. NULL: "thread". */
    uint8_t priority;    /**< 0 (lowest) to tn_sched_priorities() - 1. */
    size_t stack_size;   /**< Bytes; 0: CONFIG_LIBSCHED_DEFAULT_STACK_SIZE. Rounded up to pages. */
    unsigned cpu;        /**< The CPU the thread is pinned to for its whole life. */
} tn_thread_attr_t;

/** What the scheduler counts per thread (tn_thread_stats()). */
typedef struct tn_thread_stats {
    uint64_t switches_in; /**< Times the thread was switched to. */
    uint64_t run_ns;     /**< Time it ran; 0 without CONFIG_LIBSCHED_RUNTIME_STATS. */
} tn_thread_stats_t;

/**
 * Number of priority levels (CONFIG_LIBSCHED_PRIORITIES).
 * @return the count; valid priorities are 0 to this - 1.
 * @context Any.
 * @blocking No.
 */
unsigned tn_sched_priorities(void);

/**
 * Creates a ready thread that runs entry(arg) on its own stack.
 *
 * The stack comes from the page allocator with an unmapped guard page below
 * it. Under the preemptive policy a thread of higher priority than the
 * caller (same CPU) runs before this returns. Returning from @p entry ends the thread as
 * tn_thread_exit(0) does. tn_thread_create_suspended() makes one that waits
 * for tn_thread_resume().
 *
 * @param[out] thread receives the handle on success.
 * @param attr name, priority, stack size and CPU.
 * @param entry the thread's function.
 * @param arg passed to @p entry.
 * @retval 0 created; *@p thread is set.
 * @retval -TN_EINVAL a null argument, priority out of range, no such CPU or
 *         it is not online, or a stack size below
 *         CONFIG_LIBSCHED_MIN_STACK_SIZE or above the stack slot.
 * @retval -TN_ENOMEM no memory for the stack, or all
 *         CONFIG_LIBSCHED_MAX_THREADS stack slots are in use.
 * @context Thread only.
 * @blocking No (it may be preempted by the new thread).
 */
int tn_thread_create(tn_thread_t** thread, const tn_thread_attr_t* attr, tn_thread_entry_t entry, void* arg);

/**
 * As tn_thread_create(), but the thread is created suspended: it does not run
 * until the first tn_thread_resume() (ThreadAttr::start_suspended in C++).
 * @param[out] thread receives the handle on success.
 * @param attr name, priority, stack size and CPU.
 * @param entry the thread's function.
 * @param arg passed to @p entry.
 * @retval 0 created, suspended; *@p thread is set.
 * @retval -TN_EINVAL, -TN_ENOMEM as tn_thread_create().
 * @context Thread only.
 * @blocking No.
 */
int tn_thread_create_suspended(tn_thread_t** thread, const tn_thread_attr_t* attr, tn_thread_entry_t entry,
                               void* arg);

/**
 * Ends the calling thread; a joiner receives @p value. Exiting while holding
 * a mutex is a fatal error (see tn/sync.hpp).
 * @param value handed to tn_thread_join().
 * @context Thread only.
 * @blocking Never returns.
 */
void tn_thread_exit(uintptr_t value) __attribute__((noreturn));

/**
 * Waits for @p thread to end, then frees its stack and control block.
 * @param thread a thread from tn_thread_create(), not the caller.
 * @param timeout_ns relative timeout: TN_NO_WAIT, TN_FOREVER or between.
 * @param[out] value receives the exit value; may be NULL.
 * @retval 0 the thread has ended and is freed; its handle is now invalid.
 * @retval -TN_EINVAL @p thread is NULL, the caller, already joined, or not
 *         a thread tn_thread_create() made (main, idle).
 * @retval -TN_ETIMEDOUT the timeout passed first.
 * @retval -TN_EAGAIN TN_NO_WAIT and the thread is still running.
 * @retval -TN_EINISR called from an interrupt handler.
 * @context Thread only.
 * @blocking Yes, up to @p timeout_ns.
 */
int tn_thread_join(tn_thread_t* thread, uint64_t timeout_ns, uintptr_t* value);

/**
 * The calling thread.
 * @return its handle; in an interrupt handler, the thread the interrupt
 *         arrived in.
 * @context Any (ISR ok).
 * @blocking No.
 */
tn_thread_t* tn_thread_current(void);

/**
 * Gives the CPU to the next ready thread of the same priority, if any; the
 * caller goes behind it.
 * @context Thread only.
 * @blocking No (the caller stays ready).
 */
void tn_thread_yield(void);

/**
 * Blocks the calling thread for at least @p ns nanoseconds.
 * @param ns relative time; 0 returns at once.
 * @retval 0 the time has passed.
 * @retval -TN_EINISR called from an interrupt handler.
 * @context Thread only.
 * @blocking Yes, for @p ns.
 */
int tn_thread_sleep_ns(uint64_t ns);

/**
 * Blocks the calling thread until monotonic time @p deadline_ns; returns at
 * once if it has passed. Periodic tasks use it on a fixed grid so their
 * period does not drift.
 * @param deadline_ns absolute time on the tn::clock::now_ns() scale.
 * @retval 0 the deadline has passed.
 * @retval -TN_EINISR called from an interrupt handler.
 * @context Thread only.
 * @blocking Yes, until @p deadline_ns.
 */
int tn_thread_sleep_until(uint64_t deadline_ns);

/**
 * Stops @p thread until tn_thread_resume(): the caller itself (it blocks
 * here), a ready thread of any CPU, or a blocked thread of any CPU. A
 * blocked thread stays in its wait; when the wait ends (woken or timed out)
 * it is suspended instead of ready, keeping the wait's result; a resume
 * before that only cancels the suspension. A thread running on another CPU
 * cannot be suspended (-TN_EBADSTATE). tn::sched::suspend() has the details.
 * tn_thread_create_suspended() makes a thread that starts suspended.
 * @param thread the thread to suspend.
 * @retval 0 suspended (for the caller: resumed again).
 * @retval -TN_EINVAL @p thread is NULL.
 * @retval -TN_EBADSTATE @p thread is exited, already suspended, the idle
 *         thread or running on another CPU, or a self-suspend from an
 *         interrupt handler.
 * @context Thread; an interrupt handler for another thread.
 * @blocking Only when the caller suspends itself.
 */
int tn_thread_suspend(tn_thread_t* thread);

/**
 * Makes a suspended thread ready again; if it is more urgent than the
 * running thread of its CPU it runs at once. A thread suspended while
 * blocked and still waiting only loses the suspension.
 * @param thread the suspended thread.
 * @retval 0 resumed.
 * @retval -TN_EINVAL @p thread is NULL.
 * @retval -TN_EBADSTATE @p thread is not suspended.
 * @context Any (ISR ok).
 * @blocking No.
 */
int tn_thread_resume(tn_thread_t* thread);

/**
 * Sets @p thread's base priority. A thread holding a priority-inheritance
 * mutex keeps running at least at its waiters' priority.
 * @param thread the thread.
 * @param priority 0 to tn_sched_priorities() - 1.
 * @retval 0 set.
 * @retval -TN_EINVAL @p thread is NULL or @p priority is out of range.
 * @context Any (ISR ok).
 * @blocking No (the caller may be preempted).
 */
int tn_thread_set_priority(tn_thread_t* thread, uint8_t priority);

/**
 * Base priority of @p thread (as created or set).
 * @param thread a valid thread.
 * @return the priority.
 * @context Any.
 * @blocking No.
 */
uint8_t tn_thread_priority(const tn_thread_t* thread);

/**
 * Effective priority of @p thread: its base priority raised by priority
 * inheritance while it holds a mutex a higher thread waits for.
 * @param thread a valid thread.
 * @return the priority it runs at now.
 * @context Any.
 * @blocking No.
 */
uint8_t tn_thread_effective_priority(const tn_thread_t* thread);

/**
 * Name of @p thread.
 * @param thread a valid thread.
 * @return the name given at creation ("main", "idle0" for the kernel's).
 * @context Any.
 * @blocking No.
 */
const char* tn_thread_name(const tn_thread_t* thread);

/**
 * Copies the statistics of @p thread to @p stats.
 * @param thread a valid thread (also one that has exited and is not joined).
 * @param[out] stats receives the counters.
 * @context Any.
 * @blocking No.
 */
void tn_thread_stats(const tn_thread_t* thread, tn_thread_stats_t* stats);

/** What tn_thread_reservation_stats() reports (tn::sched::ReservationStats). */
typedef struct tn_reservation_stats {
    uint64_t budget_ns;      /**< Budget per period, as set; 0: no reservation. */
    uint64_t period_ns;      /**< Period, as set. */
    uint64_t budget_left_ns; /**< Budget left in the current period. */
    uint64_t periods;        /**< Replenishments so far. */
    uint64_t throttles;      /**< Times the thread was throttled. */
    uint64_t overruns;       /**< Budget ends deferred by priority inheritance or a preemption lock. */
    uint64_t debt_ns;        /**< Time run past its budgets, taken from the next ones. */
    int throttled;           /**< 1 while throttled, waiting for its replenishment. */
} tn_reservation_stats_t;

/**
 * Gives @p thread a reservation of @p budget_ns CPU time per @p period_ns,
 * or removes it (0, 0); tn::sched::set_reservation() explains the policy.
 * Only in images with CONFIG_LIBSCHED_RESERVATIONS.
 * @param thread a thread that has not exited.
 * @param budget_ns 10 us (tn::sched::k_min_budget_ns) to @p period_ns.
 * @param period_ns up to 100 s (tn::sched::k_max_period_ns).
 * @retval 0 set (or removed).
 * @retval -TN_EINVAL @p thread is NULL, or the budget or period is out of range.
 * @retval -TN_EBADSTATE @p thread has exited or is an idle thread.
 * @context Any. @blocking No (the caller may be throttled or preempted).
 */
int tn_thread_set_reservation(tn_thread_t* thread, uint64_t budget_ns, uint64_t period_ns);

/**
 * Copies the reservation of @p thread and its counters to @p stats (zeros
 * without a reservation). Only with CONFIG_LIBSCHED_RESERVATIONS.
 * @param thread a valid thread.
 * @param[out] stats receives them.
 * @context Any. @blocking No.
 */
void tn_thread_reservation_stats(const tn_thread_t* thread, tn_reservation_stats_t* stats);

/**
 * Defers preemption of the calling thread until the matching
 * tn_sched_unlock_preemption(); the pairs nest. The thread may still block
 * or yield. Interrupts are still taken.
 * @context Thread only.
 * @blocking No.
 */
void tn_sched_lock_preemption(void);

/**
 * Ends one tn_sched_lock_preemption(); at the last one a preemption that
 * came due meanwhile happens.
 * @context Thread only.
 * @blocking No (the caller may be preempted).
 */
void tn_sched_unlock_preemption(void);

/**
 * Whether the caller is an interrupt handler.
 * @retval 1 in an interrupt handler.
 * @retval 0 in a thread.
 * @context Any.
 * @blocking No.
 */
int tn_sched_in_isr(void);

/**
 * The CPU the caller runs on (threads are pinned: a thread's answer never
 * changes).
 * @return its logical number, 0 to CONFIG_TN_MAX_CPUS - 1.
 * @context Any. @blocking No.
 */
unsigned tn_sched_this_cpu(void);
/**
 * CPUs online: the boot CPU and each secondary that completed its bring-up.
 * @return the count.
 * @context Any. @blocking No.
 */
unsigned tn_sched_cpus_online(void);

/** tn_thread_slot() index of lib/newlib: the thread's struct _reent. */
#define TN_THREAD_SLOT_LIBC 0
/** tn_thread_slot() index of lib/posix: the thread's pthread record. */
#define TN_THREAD_SLOT_POSIX 1

/**
 * A per-thread pointer owned by a library layered on the scheduler
 * (TN_THREAD_SLOT_*); NULL when the thread is created.
 * @param thread a thread not yet joined.
 * @param index a TN_THREAD_SLOT_* value.
 * @return where the pointer is kept: read or write it.
 * @context Any. @blocking No.
 */
void** tn_thread_slot(tn_thread_t* thread, unsigned index);

/** A function tn_thread_exit() calls in the exiting thread (tn_sched_add_exit_hook()). */
typedef void (*tn_thread_exit_hook_t)(tn_thread_t* thread);
/**
 * Registers @p hook: every thread that exits from now on (by tn_thread_exit()
 * or by returning) calls it first, with its stack and slots still valid and
 * no lock held. main does not (its return powers off). At most 4 hooks.
 * @param hook the function.
 * @retval 0 registered.
 * @retval -TN_EINVAL @p hook is NULL.
 * @retval -TN_ENOMEM four hooks are registered already.
 * @context Thread or init function. @blocking No.
 */
int tn_sched_add_exit_hook(tn_thread_exit_hook_t hook);

#ifdef __cplusplus
}
#endif

#endif /* TN_SCHED_H */
