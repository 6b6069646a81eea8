/*
 * The POSIX thread types of a process (lib/process/user), in place of
 * newlib's: real objects, not identifiers. A mutex, a condition variable
 * and a once-control sleep on a 32-bit futex word (TN_SYS_FUTEX_*), so they
 * need no kernel object and no initialisation call beyond their
 * initialisers.
 */
#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/sched.h>
#include <sys/_types.h>

#define PTHREAD_SCOPE_PROCESS 0
#define PTHREAD_SCOPE_SYSTEM 1
#define PTHREAD_INHERIT_SCHED 1
#define PTHREAD_EXPLICIT_SCHED 2
#define PTHREAD_CREATE_DETACHED 0
#define PTHREAD_CREATE_JOINABLE 1
#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED 1
#define PTHREAD_PRIO_NONE 0
#define PTHREAD_PRIO_INHERIT 1
#define PTHREAD_PRIO_PROTECT 2
#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_RECURSIVE 1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT 3
#define PTHREAD_STACK_MIN 4096

/* A thread: its id (TN_SYS_GETTID). */
typedef int pthread_t;

typedef struct {
    int is_initialized;
    int detachstate;
    int inheritsched;
    int schedpolicy;
    struct sched_param schedparam;
    int contentionscope;
    __size_t stacksize;
} pthread_attr_t;

/* state: 0 unlocked, 1 locked, 2 locked with sleepers (the futex word). */
typedef struct {
    unsigned state;
    int owner;
    unsigned count;
    int type;
} pthread_mutex_t;

typedef struct {
    int is_initialized;
    int type;
    int pshared;
    int protocol;
} pthread_mutexattr_t;

/* seq: bumped by every signal and broadcast (the futex word). */
typedef struct {
    unsigned seq;
    int clock;
} pthread_cond_t;

typedef struct {
    int is_initialized;
    int clock;
    int pshared;
} pthread_condattr_t;

typedef unsigned pthread_key_t;

/* state: 0 not run, 1 running, 2 done (the futex word). */
typedef struct {
    unsigned state;
    int unused;
} pthread_once_t;

#define _PTHREAD_MUTEX_INITIALIZER {0, 0, 0, PTHREAD_MUTEX_DEFAULT}
#define _PTHREAD_COND_INITIALIZER {0, 1 /* CLOCK_REALTIME */}
#define _PTHREAD_ONCE_INIT {0, 0}

#endif
