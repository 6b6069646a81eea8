/// @file
/// @brief Thread synchronisation (lib/sync, CONFIG_LIBSYNC): semaphores, mutexes,
/// condition variables, message queues, event flags.
///
/// Thread synchronisation: counting semaphores, priority-inheritance mutexes,
/// condition variables, message queues and event flags, on the scheduler's
/// wait queues (tn/sched_impl.hpp). No object allocates; all are
/// constant-initialisable, and Mutex, CondVar and EventFlags are all-zero when
/// default-constructed, so static objects live in .bss and need no boot code.
///
/// Timeouts: every blocking call takes a relative timeout in nanoseconds;
/// sched::k_forever never times out, sched::k_no_wait never blocks. Errors are
/// sched::Error values:
///   Timeout     the timeout passed before the call could complete;
///   WouldBlock  k_no_wait was given and the call would have blocked;
///   InIsr       a call that may block, made from an interrupt handler with a
///               timeout other than k_no_wait (mutex and condition-variable
///               calls: any call from an interrupt handler, as an interrupt
///               has no thread that could own a mutex).
/// A call that fails changes nothing.
///
/// Wake-up order: waiters are served highest effective priority first, FIFO
/// among equals (the scheduler's WaitQueue order). Semaphore units, mutex
/// ownership and message-queue messages and slots are handed to the woken
/// waiter directly, so a thread arriving later cannot take them first
/// (no barging).
///
/// Priority inheritance (Mutex): the owner of a mutex runs at least at the
/// effective priority of the highest waiter of every mutex it holds, and an
/// owner blocked on another mutex passes that on to that mutex's owner, and so
/// on along the chain, at most k_pi_max_depth owners far (lib/sync/src/pi.hpp
/// explains the algorithm and its cost). Unlocking and a waiter's timeout
/// lower the owner again to what the mutexes it still holds require.
/// With LIBSYNC_MUTEX_PI=n (k_priority_inheritance false) nothing inherits:
/// every thread runs at its base priority, and a high waiter can be kept out
/// for as long as medium-priority threads keep the owner from running.
///
/// Exiting while holding a mutex is a fatal error: sched::exit() (also a
/// thread function returning) with a mutex still owned prints
///   Tenon fatal: thread "name" exited holding 1 mutex
///     mutex 0x... (link address 0x...): "waiter" (priority 20) and maybe others wait for it
/// and powers the system off with exit status 134, as a fatal exception does.
/// The data the mutex protects may be half updated and its waiters would wait
/// forever (or, with timeouts, fail forever), so continuing would only move
/// the failure away from its cause; unlock every mutex before a thread ends.
/// (lib/sched calls tn::sync::exit_holding_mutexes(); lib/sync/src/exit_check.cpp.)
///
/// Cost: every call holds the scheduler lock (IRQs masked) for O(1) work, plus
///   Mutex::lock/unlock   O(k_pi_max_depth x mutexes held per thread);
///   MessageQueue         one copy of msg_size bytes;
///   EventFlags::set      O(waiters of that object);
/// and the scheduler's own wait queue insertion and wake-up cost.
///
/// The C interface is tn/sync.h.
#pragma once

#include <tn/list.hpp>
#include <tn/result.hpp>
#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#include <tn/types.hpp>

/// Thread synchronisation objects (lib/sync).
namespace tn::sync {

/// lib/sync reports the scheduler's errors.
using Error = sched::Error;
using sched::k_forever;
using sched::k_no_wait;

#ifdef CONFIG_LIBSYNC_PI_MAX_DEPTH
inline constexpr unsigned k_pi_max_depth = CONFIG_LIBSYNC_PI_MAX_DEPTH;
#else
/// How many owners far priority inheritance passes a priority along a chain
/// of blocked owners (CONFIG_LIBSYNC_PI_MAX_DEPTH, default 8).
inline constexpr unsigned k_pi_max_depth = 8;
#endif
static_assert(k_pi_max_depth >= 1, "a blocked thread must at least boost its mutex's owner");

// LIBSYNC_MUTEX_PI (default y). Kconfig leaves the symbol undefined when it
// is off; a build without any configuration (the host tests) gets the default.
#if defined(CONFIG_LIBSYNC) && !defined(CONFIG_LIBSYNC_MUTEX_PI)
inline constexpr bool k_priority_inheritance = false;
#else
/// Whether Mutex inherits priorities (CONFIG_LIBSYNC_MUTEX_PI, default y).
inline constexpr bool k_priority_inheritance = true;
#endif

namespace detail {
struct MutexCore;
}

/// Counting semaphore with a ceiling.
class Semaphore {
public:
    /// @p initial units, at most @p max (an @p initial above @p max is
    /// clamped to @p max; with @p max 0, give() always fails). constexpr: a
    /// static semaphore needs no boot code.
    /// @param initial units available at first.
    /// @param max the ceiling.
    constexpr Semaphore(u32 initial, u32 max) : m_count(initial < max ? initial : max), m_max(max) {}
    Semaphore(const Semaphore&) = delete;
    Semaphore& operator=(const Semaphore&) = delete;

