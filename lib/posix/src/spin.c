/*
 * pthread spin locks: a word holding the owning thread (0 when free), taken
 * with an acquire compare-and-swap (ldaxr/stlxr or casa) and released with a
 * release store.
 *
 * The owner runs with preemption deferred (tn_sched_lock_preemption()) from
 * lock to unlock: a thread of its own CPU cannot preempt it and then spin
 * for a lock that its owner, unable to run, never releases. So only threads
 * of other CPUs ever spin, and they spin with preemption allowed. Keep the
 * sections short and never block in them.
 */
#include "sync_impl.h"

#define READY(l) (__atomic_load_n(&(l)->__state, __ATOMIC_ACQUIRE) == TN_PSYNC_READY)

static inline unsigned long self_id(void) { return (unsigned long)(uintptr_t)tn_thread_current(); }

int pthread_spin_init(pthread_spinlock_t* l, int pshared) {
    /* PTHREAD_PROCESS_SHARED is accepted: there is one process. */
    if (l == NULL || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
        return EINVAL;
    __atomic_store_n(&l->__owner, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&l->__state, TN_PSYNC_READY, __ATOMIC_RELEASE);
    return 0;
}

int pthread_spin_destroy(pthread_spinlock_t* l) {
    if (l == NULL || !READY(l))
        return EINVAL;
    if (__atomic_load_n(&l->__owner, __ATOMIC_ACQUIRE) != 0)
        return EBUSY;
    __atomic_store_n(&l->__state, TN_PSYNC_DEAD, __ATOMIC_RELEASE);
    return 0;
}

/* One attempt: 1 if taken (preemption now deferred), 0 if held. */
static inline int try_take(pthread_spinlock_t* l, unsigned long self) {
    tn_sched_lock_preemption();
    unsigned long expected = 0;
    if (__atomic_compare_exchange_n(&l->__owner, &expected, self, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return 1;
    tn_sched_unlock_preemption();
    return 0;
}

int pthread_spin_lock(pthread_spinlock_t* l) {
    if (l == NULL || !READY(l))
        return EINVAL;
    unsigned long self = self_id();
    if (__atomic_load_n(&l->__owner, __ATOMIC_RELAXED) == self)
        return EDEADLK;
    while (!try_take(l, self)) {
        while (__atomic_load_n(&l->__owner, __ATOMIC_RELAXED) != 0)
            __asm__ volatile("yield" ::: "memory");
    }
    return 0;
}

int pthread_spin_trylock(pthread_spinlock_t* l) {
    if (l == NULL || !READY(l))
        return EINVAL;
    return try_take(l, self_id()) ? 0 : EBUSY;
}

int pthread_spin_unlock(pthread_spinlock_t* l) {
    if (l == NULL || !READY(l))
        return EINVAL;
    if (__atomic_load_n(&l->__owner, __ATOMIC_RELAXED) != self_id())
        return EPERM;
    __atomic_store_n(&l->__owner, 0, __ATOMIC_RELEASE);
    tn_sched_unlock_preemption();
    return 0;
}
