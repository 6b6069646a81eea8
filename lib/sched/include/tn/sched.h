/*
 * C interface to lib/sched (tn/sched.hpp explains the behaviour; each function
 * forwards to the C++ call of the same name). Threads are opaque handles.
 * Functions that can fail return 0 or a negative error code:
 *
 *   -TN_EINVAL     bad priority, CPU or stack size; join() of itself or of a
 *                  thread already joined (BadPriority, BadCpu, BadStackSize,
 *                  NotJoinable)
 *   -TN_ENOMEM     no memory or no stack slot for a new thread (NoMemory)
 *   -TN_ETIMEDOUT  the timeout passed first (Timeout)
 *   -TN_EAGAIN     TN_NO_WAIT was given and the call would block (WouldBlock)
 *   -TN_EINISR     a call that may block, from an interrupt handler (InIsr)
 *   -TN_EBADSTATE  suspend/resume of a thread in the wrong state (BadState)
 *
 * Priorities: 0 (lowest) to TN_SCHED_PRIORITIES - 1; higher runs first.
 * Times are nanoseconds of the monotonic clock (tn::clock::now_ns()).
 */
#ifndef TN_SCHED_H
#define TN_SCHED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TN_NO_WAIT ((uint64_t)0)
#define TN_FOREVER (~(uint64_t)0)

/* Linux errno values where one fits; TN_EINISR and TN_EBADSTATE are Tenon's. */
#define TN_EPERM 1
#define TN_ENOMEM 12
#define TN_EAGAIN 11
#define TN_EINVAL 22
#define TN_EDEADLK 35
#define TN_EOVERFLOW 75
#define TN_ETIMEDOUT 110
#define TN_EINISR 1000
#define TN_EBADSTATE 1001

typedef struct tn_thread tn_thread_t;
typedef void (*tn_thread_entry_t)(void* arg);

typedef struct tn_thread_attr {
    const char* name;    /* kept by pointer: must outlive the thread */
    uint8_t priority;
    size_t stack_size;   /* 0: CONFIG_LIBSCHED_DEFAULT_STACK_SIZE */
    unsigned cpu;        /* the CPU the thread is pinned to */
} tn_thread_attr_t;

typedef struct tn_thread_stats {
    uint64_t switches_in;
    uint64_t run_ns;     /* 0 without CONFIG_LIBSCHED_RUNTIME_STATS */
} tn_thread_stats_t;

unsigned tn_sched_priorities(void);

int tn_thread_create(tn_thread_t** thread, const tn_thread_attr_t* attr, tn_thread_entry_t entry, void* arg);
void tn_thread_exit(uintptr_t value) __attribute__((noreturn));
/* @p value may be NULL. */
int tn_thread_join(tn_thread_t* thread, uint64_t timeout_ns, uintptr_t* value);
tn_thread_t* tn_thread_current(void);                      /* ISR ok */
void tn_thread_yield(void);
int tn_thread_sleep_ns(uint64_t ns);
int tn_thread_sleep_until(uint64_t deadline_ns);
int tn_thread_suspend(tn_thread_t* thread);
int tn_thread_resume(tn_thread_t* thread);                  /* ISR ok */
int tn_thread_set_priority(tn_thread_t* thread, uint8_t priority);  /* ISR ok */
uint8_t tn_thread_priority(const tn_thread_t* thread);      /* base priority */
uint8_t tn_thread_effective_priority(const tn_thread_t* thread);
const char* tn_thread_name(const tn_thread_t* thread);
void tn_thread_stats(const tn_thread_t* thread, tn_thread_stats_t* stats);

void tn_sched_lock_preemption(void);
void tn_sched_unlock_preemption(void);
int tn_sched_in_isr(void);

#ifdef __cplusplus
}
#endif

#endif /* TN_SCHED_H */
