/// @file
/// @brief Thread synchronisation (lib/sync, CONFIG_LIBSYNC): semaphores, mutexes,
/// condition variables, message queues, fixed-block pools, event flags.
///
/// Thread synchronisation: counting semaphores, priority-inheritance mutexes,
/// condition variables, message queues, fixed-block memory pools and event
/// flags, on the scheduler's
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
/// ownership, message-queue messages and slots and pool blocks are handed to
/// the woken waiter directly, so a thread arriving later cannot take them first
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
///   BlockPool::free      O(free blocks) when the block's data look like a
///                        free block's (the double-free check), else O(1);
///   EventFlags::set      O(waiters of that object);
/// and the scheduler's own wait queue insertion and wake-up cost. The
/// uncontended cases of Semaphore, MessageQueue and BlockPool (a unit,
/// message, slot or block there and nobody to wake) are inline here: the
/// kernel lock around a few loads and stores, no call into the scheduler.
///
/// The C interface is tn/sync.h.
#pragma once

#include <tn/irq.hpp>
#include <tn/list.hpp>
#include <tn/result.hpp>
#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#include <tn/tntimer.hpp>
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
    Result<void, Error> give() {
        tntimer::KernelLock k;
        if (m_waiters.empty()) [[likely]] {
            if (m_count >= m_max)
                return err(Error::Overflow);
            ++m_count;
            return {};
        }
        return give_to_waiter();
    }
    /// Takes one unit, waiting up to @p timeout_ns for one.
    /// @param timeout_ns relative timeout; k_no_wait in an interrupt handler.
    /// @retval Error::Timeout no unit within the timeout.
    /// @retval Error::WouldBlock k_no_wait and no unit available.
    /// @retval Error::InIsr another timeout than k_no_wait from an interrupt handler.
    /// @context Thread; ISR ok with k_no_wait. @blocking Yes, up to @p timeout_ns.
    Result<void, Error> take(u64 timeout_ns = k_forever) {
        if (timeout_ns != k_no_wait && irq::in_interrupt())
            return err(Error::InIsr);
        tntimer::KernelLock k;
        if (m_count > 0) [[likely]] {
            --m_count;
            return {};
        }
        if (timeout_ns == k_no_wait)
            return err(Error::WouldBlock);
        return wait_for_unit(timeout_ns);
    }
    /// Units available now. @context Any. @blocking No.
    u32 count() const;
    /// The ceiling given to the constructor. @context Any. @blocking No.
    u32 max() const { return m_max; }

private:
    // The slow paths, called with the kernel lock held (the caller's
    // KernelLock): a waiter to wake, a unit to wait for.
    Result<void, Error> give_to_waiter();
    Result<void, Error> wait_for_unit(u64 timeout_ns);

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
/// scheduler lock, so keep them small (a pointer or a few words). A send
/// while a receiver waits copies the message straight into the receiver's
/// buffer and wakes it (one copy); a message in the queue is copied twice.
class MessageQueue {
public:
    /// @pre msg_size > 0, capacity > 0, @p buffer holds msg_size * capacity
    /// bytes and outlives the queue. (tn_mq_init() checks these.)
    /// constexpr: a static queue needs no boot code.
    /// @param msg_size bytes per message.
    /// @param capacity messages the queue holds.
    /// @param buffer the storage.
    constexpr MessageQueue(usize msg_size, u32 capacity, void* buffer)
        : m_buffer(buffer), m_msg_size(msg_size), m_bytes(msg_size * capacity),
          m_capacity(capacity) {}
    MessageQueue(const MessageQueue&) = delete;
    MessageQueue& operator=(const MessageQueue&) = delete;

