/*
 * POSIX threads inside a process: each pthread is a kernel thread of the
 * process (TN_SYS_THREAD_CREATE: scheduled by the real-time scheduler, its
 * stack made by the kernel below the main one), with a block of its own at
 * TPIDR_EL0 (struct tn_user_tls: its id, newlib's per-thread state, its
 * keys). Mutexes, condition variables and once-controls are futex words
 * (futex.c): no system call unless a thread must sleep or be woken.
 *
 * What a thread leaves behind: its block, freed by whoever joins it, or,
 * for a detached thread, by the next pthread_create (the thread cannot free
 * the block it still runs on). Stack sizes are the kernel's
 * (LIBPROCESS_THREAD_STACK_SIZE): pthread_attr_setstacksize is recorded
 * only.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tn/syscall_abi.h>
#include <tn/usyscall.h>

#include "user_impl.h"

/* ---- blocks, newlib's per-thread state -------------------------------- */

/* A created thread's block; the main thread's is main_block. */
struct tn_thread {
    struct tn_user_tls tls;
    void *(*fn)(void *);
    void *arg;
    unsigned flags; /* EXITED, DETACHED (atomic) */
    struct tn_thread *next; /* the list of blocks to free */
    struct _reent reent;
};
#define EXITED 1u
#define DETACHED 2u

static struct tn_user_tls main_block;

void tn_user_tls_init(void) {
    main_block.tid = (int)tn_syscall0(TN_SYS_GETTID);
    main_block.reent = _impure_ptr;
    __asm__ volatile("msr tpidr_el0, %0" ::"r"(&main_block));
}

/* newlib asks for the calling thread's state here (__DYNAMIC_REENT__). */
struct _reent *__getreent(void) {
    struct tn_user_tls *t = tn_user_tls();
    return t ? t->reent : _impure_ptr;
}

/* Blocks of threads that ended (detached): freed by the next create. */
static struct tn_thread *to_free;

static void free_ended(void) {
    struct tn_thread *b = __atomic_exchange_n(&to_free, NULL, __ATOMIC_ACQUIRE);
    while (b) {
        struct tn_thread *next = b->next;
        free(b);
        b = next;
    }
}

/* tid -> block, for join and detach. */
static struct tn_thread *blocks[64];
static unsigned blocks_lock;

static void remember(struct tn_thread *b) {
    tn_user_word_lock(&blocks_lock, 0, 0);
    for (unsigned i = 0; i < sizeof blocks / sizeof blocks[0]; ++i)
        if (!blocks[i]) {
            blocks[i] = b;
            break;
        }
    tn_user_word_unlock(&blocks_lock);
}

static struct tn_thread *forget(int tid) {
    struct tn_thread *b = NULL;
    tn_user_word_lock(&blocks_lock, 0, 0);
    for (unsigned i = 0; i < sizeof blocks / sizeof blocks[0]; ++i)
        if (blocks[i] && blocks[i]->tls.tid == tid) {
            b = blocks[i];
            blocks[i] = NULL;
            break;
        }
    tn_user_word_unlock(&blocks_lock);
    return b;
}

/* ---- keys -------------------------------------------------------------- */

static void (*key_dtor[TN_USER_KEYS])(void *);
static unsigned key_used;

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *)) {
    for (unsigned k = 0; k < TN_USER_KEYS; ++k) {
        unsigned bit = 1u << k;
        if (!(__atomic_fetch_or(&key_used, bit, __ATOMIC_ACQ_REL) & bit)) {
            key_dtor[k] = destructor;
            *key = k;
            return 0;
        }
    }
    return EAGAIN;
}

int pthread_key_delete(pthread_key_t key) {
    if (key >= TN_USER_KEYS || !(__atomic_fetch_and(&key_used, ~(1u << key), __ATOMIC_ACQ_REL) & (1u << key)))
        return EINVAL;
    key_dtor[key] = NULL;
    return 0;
}

