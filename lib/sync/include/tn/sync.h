/*
 * C interface to lib/sync (tn/sync.hpp explains the objects and their
 * behaviour; each function here forwards to the C++ method of the same name).
 *
 * Objects are plain structs of the right size and alignment, opaque to C:
 * declare them anywhere (static objects go to .bss) and call the matching
 * tn_*_init() once before any other use and while no thread uses them.
 * Nothing allocates. Every function returns 0 or a negative error code:
 *
 *   -TN_ETIMEDOUT  the timeout passed first (sched::Error::Timeout)
 *   -TN_EAGAIN     TN_NO_WAIT was given and the call would block (WouldBlock)
 *   -TN_EINISR     a call that may block, from an interrupt handler (InIsr)
 *   -TN_EDEADLK    locking would deadlock (Deadlock)
 *   -TN_EPERM      the caller does not own the mutex (NotOwner)
 *   -TN_EOVERFLOW  semaphore at its maximum (Overflow)
 *   -TN_EINVAL     an invalid argument to an init function or option set
 *
 * Timeouts are relative, in nanoseconds: TN_NO_WAIT or TN_FOREVER or between.
 * Context: "ISR ok" as in tn/sync.hpp.
 */
#ifndef TN_SYNC_H
#define TN_SYNC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TN_NO_WAIT ((uint64_t)0)
#define TN_FOREVER (~(uint64_t)0)

/* Linux errno values where one fits; TN_EINISR is Tenon's own. */
#define TN_EPERM 1
#define TN_EAGAIN 11
#define TN_EINVAL 22
#define TN_EDEADLK 35
#define TN_EOVERFLOW 75
#define TN_ETIMEDOUT 110
#define TN_EINISR 1000

/* Sizes match the C++ objects on LP64 targets (checked by static_assert). */
typedef struct tn_sem { uint64_t opaque[3]; } tn_sem_t;
typedef struct tn_mutex { uint64_t opaque[6]; } tn_mutex_t;
typedef struct tn_cond { uint64_t opaque[2]; } tn_cond_t;
typedef struct tn_mq { uint64_t opaque[9]; } tn_mq_t;
typedef struct tn_event { uint64_t opaque[3]; } tn_event_t;

/* @p initial units (at most @p max); -TN_EINVAL if max == 0 or initial > max. */
int tn_sem_init(tn_sem_t* sem, uint32_t initial, uint32_t max);
int tn_sem_give(tn_sem_t* sem);                       /* ISR ok */
int tn_sem_take(tn_sem_t* sem, uint64_t timeout_ns);  /* ISR ok with TN_NO_WAIT */
uint32_t tn_sem_count(tn_sem_t* sem);

/* Priority-inheritance mutex; thread context only. */
int tn_mutex_init(tn_mutex_t* mutex);
int tn_mutex_lock(tn_mutex_t* mutex, uint64_t timeout_ns);
int tn_mutex_trylock(tn_mutex_t* mutex);
int tn_mutex_unlock(tn_mutex_t* mutex);

int tn_cond_init(tn_cond_t* cond);
/* Returns with @p mutex locked again, also on -TN_ETIMEDOUT (not on -TN_EDEADLK). */
int tn_cond_wait(tn_cond_t* cond, tn_mutex_t* mutex, uint64_t timeout_ns);
int tn_cond_signal(tn_cond_t* cond);     /* ISR ok */
int tn_cond_broadcast(tn_cond_t* cond);  /* ISR ok */

/* @p buffer holds @p capacity messages of @p msg_size bytes; -TN_EINVAL if
 * buffer is NULL, msg_size or capacity is 0, or the size overflows. */
int tn_mq_init(tn_mq_t* mq, void* buffer, size_t msg_size, uint32_t capacity);
int tn_mq_send(tn_mq_t* mq, const void* msg, uint64_t timeout_ns);  /* ISR ok with TN_NO_WAIT */
int tn_mq_receive(tn_mq_t* mq, void* msg, uint64_t timeout_ns);     /* ISR ok with TN_NO_WAIT */
uint32_t tn_mq_count(tn_mq_t* mq);

/* tn_event_wait() options. */
#define TN_EVENT_ANY 0u   /* any of the bits (default) */
#define TN_EVENT_ALL 1u   /* all of the bits */
#define TN_EVENT_CLEAR 2u /* clear the matched bits on success */

int tn_event_init(tn_event_t* ev);
int tn_event_set(tn_event_t* ev, uint32_t bits);    /* ISR ok */
int tn_event_clear(tn_event_t* ev, uint32_t bits);  /* ISR ok */
uint32_t tn_event_get(tn_event_t* ev);
/* On success stores the matched bits in *matched (if not NULL).
 * -TN_EINVAL for unknown option bits. ISR ok with TN_NO_WAIT. */
int tn_event_wait(tn_event_t* ev, uint32_t bits, unsigned options, uint64_t timeout_ns,
                  uint32_t* matched);

#ifdef __cplusplus
}
#endif

#endif /* TN_SYNC_H */