    /// Adds one unit, or hands it to the highest waiter.
    /// @retval Error::Overflow already max units, nobody waiting.
    /// @context Any (ISR ok). @blocking No (a woken waiter may preempt the caller).
    Result<void, Error> give();
    /// Takes one unit, waiting up to @p timeout_ns for one.
    /// @param timeout_ns relative timeout; k_no_wait in an interrupt handler.
    /// @retval Error::Timeout no unit within the timeout.
    /// @retval Error::WouldBlock k_no_wait and no unit available.
    /// @retval Error::InIsr another timeout than k_no_wait from an interrupt handler.
    /// @context Thread; ISR ok with k_no_wait. @blocking Yes, up to @p timeout_ns.
    Result<void, Error> take(u64 timeout_ns = k_forever);
    /// Units available now. @context Any. @blocking No.
    u32 count() const;
    /// The ceiling given to the constructor. @context Any. @blocking No.
    u32 max() const { return m_max; }

private:
    sched::WaitQueue m_waiters;
    u32 m_count;
    u32 m_max;
};

/// Non-recursive mutex with transitive priority inheritance (unless
/// LIBSYNC_MUTEX_PI=n: k_priority_inheritance). Ownership is
/// handed directly to the highest waiter on unlock (no barging): the waiter
/// owns the mutex as soon as it is woken, so a thread of higher priority
/// arriving in between waits behind it. Thread context only.
class Mutex {
public:
    /// An unlocked mutex; all-zero, so a static one lives in .bss.
    constexpr Mutex() = default;
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    /// Locks, waiting up to @p timeout_ns; meanwhile the owner (and the chain
    /// of owners it waits for) inherits the caller's effective priority.
    /// @param timeout_ns relative timeout.
    /// @retval Error::Deadlock the caller owns it, or the chain of owners the
    ///         caller would wait for leads back to the caller.
    /// @retval Error::Timeout not acquired within the timeout.
    /// @retval Error::WouldBlock k_no_wait and another thread owns it.
    /// @retval Error::InIsr called from an interrupt handler.
    /// @context Thread only. @blocking Yes, up to @p timeout_ns.
    Result<void, Error> lock(u64 timeout_ns = k_forever);
    /// lock(k_no_wait): errors as there (WouldBlock when owned by another thread).
    /// @context Thread only. @blocking No.
    Result<void, Error> try_lock() { return lock(k_no_wait); }
    /// Unlocks; the owner's priority drops to what the mutexes it still
    /// holds require. Mutexes may be unlocked in any order. The highest
    /// waiter owns the mutex from now on.
    /// @retval Error::NotOwner the caller does not own it.
    /// @retval Error::InIsr called from an interrupt handler.
    /// @context Thread only. @blocking No (the new owner may preempt the caller).
    Result<void, Error> unlock();
    /// The owning thread, nullptr when unlocked. @context Any. @blocking No.
    sched::Thread* owner() const;

private:
    friend struct detail::MutexCore;
    sched::WaitQueue m_waiters;
    sched::Thread* m_owner = nullptr;
    ListNode m_held_link;  ///< In the owner's sched::held_mutexes() list.
};

/// Condition variable, used with one Mutex at a time.
class CondVar {
public:
    /// No waiters; all-zero, so a static one lives in .bss.
    constexpr CondVar() = default;
    CondVar(const CondVar&) = delete;
    CondVar& operator=(const CondVar&) = delete;

    /// Unlocks @p mutex and waits for signal()/broadcast() or @p timeout_ns,
    /// atomically (a signal after the unlock is not lost), then locks
    /// @p mutex again (without a timeout) before returning, also on Timeout.
    /// As with any condition variable, re-check the predicate in a loop.
    /// @param mutex held by the caller.
    /// @param timeout_ns relative timeout of the wait for a signal.
    /// @retval Error::NotOwner the caller does not hold @p mutex; nothing done.
    /// @retval Error::WouldBlock k_no_wait; nothing done.
    /// @retval Error::InIsr called from an interrupt handler.
    /// @retval Error::Timeout no signal in time; the mutex is held again.
    /// @retval Error::Deadlock re-locking would close a cycle of mutex owners:
    ///         the mutex is NOT held.
    /// @context Thread only. @blocking Yes, up to @p timeout_ns, then for the mutex.
    Result<void, Error> wait(Mutex& mutex, u64 timeout_ns = k_forever);
    /// Wakes the highest waiter, if any. @context Any (ISR ok). @blocking No.
    void signal();
    /// Wakes every waiter. @context Any (ISR ok). @blocking No.
    void broadcast();

private:
    sched::WaitQueue m_waiters;
};

/// FIFO of fixed-size messages in caller-provided storage of
/// msg_size * capacity bytes. Messages are copied in and out under the
/// scheduler lock, so keep them small (a pointer or a few words).
class MessageQueue {
public:
    /// @pre msg_size > 0, capacity > 0, @p buffer holds msg_size * capacity
    /// bytes and outlives the queue. (tn_mq_init() checks these.)
    /// constexpr: a static queue needs no boot code.
    /// @param msg_size bytes per message.
    /// @param capacity messages the queue holds.
    /// @param buffer the storage.
    constexpr MessageQueue(usize msg_size, u32 capacity, void* buffer)
        : m_buffer(buffer), m_msg_size(msg_size), m_capacity(capacity) {}
    MessageQueue(const MessageQueue&) = delete;
    MessageQueue& operator=(const MessageQueue&) = delete;