void *pthread_getspecific(pthread_key_t key) { return key < TN_USER_KEYS ? tn_user_tls()->keys[key] : NULL; }

int pthread_setspecific(pthread_key_t key, const void *value) {
    if (key >= TN_USER_KEYS || !(key_used & (1u << key)))
        return EINVAL;
    tn_user_tls()->keys[key] = (void *)value;
    return 0;
}

static void run_key_destructors(struct tn_user_tls *t) {
    for (int round = 0; round < 4; ++round) {
        int again = 0;
        for (unsigned k = 0; k < TN_USER_KEYS; ++k) {
            void *v = t->keys[k];
            if (v && key_dtor[k]) {
                t->keys[k] = NULL;
                key_dtor[k](v);
                again = 1;
            }
        }
        if (!again)
            return;
    }
}

/* ---- threads ------------------------------------------------------------ */

int pthread_attr_init(pthread_attr_t *a) {
    memset(a, 0, sizeof *a);
    a->is_initialized = 1;
    a->detachstate = PTHREAD_CREATE_JOINABLE;
    a->inheritsched = PTHREAD_INHERIT_SCHED;
    a->schedpolicy = SCHED_FIFO;
    a->contentionscope = PTHREAD_SCOPE_SYSTEM;
    return 0;
}
int pthread_attr_destroy(pthread_attr_t *a) {
    a->is_initialized = 0;
    return 0;
}
int pthread_attr_setdetachstate(pthread_attr_t *a, int s) {
    if (s != PTHREAD_CREATE_DETACHED && s != PTHREAD_CREATE_JOINABLE)
        return EINVAL;
    a->detachstate = s;
    return 0;
}
int pthread_attr_getdetachstate(const pthread_attr_t *a, int *s) {
    *s = a->detachstate;
    return 0;
}
int pthread_attr_setinheritsched(pthread_attr_t *a, int s) {
    if (s != PTHREAD_INHERIT_SCHED && s != PTHREAD_EXPLICIT_SCHED)
        return EINVAL;
    a->inheritsched = s;
    return 0;
}
int pthread_attr_getinheritsched(const pthread_attr_t *a, int *s) {
    *s = a->inheritsched;
    return 0;
}
int pthread_attr_setschedpolicy(pthread_attr_t *a, int p) {
    if (p != SCHED_FIFO && p != SCHED_RR && p != SCHED_OTHER)
        return EINVAL;
    a->schedpolicy = p;
    return 0;
}
int pthread_attr_getschedpolicy(const pthread_attr_t *a, int *p) {
    *p = a->schedpolicy;
    return 0;
}
int pthread_attr_setschedparam(pthread_attr_t *a, const struct sched_param *p) {
    a->schedparam = *p;
    return 0;
}
int pthread_attr_getschedparam(const pthread_attr_t *a, struct sched_param *p) {
    *p = a->schedparam;
    return 0;
}
int pthread_attr_setscope(pthread_attr_t *a, int s) {
    return s == PTHREAD_SCOPE_SYSTEM ? (a->contentionscope = s, 0) : ENOTSUP;
}
int pthread_attr_getscope(const pthread_attr_t *a, int *s) {
    *s = a->contentionscope;
    return 0;
}
int pthread_attr_setstacksize(pthread_attr_t *a, size_t size) {
    if (size < PTHREAD_STACK_MIN)
        return EINVAL;
    a->stacksize = size; /* recorded: the kernel's LIBPROCESS_THREAD_STACK_SIZE applies */
    return 0;
}
int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size) {
    *size = a->stacksize;
    return 0;
}

