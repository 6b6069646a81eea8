/*
 * lib/posix: threads (pthread_create, join, detach, exit, self, once...) on
 * lib/sched's threads. docs/posix.md describes the behaviour; the design in
 * short:
 *
 * - Records come from a static pool (thread_impl.h); pthread_t is a record's
 *   address, checked against the pool and a magic number before use.
 * - A thread of pthread_create() starts in posix_thread_entry(), which keeps
 *   the thread's key values in its own frame (so the pool stays small) and,
 *   with a caller-provided stack (pthread_attr_setstack), runs the start
 *   routine on that stack; its Tenon stack is then only a page or two.
 * - The exit value travels through tn_thread_exit() to tn_thread_join().
 * - Detached threads: an exit hook marks every POSIX thread as exited and
 *   queues a detached one; the queue is reaped (tn_thread_join, which frees
 *   the Tenon stack, then the record goes back to the pool) without waiting
 *   by the next pthread_create(), pthread_detach() or thread exit, and with
 *   waiting when pthread_create() finds no record or stack left. No reaper
 *   thread: reclaiming never depends on a low priority getting the CPU.
 * - pthread_exit() in main waits for every thread of pthread_create() to end,
 *   then calls exit(0) (main's return would power off at once).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <tn/sync.h>

#include "posix_impl.h"
#include "thread_impl.h"

struct posix_thread tn_posix_threads[POSIX_MAX_RECORDS];
/* Records ever handed out (the pool is used from the bottom), and the free
 * ones below that mark. */
unsigned tn_posix_threads_used;
static struct posix_thread* g_free;
/* Exited detached threads not reaped yet. */
static struct posix_thread* g_zombies;

static unsigned g_lock;

void tn_posix_lock(void) {
    tn_sched_lock_preemption();
#ifdef CONFIG_TN_SMP
    while (__atomic_exchange_n(&g_lock, 1u, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&g_lock, __ATOMIC_RELAXED))
            __asm__ volatile("yield");
#else
    (void)g_lock;
#endif
}

void tn_posix_unlock(void) {
#ifdef CONFIG_TN_SMP
    __atomic_store_n(&g_lock, 0u, __ATOMIC_RELEASE);
#endif
    tn_sched_unlock_preemption();
}

static inline unsigned posix_this_cpu(void) { return tn_sched_this_cpu(); }

/* Lock held. */
static struct posix_thread* record_alloc(void) {
    struct posix_thread* r = g_free;
    if (r)
        g_free = r->next;
    else if (tn_posix_threads_used < POSIX_MAX_RECORDS)
        r = &tn_posix_threads[tn_posix_threads_used++];
    else
        return 0;
    memset(r, 0, sizeof *r);
    r->cancel_state = PTHREAD_CANCEL_ENABLE;
    r->cancel_type = PTHREAD_CANCEL_DEFERRED;
    return r;
}

/* Lock held. The id may be reused from now on. */
static void record_free(struct posix_thread* r) {
    __atomic_store_n(&r->magic, 0u, __ATOMIC_RELEASE);
    r->thread = 0;
    r->next = g_free;
    g_free = r;
}

/* Set up at the first call that needs them: the exit hook, and the mutex and
 * condition variable that pthread_once() waiters and pthread_exit() in main
 * sleep on. */
static int g_ready;
static int g_hook_rc;
static tn_mutex_t g_wait_mutex;
static tn_cond_t g_wait_cond;
/* Threads of pthread_create() that have not reached their exit hook. */
static unsigned g_live;

static void posix_exit_hook(tn_thread_t* t);

static int posix_init(void) {
    if (__builtin_expect(__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE), 1))
        return g_hook_rc;
    tn_posix_lock();
    if (!g_ready) {
        tn_mutex_init(&g_wait_mutex);
        tn_cond_init(&g_wait_cond);
        g_hook_rc = tn_sched_add_exit_hook(posix_exit_hook);
        __atomic_store_n(&g_ready, 1, __ATOMIC_RELEASE);
    }
    tn_posix_unlock();
    return g_hook_rc;
}

