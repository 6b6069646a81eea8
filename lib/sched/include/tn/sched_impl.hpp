/// @file
/// @brief Provider contract of lib/sched: what synchronisation objects (lib/sync) build on: the scheduler lock, wait
/// queues and blocking with timeouts, and effective priorities for priority
/// inheritance. Only kernel libraries include this header; applications use
/// tn/sched.hpp and tn/sync.hpp.
///
/// Locking: one scheduler lock guards every thread's scheduling state and
/// every wait queue. A Locked object holds it with IRQs masked on the calling
/// CPU; every function taking a Locked& needs it held and returns with it held.
#pragma once

#include <tn/list.hpp>
#include <tn/sched.hpp>
#include <tn/tntimer.hpp>
#include <tn/types.hpp>

namespace tn::sched {

/// The scheduler lock (the kernel lock of tn/tntimer.hpp), with IRQs masked,
/// for its lifetime. When it ends, the calling thread is preempted if a more
/// urgent thread became ready for its CPU meanwhile (not in an ISR: there the
/// switch waits for the way out of the interrupt).
class Locked {
public:
    Locked() = default;
    /// For locked timer callbacks, which run with the lock already held.
    explicit Locked(tntimer::KernelLock::Held held) : m_lock(held) {}
    ~Locked();
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;

private:
    tntimer::KernelLock m_lock;
};

/// Why a wait ended.
enum class WaitResult : u8 {
    Woken,    ///< wake_one / wake_all / wake.
    Timeout,  ///< The timeout passed first.
    Interrupted,  ///< interrupt(): the waiter's library ended the wait (a process being killed).
};

/// Threads blocked on one object, highest effective priority first, FIFO
/// among equals. Zero-initialised is empty.
class WaitQueue {
public:
    /// True if no thread waits.
    bool empty() const { return m_list.empty(); }
    /// The thread wake_one() would wake, nullptr if none.
    Thread* first() const;

private:
    friend struct WaitQueueAccess;
    IntrusiveList m_list;
};

/// Blocks the calling thread on @p wq until it is woken or @p timeout_ns
/// passes (k_forever: no timeout; k_no_wait returns Timeout at once without
/// blocking). The lock is released while the thread is blocked.
/// @pre thread context (not in_isr()).
WaitResult wait(Locked&, WaitQueue& wq, u64 timeout_ns);
/// Wakes the first thread of @p wq, handing it @p value (wake_value()).
/// Returns it, or nullptr if @p wq was empty. ISR ok.
Thread* wake_one(Locked&, WaitQueue& wq, uptr value = 0);
/// wake_one() as the last change of a locked scope: when the woken thread
/// preempts the caller (thread context, same CPU), the switch happens here
/// instead of at the end of the scope, without the generic decision. The
/// caller must not rely on anything it read under the lock before (other
/// threads ran meanwhile). Returns whether a thread was woken. ISR ok (no
/// switch there: it waits for the way out of the interrupt).
bool wake_one_last(Locked&, WaitQueue& wq, uptr value = 0);
/// Wakes every thread of @p wq; returns how many. ISR ok.
usize wake_all(Locked&, WaitQueue& wq, uptr value = 0);
/// The value the waker handed to the calling thread's last wait.
uptr wake_value(Locked&);

/// Ends @p t's wait() (or sleep) at once with WaitResult::Interrupted; for
/// a library that must get its own waiter out (lib/process kills a process
/// blocked in a system call). Returns false, changing nothing, when @p t is
/// not blocked or is blocked on a mutex (priority inheritance keeps those).
/// @pre when @p t is blocked, it is in a wait of the caller's library,
/// which handles Interrupted (other libraries' waits do not expect it).
/// ISR ok.
bool interrupt(Locked&, Thread* t);
/// When @p t is running on another CPU, makes that CPU take an interrupt
/// soon, so that code on the way out of it (the return to EL0) runs.
/// Otherwise nothing. ISR ok.
void kick(Locked&, Thread* t);

/// Makes @p t translate with @p root (tn/arch/context.hpp's
/// set_translation_root(): a process's address space, 0 for the kernel's)
/// from its next switch in; at once when @p t is the caller.
/// @pre @p t is the caller or not running.
void set_translation_root(Locked&, Thread* t, u64 root);

/// Effective priority handling for priority inheritance. @p t's effective
/// priority becomes @p priority (never below its base priority: the caller
/// computes max(base, inherited)); @p t is re-sorted in the run queue or
/// wait queue it is in: behind the threads of its new priority when it
/// changes (a running one yields to them, as to a more urgent ready one, when
/// the lock is released and preemption is not locked), where it was when not.
void set_effective_priority(Locked&, Thread* t, u8 priority);

/// What @p t is blocked on for priority inheritance (a mutex), set by the
/// synchronisation object around wait(); nullptr when it is not blocked on one.
void set_blocked_on(Locked&, Thread* t, void* object);
/// What @p t is blocked on (set_blocked_on()), nullptr if nothing.
void* blocked_on(Locked&, const Thread* t);

/// The mutexes @p t owns (lib/sync links them through their own nodes): a
/// list head in every Thread, empty when it is created; only lib/sync reads
/// or changes it, always under the lock. A thread must not exit while it is
/// non-empty (the mutexes would keep pointing at it): sched::exit() calls
/// sync::exit_holding_mutexes() then.
IntrusiveList& held_mutexes(Locked&, Thread* t);

#ifdef CONFIG_LIBSCHED_SWITCH_HOOK
/// Provided by the library that selects LIBSCHED_SWITCH_HOOK (plat/mortise-guest's scheduling
/// hints): called in every switch, just before the next thread runs on the calling CPU, with the
/// lock held and IRQs masked. Must not block or call the scheduler.
/// @param priority the next thread's effective priority; 0 for the idle thread.
void switch_hook(u8 priority);
#endif

}  // namespace tn::sched

// What a priority-inheritance library (lib/sync) provides for the scheduler
// to call. Weak: an image without one links without them.
namespace tn::sync {

/// Called from the timeout path of sched::wait(), under the lock, right after
/// @p t was taken out of its WaitQueue because its timeout passed, when
/// blocked_on(t) != nullptr: lowers the owner chain @p t was boosting at once.
[[gnu::weak]] void wait_timed_out(sched::Locked&, sched::Thread* t);

/// Called from sched::set_priority() after @p t's base priority changed:
/// sets its effective priority to max(base, what its mutexes' waiters need)
/// and passes the change along the chain of owners @p t is blocked on.
[[gnu::weak]] void base_priority_changed(sched::Locked&, sched::Thread* t);

/// Called from sched::exit(), under the lock, when the exiting thread @p t
/// still owns mutexes (held_mutexes(t) is not empty): a fatal error that
/// reports @p t and its mutexes and powers the system off. Never returns.
[[gnu::weak, noreturn]] void exit_holding_mutexes(sched::Locked&, sched::Thread* t);

}  // namespace tn::sync
