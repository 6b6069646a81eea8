/*
 * The user runtime's <sched.h> (lib/process/user): newlib's, plus
 * sched_yield(), which newlib declares only with _POSIX_THREADS or
 * _POSIX_PRIORITY_SCHEDULING; a process has neither threads of its own nor
 * scheduling-policy calls, but yields (TN_SYS_YIELD).
 */
#ifndef TN_USER_SCHED_H
#define TN_USER_SCHED_H

#include_next <sched.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Gives the CPU to another ready thread of the same priority. 0. */
int sched_yield(void);

#ifdef __cplusplus
}
#endif

#endif
