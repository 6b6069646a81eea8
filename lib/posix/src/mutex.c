/*
 * pthread mutexes on lib/sync's priority-inheritance mutexes (tn_mutex_t,
 * held in place in pthread_mutex_t).
 *
 * Kinds, by the state word (sync_impl.h):
 *  - TN_PSYNC_READY: DEFAULT and ERRORCHECK mutexes with protocol
 *    PTHREAD_PRIO_NONE or PTHREAD_PRIO_INHERIT. lock and unlock are the
 *    lib/sync calls behind one state test; lib/sync checks the owner, so
 *    relocking fails with EDEADLK (allowed for DEFAULT, whose relock is
 *    undefined) and unlocking a mutex the caller does not own with EPERM.
 *    Errors are mapped out of line.
 *  - TN_PSYNC_READY_SLOW: NORMAL, RECURSIVE and PTHREAD_PRIO_PROTECT
 *    mutexes, which keep their owner and lock count in the pthread_mutex_t.
 *    A NORMAL mutex relocked by its owner deadlocks, as POSIX requires
 *    (lock blocks for ever, timedlock until its timeout).
 *
 * Priority inheritance: every Tenon mutex inherits (unless
 * CONFIG_LIBSYNC_MUTEX_PI=n), so PTHREAD_PRIO_NONE mutexes inherit too: their
 * owner may run above its own priority while a higher thread waits for the
 * mutex (a documented difference, docs/posix.md; it only ever shortens a
 * priority inversion).
 *
 * PTHREAD_PRIO_PROTECT: locking raises the owner's base priority to the
 * ceiling (tn_thread_set_priority()) and unlocking restores the priority it
 * had before; several protect mutexes must be unlocked in the reverse order
 * of locking for the restored priorities to be right.
 */
#include <limits.h>

#include "sync_impl.h"

/* Most times a recursive mutex may be locked by its owner; the next lock
 * fails with EAGAIN. */
#define TN_PMX_RECURSION_MAX 65535u

enum lock_mode { LOCK_WAIT, LOCK_TRY, LOCK_TIMED };

