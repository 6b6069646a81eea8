/*
 * pthread read-write locks: a lib/sync mutex guards the lock's state, and
 * readers and writers wait on one condition variable each.
 *
 * Writers are preferred: a reader waits while a writer holds the lock or
 * waits for it, so a stream of readers cannot starve writers. A thread that
 * already holds read locks gets another at once even if writers wait (POSIX
 * lets a thread hold several read locks; making it wait behind a writer that
 * waits for it would deadlock). For that, and for EDEADLK and EPERM, the lock
 * remembers its readers in a small table (TN_RWL_READERS threads; readers
 * beyond it are only counted, so their unlocks cannot be checked for
 * ownership and their recursive read locks wait behind writers).
 */
#include "sync_impl.h"

#define TN_RWL_READERS 8

struct tn_rwlock {
    tn_mutex_t lock;        /* guards the fields below */
    tn_cond_t readers_cv;   /* readers waiting */
    tn_cond_t writers_cv;   /* writers waiting */
    tn_thread_t* writer;    /* the write-lock holder, NULL if none */
    unsigned nreaders;      /* read locks held, by all threads */
    unsigned writers_waiting;
    unsigned anonymous;     /* read locks held by threads not in reader[] */
    struct {
        tn_thread_t* thread;
        unsigned count;
    } reader[TN_RWL_READERS];
};

_Static_assert(sizeof(struct tn_rwlock) <= sizeof(((pthread_rwlock_t*)0)->__opaque), "pthread_rwlock_t too small");

static inline struct tn_rwlock* rwl(pthread_rwlock_t* l) { return (struct tn_rwlock*)(void*)l->__opaque; }

static unsigned rwlock_setup(void* obj) {
    pthread_rwlock_t* l = obj;
    struct tn_rwlock* r = rwl(l);
    tn_mutex_init(&r->lock);
    tn_cond_init(&r->readers_cv);
    tn_cond_init(&r->writers_cv);
    r->writer = NULL;
    r->nreaders = r->writers_waiting = r->anonymous = 0;
    for (int i = 0; i < TN_RWL_READERS; i++) {
        r->reader[i].thread = NULL;
        r->reader[i].count = 0;
    }
    return TN_PSYNC_READY;
}

int pthread_rwlock_init(pthread_rwlock_t* __restrict l, const pthread_rwlockattr_t* __restrict attr) {
    if (l == NULL || (attr != NULL && attr->__initialized != TN_PSYNC_ATTR_MAGIC))
        return EINVAL;
    __atomic_store_n(&l->__state, rwlock_setup(l), __ATOMIC_RELEASE);
    return 0;
}

/* The ready lock with its mutex held, or NULL (EINVAL). */
static struct tn_rwlock* enter(pthread_rwlock_t* l) {
    if (l == NULL || tn_psync_ready(&l->__state, rwlock_setup, l) == 0)
        return NULL;
    struct tn_rwlock* r = rwl(l);
    if (tn_mutex_lock(&r->lock, TN_FOREVER) != 0)
        return NULL;  /* from an interrupt handler */
    return r;
}

static void leave(struct tn_rwlock* r) { tn_mutex_unlock(&r->lock); }

int pthread_rwlock_destroy(pthread_rwlock_t* l) {
    struct tn_rwlock* r = enter(l);
    if (r == NULL)
        return EINVAL;
    int busy = r->writer != NULL || r->nreaders != 0 || r->writers_waiting != 0;
    if (!busy)
        __atomic_store_n(&l->__state, TN_PSYNC_DEAD, __ATOMIC_RELEASE);
    leave(r);
    return busy ? EBUSY : 0;
}

static int find_reader(struct tn_rwlock* r, tn_thread_t* t) {
    for (int i = 0; i < TN_RWL_READERS; i++)
        if (r->reader[i].thread == t)
            return i;
    return -1;
}

/* Waits on @p cv (the rwlock's mutex held) until @p abstime, or for ever
 * if it is NULL: 0 when woken, else ETIMEDOUT or EINVAL. */
static int wait_on(struct tn_rwlock* r, tn_cond_t* cv, const struct timespec* abstime) {
    uint64_t rel = TN_FOREVER;
    if (abstime != NULL) {
        int rc = tn_psync_timeout(CLOCK_REALTIME, abstime, &rel);
        if (rc != 0)
            return rc;
    }
    int rc = tn_cond_wait(cv, &r->lock, rel);
    return rc == -TN_ETIMEDOUT ? ETIMEDOUT : 0;
}

enum { MODE_WAIT, MODE_TRY, MODE_TIMED };