static void wake_waiters(void) {
    tn_mutex_lock(&g_wait_mutex, TN_FOREVER);
    tn_cond_broadcast(&g_wait_cond);
    tn_mutex_unlock(&g_wait_mutex);
}

static void live_put(void) {
    if (__atomic_sub_fetch(&g_live, 1u, __ATOMIC_ACQ_REL) == 0)
        wake_waiters();
}

/* Joins the queued exited detached threads: without waiting (@wait 0; one
 * whose exit has not got past the scheduler yet stays queued), or waiting
 * for each. Returns how many were reclaimed. */
static unsigned posix_reap(int wait) {
    tn_posix_lock();
    struct posix_thread* list = g_zombies;
    g_zombies = 0;
    tn_posix_unlock();
    unsigned reaped = 0;
    while (list) {
        struct posix_thread* r = list;
        list = r->next;
        int rc = tn_thread_join(r->thread, wait ? TN_FOREVER : TN_NO_WAIT, 0);
        tn_posix_lock();
        if (rc == 0) {
            record_free(r);
            ++reaped;
        } else {
            r->next = g_zombies;
            g_zombies = r;
        }
        tn_posix_unlock();
    }
    return reaped;
}

static int is_main(tn_thread_t* t) { return strcmp(tn_thread_name(t), "main") == 0; }

struct posix_thread* tn_posix_adopt(tn_thread_t* t) {
    /* A record that needs no pool entry: only if the pool is exhausted, which
     * its size rules out. Never stored in the slot, never freed. */
    static struct posix_thread overflow = {.adopted = 1, .policy = SCHED_FIFO};
    (void)posix_init();
    tn_posix_lock();
    struct posix_thread* r = record_alloc();
    tn_posix_unlock();
    if (!r)
        return &overflow;
    r->adopted = is_main(t) ? 2 : 1;
    r->policy = tn_thread_priority(t) ? SCHED_FIFO : SCHED_OTHER;
    r->thread = t;
    __atomic_store_n(&r->magic, POSIX_THREAD_MAGIC, __ATOMIC_RELEASE);
    *tn_thread_slot(t, TN_THREAD_SLOT_POSIX) = r;
    return r;
}

/* Every thread with a record runs this as it exits (after its destructors,
 * when it exits the POSIX way). */
static void posix_exit_hook(tn_thread_t* t) {
    void** slot = tn_thread_slot(t, TN_THREAD_SLOT_POSIX);
    struct posix_thread* r = (struct posix_thread*)*slot;
    if (!r)
        return;
    if (r->adopted) {
        /* Nobody joins it through lib/posix: the record goes now. */
        tn_posix_lock();
        tn_posix_release_key_block(r);
        *slot = 0;
        record_free(r);
        tn_posix_unlock();
        return;
    }
    (void)posix_reap(0);
    tn_posix_lock();
    __atomic_store_n(&r->keys, (void**)0, __ATOMIC_RELAXED);
    r->exited = 1;
    if (r->detached) {
        r->next = g_zombies;
        g_zombies = r;
    }
    tn_posix_unlock();
    live_put();
}

/* Calls fn(arg) with SP at @top (16-byte aligned down), back on the Tenon
 * stack afterwards. x19 keeps the old SP across the call. */
void* tn_posix_call_on_stack(void* (*fn)(void*), void* arg, void* top) __attribute__((visibility("hidden")));
__asm__(".text\n"
        ".balign 4\n"
        ".globl tn_posix_call_on_stack\n"
        ".hidden tn_posix_call_on_stack\n"
        ".type tn_posix_call_on_stack, %function\n"
        "tn_posix_call_on_stack:\n"
        "    stp x29, x30, [sp, #-32]!\n"
        "    mov x29, sp\n"
        "    str x19, [sp, #16]\n"
        "    mov x19, sp\n"
        "    and x2, x2, #~15\n"
        "    mov sp, x2\n"
        "    mov x3, x0\n"
        "    mov x0, x1\n"
        "    blr x3\n"
        "    mov sp, x19\n"
        "    ldr x19, [sp, #16]\n"
        "    ldp x29, x30, [sp], #32\n"
        "    ret\n"
        ".size tn_posix_call_on_stack, . - tn_posix_call_on_stack\n");

