/*
 * POSIX message queues of a Tenon process (lib/process/user): the queues
 * are the kernel's (TN_SYS_MQ_*), shared by every process that opens the
 * same name. struct mq_attr has lib/posix's layout (the kernel reads it).
 */
#ifndef _MQUEUE_H
#define _MQUEUE_H

#include <fcntl.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A message-queue descriptor, as the kernel returns it. */
typedef int mqd_t;

/** A queue's attributes (mq_open() with O_CREAT). */
struct mq_attr {
    long mq_flags;    /**< O_NONBLOCK or 0 */
    long mq_maxmsg;   /**< messages the queue holds */
    long mq_msgsize;  /**< largest message, bytes */
    long mq_curmsgs;  /**< messages queued now */
};

/** Opens (with O_CREAT, creates: then a mode_t and a struct mq_attr*, or
 * NULL, follow) the queue @p name. A descriptor, or (mqd_t)-1 with errno. */
mqd_t mq_open(const char* name, int oflag, ...);
/** Closes @p mqdes. 0, or -1 with errno. */
int mq_close(mqd_t mqdes);
/** Removes @p name. 0, or -1 with errno. */
int mq_unlink(const char* name);
/** Queues a copy of the message. 0, or -1 with errno. */
int mq_send(mqd_t mqdes, const char* msg_ptr, size_t msg_len, unsigned msg_prio);
/** Takes the oldest message of the highest priority: its length, or -1 with errno. */
ssize_t mq_receive(mqd_t mqdes, char* msg_ptr, size_t msg_len, unsigned* msg_prio);

#ifdef __cplusplus
}
#endif

#endif /* _MQUEUE_H */
