/**
 * @file
 * @brief C interface to lib/sync: semaphores, mutexes, condition variables,
 * message queues, fixed-block memory pools and event flags.
 *
 * tn/sync.hpp explains the objects and their behaviour; each function here
 * forwards to the C++ method of the same name. Enable with CONFIG_LIBSYNC.
 *
 * Objects are plain structs of the right size and alignment, opaque to C:
 * declare them anywhere (static objects go to .bss) and call the matching
 * tn_*_init() once before any other use and while no thread uses them.
 * Nothing allocates. Every function returns 0 or a negative error code:
 *
 * | code           | meaning (C++ sched::Error) |
 * |----------------|----------------------------|
 * | -TN_ETIMEDOUT  | the timeout passed first (Timeout) |
 * | -TN_EAGAIN     | TN_NO_WAIT was given and the call would block (WouldBlock) |
 * | -TN_EINISR     | a call that may block, from an interrupt handler (InIsr) |
 * | -TN_EDEADLK    | locking would deadlock (Deadlock) |
 * | -TN_EPERM      | the caller does not own the mutex (NotOwner) |
 * | -TN_EOVERFLOW  | semaphore at its maximum (Overflow) |
 * | -TN_EBADSTATE  | the block is free already (BadState) |
 * | -TN_EINVAL     | an invalid argument to an init function or option set, or a pointer that is not a block of the pool (NotOwner) |
 *
 * Timeouts are relative, in nanoseconds: TN_NO_WAIT or TN_FOREVER or between.
 * A call that fails changes nothing. Context: "ISR ok" as in tn/sync.hpp.
 */
#ifndef TN_SYNC_H
#define TN_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include <tn/errno.h>