static void posix_thread_end(struct posix_thread* r, void* value) __attribute__((noreturn));
static void posix_thread_end(struct posix_thread* r, void* value) {
    tn_posix_run_destructors(r);
    tn_thread_exit((uintptr_t)value);
}

/* Bytes of the Tenon stack the entry frame takes (the key values) besides
 * what the application asked for; and the whole Tenon stack of a thread
 * that runs on a caller-provided stack. */
#define POSIX_ENTRY_FRAME (PTHREAD_KEYS_MAX * sizeof(void*) + 512)
#define POSIX_SMALL_STACK 4096

static void posix_thread_entry(void* arg) {
    struct posix_thread* r = (struct posix_thread*)arg;
    /* The key values live here, in a frame that stays until the thread is
     * joined: pthread_exit() and posix_thread_end() never return to it. */
    void* keys[PTHREAD_KEYS_MAX];
    memset(keys, 0, sizeof keys);
    tn_thread_t* t = tn_thread_current();
    __atomic_store_n(&r->thread, t, __ATOMIC_RELEASE);
    *tn_thread_slot(t, TN_THREAD_SLOT_POSIX) = r;
    __atomic_store_n(&r->keys, keys, __ATOMIC_RELEASE);
    void* value = r->stack_top ? tn_posix_call_on_stack(r->start, r->arg, r->stack_top) : r->start(r->arg);
    posix_thread_end(r, value);
}

/* The Tenon thread of @r once its creator or itself has stored it (another
 * CPU may hold a fresh id a moment before that). */
static tn_thread_t* thread_of(struct posix_thread* r) {
    tn_thread_t* t;
    while (!(t = __atomic_load_n(&r->thread, __ATOMIC_ACQUIRE)))
        tn_thread_sleep_ns(10000);
    return t;
}

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start_routine)(void*), void* arg) {
    if (!thread || !start_routine || (attr && attr->__initialized != POSIX_ATTR_MAGIC))
        return EINVAL;
    if (posix_init() != 0)
        return EAGAIN;  /* no exit hook: exits could not be tracked */
    int policy, prio;
    if (!attr || attr->__inheritsched == PTHREAD_INHERIT_SCHED) {
        policy = tn_posix_self()->policy;
        prio = tn_thread_priority(tn_thread_current());
    } else {
        policy = attr->__schedpolicy;
        prio = attr->__schedparam.sched_priority;
        if (!tn_posix_prio_valid(policy, prio))
            return EINVAL;
    }
    size_t stack_size = attr ? attr->__stacksize : CONFIG_LIBSCHED_DEFAULT_STACK_SIZE;
    char* stack_addr = attr ? (char*)attr->__stackaddr : 0;
    size_t tn_stack = stack_addr ? POSIX_SMALL_STACK : stack_size + POSIX_ENTRY_FRAME;
#if CONFIG_LIBSCHED_MIN_STACK_SIZE > POSIX_SMALL_STACK
    if (tn_stack < CONFIG_LIBSCHED_MIN_STACK_SIZE)
        tn_stack = CONFIG_LIBSCHED_MIN_STACK_SIZE;
#endif

    (void)posix_reap(0);
    tn_posix_lock();
    struct posix_thread* r = record_alloc();
    tn_posix_unlock();
    if (!r && posix_reap(1)) {
        tn_posix_lock();
        r = record_alloc();
        tn_posix_unlock();
    }
    if (!r)
        return EAGAIN;
    r->detached = attr && attr->__detachstate == PTHREAD_CREATE_DETACHED;
    r->policy = (uint8_t)policy;
    r->start = start_routine;
    r->arg = arg;
    r->stack_top = stack_addr ? stack_addr + stack_size : 0;
    __atomic_store_n(&r->magic, POSIX_THREAD_MAGIC, __ATOMIC_RELEASE);
    __atomic_add_fetch(&g_live, 1u, __ATOMIC_ACQ_REL);
    /* The id is known before the thread runs: store it first, so that a
     * new thread that runs at once finds it in *thread. */
    *thread = (pthread_t)r;

    tn_thread_attr_t ta = {"pthread", (uint8_t)prio, tn_stack, posix_this_cpu()};
    int rc;
    for (int attempt = 0;; ++attempt) {
        tn_thread_t* t;
        /* No preemption until the handle is stored in the record. */
        tn_sched_lock_preemption();
        rc = tn_thread_create(&t, &ta, posix_thread_entry, r);
        if (rc == 0)
            __atomic_store_n(&r->thread, t, __ATOMIC_RELEASE);
        tn_sched_unlock_preemption();
        /* Out of stacks or memory: exited detached threads may still hold some. */
        if (rc != -TN_ENOMEM || attempt > 0 || !posix_reap(1))
            break;
    }
    if (rc != 0) {
        tn_posix_lock();
        record_free(r);
        tn_posix_unlock();
        live_put();
        return rc == -TN_ENOMEM ? EAGAIN : EINVAL;
    }
    return 0;
}

