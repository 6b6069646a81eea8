/*
 * Futex words (TN_SYS_FUTEX_WAIT / _WAKE) and the word lock every mutex of
 * a process is built on (user_impl.h): the uncontended lock and unlock are
 * one atomic instruction each at EL0; only a thread that must sleep, and an
 * unlock that has sleepers to wake, enter the kernel.
 */
#include <errno.h>
#include <limits.h>
#include <time.h>

#include <tn/syscall_abi.h>
#include <tn/usyscall.h>

#include "user_impl.h"

int tn_user_futex_wait(unsigned *word, unsigned expected, int clock, const struct timespec *abs) {
    struct timespec rel, *timeout = NULL;
    if (abs) {
        struct timespec now;
        clock_gettime(clock, &now);
        rel.tv_sec = abs->tv_sec - now.tv_sec;
        rel.tv_nsec = abs->tv_nsec - now.tv_nsec;
        if (rel.tv_nsec < 0) {
            rel.tv_nsec += 1000000000;
            --rel.tv_sec;
        }
        if (rel.tv_sec < 0)
            return ETIMEDOUT;
        timeout = &rel;
    }
    long r = tn_syscall3(TN_SYS_FUTEX_WAIT, (long)word, (long)expected, (long)timeout);
    return r == -ETIMEDOUT ? ETIMEDOUT : 0;
}

void tn_user_futex_wake(unsigned *word, int count) { tn_syscall2(TN_SYS_FUTEX_WAKE, (long)word, count); }

int tn_user_word_lock(unsigned *word, int clock, const struct timespec *abs) {
    unsigned c = 0;
    if (__atomic_compare_exchange_n(word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return 0;
    /* Contended: mark it so (2) and sleep until it is free. */
    if (c != 2)
        c = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        if (tn_user_futex_wait(word, 2, clock, abs) == ETIMEDOUT)
            return ETIMEDOUT;
        c = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
    }
    return 0;
}

int tn_user_word_trylock(unsigned *word) {
    unsigned c = 0;
    return __atomic_compare_exchange_n(word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) ? 0 : EBUSY;
}

void tn_user_word_unlock(unsigned *word) {
    if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) == 2)
        tn_user_futex_wake(word, 1);
}
