// The thread control block, private to lib/sched (lib/sync sees Thread as an
// opaque type through tn/sched_impl.hpp).
#pragma once

#include <tn/arch/context.hpp>
#include <tn/arch/fpu.hpp>
#include <tn/list.hpp>
#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#include <tn/tntimer.hpp>
#include <tn/types.hpp>

namespace tn::sched {

enum class State : u8 {
    Running,  ///< Current on its CPU (first of its priority in the run queue; idle: in none).
    Ready,    ///< In its CPU's run queue, not running.
    Blocked,  ///< In a wait queue, sleeping, or both (with a timeout); suspend_pending may be set.
    Suspended,  ///< Stopped by suspend() until resume() (in no queue).
    Exited,   ///< Done; waiting to be joined.
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    Throttled,  ///< Reserved, its budget used up: in no queue until its replenishment.
#endif
};

#ifdef CONFIG_LIBSCHED_RESERVATIONS
/// A thread's budget per period (set_reservation()), in nanoseconds of
/// tn::clock time. Charged from switch-in to switch-out.
struct Reservation {
    u64 budget_ns = 0;
    u64 period_ns = 0;
    u64 left_ns = 0;       // budget left in this period, as of the last switch-out
    u64 switched_in_ns = 0;  // when it was last switched in (while Running)
    u64 periods = 0;
    u64 throttles = 0;
    u64 overruns = 0;      // budget ends that found it boosted or preemption-locked
    u64 debt_ns = 0;       // run past its budget, taken from the next budgets
    tntimer::Timer replenish;  // periodic, every period_ns from set_reservation()
};
#endif

/// Where a thread's stack came from (core.hpp's port::map_stack() fills it
/// in; its meaning is the port's). pages == 0: an adopted boot stack.
struct ThreadStack {
    u64 slot = ~u64{0};
    u64 pa = 0;
    u64 pages = 0;
};

class Thread {
public:
    arch::Context ctx;
    ListNode rq_link;  // run queue: while Ready or Running (not idle)
    ListNode link;     // wait queue
    State state = State::Ready;
    u8 base_priority = 0;
    u8 priority = 0;  // effective (base or inherited)
    u8 cpu = 0;
    bool joined = false;
    bool is_idle = false;
    bool suspend_pending = false;  // suspended while Blocked: Suspended, not Ready, when the wait ends
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    bool reserved = false;  // resv is in force (in the padding before preempt_lock)
#endif
    u32 preempt_lock = 0;
    const char* name = "";
    Entry entry = nullptr;
    void* arg = nullptr;

    // Blocking: the wait queue, if any, and how the wait ended.
    WaitQueue* waiting_on = nullptr;
    WaitResult wait_result = WaitResult::Woken;
    uptr wake_value = 0;
    void* blocked_on = nullptr;  // priority inheritance (lib/sync)
    tntimer::Timer timeout;

    // Exit and join.
    uptr exit_value = 0;
    WaitQueue joiners;

    ThreadStack stack;

    // Statistics, in counter ticks.
    u64 switches_in = 0;
    u64 run_ticks = 0;
    u64 switched_in_at = 0;

    IntrusiveList held_mutexes;  // lib/sync's priority inheritance

    void* slots[k_thread_slots] = {};  // slot(): lib/newlib's reent, lib/posix's record

#ifdef CONFIG_LIBSCHED_RESERVATIONS
    Reservation resv;
#endif

    // Last: 528 bytes that would push the hot fields out of short offsets.
    [[no_unique_address]] arch::FpContext fp;  // empty without an FP context (ectx off)
};

}  // namespace tn::sched