/* Where a created thread starts (x0 = its block): it never returns. */
static void thread_start(struct tn_thread *b) __attribute__((noreturn));
static void thread_start(struct tn_thread *b) {
    b->tls.tid = (int)tn_syscall0(TN_SYS_GETTID);
    pthread_exit(b->fn(b->arg));
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
    free_ended();
    struct tn_thread *b = calloc(1, sizeof *b);
    if (!b)
        return EAGAIN;
    b->fn = fn;
    b->arg = arg;
    b->tls.reent = &b->reent;
    _REENT_INIT_PTR(&b->reent);
    tn_thread_attr how = {-1, -1};
    if (attr && attr->inheritsched == PTHREAD_EXPLICIT_SCHED)
        how.priority = attr->schedparam.sched_priority;
    if (attr && attr->detachstate == PTHREAD_CREATE_DETACHED)
        b->flags = DETACHED;
    long tid = tn_syscall4(TN_SYS_THREAD_CREATE, (long)thread_start, (long)b, (long)&b->tls, (long)&how);
    if (tid < 0) {
        free(b);
        return (int)-tid;
    }
    b->tls.tid = (int)tid; /* it also sets it itself: whoever comes first */
    if (b->flags & DETACHED)
        tn_syscall1(TN_SYS_THREAD_DETACH, tid);
    else
        remember(b);
    *thread = (pthread_t)tid;
    return 0;
}

void pthread_exit(void *value) {
    struct tn_user_tls *t = tn_user_tls();
    run_key_destructors(t);
    if (t != &main_block) {
        struct tn_thread *b = (struct tn_thread *)t;
        _reclaim_reent(&b->reent);
        /* Detached: its block goes on the free list (it does not touch the
         * block after this); else the joiner frees it. */
        if (__atomic_fetch_or(&b->flags, EXITED, __ATOMIC_ACQ_REL) & DETACHED) {
            b->next = __atomic_load_n(&to_free, __ATOMIC_RELAXED);
            while (!__atomic_compare_exchange_n(&to_free, &b->next, b, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
                ;
        }
    }
    tn_syscall1(TN_SYS_THREAD_EXIT, (long)value);
    __builtin_unreachable();
}

int pthread_join(pthread_t thread, void **value) {
    void *v = NULL;
    long r = tn_syscall2(TN_SYS_THREAD_JOIN, thread, (long)&v);
    if (r < 0)
        return (int)-r;
    free(forget(thread));
    if (value)
        *value = v;
    return 0;
}

int pthread_detach(pthread_t thread) {
    long r = tn_syscall1(TN_SYS_THREAD_DETACH, thread);
    if (r < 0)
        return (int)-r;
    struct tn_thread *b = forget(thread);
    /* Ended already: nobody else frees its block. */
    if (b && (__atomic_fetch_or(&b->flags, DETACHED, __ATOMIC_ACQ_REL) & EXITED))
        free(b);
    return 0;
}

pthread_t pthread_self(void) { return tn_user_tls()->tid; }

int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

int pthread_once(pthread_once_t *once, void (*fn)(void)) {
    unsigned c = 0;
    if (__atomic_load_n(&once->state, __ATOMIC_ACQUIRE) == 2)
        return 0;
    if (__atomic_compare_exchange_n(&once->state, &c, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        fn();
        __atomic_store_n(&once->state, 2, __ATOMIC_RELEASE);
        tn_user_futex_wake(&once->state, INT_MAX);
        return 0;
    }
    while ((c = __atomic_load_n(&once->state, __ATOMIC_ACQUIRE)) == 1)
        tn_user_futex_wait(&once->state, 1, 0, NULL);
    return 0;
}

/* ---- mutexes -------------------------------------------------------------- */

int pthread_mutexattr_init(pthread_mutexattr_t *a) {
    *a = (pthread_mutexattr_t){1, PTHREAD_MUTEX_DEFAULT, PTHREAD_PROCESS_PRIVATE, PTHREAD_PRIO_NONE};
    return 0;
}
int pthread_mutexattr_destroy(pthread_mutexattr_t *a) {
    a->is_initialized = 0;
    return 0;
}
int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type) {
    if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_DEFAULT)
        return EINVAL;
    a->type = type;
    return 0;
}
int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type) {
    *type = a->type;
    return 0;
}
int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared) {
    /* Processes share no memory: a mutex is private to its process. */
    return pshared == PTHREAD_PROCESS_PRIVATE ? (a->pshared = pshared, 0) : ENOTSUP;
}
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *pshared) {
    *pshared = a->pshared;
    return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a) {
    *m = (pthread_mutex_t){0, 0, 0, a ? a->type : PTHREAD_MUTEX_DEFAULT};
    return 0;
}
int pthread_mutex_destroy(pthread_mutex_t *m) { return __atomic_load_n(&m->state, __ATOMIC_RELAXED) ? EBUSY : 0; }

