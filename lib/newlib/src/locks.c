/*
 * newlib's retargetable locks (sys/lock.h) on lib/sync's priority-inheritance
 * mutexes: malloc is the heap's own business (malloc.c), but stdio, atexit,
 * the environment, time zones and the others lock through these. All ten
 * functions and all nine static locks are defined, as newlib requires: libc.a's
 * lock.o (no-op defaults) would be pulled in by any one missing and clash.
 *
 * A recursive lock keeps its owner and depth around the non-recursive Tenon
 * mutex. Static locks are set up on first use. Before the scheduler runs
 * (static constructors) there is one thread of execution and locking is
 * skipped; from an interrupt handler newlib must not be called at all.
 * The try forms return 0 when they took the lock (as ftrylockfile()).
 */
#include <stdint.h>
#include <sys/lock.h>

#include <tn/sched.h>
#include <tn/sync.h>

#include "libc_impl.h"

enum { LOCK_UNSET = 0, LOCK_SETTING_UP = 1, LOCK_READY = 2 };

struct __lock {
    tn_mutex_t mutex;
    tn_thread_t* owner;  /* recursive locks */
    unsigned depth;      /* recursive locks */
    unsigned state;
};

struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

static void from_isr(void) {
    static const char msg[] = "\nnewlib: called from an interrupt handler (stdio, malloc and the rest of the C "
                              "library are for threads only)\n";
    tn_libc_console_write(msg, sizeof msg - 1);
    tn_libc_power_off(70);
}

/* The mutex of @lock, set up if this is its first use; NULL before the
 * scheduler runs (nothing to lock against). */
static tn_mutex_t* ready(struct __lock* lock) {
    if (tn_sched_in_isr())
        from_isr();
    if (!tn_thread_current())
        return 0;
    unsigned s = __atomic_load_n(&lock->state, __ATOMIC_ACQUIRE);
    if (__builtin_expect(s == LOCK_READY, 1))
        return &lock->mutex;
    unsigned expected = LOCK_UNSET;
    if (__atomic_compare_exchange_n(&lock->state, &expected, LOCK_SETTING_UP, 0, __ATOMIC_ACQUIRE,
                                    __ATOMIC_ACQUIRE)) {
        tn_mutex_init(&lock->mutex);
        lock->owner = 0;
        lock->depth = 0;
        __atomic_store_n(&lock->state, LOCK_READY, __ATOMIC_RELEASE);
    } else {
        while (__atomic_load_n(&lock->state, __ATOMIC_ACQUIRE) != LOCK_READY)
            tn_thread_yield();
    }
    return &lock->mutex;
}

void __retarget_lock_init(_LOCK_T* lock) {
    struct __lock* l = tn_libc_heap_alloc(sizeof *l, 16);
    if (l)
        l->state = LOCK_UNSET;
    *lock = l;  /* NULL when out of memory: that lock is then never taken */
}

void __retarget_lock_init_recursive(_LOCK_T* lock) { __retarget_lock_init(lock); }

void __retarget_lock_close(_LOCK_T lock) {
    if (lock)
        (void)tn_libc_heap_free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock) { __retarget_lock_close(lock); }

void __retarget_lock_acquire(_LOCK_T lock) {
    tn_mutex_t* m = lock ? ready(lock) : 0;
    if (m)
        (void)tn_mutex_lock(m, TN_FOREVER);
}

int __retarget_lock_try_acquire(_LOCK_T lock) {
    tn_mutex_t* m = lock ? ready(lock) : 0;
    return m && tn_mutex_trylock(m) != 0 ? -1 : 0;
}

void __retarget_lock_release(_LOCK_T lock) {
    tn_mutex_t* m = lock ? ready(lock) : 0;
    if (m)
        (void)tn_mutex_unlock(m);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock) {
    tn_mutex_t* m = lock ? ready(lock) : 0;
    if (!m)
        return;
    tn_thread_t* self = tn_thread_current();
    if (lock->owner != self) {
        (void)tn_mutex_lock(m, TN_FOREVER);
        lock->owner = self;
    }
    ++lock->depth;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock) {
    tn_mutex_t* m = lock ? ready(lock) : 0;
    if (!m)
        return 0;
    tn_thread_t* self = tn_thread_current();
    if (lock->owner != self) {
        if (tn_mutex_trylock(m) != 0)
            return -1;
        lock->owner = self;
    }
    ++lock->depth;
    return 0;
}

void __retarget_lock_release_recursive(_LOCK_T lock) {
    tn_mutex_t* m = lock ? ready(lock) : 0;
    if (!m || lock->owner != tn_thread_current())
        return;
    if (--lock->depth == 0) {
        lock->owner = 0;
        (void)tn_mutex_unlock(m);
    }
}
