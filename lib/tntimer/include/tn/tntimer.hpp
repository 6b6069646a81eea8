/// @file
/// @brief Software timers and the kernel lock (lib/tntimer, CONFIG_LIBTNTIMER; the paper's tntimer).
///
/// Armed timers sit in queues (tn/tntimer/queue.hpp) kept in nanoseconds of
/// tn::clock time, driven by the clock's hardware event in one of two modes
/// (Kconfig):
///   tick     (LIBTNTIMER_TICK): one queue for the image and a periodic
///            interrupt at LIBTNTIMER_HZ on CPU 0; each tick runs every timer
///            whose deadline has passed, so a timer fires at the first tick at
///            or after its deadline (never early, at most one tick period
///            late), on CPU 0.
///   tickless (LIBTNTIMER_TICKLESS): one queue per CPU; a timer goes into the
///            queue of the CPU that arms it, and each CPU's own event (its
///            comparator) is programmed one-shot to its queue's earliest
///            deadline, so the timer fires on that CPU at its deadline; with
///            nothing armed there is no interrupt. A thread's timeouts (armed
///            by the thread itself) fire on its own CPU.
///
/// Callbacks run in interrupt context with IRQs masked. A plain timer's
/// callback runs without the kernel lock, so it may call any "ISR ok"
/// function (give a semaphore, set event flags). The kernel's own timeouts
/// are "locked" timers: their callbacks run with the kernel lock held, which
/// makes expiry and cancel atomic with respect to everything else under it.
///
/// The kernel lock: one lock, taken with IRQs masked, for the timer queue and
/// the scheduler state built on it (lib/sched). With one CPU it is just IRQ
/// masking. SMP: every CPU's queue is under the one lock, so any CPU may
/// cancel or re-arm any timer. A cancel from another CPU does not reprogram
/// the timer's CPU (that would take an SGI): its comparator fires once for
/// nothing and is set to the next deadline then. A re-arm moves the timer to
/// the calling CPU's queue.
#pragma once

#include <tn/irq.hpp>
#include <tn/spinlock.hpp>
#include <tn/tntimer/queue.hpp>
#include <tn/types.hpp>

/// Software timers and the kernel lock (lib/tntimer).
namespace tn::tntimer {

namespace detail {
/// The spinlock under the kernel lock (a no-op with one CPU). Use KernelLock.
extern Spinlock g_kernel_lock;
/// For lib/sched only: a new thread starts inside the switch that its
/// creator's KernelLock scope began, and releases the lock itself.
inline void release_kernel_lock() { g_kernel_lock.unlock(); }
}  // namespace detail

/// The kernel lock with IRQs masked on the calling CPU, for its lifetime.
/// Inline: it brackets every scheduler call, so with one CPU it is just the
/// two DAIF accesses.
class KernelLock {
public:
    KernelLock() : m_irq_state(irq::local_save_disable()) { detail::g_kernel_lock.lock(); }
    /// Stands for the lock a caller further up already holds (in a locked
    /// timer callback): takes and releases nothing.
    struct Held {};
    /// The stand-in for a lock already held.
    explicit KernelLock(Held) : m_irq_state(k_held) {}
    ~KernelLock() {
        if (m_irq_state == k_held)
            return;
        detail::g_kernel_lock.unlock();
        irq::local_restore(m_irq_state);
    }
    KernelLock(const KernelLock&) = delete;
    KernelLock& operator=(const KernelLock&) = delete;

private:
    static constexpr u64 k_held = ~u64{0};
    u64 m_irq_state;
};

struct Timer;
/// What a timer calls when it fires: in interrupt context with IRQs masked
/// (see the file comment); must not block.
using Callback = void (*)(Timer& timer, void* ctx);

/// One software timer. Zero-initialised (or Timer{}) is idle; it must stay
/// valid while armed. Not copyable.
struct Timer {
    Node node;                     ///< Its place in the timer queue (owned by lib/tntimer).
    Callback callback = nullptr;   ///< Called when it fires.
    void* ctx = nullptr;           ///< Passed to the callback.
    u64 period_ns = 0;             ///< 0: one-shot.
    bool locked_callback = false;  ///< Kernel timeouts: run with the kernel lock held.
    u16 queue = 0;                 ///< The CPU whose queue holds it while armed (owned by lib/tntimer).

    /// True between start() and its firing (one-shot) or cancel().
    bool armed() const { return node.linked(); }
};

/// Arms @p t to call its callback at @p deadline_ns (tn::clock::now_ns()
/// time; a past deadline fires at the next tick or at once in tickless mode),
/// then every @p period_ns if that is not 0 (from the previous deadline, so
/// the rate does not drift). Re-arms an armed timer. Tickless: the callback
/// runs on the calling CPU.
/// @param t the timer; must stay valid while armed.
/// @param deadline_ns absolute time of the first expiry.
/// @param period_ns 0 for a one-shot timer.
/// @context Any (ISR ok, also from a timer callback). @blocking No.
void start(Timer& t, u64 deadline_ns, u64 period_ns = 0);
/// Disarms @p t. True if it was armed (its callback will not run for that
/// arming; one already running in an interrupt on another CPU finishes).
/// @context Any (ISR ok). @blocking No.
bool cancel(Timer& t);

/// start() for callers that already hold the kernel lock (lib/sched).
void start_locked(Timer& t, u64 deadline_ns, u64 period_ns = 0);
/// cancel() for callers that already hold the kernel lock (lib/sched).
bool cancel_locked(Timer& t);

/// Armed timers. @context Any (ISR ok).
usize armed_count();

/// Counters for the benchmark suite (timer_cost): interrupts taken and timers
/// fired since boot.
struct Stats {
    u64 interrupts;  ///< Clock-event interrupts taken.
    u64 fired;       ///< Timer callbacks run.
};
/// The counters. @context Any.
Stats stats();

}  // namespace tn::tntimer
