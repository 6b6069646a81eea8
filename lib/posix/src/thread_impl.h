/*
 * lib/posix's thread records, shared by thread.c, attr.c, keys.c and
 * sched.c (not installed for applications).
 *
 * Every thread that lib/posix has seen has a record in a static pool: the
 * ones pthread_create() made, and "adopted" ones (main, threads of
 * tn_thread_create()) that get a record at their first pthread_self() or
 * other call needing one. The record's address is the pthread_t and sits in
 * the thread's TN_THREAD_SLOT_POSIX slot. The pool holds one record per
 * stack slot of lib/sched plus main and a margin, so neither creation nor
 * adoption depends on the heap and adoption cannot run out.
 */
#ifndef TN_POSIX_THREAD_IMPL_H
#define TN_POSIX_THREAD_IMPL_H

#include <pthread.h>
#include <stdint.h>

#include <tn/sched.h>

#ifndef CONFIG_TN_MAX_CPUS
#define CONFIG_TN_MAX_CPUS 1
#endif

/* Records: every Tenon thread that can exist at once, main, and one per CPU
 * for the short window in which a reaped thread's stack slot is already
 * reused while its record is not yet back in the pool. */
#define POSIX_MAX_RECORDS (CONFIG_LIBSCHED_MAX_THREADS + 1 + CONFIG_TN_MAX_CPUS)
/* Key-value arrays for adopted threads (pthread_create()'s threads keep
 * theirs on their own stack): pthread_setspecific() in a further adopted
 * thread fails with ENOMEM. */
#define POSIX_ADOPTED_KEY_BLOCKS 8

#define POSIX_THREAD_MAGIC 0x50746872u /* "Pthr": a live record */
#define POSIX_ATTR_MAGIC 0x50617474     /* "Patt": an initialised pthread_attr_t */

struct posix_thread {
    uint32_t magic;         /* POSIX_THREAD_MAGIC while the record is in use */
    uint8_t adopted;        /* not made by pthread_create(): never joinable */
    uint8_t detached;       /* PTHREAD_CREATE_DETACHED, or pthread_detach() */
    uint8_t exited;         /* its exit hook has run: it runs no more code of its own */
    uint8_t joining;        /* a pthread_join() waits for it */
    uint8_t policy;         /* SCHED_FIFO, SCHED_RR or SCHED_OTHER */
    uint8_t cancel_state;   /* recorded only: cancellation is not implemented */
    uint8_t cancel_type;
    uint8_t key_block;      /* adopted: index+1 of its block of key values, 0: none */
    tn_thread_t* thread;    /* NULL until the creator or the thread itself sets it */
    void* (*start)(void*);
    void* arg;
    void* stack_top;        /* a caller-provided stack (attr stackaddr), or NULL */
    void** keys;            /* PTHREAD_KEYS_MAX values, or NULL (none yet) */
    struct posix_thread* next; /* free list, list of exited detached threads */
    struct posix_thread* waiting_for; /* the thread it is in pthread_join() for */
    struct _pthread_cleanup_buffer* cleanup; /* newest pushed cleanup handler */
};

extern struct posix_thread tn_posix_threads[POSIX_MAX_RECORDS];

/* The record of the caller, made at the first call for an adopted thread. */
struct posix_thread* tn_posix_adopt(tn_thread_t* t);

static inline struct posix_thread* tn_posix_self(void) {
    tn_thread_t* t = tn_thread_current();
    struct posix_thread* r = (struct posix_thread*)*tn_thread_slot(t, TN_THREAD_SLOT_POSIX);
    if (__builtin_expect(r != 0, 1))
        return r;
    return tn_posix_adopt(t);
}

/* The record a pthread_t names, or NULL for a value that is no live record
 * (checked against the pool's bounds before anything is read). */
static inline struct posix_thread* tn_posix_lookup(pthread_t id) {
    uintptr_t base = (uintptr_t)tn_posix_threads;
    if (id < base || id >= base + sizeof tn_posix_threads || (id - base) % sizeof(struct posix_thread))
        return 0;
    struct posix_thread* r = (struct posix_thread*)id;
    return __atomic_load_n(&r->magic, __ATOMIC_ACQUIRE) == POSIX_THREAD_MAGIC ? r : 0;
}

/* The lock of the records and the key table: short sections only, never
 * around a call that blocks. Preemption is off while it is held, so a thread
 * of the same CPU cannot spin on it against a preempted owner. */
void tn_posix_lock(void);
void tn_posix_unlock(void);

/* Runs the key destructors of @r (the caller's own record), up to
 * PTHREAD_DESTRUCTOR_ITERATIONS rounds (keys.c). */
void tn_posix_run_destructors(struct posix_thread* r);
/* Gives back an adopted thread's block of key values; lock held (keys.c). */
void tn_posix_release_key_block(struct posix_thread* r);

/* The POSIX priority range of @policy; -1 (both) for an unknown policy. */
static inline int tn_posix_prio_min(int policy) {
    return policy == SCHED_FIFO || policy == SCHED_RR ? 1 : policy == SCHED_OTHER ? 0 : -1;
}
static inline int tn_posix_prio_max(int policy) {
    return policy == SCHED_FIFO || policy == SCHED_RR ? (int)tn_sched_priorities() - 1
           : policy == SCHED_OTHER                  ? 0
                                                    : -1;
}
static inline int tn_posix_prio_valid(int policy, int prio) {
    int lo = tn_posix_prio_min(policy);
    return lo >= 0 && prio >= lo && prio <= tn_posix_prio_max(policy);
}

/* Sets the policy and priority of a live thread: 0, or ESRCH when it has
 * exited; policy and priority already checked (thread.c). */
int tn_posix_set_sched(struct posix_thread* r, int policy, int prio);
/* Reads them: 0, or ESRCH when it has exited (thread.c). */
int tn_posix_get_sched(struct posix_thread* r, int* policy, int* prio);

#endif /* TN_POSIX_THREAD_IMPL_H */
