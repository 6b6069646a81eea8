/*
 * lib/posix internals shared by mq.c and timer.c: running a SIGEV_THREAD
 * notification function in a thread of its own.
 */
#ifndef TN_POSIX_MQ_IMPL_H
#define TN_POSIX_MQ_IMPL_H

#include <signal.h>
#include <stdint.h>

/* The Tenon priority and stack size a SIGEV_THREAD notification of @ev runs
 * with: sigev_notify_attributes' scheduling parameter when it asks for
 * PTHREAD_EXPLICIT_SCHED, otherwise the caller's priority (the notification
 * thread inherits from the thread that registered it); its stack size when
 * set, otherwise the default. EINVAL for a priority out of range. */
int tn_posix_sigev_params(const struct sigevent* ev, uint8_t* prio, size_t* stack);

/* Calls ev's sigev_notify_function(sigev_value) once in a new thread of
 * priority @prio; the thread is reclaimed after it returns (joined by a later
 * call). ENOMEM/EAGAIN when no thread can be made. */
int tn_posix_sigev_spawn(void (*fn)(union sigval), union sigval value, uint8_t prio, size_t stack);

#endif /* TN_POSIX_MQ_IMPL_H */
