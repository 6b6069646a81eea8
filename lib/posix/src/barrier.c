/*
 * pthread barriers: a lib/sync mutex and condition variable, a count of the
 * threads arrived in the current cycle and a cycle number. The thread that
 * completes a cycle starts the next one, wakes the others and is the one
 * that gets PTHREAD_BARRIER_SERIAL_THREAD.
 *
 * Woken threads still use the barrier until they have re-locked its mutex
 * and left; __leaving counts them, and pthread_barrier_destroy() waits for
 * them, so destroying the barrier right after a wait returns (a common
 * pattern, e.g. by the serial thread) is safe.
 */
#include "sync_impl.h"

struct tn_barrier {
    tn_mutex_t lock;
    tn_cond_t cv;
    unsigned count;     /* threads per cycle */
    unsigned arrived;   /* in the current cycle */
    unsigned cycle;
    unsigned leaving;   /* woken, not yet out of pthread_barrier_wait() */
};

_Static_assert(sizeof(struct tn_barrier) <= sizeof(((pthread_barrier_t*)0)->__opaque), "pthread_barrier_t too small");

static inline struct tn_barrier* bar(pthread_barrier_t* b) { return (struct tn_barrier*)(void*)b->__opaque; }

#define READY(b) (__atomic_load_n(&(b)->__state, __ATOMIC_ACQUIRE) == TN_PSYNC_READY)

int pthread_barrier_init(pthread_barrier_t* __restrict b, const pthread_barrierattr_t* __restrict attr,
                         unsigned count) {
    if (b == NULL || count == 0 || (attr != NULL && attr->__initialized != TN_PSYNC_ATTR_MAGIC))
        return EINVAL;
    struct tn_barrier* r = bar(b);
    tn_mutex_init(&r->lock);
    tn_cond_init(&r->cv);
    r->count = count;
    r->arrived = 0;
    r->cycle = 0;
    r->leaving = 0;
    b->__count = count;
    __atomic_store_n(&b->__state, TN_PSYNC_READY, __ATOMIC_RELEASE);
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t* b) {
    if (b == NULL || !READY(b))
        return EINVAL;
    struct tn_barrier* r = bar(b);
    if (tn_mutex_lock(&r->lock, TN_FOREVER) != 0)
        return EINVAL;
    if (r->arrived != 0) {
        tn_mutex_unlock(&r->lock);
        return EBUSY;
    }
    while (r->leaving != 0)
        tn_cond_wait(&r->cv, &r->lock, TN_FOREVER);
    __atomic_store_n(&b->__state, TN_PSYNC_DEAD, __ATOMIC_RELEASE);
    tn_mutex_unlock(&r->lock);
    return 0;
}

int pthread_barrier_wait(pthread_barrier_t* b) {
    if (b == NULL || !READY(b))
        return EINVAL;
    struct tn_barrier* r = bar(b);
    if (tn_mutex_lock(&r->lock, TN_FOREVER) != 0)
        return EINVAL;
    unsigned cycle = r->cycle;
    if (++r->arrived == r->count) {
        r->arrived = 0;
        r->cycle++;
        r->leaving += r->count - 1;
        tn_cond_broadcast(&r->cv);
        tn_mutex_unlock(&r->lock);
        return PTHREAD_BARRIER_SERIAL_THREAD;
    }
    while (r->cycle == cycle)
        tn_cond_wait(&r->cv, &r->lock, TN_FOREVER);
    /* The last one out wakes a destroy waiting for it. */
    if (--r->leaving == 0)
        tn_cond_broadcast(&r->cv);
    tn_mutex_unlock(&r->lock);
    return 0;
}

/* Attributes */

#define ATTR_OK(a) ((a) != NULL && (a)->__initialized == TN_PSYNC_ATTR_MAGIC)

int pthread_barrierattr_init(pthread_barrierattr_t* attr) {
    if (attr == NULL)
        return EINVAL;
    attr->__pshared = PTHREAD_PROCESS_PRIVATE;
    attr->__initialized = TN_PSYNC_ATTR_MAGIC;
    return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t* attr) {
    if (!ATTR_OK(attr))
        return EINVAL;
    attr->__initialized = 0;
    return 0;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t* __restrict attr, int* __restrict pshared) {
    if (!ATTR_OK(attr) || pshared == NULL)
        return EINVAL;
    *pshared = attr->__pshared;
    return 0;
}

/* PTHREAD_PROCESS_SHARED is accepted: there is one process. */
int pthread_barrierattr_setpshared(pthread_barrierattr_t* attr, int pshared) {
    if (!ATTR_OK(attr) || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
        return EINVAL;
    attr->__pshared = pshared;
    return 0;
}
