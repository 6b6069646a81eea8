/*
 * lib/posix's pthread types, in place of newlib's <sys/_pthreadtypes.h>
 * (newlib's are 32-bit handles meant for RTEMS's object tables). Every object
 * holds its Tenon primitive in place, so nothing allocates: static objects
 * with the PTHREAD_*_INITIALIZER macros are ready to use (a zero state word
 * means "set up on first use"). The members are private to lib/posix.
 */
#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/_types.h>
#include <sys/sched.h>

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

/** A thread: the address of its lib/posix record. */
typedef unsigned long pthread_t;

typedef struct {
    int __initialized;
    int __detachstate;
    int __inheritsched;
    int __schedpolicy;
    struct sched_param __schedparam;
    int __contentionscope;
    void* __stackaddr;
    __size_t __stacksize;
    __size_t __guardsize;
} pthread_attr_t;

typedef struct {
    unsigned __state;        /* 0: set up at first use; else lib/posix's (first: no offset to add) */
    int __type;              /* PTHREAD_MUTEX_* */
    __uint64_t __m[6];       /* tn_mutex_t */
    int __protocol;          /* PTHREAD_PRIO_* */
    int __prioceiling;
    unsigned __count;        /* slow kinds: times locked by the owner */
    int __saved_prio;        /* PTHREAD_PRIO_PROTECT: the owner's priority before */
    void* __owner;           /* slow kinds (normal, recursive, priority-protect): the owning thread */
} pthread_mutex_t;

typedef struct {
    int __initialized;
    int __type;
    int __protocol;
    int __prioceiling;
    int __pshared;
} pthread_mutexattr_t;

typedef struct {
    unsigned __state;
    __clockid_t __clock;     /* of timed waits */
    __uint64_t __c[2];       /* tn_cond_t */
    unsigned __waiters;      /* threads waiting and not yet signalled */
} pthread_cond_t;

typedef struct {
    int __initialized;
    int __pshared;
    __clockid_t __clock;
} pthread_condattr_t;

typedef unsigned pthread_key_t;

typedef struct {
    int __done;
    int __state;
} pthread_once_t;

typedef struct {
    __uint64_t __opaque[30]; /* lib/posix's struct tn_rwlock (rwlock.c) */
    unsigned __state;
} pthread_rwlock_t;

typedef struct {
    int __initialized;
    int __pshared;
} pthread_rwlockattr_t;

typedef struct {
    __uint64_t __opaque[16]; /* lib/posix's struct tn_barrier (barrier.c) */
    unsigned __count;
    unsigned __state;
} pthread_barrier_t;

typedef struct {
    int __initialized;
    int __pshared;
} pthread_barrierattr_t;

typedef struct {
    unsigned long __owner;   /* the holding thread, 0 when free */
    unsigned __state;
} pthread_spinlock_t;

#define _PTHREAD_MUTEX_INITIALIZER { 0, PTHREAD_MUTEX_DEFAULT, {0}, PTHREAD_PRIO_NONE, 0, 0, 0, 0 }
#define _PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP { 0, PTHREAD_MUTEX_RECURSIVE, {0}, PTHREAD_PRIO_NONE, 0, 0, 0, 0 }
#define _PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP { 0, PTHREAD_MUTEX_ERRORCHECK, {0}, PTHREAD_PRIO_NONE, 0, 0, 0, 0 }
#define _PTHREAD_COND_INITIALIZER { 0, 1 /* CLOCK_REALTIME */, {0}, 0 }
#define _PTHREAD_RWLOCK_INITIALIZER { {0}, 0 }
#define _PTHREAD_ONCE_INIT { 0, 0 }

#endif /* _SYS__PTHREADTYPES_H_ */
