/* Internal to the user runtime (lib/process/user). */
#ifndef TN_USER_IMPL_H
#define TN_USER_IMPL_H

/** A raw system call's result as the C functions return it: -errno
 * becomes -1 with errno set; anything else is passed through. */
long tn_user_result(long r);

#include <sys/reent.h>
#include <time.h>

/* Thread-specific data keys of a process (pthread_key_create). */
#define TN_USER_KEYS 16

/* A thread's own data, where TPIDR_EL0 points (the kernel keeps TPIDR_EL0
 * per thread): its id, its newlib state (errno, ...), its keys' values. */
struct tn_user_tls {
    int tid;
    struct _reent *reent;
    void *keys[TN_USER_KEYS];
};

/** The calling thread's block. */
static inline struct tn_user_tls *tn_user_tls(void) {
    struct tn_user_tls *t;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(t));
    return t;
}

/** Makes the main thread's block current (start.c, before anything else). */
void tn_user_tls_init(void);

/** Sleeps while *word == expected (TN_SYS_FUTEX_WAIT); @p abs: an absolute
 * CLOCK_REALTIME or CLOCK_MONOTONIC deadline of @p clock, or NULL. Returns
 * 0 (woken, or the word had changed) or ETIMEDOUT. */
int tn_user_futex_wait(unsigned *word, unsigned expected, int clock, const struct timespec *abs);
/** Wakes up to @p count sleepers on @p word (TN_SYS_FUTEX_WAKE). */
void tn_user_futex_wake(unsigned *word, int count);

/** The word lock under mutexes and newlib's locks: 0 unlocked, 1 locked,
 * 2 locked with sleepers. 0 or ETIMEDOUT (only with @p abs). */
int tn_user_word_lock(unsigned *word, int clock, const struct timespec *abs);
/** 0, or EBUSY when it is held. */
int tn_user_word_trylock(unsigned *word);
void tn_user_word_unlock(unsigned *word);

#endif
