/*
 * lib/posix's internal helpers, shared by its sources (not installed for
 * applications).
 */
#ifndef TN_POSIX_IMPL_H
#define TN_POSIX_IMPL_H

#include <errno.h>
#include <stdint.h>
#include <time.h>

#include <tn/errno.h>
#include <tn/sched.h>
#include <tn/sync.h>

/* The errno value of a negative Tenon error code (tn/errno.h's values are
 * Linux's; newlib's differ: ETIMEDOUT is 116 there). 0 stays 0. */
static inline int tn_posix_errno(int tn_rc) {
    switch (tn_rc) {
    case 0: return 0;
    case -TN_EPERM: return EPERM;
    case -TN_EAGAIN: return EAGAIN;
    case -TN_ENOMEM: return ENOMEM;
    case -TN_EINVAL: return EINVAL;
    case -TN_EDEADLK: return EDEADLK;
    case -TN_EOVERFLOW: return EOVERFLOW;
    case -TN_ETIMEDOUT: return ETIMEDOUT;
    case -TN_EINISR: return EPERM;
    default: return EINVAL;
    }
}

/* Nanoseconds from now until @abstime on @clock (CLOCK_REALTIME or
 * CLOCK_MONOTONIC), 0 if it has passed. EINVAL for a tv_nsec outside
 * [0, 1e9) or a negative tv_sec (POSIX: checked only when the call would
 * block) or an unknown clock. */
int tn_posix_until(clockid_t clock, const struct timespec* abstime, uint64_t* rel_ns);

/* Sets up a module's static @mutex on first use, once, whichever thread
 * comes first; @state is the module's static int, 0 at boot. */
void tn_posix_static_mutex(tn_mutex_t* mutex, int* state);

#endif /* TN_POSIX_IMPL_H */
