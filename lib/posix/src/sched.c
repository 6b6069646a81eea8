/*
 * lib/posix: scheduling. SCHED_FIFO and SCHED_RR take POSIX priorities 1 to
 * tn_sched_priorities() - 1, which are the Tenon priorities of the same
 * number; SCHED_OTHER takes priority 0 only and runs at Tenon priority 0.
 * The policy is recorded per thread (what pthread_getschedparam() and
 * sched_getscheduler() report); threads of equal priority share the CPU
 * by lib/sched's global time slice whatever their policy
 * (CONFIG_LIBSCHED_TIMESLICE_US, 0 or a cooperative scheduler: none).
 * sched_* calls for a process apply to the calling thread: an image is one
 * process (pid 0 or getpid(), else ESRCH).
 */
#include <errno.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "thread_impl.h"

/* <sched.h> declares these only with _POSIX_PRIORITY_SCHEDULING. */
int sched_setparam(pid_t pid, const struct sched_param* param);
int sched_getparam(pid_t pid, struct sched_param* param);
int sched_setscheduler(pid_t pid, int policy, const struct sched_param* param);
int sched_getscheduler(pid_t pid);
int sched_get_priority_max(int policy);
int sched_get_priority_min(int policy);
int sched_rr_get_interval(pid_t pid, struct timespec* interval);

int pthread_getschedparam(pthread_t thread, int* policy, struct sched_param* param) {
    struct posix_thread* r = tn_posix_lookup(thread);
    if (!r)
        return ESRCH;
    if (!policy || !param)
        return EINVAL;
    int pol, prio;
    int rc = tn_posix_get_sched(r, &pol, &prio);
    if (rc == 0) {
        *policy = pol;
        param->sched_priority = prio;
    }
    return rc;
}

int pthread_setschedparam(pthread_t thread, int policy, const struct sched_param* param) {
    struct posix_thread* r = tn_posix_lookup(thread);
    if (!r)
        return ESRCH;
    if (!param || !tn_posix_prio_valid(policy, param->sched_priority))
        return EINVAL;
    return tn_posix_set_sched(r, policy, param->sched_priority);
}

int pthread_setschedprio(pthread_t thread, int prio) {
    struct posix_thread* r = tn_posix_lookup(thread);
    if (!r)
        return ESRCH;
    int policy = r->policy;
    if (!tn_posix_prio_valid(policy, prio))
        return EINVAL;
    return tn_posix_set_sched(r, policy, prio);
}

int sched_yield(void) {
    tn_thread_yield();
    return 0;
}

int sched_get_priority_max(int policy) {
    int p = tn_posix_prio_max(policy);
    if (p < 0)
        errno = EINVAL;
    return p;
}

int sched_get_priority_min(int policy) {
    int p = tn_posix_prio_min(policy);
    if (p < 0)
        errno = EINVAL;
    return p;
}

/* The caller's record for a pid that names this process; NULL with errno
 * ESRCH for another pid. */
static struct posix_thread* process_thread(pid_t pid) {
    if (pid != 0 && pid != getpid()) {
        errno = ESRCH;
        return 0;
    }
    return tn_posix_self();
}

static int fail(int e) {
    errno = e;
    return -1;
}

int sched_getparam(pid_t pid, struct sched_param* param) {
    struct posix_thread* r = process_thread(pid);
    if (!r)
        return -1;
    if (!param)
        return fail(EINVAL);
    int policy, prio;
    int rc = tn_posix_get_sched(r, &policy, &prio);
    if (rc)
        return fail(rc);
    param->sched_priority = prio;
    return 0;
}

int sched_setparam(pid_t pid, const struct sched_param* param) {
    struct posix_thread* r = process_thread(pid);
    if (!r)
        return -1;
    if (!param || !tn_posix_prio_valid(r->policy, param->sched_priority))
        return fail(EINVAL);
    int rc = tn_posix_set_sched(r, r->policy, param->sched_priority);
    return rc ? fail(rc) : 0;
}

int sched_getscheduler(pid_t pid) {
    struct posix_thread* r = process_thread(pid);
    if (!r)
        return -1;
    return r->policy;
}

/* Returns the former policy. */
int sched_setscheduler(pid_t pid, int policy, const struct sched_param* param) {
    struct posix_thread* r = process_thread(pid);
    if (!r)
        return -1;
    if (!param || !tn_posix_prio_valid(policy, param->sched_priority))
        return fail(EINVAL);
    int old = r->policy;
    int rc = tn_posix_set_sched(r, policy, param->sched_priority);
    return rc ? fail(rc) : old;
}

/* The round-robin time slice; zero when lib/sched slices nothing. */
int sched_rr_get_interval(pid_t pid, struct timespec* interval) {
    if (!process_thread(pid))
        return -1;
    if (!interval)
        return fail(EINVAL);
#ifdef CONFIG_LIBSCHED_TIMESLICE_US
    unsigned long us = CONFIG_LIBSCHED_TIMESLICE_US;
#else
    unsigned long us = 0;
#endif
    interval->tv_sec = (time_t)(us / 1000000u);
    interval->tv_nsec = (long)(us % 1000000u) * 1000;
    return 0;
}
