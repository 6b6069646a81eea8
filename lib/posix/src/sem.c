/*
 * POSIX unnamed semaphores on lib/sync's counting semaphores (tn_sem_t held
 * in place in sem_t, ceiling SEM_VALUE_MAX). As POSIX says, every function
 * returns 0, or -1 with errno set.
 *
 * sem_destroy() cannot tell whether threads wait (lib/sync does not say),
 * so it does not report EBUSY (a "may fail" error). Named semaphores:
 * sem_named.c.
 */
#include "sync_impl.h"

#define READY(s) (__atomic_load_n(&(s)->__state, __ATOMIC_ACQUIRE) == TN_PSYNC_READY)

static inline tn_sem_t* tsem(sem_t* s) { return (tn_sem_t*)(void*)s->__s; }

static __attribute__((noinline)) int fail(int err) {
    errno = err;
    return -1;
}

int sem_init(sem_t* s, int pshared, unsigned value) {
    (void)pshared;  /* any value: one process, so shared and private are alike */
    if (s == NULL || value > SEM_VALUE_MAX)
        return fail(EINVAL);
    tn_sem_init(tsem(s), value, SEM_VALUE_MAX);
    __atomic_store_n(&s->__state, TN_PSYNC_READY, __ATOMIC_RELEASE);
    return 0;
}

int sem_destroy(sem_t* s) {
    if (s == NULL || !READY(s))
        return fail(EINVAL);
    __atomic_store_n(&s->__state, TN_PSYNC_DEAD, __ATOMIC_RELEASE);
    return 0;
}

/* Out of line: the fast paths then keep no register across their call. */
static __attribute__((noinline)) int take_failed(int rc) {
    return fail(rc == -TN_EINISR ? EPERM : tn_posix_errno(rc));
}

int sem_wait(sem_t* s) {
    if (tn_likely(s != NULL) && tn_likely(READY(s))) {
        int rc = tn_sem_take(tsem(s), TN_FOREVER);
        if (tn_likely(rc == 0))
            return 0;
        return take_failed(rc);
    }
    return fail(EINVAL);
}

int sem_trywait(sem_t* s) {
    if (s == NULL || !READY(s))
        return fail(EINVAL);
    int rc = tn_sem_take(tsem(s), TN_NO_WAIT);
    return rc == 0 ? 0 : fail(rc == -TN_EAGAIN ? EAGAIN : tn_posix_errno(rc));
}

int sem_timedwait(sem_t* __restrict s, const struct timespec* __restrict abstime) {
    if (s == NULL || !READY(s))
        return fail(EINVAL);
    /* POSIX: no timeout, and no check of abstime, if a unit is there. */
    int rc = tn_sem_take(tsem(s), TN_NO_WAIT);
    if (rc == 0)
        return 0;
    if (rc != -TN_EAGAIN)
        return fail(rc == -TN_EINISR ? EPERM : tn_posix_errno(rc));
    uint64_t rel;
    int err = tn_psync_timeout(CLOCK_REALTIME, abstime, &rel);
    if (err != 0)
        return fail(err);
    rc = tn_sem_take(tsem(s), rel);
    if (rc == 0)
        return 0;
    return fail(rc == -TN_EINISR ? EPERM : tn_posix_errno(rc));
}

int sem_post(sem_t* s) {
    if (tn_likely(s != NULL) && tn_likely(READY(s))) {
        int rc = tn_sem_give(tsem(s));
        if (tn_likely(rc == 0))
            return 0;
        return fail(EOVERFLOW);  /* at SEM_VALUE_MAX */
    }
    return fail(EINVAL);
}

int sem_getvalue(sem_t* __restrict s, int* __restrict sval) {
    if (s == NULL || sval == NULL || !READY(s))
        return fail(EINVAL);
    *sval = (int)tn_sem_count(tsem(s));
    return 0;
}
