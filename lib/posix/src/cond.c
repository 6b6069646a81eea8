/*
 * pthread condition variables on lib/sync's (tn_cond_t, held in place in
 * pthread_cond_t), waiting with the pthread mutex's tn_mutex_t.
 *
 * __waiters counts the threads that wait and have not been signalled yet:
 * a waiter adds itself (holding the mutex) before it waits, signal takes one
 * off, broadcast all, and a waiter that times out takes itself off if no
 * signal did. It lets pthread_cond_destroy() report EBUSY while threads wait
 * (and succeed right after a broadcast, as POSIX allows). The count is not
 * exact when a timeout races with a signal (both may take the same waiter
 * off), so it decides nothing else: signal and broadcast always call
 * lib/sync, whose wait queue is the truth, so no wake-up is lost to it.
 */
#include "sync_impl.h"

#define COND_CLOCK_OK(c) ((c) == CLOCK_REALTIME || (c) == CLOCK_MONOTONIC)

static unsigned cond_setup(void* obj) {
    pthread_cond_t* c = obj;
    if (!COND_CLOCK_OK(c->__clock))
        return 0;
    tn_cond_init((tn_cond_t*)(void*)c->__c);
    c->__waiters = 0;
    return TN_PSYNC_READY;
}

static inline tn_cond_t* tcond(pthread_cond_t* c) { return (tn_cond_t*)(void*)c->__c; }

int pthread_cond_init(pthread_cond_t* __restrict c, const pthread_condattr_t* __restrict attr) {
    if (c == NULL || (attr != NULL && attr->__initialized != TN_PSYNC_ATTR_MAGIC))
        return EINVAL;
    c->__clock = attr ? attr->__clock : CLOCK_REALTIME;
    c->__waiters = 0;
    tn_cond_init(tcond(c));
    __atomic_store_n(&c->__state, TN_PSYNC_READY, __ATOMIC_RELEASE);
    return 0;
}

int pthread_cond_destroy(pthread_cond_t* c) {
    if (c == NULL || tn_psync_ready(&c->__state, cond_setup, c) == 0)
        return EINVAL;
    if (__atomic_load_n(&c->__waiters, __ATOMIC_ACQUIRE) != 0)
        return EBUSY;
    __atomic_store_n(&c->__state, TN_PSYNC_DEAD, __ATOMIC_RELEASE);
    return 0;
}

/* Takes one waiter off the count unless it is 0 already; whether it did. */
static int take_waiter(pthread_cond_t* c) {
    unsigned n = __atomic_load_n(&c->__waiters, __ATOMIC_RELAXED);
    while (n != 0) {
        if (__atomic_compare_exchange_n(&c->__waiters, &n, n - 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            return 1;
    }
    return 0;
}

static int cond_wait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* abstime) {
    if (c == NULL || m == NULL || tn_psync_ready(&c->__state, cond_setup, c) == 0)
        return EINVAL;
    unsigned kind = tn_psync_mutex_ready(m);
    if (kind == 0)
        return EINVAL;
    uint64_t rel = TN_FOREVER;
    if (abstime != NULL) {
        int rc = tn_posix_until(c->__clock, abstime, &rel);
        if (rc != 0)
            return rc;
        /* Passed already: TN_NO_WAIT below checks the owner and returns EAGAIN. */
    }
    if (rel != TN_NO_WAIT)
        __atomic_add_fetch(&c->__waiters, 1, __ATOMIC_ACQ_REL);
    int rc = kind == TN_PSYNC_READY ? tn_cond_wait(tcond(c), tn_psync_mutex(m), rel)
                                    : tn_psync_mutex_cond_wait(m, tcond(c), rel);
    if (tn_likely(rc == 0))
        return 0;
    if (rc == -TN_EAGAIN)
        return ETIMEDOUT;  /* abstime had passed: not counted, the mutex still held */
    /* Timed out (the mutex is held again), or failed: no longer waiting. */
    if (rel != TN_NO_WAIT)
        (void)take_waiter(c);
    switch (rc) {
    case -TN_ETIMEDOUT: return ETIMEDOUT;
    case -TN_EDEADLK: return EDEADLK;
    default: return EPERM;  /* not the owner, or from an interrupt handler */
    }
}

int pthread_cond_wait(pthread_cond_t* __restrict c, pthread_mutex_t* __restrict m) { return cond_wait(c, m, NULL); }

int pthread_cond_timedwait(pthread_cond_t* __restrict c, pthread_mutex_t* __restrict m,
                           const struct timespec* __restrict abstime) {
    if (abstime == NULL)
        return EINVAL;
    return cond_wait(c, m, abstime);
}

static __attribute__((noinline)) int cond_wake_slow(pthread_cond_t* c, int all) {
    if (c == NULL || tn_psync_ready(&c->__state, cond_setup, c) == 0)
        return EINVAL;
    if (all) {
        __atomic_store_n(&c->__waiters, 0, __ATOMIC_RELEASE);
        tn_cond_broadcast(tcond(c));
    } else {
        (void)take_waiter(c);
        tn_cond_signal(tcond(c));
    }
    return 0;
}

int pthread_cond_signal(pthread_cond_t* c) {
    if (tn_likely(c != NULL) && tn_likely(__atomic_load_n(&c->__state, __ATOMIC_ACQUIRE) == TN_PSYNC_READY)) {
        (void)take_waiter(c);
        return tn_cond_signal(tcond(c));
    }
    return cond_wake_slow(c, 0);
}

int pthread_cond_broadcast(pthread_cond_t* c) { return cond_wake_slow(c, 1); }

/* Attributes */

#define ATTR_OK(a) ((a) != NULL && (a)->__initialized == TN_PSYNC_ATTR_MAGIC)

int pthread_condattr_init(pthread_condattr_t* attr) {
    if (attr == NULL)
        return EINVAL;
    attr->__pshared = PTHREAD_PROCESS_PRIVATE;
    attr->__clock = CLOCK_REALTIME;
    attr->__initialized = TN_PSYNC_ATTR_MAGIC;
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t* attr) {
    if (!ATTR_OK(attr))
        return EINVAL;
    attr->__initialized = 0;
    return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t* __restrict attr, clockid_t* __restrict clock_id) {
    if (!ATTR_OK(attr) || clock_id == NULL)
        return EINVAL;
    *clock_id = attr->__clock;
    return 0;
}

/* CLOCK_REALTIME or CLOCK_MONOTONIC; a CPU-time clock or an unknown one is
 * EINVAL. */
int pthread_condattr_setclock(pthread_condattr_t* attr, clockid_t clock_id) {
    if (!ATTR_OK(attr) || !COND_CLOCK_OK(clock_id))
        return EINVAL;
    attr->__clock = clock_id;
    return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t* __restrict attr, int* __restrict pshared) {
    if (!ATTR_OK(attr) || pshared == NULL)
        return EINVAL;
    *pshared = attr->__pshared;
    return 0;
}

/* PTHREAD_PROCESS_SHARED is accepted: there is one process. */
int pthread_condattr_setpshared(pthread_condattr_t* attr, int pshared) {
    if (!ATTR_OK(attr) || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
        return EINVAL;
    attr->__pshared = pshared;
    return 0;
}
