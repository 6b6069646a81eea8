/*
 * <limits.h> with the values POSIX puts there for threads, semaphores,
 * message queues and timers (newlib's has none of them): the minimum values
 * every conforming system guarantees (_POSIX_*) and Tenon's own limits,
 * which the matching sysconf() names return too.
 */
#ifndef TN_POSIX_LIMITS_H
#define TN_POSIX_LIMITS_H

#include_next <limits.h>

/* Minimum values (POSIX.1-2008, <limits.h>). */
#define _POSIX_CLOCKRES_MIN 20000000
#define _POSIX_DELAYTIMER_MAX 32
#define _POSIX_MQ_OPEN_MAX 8
#define _POSIX_MQ_PRIO_MAX 32
#define _POSIX_NAME_MAX 14
#define _POSIX_OPEN_MAX 20
#define _POSIX_PATH_MAX 256
#define _POSIX_RTSIG_MAX 8
#define _POSIX_SEM_NSEMS_MAX 256
#define _POSIX_SEM_VALUE_MAX 32767
#define _POSIX_SIGQUEUE_MAX 32
#define _POSIX_THREAD_DESTRUCTOR_ITERATIONS 4
#define _POSIX_THREAD_KEYS_MAX 128
#define _POSIX_THREAD_THREADS_MAX 64
#define _POSIX_TIMER_MAX 32

/* Tenon's values. Threads: lib/posix's records; stacks below a page are
 * refused. Semaphores: lib/sync counts to 2^32 - 1, POSIX's sem_getvalue()
 * reports an int. SEM_NSEMS_MAX is left out: unnamed semaphores are not
 * counted (as many as memory holds; sysconf() returns -1). */
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#define PTHREAD_KEYS_MAX 128
#define PTHREAD_STACK_MIN 4096
#define PTHREAD_THREADS_MAX CONFIG_LIBSCHED_MAX_THREADS
#define SEM_VALUE_MAX 0x7fffffff
#define MQ_PRIO_MAX 32
#define MQ_OPEN_MAX CONFIG_LIBPOSIX_MQ_OPEN_MAX
#define TIMER_MAX CONFIG_LIBPOSIX_TIMER_MAX
#define DELAYTIMER_MAX 0x7fffffff

#endif /* TN_POSIX_LIMITS_H */
