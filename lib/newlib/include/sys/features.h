/*
 * Tenon's additions to newlib's <sys/features.h>: the POSIX option macros
 * newlib leaves to the target (it defines them for RTEMS and Cygwin only).
 * Each one names what this image really provides: the clocks and sleeps of
 * lib/newlib's system layer always, the threads, semaphores, message queues
 * and timers only with lib/posix (CONFIG_LIBPOSIX). docs/posix.md lists the
 * functions behind them.
 */
#ifndef TN_NEWLIB_SYS_FEATURES_H
#define TN_NEWLIB_SYS_FEATURES_H

#include_next <sys/features.h>

#define _POSIX_VERSION 200809L

/* lib/newlib: clock_gettime/settime/getres, nanosleep, clock_nanosleep.
 * <time.h> declares the timer_* functions with them; they link only with
 * lib/posix. */
#define _POSIX_TIMERS 200809L
#define _POSIX_MONOTONIC_CLOCK 200809L
#define _POSIX_CLOCK_SELECTION 200809L

#ifdef CONFIG_LIBPOSIX
#define _POSIX_THREADS 200809L
#define _POSIX_THREAD_ATTR_STACKADDR 200809L
#define _POSIX_THREAD_ATTR_STACKSIZE 200809L
#define _POSIX_THREAD_PRIORITY_SCHEDULING 200809L
#define _POSIX_PRIORITY_SCHEDULING 200809L
#define _POSIX_THREAD_PRIO_INHERIT 200809L
#define _POSIX_THREAD_PRIO_PROTECT 200809L
#define _POSIX_THREAD_SAFE_FUNCTIONS 200809L
#define _POSIX_TIMEOUTS 200809L
#define _POSIX_SEMAPHORES 200809L
#define _POSIX_MESSAGE_PASSING 200809L
#define _POSIX_BARRIERS 200809L
#define _POSIX_READER_WRITER_LOCKS 200809L
#define _POSIX_SPIN_LOCKS 200809L
#define _POSIX_MEMLOCK 200809L
#define _POSIX_MEMLOCK_RANGE 200809L
#define _UNIX98_THREAD_MUTEX_ATTRIBUTES 1
#endif

#endif /* TN_NEWLIB_SYS_FEATURES_H */