#ifdef __cplusplus
extern "C" {
#endif

/* TN_NO_WAIT, TN_FOREVER and the TN_E* codes: tn/errno.h. */

/* Sizes match the C++ objects on LP64 targets (checked by static_assert). */
/** Storage of a counting semaphore (tn::sync::Semaphore); set up with tn_sem_init(). */
typedef struct tn_sem { uint64_t opaque[3]; /**< Opaque. */ } tn_sem_t;
/** Storage of a priority-inheritance mutex (tn::sync::Mutex); set up with tn_mutex_init(). */
typedef struct tn_mutex { uint64_t opaque[6]; /**< Opaque. */ } tn_mutex_t;
/** Storage of a condition variable (tn::sync::CondVar); set up with tn_cond_init(). */
typedef struct tn_cond { uint64_t opaque[2]; /**< Opaque. */ } tn_cond_t;
/** Storage of a message queue (tn::sync::MessageQueue); set up with tn_mq_init(). */
typedef struct tn_mq { uint64_t opaque[13]; /**< Opaque. */ } tn_mq_t;
/** Storage of a fixed-block memory pool (tn::sync::BlockPool); set up with tn_pool_init(). */
typedef struct tn_pool { uint64_t opaque[7]; /**< Opaque. */ } tn_pool_t;
/** Storage of 32 event flags (tn::sync::EventFlags); set up with tn_event_init(). */
typedef struct tn_event { uint64_t opaque[3]; /**< Opaque. */ } tn_event_t;

/**
 * Sets up a counting semaphore with @p initial units, at most @p max.
 * @param sem the storage.
 * @param initial units available at first.
 * @param max the ceiling; tn_sem_give() fails above it.
 * @retval 0 ready to use.
 * @retval -TN_EINVAL @p max is 0 or @p initial > @p max.
 * @context Thread, before any other use. @blocking No.
 */
int tn_sem_init(tn_sem_t* sem, uint32_t initial, uint32_t max);
/**
 * Adds one unit, or hands it straight to the highest-priority waiter.
 * @param sem the semaphore.
 * @retval 0 given.
 * @retval -TN_EOVERFLOW already @p max units and nobody waiting.
 * @context Any (ISR ok). @blocking No.
 */
int tn_sem_give(tn_sem_t* sem);
/**
 * Takes one unit, waiting up to @p timeout_ns for one.
 * @param sem the semaphore.
 * @param timeout_ns relative timeout; must be TN_NO_WAIT in an interrupt handler.
 * @retval 0 taken.
 * @retval -TN_ETIMEDOUT no unit within the timeout.
 * @retval -TN_EAGAIN TN_NO_WAIT and no unit available.
 * @retval -TN_EINISR another timeout than TN_NO_WAIT from an interrupt handler.
 * @context Thread; ISR ok with TN_NO_WAIT. @blocking Yes, up to @p timeout_ns.
 */
int tn_sem_take(tn_sem_t* sem, uint64_t timeout_ns);
/**
 * Units available now.
 * @param sem the semaphore.
 * @return the count.
 * @context Any. @blocking No.
 */
uint32_t tn_sem_count(tn_sem_t* sem);

/**
 * Sets up an unlocked priority-inheritance mutex (non-recursive).
 * @param mutex the storage.
 * @retval 0 always.
 * @context Thread, before any other use. @blocking No.
 */
int tn_mutex_init(tn_mutex_t* mutex);
/**
 * Locks @p mutex, waiting up to @p timeout_ns; meanwhile its owner inherits
 * the caller's priority.
 * @param mutex the mutex.
 * @param timeout_ns relative timeout.
 * @retval 0 the caller owns the mutex.
 * @retval -TN_EDEADLK the caller owns it already, or waiting would close a
 *         cycle of mutex owners.
 * @retval -TN_ETIMEDOUT not acquired within the timeout.
 * @retval -TN_EAGAIN TN_NO_WAIT and the mutex is owned.
 * @retval -TN_EINISR called from an interrupt handler.
 * @context Thread only. @blocking Yes, up to @p timeout_ns.
 */
int tn_mutex_lock(tn_mutex_t* mutex, uint64_t timeout_ns);
/**
 * tn_mutex_lock(mutex, TN_NO_WAIT).
 * @param mutex the mutex.
 * @retval 0 the caller owns the mutex.
 * @retval -TN_EAGAIN another thread owns it.
 * @retval -TN_EDEADLK the caller owns it already.
 * @retval -TN_EINISR called from an interrupt handler.
 * @context Thread only. @blocking No.
 */
int tn_mutex_trylock(tn_mutex_t* mutex);
/**
 * Unlocks @p mutex and hands it to the highest waiter; the caller's priority
 * drops to what the mutexes it still holds require.
 * @param mutex the mutex.
 * @retval 0 unlocked.
 * @retval -TN_EPERM the caller does not own it.
 * @retval -TN_EINISR called from an interrupt handler.
 * @context Thread only. @blocking No (the caller may be preempted).
 */
int tn_mutex_unlock(tn_mutex_t* mutex);

/**
 * Sets up a condition variable.
 * @param cond the storage.
 * @retval 0 always.
 * @context Thread, before any other use. @blocking No.
 */
int tn_cond_init(tn_cond_t* cond);
/**
 * Atomically unlocks @p mutex and waits for a signal, then locks @p mutex
 * again before returning. Re-check the condition in a loop.
 * @param cond the condition variable.
 * @param mutex held by the caller.
 * @param timeout_ns relative timeout of the wait for a signal.
 * @retval 0 signalled; @p mutex is held.
 * @retval -TN_ETIMEDOUT no signal within the timeout; @p mutex is held.
 * @retval -TN_EPERM the caller does not hold @p mutex (nothing done).
 * @retval -TN_EAGAIN TN_NO_WAIT (nothing done).
 * @retval -TN_EINISR called from an interrupt handler.
 * @retval -TN_EDEADLK re-locking would close a cycle of mutex owners;
 *         @p mutex is NOT held.
 * @context Thread only. @blocking Yes, up to @p timeout_ns, then for the mutex.
 */
int tn_cond_wait(tn_cond_t* cond, tn_mutex_t* mutex, uint64_t timeout_ns);
/**
 * Wakes the highest-priority waiter, if any.
 * @param cond the condition variable.
 * @retval 0 always.
 * @context Any (ISR ok). @blocking No.
 */
int tn_cond_signal(tn_cond_t* cond);
/**
 * Wakes every waiter.
 * @param cond the condition variable.
 * @retval 0 always.
 * @context Any (ISR ok). @blocking No.
 */
int tn_cond_broadcast(tn_cond_t* cond);

/**
 * Sets up a FIFO of @p capacity messages of @p msg_size bytes in @p buffer.
 * @param mq the storage.
 * @param buffer @p msg_size * @p capacity bytes; must outlive the queue.
 * @param msg_size bytes per message (copied in and out: keep it small).
 * @param capacity messages the queue holds.
 * @retval 0 ready to use.
 * @retval -TN_EINVAL @p buffer is NULL, @p msg_size or @p capacity is 0,
 *         or the size overflows.
 * @context Thread, before any other use. @blocking No.
 */
int tn_mq_init(tn_mq_t* mq, void* buffer, size_t msg_size, uint32_t capacity);
/**
 * Appends a copy of the message at @p msg, waiting up to @p timeout_ns for room.
 * @param mq the queue.
 * @param msg msg_size bytes.
 * @param timeout_ns relative timeout; must be TN_NO_WAIT in an interrupt handler.
 * @retval 0 queued (or handed to a waiting receiver).
 * @retval -TN_ETIMEDOUT still full when the timeout passed.
 * @retval -TN_EAGAIN TN_NO_WAIT and the queue is full.
 * @retval -TN_EINISR another timeout than TN_NO_WAIT from an interrupt handler.
 * @context Thread; ISR ok with TN_NO_WAIT. @blocking Yes, up to @p timeout_ns.
 */
int tn_mq_send(tn_mq_t* mq, const void* msg, uint64_t timeout_ns);
/**
 * Moves the oldest message to @p msg, waiting up to @p timeout_ns for one.
 * @param mq the queue.
 * @param[out] msg room for msg_size bytes.
 * @param timeout_ns relative timeout; must be TN_NO_WAIT in an interrupt handler.
 * @retval 0 received.
 * @retval -TN_ETIMEDOUT still empty when the timeout passed.
 * @retval -TN_EAGAIN TN_NO_WAIT and the queue is empty.
 * @retval -TN_EINISR another timeout than TN_NO_WAIT from an interrupt handler.
 * @context Thread; ISR ok with TN_NO_WAIT. @blocking Yes, up to @p timeout_ns.
 */
int tn_mq_receive(tn_mq_t* mq, void* msg, uint64_t timeout_ns);
/**
 * Messages stored (including those already promised to woken receivers).
 * @param mq the queue.
 * @return the count.
 * @context Any. @blocking No.
 */
uint32_t tn_mq_count(tn_mq_t* mq);

/* tn_event_wait() options. */
/** tn_event_wait() option: any of the bits (default). */
#define TN_EVENT_ANY 0u
/** tn_event_wait() option: all of the bits. */
#define TN_EVENT_ALL 1u
/** tn_event_wait() option: clear the matched bits on success. */
#define TN_EVENT_CLEAR 2u

/**
 * Sets up 32 event flags, all clear.
 * @param ev the storage.
 * @retval 0 always.
 * @context Thread, before any other use. @blocking No.
 */
int tn_event_init(tn_event_t* ev);
/**
 * Sets @p bits and wakes every waiter now satisfied.
 * @param ev the flags.
 * @param bits the bits to set.
 * @retval 0 always.
 * @context Any (ISR ok). @blocking No.
 */
int tn_event_set(tn_event_t* ev, uint32_t bits);
/**
 * Clears @p bits.
 * @param ev the flags.
 * @param bits the bits to clear.
 * @retval 0 always.
 * @context Any (ISR ok). @blocking No.
 */
int tn_event_clear(tn_event_t* ev, uint32_t bits);
/**
 * The bits set now.
 * @param ev the flags.
 * @return the bits.
 * @context Any. @blocking No.
 */
uint32_t tn_event_get(tn_event_t* ev);
/**
 * Waits up to @p timeout_ns until @p bits are set as @p options say.
 * @param ev the flags.
 * @param bits the bits to wait for; 0 succeeds at once with *matched = 0.
 * @param options TN_EVENT_ANY or TN_EVENT_ALL, optionally | TN_EVENT_CLEAR.
 * @param timeout_ns relative timeout; must be TN_NO_WAIT in an interrupt handler.
 * @param[out] matched receives the bits that satisfied the wait (@p bits &
 *        the flags at that moment); may be NULL.
 * @retval 0 satisfied.
 * @retval -TN_EINVAL unknown option bits.
 * @retval -TN_ETIMEDOUT not satisfied within the timeout.
 * @retval -TN_EAGAIN TN_NO_WAIT and not satisfied now.
 * @retval -TN_EINISR another timeout than TN_NO_WAIT from an interrupt handler.
 * @context Thread; ISR ok with TN_NO_WAIT. @blocking Yes, up to @p timeout_ns.
 */
int tn_event_wait(tn_event_t* ev, uint32_t bits, unsigned options, uint64_t timeout_ns,
                  uint32_t* matched);

/**
 * Sets up a fixed-block memory pool of @p count blocks of @p block_size bytes
 * in @p storage (tn::sync::BlockPool).
 * @param pool the pool object.
 * @param storage @p block_size * @p count bytes, 8-byte aligned, that outlive the pool.
 * @param block_size bytes per block: at least 16, a multiple of 8.
 * @param count blocks, at least 1.
 * @retval 0 ready to use.
 * @retval -TN_EINVAL @p storage is NULL or misaligned, @p block_size or @p count is out of range.
 * @context Thread, before any other use. @blocking No.
 */
int tn_pool_init(tn_pool_t* pool, void* storage, size_t block_size, uint32_t count);
/**
 * Allocates a block, waiting up to @p timeout_ns for one to be freed.
 * @param pool the pool.
 * @param[out] block the block (contents undefined); left unchanged on failure.
 * @param timeout_ns relative timeout; must be TN_NO_WAIT in an interrupt handler.
 * @retval 0 allocated.
 * @retval -TN_ETIMEDOUT no block freed within the timeout.
 * @retval -TN_EAGAIN TN_NO_WAIT and no block free.
 * @retval -TN_EINISR another timeout than TN_NO_WAIT from an interrupt handler.
 * @context Thread; ISR ok with TN_NO_WAIT. @blocking Yes, up to @p timeout_ns.
 */
int tn_pool_alloc(tn_pool_t* pool, void** block, uint64_t timeout_ns);
/**
 * Frees @p block, or hands it straight to the highest-priority waiter.
 * @param pool the pool.
 * @param block a block tn_pool_alloc() returned.
 * @retval 0 freed.
 * @retval -TN_EINVAL @p block is not a block of this pool.
 * @retval -TN_EBADSTATE @p block is free already (double free).
 * @context Any (ISR ok). @blocking No.
 */
int tn_pool_free(tn_pool_t* pool, void* block);
/**
 * Blocks free now.
 * @param pool the pool.
 * @return the number of free blocks.
 * @context Any. @blocking No.
 */
uint32_t tn_pool_available(tn_pool_t* pool);

#ifdef __cplusplus
}
#endif

#endif /* TN_SYNC_H */
