/*
 * The POSIX layer against the native API (issue 17; docs/benchmarks.md):
 *
 *   posix.mutex_lock_unlock     pthread_mutex_lock + unlock, uncontended
 *   posix.sem_post_wait_switch  two threads of one priority ping-pong
 *                               through two sem_t: one sem_post + sem_wait
 *                               + switch per sample
 *   posix.cond_signal_wakeup    pthread_cond_signal to a higher-priority
 *                               waiter, until it runs
 *
 * each beside the same measurement through lib/sync's C API (tn/sync.h:
 * native.mutex_lock_unlock, native.sem_give_take_switch,
 * native.cond_signal_wakeup) in the same image, so the ratio is the cost of
 * the POSIX layer alone. posix_ops.inc holds the measurements once; it is
 * included here for each API. The pthreads get SCHED_FIFO at the same
 * numeric priorities as the native threads (POSIX priority N is Tenon
 * priority N, docs/posix.md).
 *
 * In C, not C++: <pthread.h> and <semaphore.h> need newlib's headers, which
 * only C code sees.
 */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>

#include <tn/sched.h>
#include <tn/sync.h>

#include "bench.h"

/* As sched.cpp: every thread below main()'s 16, so main() waits in join. */
enum { k_low = 5, k_mid = 10, k_high = 12 };

static uint64_t g_before;
static volatile int g_stop;

/* ---- POSIX */
static void* posix_entry(void* body) {
    ((void (*)(void))body)();
    return NULL;
}

static int posix_start(pthread_t* t, int priority, void (*body)(void)) {
    pthread_attr_t attr;
    struct sched_param sp = {.sched_priority = priority};
    int err = pthread_attr_init(&attr);
    if (err == 0)
        err = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
    if (err == 0)
        err = pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
    if (err == 0)
        err = pthread_attr_setschedparam(&attr, &sp);
    if (err == 0)
        err = pthread_create(t, &attr, posix_entry, (void*)body);
    (void)pthread_attr_destroy(&attr);
    return err;
}

#define OPS_NAME(x) posix_##x
#define OPS_PREFIX "posix."
#define OPS_MUTEX_T pthread_mutex_t
#define OPS_MUTEX_INIT(m) pthread_mutex_init(m, NULL)
#define OPS_LOCK(m) pthread_mutex_lock(m)
#define OPS_UNLOCK(m) pthread_mutex_unlock(m)
#define OPS_SEM_T sem_t
#define OPS_SEM_INIT(s) sem_init(s, 0, 0)
#define OPS_POST(s) sem_post(s)
#define OPS_WAIT(s) sem_wait(s)
#define OPS_SEM_METRIC "sem_post_wait_switch"
#define OPS_COND_T pthread_cond_t
#define OPS_COND_INIT(c) pthread_cond_init(c, NULL)
#define OPS_SIGNAL(c) pthread_cond_signal(c)
#define OPS_COND_WAIT(c, m) pthread_cond_wait(c, m)
#define OPS_THREAD_T pthread_t
#define OPS_START(t, priority, body) posix_start(&(t), priority, body)
#define OPS_JOIN(t) pthread_join(t, NULL)
#include "posix_ops.inc"
#undef OPS_NAME
#undef OPS_PREFIX
#undef OPS_MUTEX_T
#undef OPS_MUTEX_INIT
#undef OPS_LOCK
#undef OPS_UNLOCK
#undef OPS_SEM_T
#undef OPS_SEM_INIT
#undef OPS_POST
#undef OPS_WAIT
#undef OPS_SEM_METRIC
#undef OPS_COND_T
#undef OPS_COND_INIT
#undef OPS_SIGNAL
#undef OPS_COND_WAIT
#undef OPS_THREAD_T
#undef OPS_START
#undef OPS_JOIN

/* ---- native: lib/sync's and lib/sched's C API */
typedef tn_thread_t* native_thread_t;

static void native_entry(void* body) { ((void (*)(void))body)(); }

static int native_start(tn_thread_t** t, int priority, void (*body)(void)) {
    tn_thread_attr_t attr = {"native", (uint8_t)priority, 0, 0};
    return tn_thread_create(t, &attr, native_entry, (void*)body);
}

#define OPS_NAME(x) native_##x
#define OPS_PREFIX "native."
#define OPS_MUTEX_T tn_mutex_t
#define OPS_MUTEX_INIT(m) tn_mutex_init(m)
#define OPS_LOCK(m) tn_mutex_lock(m, TN_FOREVER)
#define OPS_UNLOCK(m) tn_mutex_unlock(m)
#define OPS_SEM_T tn_sem_t
#define OPS_SEM_INIT(s) tn_sem_init(s, 0, 1)
#define OPS_POST(s) tn_sem_give(s)
#define OPS_WAIT(s) tn_sem_take(s, TN_FOREVER)
#define OPS_SEM_METRIC "sem_give_take_switch"
#define OPS_COND_T tn_cond_t
#define OPS_COND_INIT(c) tn_cond_init(c)
#define OPS_SIGNAL(c) tn_cond_signal(c)
#define OPS_COND_WAIT(c, m) tn_cond_wait(c, m, TN_FOREVER)
#define OPS_THREAD_T native_thread_t
#define OPS_START(t, priority, body) native_start(&(t), priority, body)
#define OPS_JOIN(t) tn_thread_join(t, TN_FOREVER, NULL)
#include "posix_ops.inc"

void rtbench_run_posix(void) {
    native_run();
    posix_run();
}
