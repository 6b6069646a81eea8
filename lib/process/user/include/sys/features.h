/*
 * The user runtime's additions to newlib's <sys/features.h> (a program's
 * compile sees lib/process/user/include first): the POSIX options a Tenon
 * process has, so that <time.h> declares clock_gettime() and nanosleep().
 * <time.h> then declares the timer_* functions too; a process has none.
 */
#ifndef TN_USER_SYS_FEATURES_H
#define TN_USER_SYS_FEATURES_H

#include_next <sys/features.h>

#define _POSIX_VERSION 200809L
#define _POSIX_TIMERS 200809L
#define _POSIX_MONOTONIC_CLOCK 200809L
#define _POSIX_MESSAGE_PASSING 200809L
/* Threads inside a process (src/thread.c): create, join, detach, exit,
 * mutexes (normal, recursive, error-checking; timed), condition variables,
 * once, keys. */
#define _POSIX_THREADS 200809L
#define _POSIX_TIMEOUTS 200809L
#define _POSIX_THREAD_PRIORITY_SCHEDULING 200809L
#define _UNIX98_THREAD_MUTEX_ATTRIBUTES 1

#endif