int pthread_join(pthread_t thread, void** value_ptr) {
    struct posix_thread* r = tn_posix_lookup(thread);
    if (!r)
        return ESRCH;
    struct posix_thread* self = tn_posix_self();
    tn_posix_lock();
    int rc = 0;
    if (r->magic != POSIX_THREAD_MAGIC) {
        rc = ESRCH;  /* reaped meanwhile */
    } else if (r == self) {
        rc = EDEADLK;
    } else if (r->adopted || r->detached) {
        rc = EINVAL;
    } else {
        /* A thread that waits, through a chain of joins, for the caller:
         * reported first, even if another thread joins it too. */
        for (struct posix_thread* p = r->waiting_for; p; p = p->waiting_for)
            if (p == self) {
                rc = EDEADLK;
                break;
            }
        if (!rc && r->joining)
            rc = EINVAL;
    }
    if (rc) {
        tn_posix_unlock();
        return rc;
    }
    r->joining = 1;
    self->waiting_for = r;
    tn_posix_unlock();

    uintptr_t value = 0;
    rc = tn_thread_join(thread_of(r), TN_FOREVER, &value);
    tn_posix_lock();
    self->waiting_for = 0;
    if (rc == 0)
        record_free(r);
    else
        r->joining = 0;
    tn_posix_unlock();
    if (rc != 0)
        return tn_posix_errno(rc);
    if (value_ptr)
        *value_ptr = (void*)value;
    return 0;
}

int pthread_detach(pthread_t thread) {
    struct posix_thread* r = tn_posix_lookup(thread);
    if (!r)
        return ESRCH;
    tn_posix_lock();
    int rc = 0, reap = 0;
    if (r->magic != POSIX_THREAD_MAGIC) {
        rc = ESRCH;
    } else if (r->adopted || r->detached || r->joining) {
        rc = EINVAL;
    } else {
        r->detached = 1;
        if (r->exited) {
            r->next = g_zombies;
            g_zombies = r;
            reap = 1;
        }
    }
    tn_posix_unlock();
    if (reap)
        (void)posix_reap(0);
    return rc;
}

void _pthread_cleanup_push(struct _pthread_cleanup_buffer* buffer, void (*routine)(void*), void* arg) {
    struct posix_thread* r = tn_posix_self();
    buffer->__routine = routine;
    buffer->__arg = arg;
    buffer->__prev = r->cleanup;
    r->cleanup = buffer;
}

void _pthread_cleanup_pop(struct _pthread_cleanup_buffer* buffer, int execute) {
    struct posix_thread* r = tn_posix_self();
    r->cleanup = buffer->__prev;
    if (execute && buffer->__routine)
        buffer->__routine(buffer->__arg);
}

void pthread_exit(void* value_ptr) {
    struct posix_thread* r = tn_posix_self();
    /* Cleanup handlers still pushed, newest first; each is popped before it
     * runs, so one that calls pthread_exit() does not run again. */
    for (struct _pthread_cleanup_buffer* b; (b = r->cleanup) != 0;) {
        r->cleanup = b->__prev;
        if (b->__routine)
            b->__routine(b->__arg);
    }
    tn_posix_run_destructors(r);
    if (r->adopted == 2) {
        /* main: the process lives on until the last thread has ended. */
        tn_mutex_lock(&g_wait_mutex, TN_FOREVER);
        while (__atomic_load_n(&g_live, __ATOMIC_ACQUIRE) != 0)
            tn_cond_wait(&g_wait_cond, &g_wait_mutex, TN_FOREVER);
        tn_mutex_unlock(&g_wait_mutex);
        exit(0);
    }
    tn_thread_exit((uintptr_t)value_ptr);
}