static int mutex_lock(pthread_mutex_t *m, const struct timespec *abs) {
    int me = tn_user_tls()->tid;
    if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) == me) {
        if (m->type == PTHREAD_MUTEX_RECURSIVE) {
            ++m->count;
            return 0;
        }
        if (m->type == PTHREAD_MUTEX_ERRORCHECK)
            return EDEADLK;
    }
    int rc = tn_user_word_lock(&m->state, CLOCK_REALTIME, abs);
    if (rc)
        return rc;
    __atomic_store_n(&m->owner, me, __ATOMIC_RELAXED);
    m->count = 1;
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m) { return mutex_lock(m, NULL); }

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abs) {
    if (!abs || abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000)
        return EINVAL;
    return mutex_lock(m, abs);
}

int pthread_mutex_trylock(pthread_mutex_t *m) {
    int me = tn_user_tls()->tid;
    if (m->type == PTHREAD_MUTEX_RECURSIVE && __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == me) {
        ++m->count;
        return 0;
    }
    if (tn_user_word_trylock(&m->state))
        return EBUSY;
    __atomic_store_n(&m->owner, me, __ATOMIC_RELAXED);
    m->count = 1;
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m) {
    int me = tn_user_tls()->tid;
    if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != me &&
        (m->type == PTHREAD_MUTEX_RECURSIVE || m->type == PTHREAD_MUTEX_ERRORCHECK))
        return EPERM;
    if (m->type == PTHREAD_MUTEX_RECURSIVE && --m->count)
        return 0;
    __atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
    tn_user_word_unlock(&m->state);
    return 0;
}

/* ---- condition variables ------------------------------------------------- */

int pthread_condattr_init(pthread_condattr_t *a) {
    *a = (pthread_condattr_t){1, CLOCK_REALTIME, PTHREAD_PROCESS_PRIVATE};
    return 0;
}
int pthread_condattr_destroy(pthread_condattr_t *a) {
    a->is_initialized = 0;
    return 0;
}
int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock) {
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    a->clock = (int)clock;
    return 0;
}
int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clock) {
    *clock = (clockid_t)a->clock;
    return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) {
    *c = (pthread_cond_t){0, a ? a->clock : (int)CLOCK_REALTIME};
    return 0;
}
int pthread_cond_destroy(pthread_cond_t *c) {
    (void)c;
    return 0;
}

static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abs) {
    if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != tn_user_tls()->tid)
        return EPERM;
    unsigned seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
    unsigned depth = m->count;
    m->count = 1;
    pthread_mutex_unlock(m);
    /* A signal after the unlock bumps seq: the wait returns at once. */
    int rc = tn_user_futex_wait(&c->seq, seq, c->clock, abs);
    mutex_lock(m, NULL);
    m->count = depth;
    return rc;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return cond_wait(c, m, NULL); }

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abs) {
    if (!abs || abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000)
        return EINVAL;
    return cond_wait(c, m, abs);
}

int pthread_cond_signal(pthread_cond_t *c) {
    __atomic_add_fetch(&c->seq, 1, __ATOMIC_RELEASE);
    tn_user_futex_wake(&c->seq, 1);
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c) {
    __atomic_add_fetch(&c->seq, 1, __ATOMIC_RELEASE);
    tn_user_futex_wake(&c->seq, INT_MAX);
    return 0;
}
