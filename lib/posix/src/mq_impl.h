/*
 * lib/posix internals shared by mq.c and timer.c: running a SIGEV_THREAD
 * notification function in a thread of its own.
 */
#ifndef TN_POSIX_MQ_IMPL_H
#define TN_POSIX_MQ_IMPL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* How a SIGEV_THREAD notification thread is made. */
struct tn_posix_sigev_thread {
    uint8_t prio;     /* Tenon priority */
    uint8_t policy;   /* SCHED_FIFO, SCHED_RR or SCHED_OTHER (recorded) */
    size_t stack;     /* bytes, 0: the default */
    unsigned cpu;
};

/* The thread a SIGEV_THREAD notification of @ev runs in: the priority of
 * sigev_notify_attributes when it asks for PTHREAD_EXPLICIT_SCHED, otherwise
 * the caller's (the notification inherits from the thread that set it up);
 * the attributes' stack size, otherwise the default; the caller's CPU.
 * EINVAL for uninitialised attributes or a priority out of its policy's
 * range. */
int tn_posix_sigev_params(const struct sigevent* ev, struct tn_posix_sigev_thread* out);

/* Calls fn(value) once in a new thread made as @how says; the thread is
 * reclaimed after it returns (joined by a later call). EAGAIN when no thread
 * can be made. */
int tn_posix_sigev_spawn(void (*fn)(union sigval), union sigval value, const struct tn_posix_sigev_thread* how);

#endif /* TN_POSIX_MQ_IMPL_H */
