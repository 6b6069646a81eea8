/*
 * newlib's retargetable locks (it is built with
 * --enable-newlib-retargetable-locking) for a process with threads: stdio,
 * malloc, atexit, the environment and time zones lock through these. Every
 * lock newlib names is defined here, so its own no-op lock.o is never
 * linked. Recursive locks count their owner's nesting.
 */
#include <sys/lock.h>

#include "user_impl.h"

struct __lock {
    unsigned word;
    int owner;
    unsigned depth;
};

struct __lock __lock___sinit_recursive_mutex, __lock___sfp_recursive_mutex, __lock___atexit_recursive_mutex,
    __lock___at_quick_exit_mutex, __lock___malloc_recursive_mutex, __lock___env_recursive_mutex, __lock___tz_mutex,
    __lock___dd_hash_mutex, __lock___arc4random_mutex;

/* Locks newlib makes at run time (FILE objects opened later). */
void __retarget_lock_init(_LOCK_T *lock) {
    struct __lock *l = __builtin_malloc(sizeof *l);
    if (l)
        *l = (struct __lock){0, 0, 0};
    *lock = l;
}

void __retarget_lock_init_recursive(_LOCK_T *lock) { __retarget_lock_init(lock); }

void __retarget_lock_close(_LOCK_T lock) { __builtin_free(lock); }

void __retarget_lock_close_recursive(_LOCK_T lock) { __builtin_free(lock); }

void __retarget_lock_acquire(_LOCK_T lock) {
    if (lock)
        tn_user_word_lock(&lock->word, 0, 0);
}

int __retarget_lock_try_acquire(_LOCK_T lock) { return lock ? tn_user_word_trylock(&lock->word) == 0 : 1; }

void __retarget_lock_release(_LOCK_T lock) {
    if (lock)
        tn_user_word_unlock(&lock->word);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock) {
    if (!lock)
        return;
    int me = tn_user_tls()->tid;
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == me) {
        ++lock->depth;
        return;
    }
    tn_user_word_lock(&lock->word, 0, 0);
    __atomic_store_n(&lock->owner, me, __ATOMIC_RELAXED);
    lock->depth = 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock) {
    if (!lock)
        return 1;
    int me = tn_user_tls()->tid;
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == me) {
        ++lock->depth;
        return 1;
    }
    if (tn_user_word_trylock(&lock->word) != 0)
        return 0;
    __atomic_store_n(&lock->owner, me, __ATOMIC_RELAXED);
    lock->depth = 1;
    return 1;
}

void __retarget_lock_release_recursive(_LOCK_T lock) {
    if (!lock || --lock->depth)
        return;
    __atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
    tn_user_word_unlock(&lock->word);
}