    /// Appends a copy of the msg_size bytes at @p msg, waiting up to
    /// @p timeout_ns for room (or hands it to a waiting receiver).
    /// @param msg msg_size() bytes.
    /// @param timeout_ns relative timeout; k_no_wait in an interrupt handler.
    /// @retval Error::Timeout still full when the timeout passed.
    /// @retval Error::WouldBlock k_no_wait and the queue is full.
    /// @retval Error::InIsr another timeout than k_no_wait from an interrupt handler.
    /// @context Thread; ISR ok with k_no_wait. @blocking Yes, up to @p timeout_ns.
    Result<void, Error> send(const void* msg, u64 timeout_ns = k_forever);
    /// Moves the oldest message to the msg_size bytes at @p msg, waiting up
    /// to @p timeout_ns for one.
    /// @param[out] msg room for msg_size() bytes.
    /// @param timeout_ns relative timeout; k_no_wait in an interrupt handler.
    /// @retval Error::Timeout still empty when the timeout passed.
    /// @retval Error::WouldBlock k_no_wait and the queue is empty.
    /// @retval Error::InIsr another timeout than k_no_wait from an interrupt handler.
    /// @context Thread; ISR ok with k_no_wait. @blocking Yes, up to @p timeout_ns.
    Result<void, Error> receive(void* msg, u64 timeout_ns = k_forever);
    /// Messages stored (including those already promised to woken receivers).
    /// @context Any. @blocking No.
    u32 count() const;
    /// Messages the queue holds. @context Any. @blocking No.
    u32 capacity() const { return m_capacity; }
    /// Bytes per message. @context Any. @blocking No.
    usize msg_size() const { return m_msg_size; }

private:
    void push(const void* msg);
    void pop(void* msg);
    void pass_message_on(sched::Locked&);
    void pass_slot_on(sched::Locked&);

    sched::WaitQueue m_senders;
    sched::WaitQueue m_receivers;
    void* m_buffer;
    usize m_msg_size;
    u32 m_capacity;
    u32 m_head = 0;         ///< Slot of the oldest message.
    u32 m_count = 0;        ///< Messages stored.
    u32 m_rx_promised = 0;  ///< Stored messages promised to woken receivers.
    u32 m_tx_promised = 0;  ///< Free slots promised to woken senders.
};

/// How EventFlags::wait() combines the bits it waits for.
enum class WaitMode : u8 {
    Any,  ///< At least one of the bits is set.
    All,  ///< Every one of the bits is set.
};

/// 32 event bits that threads wait on, in any or all combinations.
class EventFlags {
public:
    /// All bits clear; all-zero, so a static one lives in .bss.
    constexpr EventFlags() = default;
    EventFlags(const EventFlags&) = delete;
    EventFlags& operator=(const EventFlags&) = delete;

    /// Sets @p bits and wakes every waiter now satisfied, in wake-up order:
    /// each waiter with clear_on_exit clears the bits it matched before the
    /// next one is checked. O(waiters).
    /// @param bits the bits to set.
    /// @context Any (ISR ok). @blocking No (a woken waiter may preempt the caller).
    void set(u32 bits);
    /// Clears @p bits. @context Any (ISR ok). @blocking No.
    void clear(u32 bits);
    /// The bits set now. @context Any. @blocking No.
    u32 flags() const;

    /// Waits up to @p timeout_ns until @p bits are set as @p mode says and
    /// returns the bits that satisfied it (@p bits & flags at that moment);
    /// with @p clear_on_exit those bits are cleared in the same step.
    /// @p bits == 0 returns 0 at once.
    /// Wake-up order among waiters is their effective priority when they
    /// started waiting (FIFO among equals); later priority changes do not
    /// reorder them.
    /// @param bits the bits to wait for.
    /// @param mode any or all of them.
    /// @param clear_on_exit clear the matched bits on success.
    /// @param timeout_ns relative timeout; k_no_wait in an interrupt handler.
    /// @return the matched bits, or
    /// @retval Error::Timeout not satisfied within the timeout.
    /// @retval Error::WouldBlock k_no_wait and not satisfied now.
    /// @retval Error::InIsr another timeout than k_no_wait from an interrupt handler.
    /// @context Thread; ISR ok with k_no_wait. @blocking Yes, up to @p timeout_ns.
    Result<u32, Error> wait(u32 bits, WaitMode mode, bool clear_on_exit, u64 timeout_ns = k_forever);

private:
    IntrusiveList m_waiters;  ///< Waiter records on the waiters' stacks.
    u32 m_flags = 0;
};

}  // namespace tn::sync