static int rdlock(pthread_rwlock_t* l, int mode, const struct timespec* abstime) {
    struct tn_rwlock* r = enter(l);
    if (r == NULL)
        return EINVAL;
    tn_thread_t* self = tn_thread_current();
    int rc = 0;
    int slot = find_reader(r, self);
    if (r->writer == self) {
        rc = mode == MODE_TRY ? EBUSY : EDEADLK;  /* tryrdlock knows only EBUSY */
    } else if (slot >= 0) {
        if (r->reader[slot].count == UINT32_MAX || r->nreaders == UINT32_MAX) {
            rc = EAGAIN;
        } else {
            r->reader[slot].count++;
            r->nreaders++;
        }
    } else {
        while (r->writer != NULL || r->writers_waiting != 0) {
            if (mode == MODE_TRY) {
                rc = EBUSY;
                break;
            }
            rc = wait_on(r, &r->readers_cv, mode == MODE_TIMED ? abstime : NULL);
            if (rc != 0)
                break;
        }
        if (rc == 0 && r->nreaders == UINT32_MAX)
            rc = EAGAIN;
        if (rc == 0) {
            r->nreaders++;
            slot = find_reader(r, NULL);
            if (slot >= 0) {
                r->reader[slot].thread = self;
                r->reader[slot].count = 1;
            } else {
                r->anonymous++;
            }
        }
    }
    leave(r);
    return rc;
}

static int wrlock(pthread_rwlock_t* l, int mode, const struct timespec* abstime) {
    struct tn_rwlock* r = enter(l);
    if (r == NULL)
        return EINVAL;
    tn_thread_t* self = tn_thread_current();
    int rc = 0;
    if (r->writer == self || find_reader(r, self) >= 0) {
        rc = mode == MODE_TRY ? EBUSY : EDEADLK;  /* trywrlock knows only EBUSY */
    } else {
        while (r->writer != NULL || r->nreaders != 0) {
            if (mode == MODE_TRY) {
                rc = EBUSY;
                break;
            }
            r->writers_waiting++;
            rc = wait_on(r, &r->writers_cv, mode == MODE_TIMED ? abstime : NULL);
            r->writers_waiting--;
            if (rc != 0) {
                /* Readers held back only by this writer may go now. */
                if (r->writers_waiting == 0 && r->writer == NULL)
                    tn_cond_broadcast(&r->readers_cv);
                break;
            }
        }
        if (rc == 0)
            r->writer = self;
    }
    leave(r);
    return rc;
}

int pthread_rwlock_rdlock(pthread_rwlock_t* l) { return rdlock(l, MODE_WAIT, NULL); }
int pthread_rwlock_tryrdlock(pthread_rwlock_t* l) { return rdlock(l, MODE_TRY, NULL); }
int pthread_rwlock_timedrdlock(pthread_rwlock_t* __restrict l, const struct timespec* __restrict abstime) {
    return rdlock(l, MODE_TIMED, abstime);
}
int pthread_rwlock_wrlock(pthread_rwlock_t* l) { return wrlock(l, MODE_WAIT, NULL); }
int pthread_rwlock_trywrlock(pthread_rwlock_t* l) { return wrlock(l, MODE_TRY, NULL); }
int pthread_rwlock_timedwrlock(pthread_rwlock_t* __restrict l, const struct timespec* __restrict abstime) {
    return wrlock(l, MODE_TIMED, abstime);
}

int pthread_rwlock_unlock(pthread_rwlock_t* l) {
    struct tn_rwlock* r = enter(l);
    if (r == NULL)
        return EINVAL;
    tn_thread_t* self = tn_thread_current();
    int rc = 0;
    int slot;
    if (r->writer == self) {
        r->writer = NULL;
        if (r->writers_waiting != 0)
            tn_cond_signal(&r->writers_cv);
        else
            tn_cond_broadcast(&r->readers_cv);
    } else if ((slot = find_reader(r, self)) >= 0 || r->anonymous != 0) {
        if (slot >= 0) {
            if (--r->reader[slot].count == 0)
                r->reader[slot].thread = NULL;
        } else {
            r->anonymous--;
        }
        if (--r->nreaders == 0 && r->writers_waiting != 0)
            tn_cond_signal(&r->writers_cv);
    } else {
        rc = EPERM;  /* the caller holds no lock on it */
    }
    leave(r);
    return rc;
}

/* Attributes */

#define ATTR_OK(a) ((a) != NULL && (a)->__initialized == TN_PSYNC_ATTR_MAGIC)

int pthread_rwlockattr_init(pthread_rwlockattr_t* attr) {
    if (attr == NULL)
        return EINVAL;
    attr->__pshared = PTHREAD_PROCESS_PRIVATE;
    attr->__initialized = TN_PSYNC_ATTR_MAGIC;
    return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t* attr) {
    if (!ATTR_OK(attr))
        return EINVAL;
    attr->__initialized = 0;
    return 0;
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t* __restrict attr, int* __restrict pshared) {
    if (!ATTR_OK(attr) || pshared == NULL)
        return EINVAL;
    *pshared = attr->__pshared;
    return 0;
}

/* PTHREAD_PROCESS_SHARED is accepted: there is one process. */
int pthread_rwlockattr_setpshared(pthread_rwlockattr_t* attr, int pshared) {
    if (!ATTR_OK(attr) || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
        return EINVAL;
    attr->__pshared = pshared;
    return 0;
}