unsigned tn_psync_first_use(unsigned* state, unsigned (*setup)(void* obj), void* obj) {
    for (;;) {
        unsigned s = __atomic_load_n(state, __ATOMIC_ACQUIRE);
        if (s == TN_PSYNC_READY || s == TN_PSYNC_READY_SLOW)
            return s;
        if (s == TN_PSYNC_BUSY) {
            /* Another CPU sets it up: its claimer cannot be preempted meanwhile. */
            __asm__ volatile("yield" ::: "memory");
            continue;
        }
        if (s != TN_PSYNC_STATIC)
            return 0;  /* destroyed, or not an object */
        unsigned expected = TN_PSYNC_STATIC;
        if (!__atomic_compare_exchange_n(state, &expected, TN_PSYNC_BUSY, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            continue;
        /* No preemption while claimed: a thread of the same CPU waiting for
         * the ready state would spin for ever. */
        tn_sched_lock_preemption();
        unsigned ready = setup(obj);
        __atomic_store_n(state, ready ? ready : TN_PSYNC_DEAD, __ATOMIC_RELEASE);
        tn_sched_unlock_preemption();
        return ready;
    }
}

static unsigned mutex_kind(const pthread_mutex_t* m) {
    return (m->__type == PTHREAD_MUTEX_NORMAL || m->__type == PTHREAD_MUTEX_RECURSIVE ||
            m->__protocol == PTHREAD_PRIO_PROTECT)
               ? TN_PSYNC_READY_SLOW
               : TN_PSYNC_READY;
}

/* First use of a PTHREAD_*MUTEX_INITIALIZER mutex. */
static unsigned mutex_setup(void* obj) {
    pthread_mutex_t* m = obj;
    if (m->__type < PTHREAD_MUTEX_NORMAL || m->__type > PTHREAD_MUTEX_DEFAULT ||
        m->__protocol < PTHREAD_PRIO_NONE || m->__protocol > PTHREAD_PRIO_PROTECT)
        return 0;
    tn_mutex_init(tn_psync_mutex(m));
    if (!tn_psync_prio_valid(m->__prioceiling))
        m->__prioceiling = tn_psync_prio_max();
    m->__count = 0;
    m->__owner = NULL;
    return mutex_kind(m);
}

unsigned tn_psync_mutex_ready(pthread_mutex_t* m) { return tn_psync_ready(&m->__state, mutex_setup, m); }

int pthread_mutex_init(pthread_mutex_t* __restrict m, const pthread_mutexattr_t* __restrict attr) {
    if (m == NULL || (attr != NULL && attr->__initialized != TN_PSYNC_ATTR_MAGIC))
        return EINVAL;
    m->__type = attr ? attr->__type : PTHREAD_MUTEX_DEFAULT;
    m->__protocol = attr ? attr->__protocol : PTHREAD_PRIO_NONE;
    m->__prioceiling = attr ? attr->__prioceiling : tn_psync_prio_max();
    m->__count = 0;
    m->__saved_prio = 0;
    m->__owner = NULL;
    tn_mutex_init(tn_psync_mutex(m));
    __atomic_store_n(&m->__state, mutex_kind(m), __ATOMIC_RELEASE);
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t* m) {
    if (m == NULL || tn_psync_mutex_ready(m) == 0)
        return EINVAL;
    /* Locked (by anyone, the caller included) or waited for: EBUSY. */
    if (tn_mutex_trylock(tn_psync_mutex(m)) != 0)
        return EBUSY;
    tn_mutex_unlock(tn_psync_mutex(m));
    __atomic_store_n(&m->__state, TN_PSYNC_DEAD, __ATOMIC_RELEASE);
    return 0;
}

/* The owner of a NORMAL mutex locks it again: POSIX says this deadlocks.
 * Block for ever, or until the timeout of a timedlock. */
static __attribute__((noinline)) int normal_relock(enum lock_mode mode, const struct timespec* abstime) {
    if (mode == LOCK_TIMED) {
        uint64_t rel;
        int rc = tn_psync_timeout(CLOCK_REALTIME, abstime, &rel);
        if (rc != 0)
            return rc;
        tn_thread_sleep_ns(rel);
        return ETIMEDOUT;
    }
    for (;;)
        tn_thread_sleep_ns(TN_FOREVER);
}

/* Everything but the fast path of pthread_mutex_lock(). */
static __attribute__((noinline)) int mutex_acquire(pthread_mutex_t* m, enum lock_mode mode,
                                                   const struct timespec* abstime) {
    if (m == NULL)
        return EINVAL;
    unsigned kind = tn_psync_mutex_ready(m);
    if (kind == 0)
        return EINVAL;
    tn_thread_t* self = NULL;
    int base = 0;
    if (kind == TN_PSYNC_READY_SLOW) {
        self = tn_thread_current();
        if (m->__owner == self) {
            if (m->__type == PTHREAD_MUTEX_RECURSIVE) {
                if (m->__count >= TN_PMX_RECURSION_MAX)
                    return EAGAIN;
                m->__count++;
                return 0;
            }
            if (mode == LOCK_TRY)
                return EBUSY;
            if (m->__type == PTHREAD_MUTEX_NORMAL)
                return normal_relock(mode, abstime);
            return EDEADLK;
        }
        if (m->__protocol == PTHREAD_PRIO_PROTECT) {
            base = tn_thread_priority(self);
            if (base > m->__prioceiling)
                return EINVAL;
        }
    }

    tn_mutex_t* tm = tn_psync_mutex(m);
    int rc = tn_mutex_trylock(tm);
    if (rc == -TN_EDEADLK)  /* the caller owns it (a plain kind: the slow ones returned above) */
        return mode == LOCK_TRY ? EBUSY : EDEADLK;
    if (rc == -TN_EAGAIN) {
        if (mode == LOCK_TRY)
            return EBUSY;
        uint64_t rel = TN_FOREVER;
        if (mode == LOCK_TIMED) {
            /* abstime is checked only now that the call would block. */
            int trc = tn_psync_timeout(CLOCK_REALTIME, abstime, &rel);
            if (trc != 0)
                return trc;
        }
        rc = tn_mutex_lock(tm, rel);
    }
    if (rc != 0)
        return rc == -TN_EINISR ? EPERM : tn_posix_errno(rc);

    if (kind == TN_PSYNC_READY_SLOW) {
        m->__owner = self;
        m->__count = 1;
        if (m->__protocol == PTHREAD_PRIO_PROTECT) {
            m->__saved_prio = base;
            if (m->__prioceiling > base)
                tn_thread_set_priority(self, (uint8_t)m->__prioceiling);
        }
    }
    return 0;
}

/* A lib/sync lock of a plain mutex failed (relocked, a cycle of owners, an
 * interrupt handler): what POSIX returns. Out of line and without the mutex,
 * so the fast path keeps no register across its call. */
static __attribute__((noinline)) int plain_lock_failed(int rc) {
    return rc == -TN_EINISR ? EPERM : tn_posix_errno(rc);
}

int pthread_mutex_lock(pthread_mutex_t* m) {
    if (tn_likely(m != NULL) && tn_likely(__atomic_load_n(&m->__state, __ATOMIC_ACQUIRE) == TN_PSYNC_READY)) {
        int rc = tn_mutex_lock(tn_psync_mutex(m), TN_FOREVER);
        if (tn_likely(rc == 0))
            return 0;
        return plain_lock_failed(rc);
    }
    return mutex_acquire(m, LOCK_WAIT, NULL);
}

int pthread_mutex_trylock(pthread_mutex_t* m) { return mutex_acquire(m, LOCK_TRY, NULL); }

int pthread_mutex_timedlock(pthread_mutex_t* __restrict m, const struct timespec* __restrict abstime) {
    return mutex_acquire(m, LOCK_TIMED, abstime);
}

/* Unlock of a normal, recursive or priority-protect mutex, or of an object that is
 * not ready. */
static __attribute__((noinline)) int mutex_release_slow(pthread_mutex_t* m) {
    if (m == NULL)
        return EINVAL;
    unsigned kind = tn_psync_mutex_ready(m);
    if (kind == 0)
        return EINVAL;
    if (kind == TN_PSYNC_READY) {
        int rc = tn_mutex_unlock(tn_psync_mutex(m));
        return rc == 0 ? 0 : EPERM;
    }
    tn_thread_t* self = tn_thread_current();
    if (m->__owner != self)
        return EPERM;
    if (--m->__count > 0)
        return 0;
    int protect = m->__protocol == PTHREAD_PRIO_PROTECT;
    int saved = m->__saved_prio;
    m->__owner = NULL;
    int rc = tn_mutex_unlock(tn_psync_mutex(m));
    /* Lowered only once the mutex is free: a thread between the restored
     * priority and the ceiling must not preempt the owner. */
    if (protect)
        tn_thread_set_priority(self, (uint8_t)saved);
    return rc == 0 ? 0 : EPERM;
}

int pthread_mutex_unlock(pthread_mutex_t* m) {
    if (tn_likely(m != NULL) && tn_likely(__atomic_load_n(&m->__state, __ATOMIC_ACQUIRE) == TN_PSYNC_READY)) {
        int rc = tn_mutex_unlock(tn_psync_mutex(m));
        return tn_likely(rc == 0) ? 0 : EPERM;
    }
    return mutex_release_slow(m);
}

int pthread_mutex_getprioceiling(const pthread_mutex_t* __restrict m, int* __restrict prioceiling) {
    if (m == NULL || prioceiling == NULL || tn_psync_mutex_ready((pthread_mutex_t*)m) == 0)
        return EINVAL;
    *prioceiling = m->__prioceiling;
    return 0;
}

int pthread_mutex_setprioceiling(pthread_mutex_t* __restrict m, int prioceiling, int* __restrict old_ceiling) {
    if (m == NULL || !tn_psync_prio_valid(prioceiling))
        return EINVAL;
    unsigned kind = tn_psync_mutex_ready(m);
    if (kind == 0)
        return EINVAL;
    /* POSIX: lock the mutex (without the ceiling protocol), change the
     * ceiling, unlock. A caller that owns it already just changes it. */
    tn_mutex_t* tm = tn_psync_mutex(m);
    int owned = kind == TN_PSYNC_READY_SLOW ? m->__owner == tn_thread_current() : tn_mutex_trylock(tm) == -TN_EDEADLK;
    int locked = 0;
    if (!owned) {
        int rc = tn_mutex_lock(tm, TN_FOREVER);
        if (rc != 0)
            return rc == -TN_EINISR ? EPERM : tn_posix_errno(rc);
        locked = 1;
    }
    if (old_ceiling != NULL)
        *old_ceiling = m->__prioceiling;
    m->__prioceiling = prioceiling;
    if (locked)
        tn_mutex_unlock(tm);
    return 0;
}

/* pthread_cond_wait() on a mutex of the slow kinds: lib/sync
 * releases the mutex whatever its count, so the owner record is set aside
 * for the wait and put back once the mutex is held again. */
int tn_psync_mutex_cond_wait(pthread_mutex_t* m, tn_cond_t* cond, uint64_t timeout_ns) {
    tn_thread_t* self = tn_thread_current();
    if (m->__owner != self)
        return -TN_EPERM;
    if (timeout_ns == TN_NO_WAIT)
        return -TN_EAGAIN;
    unsigned count = m->__count;
    int protect = m->__protocol == PTHREAD_PRIO_PROTECT;
    int saved = m->__saved_prio;
    m->__owner = NULL;
    m->__count = 0;
    if (protect)
        tn_thread_set_priority(self, (uint8_t)saved);
    int rc = tn_cond_wait(cond, tn_psync_mutex(m), timeout_ns);
    if (rc == 0 || rc == -TN_ETIMEDOUT) {
        /* Held again. */
        m->__owner = self;
        m->__count = count;
        if (protect) {
            int base = tn_thread_priority(self);
            m->__saved_prio = base;
            if (m->__prioceiling > base)
                tn_thread_set_priority(self, (uint8_t)m->__prioceiling);
        }
    }
    return rc;
}

/* Attributes */

int pthread_mutexattr_init(pthread_mutexattr_t* attr) {
    if (attr == NULL)
        return EINVAL;
    attr->__type = PTHREAD_MUTEX_DEFAULT;
    attr->__protocol = PTHREAD_PRIO_NONE;
    attr->__prioceiling = tn_psync_prio_max();
    attr->__pshared = PTHREAD_PROCESS_PRIVATE;
    attr->__initialized = TN_PSYNC_ATTR_MAGIC;
    return 0;
}

#define ATTR_OK(a) ((a) != NULL && (a)->__initialized == TN_PSYNC_ATTR_MAGIC)

int pthread_mutexattr_destroy(pthread_mutexattr_t* attr) {
    if (!ATTR_OK(attr))
        return EINVAL;
    attr->__initialized = 0;
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t* __restrict attr, int* __restrict type) {
    if (!ATTR_OK(attr) || type == NULL)
        return EINVAL;
    *type = attr->__type;
    return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t* attr, int type) {
    if (!ATTR_OK(attr) || type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_DEFAULT)
        return EINVAL;
    attr->__type = type;
    return 0;
}

int pthread_mutexattr_getprotocol(const pthread_mutexattr_t* __restrict attr, int* __restrict protocol) {
    if (!ATTR_OK(attr) || protocol == NULL)
        return EINVAL;
    *protocol = attr->__protocol;
    return 0;
}

int pthread_mutexattr_setprotocol(pthread_mutexattr_t* attr, int protocol) {
    if (!ATTR_OK(attr))
        return EINVAL;
    if (protocol != PTHREAD_PRIO_NONE && protocol != PTHREAD_PRIO_INHERIT && protocol != PTHREAD_PRIO_PROTECT)
        return ENOTSUP;
    attr->__protocol = protocol;
    return 0;
}

int pthread_mutexattr_getprioceiling(const pthread_mutexattr_t* __restrict attr, int* __restrict prioceiling) {
    if (!ATTR_OK(attr) || prioceiling == NULL)
        return EINVAL;
    *prioceiling = attr->__prioceiling;
    return 0;
}

int pthread_mutexattr_setprioceiling(pthread_mutexattr_t* attr, int prioceiling) {
    if (!ATTR_OK(attr) || !tn_psync_prio_valid(prioceiling))
        return EINVAL;
    attr->__prioceiling = prioceiling;
    return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t* __restrict attr, int* __restrict pshared) {
    if (!ATTR_OK(attr) || pshared == NULL)
        return EINVAL;
    *pshared = attr->__pshared;
    return 0;
}

/* PTHREAD_PROCESS_SHARED is accepted: the image is one process whose
 * threads all share its memory, so a shared mutex is a private one. */
int pthread_mutexattr_setpshared(pthread_mutexattr_t* attr, int pshared) {
    if (!ATTR_OK(attr) || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
        return EINVAL;
    attr->__pshared = pshared;
    return 0;
}