    /// Appends a copy of the msg_size bytes at @p msg, waiting up to
    /// @p timeout_ns for room, or hands it straight to the highest waiting
    /// receiver.
    /// @param msg msg_size() bytes.
    /// @param timeout_ns relative timeout; k_no_wait in an interrupt handler.
    /// @retval Error::Timeout still full when the timeout passed.
    /// @retval Error::WouldBlock k_no_wait and the queue is full.
    /// @retval Error::InIsr another timeout than k_no_wait from an interrupt handler.
    /// @context Thread; ISR ok with k_no_wait. @blocking Yes, up to @p timeout_ns.
    Result<void, Error> send(const void* msg, u64 timeout_ns = k_forever) {
        if (timeout_ns != k_no_wait && irq::in_interrupt())
            return err(Error::InIsr);
        tntimer::KernelLock k;
        if (m_receivers.empty() && m_count + m_tx_promised < m_capacity) [[likely]] {
            push(msg);
            return {};
        }
        return send_slow(msg, timeout_ns);
    }
    /// Moves the oldest message to the msg_size bytes at @p msg, waiting up
    /// to @p timeout_ns for one.
    /// @param[out] msg room for msg_size() bytes.
    /// @param timeout_ns relative timeout; k_no_wait in an interrupt handler.
    /// @retval Error::Timeout still empty when the timeout passed.
    /// @retval Error::WouldBlock k_no_wait and the queue is empty.
    /// @retval Error::InIsr another timeout than k_no_wait from an interrupt handler.
    /// @context Thread; ISR ok with k_no_wait. @blocking Yes, up to @p timeout_ns.
    Result<void, Error> receive(void* msg, u64 timeout_ns = k_forever) {
        if (timeout_ns != k_no_wait && irq::in_interrupt())
            return err(Error::InIsr);
        tntimer::KernelLock k;
        if (m_count > 0 && m_senders.empty()) [[likely]] {
            pop(msg);
            return {};
        }
        return receive_slow(msg, timeout_ns);
    }
    /// Messages stored. @context Any. @blocking No.
    u32 count() const;
    /// Messages the queue holds. @context Any. @blocking No.
    u32 capacity() const { return m_capacity; }
    /// Bytes per message. @context Any. @blocking No.
    usize msg_size() const { return m_msg_size; }

private:
    // Inlined into a caller whose message is smaller than 32 bytes, the
    // compiler warns about the branches that size never takes.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
    /// Copies a message: a message of up to 7 words with both ends 8-byte
    /// aligned (the usual few-word message) in at most three straight-line
    /// steps of 4, 2 and 1 words, anything else with memcpy.
    static void copy(void* to, const void* from, usize n) {
        if ((((reinterpret_cast<uptr>(to) | reinterpret_cast<uptr>(from)) & 7) | (n & ~usize{56})) == 0) [[likely]] {
            using Word [[gnu::may_alias]] = u64;
            auto* d = static_cast<Word*>(to);
            auto* src = static_cast<const Word*>(from);
            if ((n & 32) != 0) {
                u64 w0 = src[0], w1 = src[1], w2 = src[2], w3 = src[3];
                d[0] = w0;
                d[1] = w1;
                d[2] = w2;
                d[3] = w3;
                src += 4;
                d += 4;
            }
            if ((n & 16) != 0) {
                u64 w0 = src[0], w1 = src[1];
                d[0] = w0;
                d[1] = w1;
                src += 2;
                d += 2;
            }
            if ((n & 8) != 0)
                *d = *src;
        } else {
            __builtin_memcpy(to, from, n);
        }
    }
#pragma GCC diagnostic pop
    void push(const void* msg) {
        copy(static_cast<u8*>(m_buffer) + m_tail, msg, m_msg_size);
        usize tail = m_tail + m_msg_size;
        m_tail = tail == m_bytes ? 0 : tail;
        ++m_count;
    }
    void pop(void* msg) {
        copy(msg, static_cast<const u8*>(m_buffer) + m_head, m_msg_size);
        usize head = m_head + m_msg_size;
        m_head = head == m_bytes ? 0 : head;
        --m_count;
    }
    // The slow paths, called with the kernel lock held (the caller's
    // KernelLock): a receiver to hand to, a sender to wake, waiting.
    Result<void, Error> send_slow(const void* msg, u64 timeout_ns);
    Result<void, Error> receive_slow(void* msg, u64 timeout_ns);
    bool hand_to_receiver(sched::Locked&, const void* msg);
    void pass_slot_on(sched::Locked&);

    sched::WaitQueue m_senders;
    sched::WaitQueue m_receivers;
    IntrusiveList m_rx_buffers;  ///< Where each waiting receiver wants its message.
    void* m_buffer;  // void*: a constexpr constructor cannot cast it
    usize m_msg_size;
    usize m_bytes;          ///< msg_size * capacity.
    usize m_head = 0;       ///< Offset of the oldest message.
    usize m_tail = 0;       ///< Offset of the slot the next message goes to.
    u32 m_capacity;
    u32 m_count = 0;        ///< Messages stored.
    u32 m_tx_promised = 0;  ///< Free slots promised to woken senders.
};

