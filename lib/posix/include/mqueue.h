/*
 * POSIX message queues on Tenon (lib/posix), on lib/sync's message queues.
 * There is no file system: a queue's name lives in lib/posix's table of
 * queues, shared by every thread of the image (docs/posix.md).
 */
#ifndef _MQUEUE_H
#define _MQUEUE_H

#include <sys/types.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A message-queue descriptor (an index into lib/posix's table of open queues). */
typedef int mqd_t;

struct mq_attr {
    long mq_flags;    /* O_NONBLOCK or 0 */
    long mq_maxmsg;   /* messages the queue holds */
    long mq_msgsize;  /* largest message, bytes */
    long mq_curmsgs;  /* messages queued now */
};

#define MQ_PRIO_MAX 32

mqd_t mq_open(const char* name, int oflag, ...);
int mq_close(mqd_t mqdes);
int mq_unlink(const char* name);
int mq_send(mqd_t mqdes, const char* msg_ptr, size_t msg_len, unsigned msg_prio);
int mq_timedsend(mqd_t mqdes, const char* msg_ptr, size_t msg_len, unsigned msg_prio,
                 const struct timespec* abstime);
ssize_t mq_receive(mqd_t mqdes, char* msg_ptr, size_t msg_len, unsigned* msg_prio);
ssize_t mq_timedreceive(mqd_t mqdes, char* __restrict msg_ptr, size_t msg_len, unsigned* __restrict msg_prio,
                        const struct timespec* __restrict abstime);
int mq_getattr(mqd_t mqdes, struct mq_attr* mqstat);
int mq_setattr(mqd_t mqdes, const struct mq_attr* __restrict mqstat, struct mq_attr* __restrict omqstat);
int mq_notify(mqd_t mqdes, const struct sigevent* notification);

#ifdef __cplusplus
}
#endif

#endif /* _MQUEUE_H */