pthread_t pthread_self(void) { return (pthread_t)tn_posix_self(); }

int pthread_equal(pthread_t t1, pthread_t t2) { return t1 == t2; }

int pthread_once(pthread_once_t* once_control, void (*init_routine)(void)) {
    if (!once_control || !init_routine)
        return EINVAL;
    if (__atomic_load_n(&once_control->__done, __ATOMIC_ACQUIRE))
        return 0;
    (void)posix_init();
    int expected = 0;
    if (__atomic_compare_exchange_n(&once_control->__state, &expected, 1, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        init_routine();
        __atomic_store_n(&once_control->__done, 1, __ATOMIC_RELEASE);
        wake_waiters();
        return 0;
    }
    /* Another caller runs init_routine: wait until it has returned. */
    tn_mutex_lock(&g_wait_mutex, TN_FOREVER);
    while (!__atomic_load_n(&once_control->__done, __ATOMIC_ACQUIRE))
        tn_cond_wait(&g_wait_cond, &g_wait_mutex, TN_FOREVER);
    tn_mutex_unlock(&g_wait_mutex);
    return 0;
}

int tn_posix_set_sched(struct posix_thread* r, int policy, int prio) {
    tn_thread_t* t = r->adopted ? r->thread : thread_of(r);
    int rc = 0;
    tn_posix_lock();
    /* Under the lock the thread cannot pass its exit hook, so it is not
     * freed while its priority changes. */
    if (r->magic != POSIX_THREAD_MAGIC || r->exited || r->thread != t) {
        rc = ESRCH;
    } else {
        rc = tn_posix_errno(tn_thread_set_priority(t, (uint8_t)prio));
        if (rc == 0)
            r->policy = (uint8_t)policy;
    }
    tn_posix_unlock();
    return rc;
}

int tn_posix_get_sched(struct posix_thread* r, int* policy, int* prio) {
    tn_thread_t* t = r->adopted ? r->thread : thread_of(r);
    int rc = 0;
    tn_posix_lock();
    if (r->magic != POSIX_THREAD_MAGIC || r->exited || r->thread != t) {
        rc = ESRCH;
    } else {
        *policy = r->policy;
        *prio = r->policy == SCHED_OTHER ? 0 : tn_thread_priority(t);
    }
    tn_posix_unlock();
    return rc;
}

/* Cancellation is not implemented (docs/posix.md): the state and type are
 * recorded and reported back, and no cancellation request is ever acted on. */
int pthread_setcancelstate(int state, int* oldstate) {
    if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
        return EINVAL;
    struct posix_thread* r = tn_posix_self();
    if (oldstate)
        *oldstate = r->cancel_state;
    r->cancel_state = (uint8_t)state;
    return 0;
}

int pthread_setcanceltype(int type, int* oldtype) {
    if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS)
        return EINVAL;
    struct posix_thread* r = tn_posix_self();
    if (oldtype)
        *oldtype = r->cancel_type;
    r->cancel_type = (uint8_t)type;
    return 0;
}

/* ESRCH for an id that is no thread; ENOTSUP for a thread, as cancellation
 * is not implemented. POSIX lists only ESRCH for pthread_cancel() but lets
 * an implementation report other errors (XSH 2.3): refusing is more honest
 * than accepting a request that would never be acted on. */
int pthread_cancel(pthread_t thread) { return tn_posix_lookup(thread) ? ENOTSUP : ESRCH; }

void pthread_testcancel(void) {}

/* Every thread is a kernel-scheduled thread: the level is only remembered. */
static int g_concurrency;

int pthread_getconcurrency(void) { return __atomic_load_n(&g_concurrency, __ATOMIC_RELAXED); }

int pthread_setconcurrency(int new_level) {
    if (new_level < 0)
        return EINVAL;
    __atomic_store_n(&g_concurrency, new_level, __ATOMIC_RELAXED);
    return 0;
}