/// Fixed-block memory pool in caller-provided storage: @p count blocks of
/// @p block_size bytes, allocated and freed in O(1) under the kernel lock.
/// A thread may wait for a block with a timeout; free() hands the block
/// straight to the highest waiter (no barging). Blocks are handed out from
/// a free list (freed blocks, most recent first) and, until every block has
/// been used once, from the untouched rest of the storage, so the
/// constructor writes nothing into the storage and a static pool needs no
/// boot code.
class BlockPool {
public:
    /// @pre @p storage holds block_size * count bytes, aligned to 8, and
    /// outlives the pool; block_size >= k_min_block_size and a multiple of 8;
    /// count > 0. (tn_pool_init() checks these.)
    /// @param storage the blocks.
    /// @param block_size bytes per block.
    /// @param count blocks in @p storage.
    constexpr BlockPool(void* storage, usize block_size, u32 count)
        : m_storage(storage), m_block_size(block_size), m_bytes(block_size * count) {}
    BlockPool(const BlockPool&) = delete;
    BlockPool& operator=(const BlockPool&) = delete;

    /// The smallest block: a free block holds the free-list link and a
    /// marker that makes double frees cheap to detect.
    static constexpr usize k_min_block_size = 2 * sizeof(void*);

    /// A free block, waiting up to @p timeout_ns for one.
    /// @param timeout_ns relative timeout; k_no_wait in an interrupt handler.
    /// @return the block (block_size() bytes, 8-byte aligned; contents undefined), or
    /// @retval Error::Timeout no block freed within the timeout.
    /// @retval Error::WouldBlock k_no_wait and no block free.
    /// @retval Error::InIsr another timeout than k_no_wait from an interrupt handler.
    /// @context Thread; ISR ok with k_no_wait. @blocking Yes, up to @p timeout_ns.
    Result<void*, Error> allocate(u64 timeout_ns = k_forever) {
        if (timeout_ns != k_no_wait && irq::in_interrupt())
            return err(Error::InIsr);
        tntimer::KernelLock k;
        if (FreeBlock* b = m_free) [[likely]] {
            m_free = b->next;
            b->marker = 0;
            return static_cast<void*>(b);
        }
        return allocate_slow(timeout_ns);
    }
    /// Returns @p block to the pool, or hands it to the highest waiter.
    /// @param block a block allocate() returned.
    /// @retval Error::NotOwner @p block is not a block of this pool (outside
    ///         its storage or not at the start of a block); nothing done.
    /// @retval Error::BadState @p block is free already (a double free, or a
    ///         block never allocated); nothing done.
    /// @context Any (ISR ok). @blocking No (a woken waiter may preempt the caller).
    Result<void, Error> free(void* block) {
        usize offset = reinterpret_cast<uptr>(block) - reinterpret_cast<uptr>(m_storage);
        auto* b = static_cast<FreeBlock*>(block);
        tntimer::KernelLock k;
        // Blocks past m_fresh were never handed out (m_fresh <= m_bytes).
        if (offset >= m_fresh || offset % m_block_size != 0 || (b->marker == marker_of(b) && is_free(b)))
            [[unlikely]]
            return bad_free(offset);
        if (!m_waiters.empty()) [[unlikely]]
            return give_to_waiter(block);
        b->next = m_free;
        b->marker = marker_of(b);
        m_free = b;
        return {};
    }
    /// Blocks free now. @context Any. @blocking No.
    u32 available() const;
    /// Bytes per block. @context Any. @blocking No.
    usize block_size() const { return m_block_size; }
    /// Blocks in the pool. @context Any. @blocking No.
    u32 capacity() const { return static_cast<u32>(m_bytes / m_block_size); }

private:
    struct FreeBlock {
        FreeBlock* next;
        uptr marker;  ///< marker_of(this) while free, 0 once allocated.
    };
    static uptr marker_of(const FreeBlock* b) { return reinterpret_cast<uptr>(b) ^ 0x5a5a'f4ee'b10c'a5a5; }
    /// Walks the free list: run only when the marker matches, which a block in
    /// use shows only if its data happen to hold that value.
    bool is_free(const FreeBlock* b) const;
    // The slow paths, called with the kernel lock held (the caller's KernelLock).
    Result<void*, Error> allocate_slow(u64 timeout_ns);
    Result<void, Error> give_to_waiter(void* block);
    /// The error for a free() of the block at @p offset that failed its checks.
    Result<void, Error> bad_free(usize offset) const;

    sched::WaitQueue m_waiters;
    void* m_storage;  // void*: a constexpr constructor cannot cast it
    FreeBlock* m_free = nullptr;  ///< Freed blocks, most recent first.
    usize m_block_size;
    usize m_bytes;      ///< block_size * count.
    usize m_fresh = 0;  ///< Offset of the first block never handed out (m_bytes: none left).
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
