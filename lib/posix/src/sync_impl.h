/*
 * lib/posix's synchronisation objects (mutex.c, cond.c, rwlock.c,
 * barrier.c, spin.c, sem.c): their state words and first-use set-up.
 *
 * Every object has a state word: 0 for an object from a static initializer
 * (set up at its first use), TN_PSYNC_READY once set up, TN_PSYNC_DEAD after
 * its destroy function. Anything else is not an object: EINVAL. A static
 * object is claimed with a compare-and-swap 0 -> TN_PSYNC_BUSY, so when two
 * CPUs use it first at the same time exactly one sets it up while the other
 * waits for the ready state.
 */
#ifndef TN_POSIX_SYNC_IMPL_H
#define TN_POSIX_SYNC_IMPL_H

#include <pthread.h>
#include <semaphore.h>

#include <tn/sched.h>
#include <tn/sync.h>

#include "posix_impl.h"

#define TN_PSYNC_STATIC 0u       /* from a static initializer: not set up yet */
#define TN_PSYNC_BUSY 1u         /* being set up by the thread that claimed it */
#define TN_PSYNC_READY 2u        /* ready (mutexes: the plain kinds) */
#define TN_PSYNC_READY_SLOW 3u   /* mutexes only: normal, recursive or priority-protect */
#define TN_PSYNC_DEAD 0x7d5au    /* destroyed */

/* The value attribute objects hold in __initialized between their init and
 * destroy functions. */
#define TN_PSYNC_ATTR_MAGIC 0x41545452

#define tn_likely(x) __builtin_expect(!!(x), 1)
#define tn_unlikely(x) __builtin_expect(!!(x), 0)

/* Sets up a statically initialised object: @p setup runs once, with
 * preemption off, and returns its ready state. Returns the object's ready
 * state, or 0 for a destroyed or unknown one. */
unsigned tn_psync_first_use(unsigned* state, unsigned (*setup)(void* obj), void* obj);

/* The ready state of the object with state word @p state, setting it up
 * first if it came from a static initializer; 0 if it is not an object. */
static inline unsigned tn_psync_ready(unsigned* state, unsigned (*setup)(void* obj), void* obj) {
    unsigned s = __atomic_load_n(state, __ATOMIC_ACQUIRE);
    if (tn_likely(s == TN_PSYNC_READY || s == TN_PSYNC_READY_SLOW))
        return s;
    return tn_psync_first_use(state, setup, obj);
}

/* The highest priority POSIX threads may have (SCHED_FIFO/SCHED_RR: 1 to
 * tn_sched_priorities() - 1, Tenon's priorities unchanged). */
static inline int tn_psync_prio_max(void) { return (int)tn_sched_priorities() - 1; }
static inline int tn_psync_prio_valid(int prio) { return prio >= 1 && prio <= tn_psync_prio_max(); }

/* The relative timeout of a call that must block until @p abstime on
 * @p clock: 0 with *rel_ns set, EINVAL for a bad abstime, ETIMEDOUT if it
 * has passed. */
static inline int tn_psync_timeout(clockid_t clock, const struct timespec* abstime, uint64_t* rel_ns) {
    int rc = tn_posix_until(clock, abstime, rel_ns);
    if (rc != 0)
        return rc;
    return *rel_ns == 0 ? ETIMEDOUT : 0;
}

/* A pthread mutex's lib/sync mutex. */
static inline tn_mutex_t* tn_psync_mutex(pthread_mutex_t* m) { return (tn_mutex_t*)(void*)m->__m; }

/* Mutex internals for cond.c: whether @p m is set up (state word), and the
 * wait of a condition variable on a mutex of the slow kinds (mutex.c),
 * which releases and restores lib/posix's owner record around it. */
unsigned tn_psync_mutex_ready(pthread_mutex_t* m);
int tn_psync_mutex_cond_wait(pthread_mutex_t* m, tn_cond_t* cond, uint64_t timeout_ns);

#endif /* TN_POSIX_SYNC_IMPL_H */
