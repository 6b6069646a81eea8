/*
 * POSIX message queues on Tenon (lib/posix), on lib/sync's mutexes and
 * condition variables. There is no file system: a queue's name lives in
 * lib/posix's table of queues, shared by every thread of the image
 * (docs/posix.md).
 */
#ifndef _MQUEUE_H
#define _MQUEUE_H

#include <limits.h> /* MQ_PRIO_MAX */
#include <sys/types.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A message-queue descriptor: an index into lib/posix's table of open
 * descriptors (CONFIG_LIBPOSIX_MQ_OPEN_MAX) and a generation, so that a
 * closed descriptor stays invalid (EBADF) after its entry is reused. */
typedef int mqd_t;

/** A queue's attributes (mq_getattr(), mq_setattr(), mq_open(O_CREAT)). */
struct mq_attr {
    long mq_flags;    /**< O_NONBLOCK or 0 (of the descriptor) */
    long mq_maxmsg;   /**< messages the queue holds */
    long mq_msgsize;  /**< largest message, bytes */
    long mq_curmsgs;  /**< messages queued now */
};

/** Priorities are 0 to MQ_PRIO_MAX - 1; higher ones are received first. */

/**
 * Opens (with O_CREAT: creates) the queue @p name: "/" and at least one more
 * character, at most NAME_MAX bytes. With O_CREAT two more arguments follow:
 * a mode_t (ignored: no permissions) and a struct mq_attr* whose mq_maxmsg and
 * mq_msgsize must be > 0; NULL gives CONFIG_LIBPOSIX_MQ_DEFAULT_MAXMSG
 * messages of CONFIG_LIBPOSIX_MQ_DEFAULT_MSGSIZE bytes. The storage comes
 * from malloc().
 * @return a descriptor, or (mqd_t)-1 with errno: EINVAL (bad name, access
 *         mode or attributes), ENAMETOOLONG, ENOENT (no such queue and no
 *         O_CREAT), EEXIST (O_CREAT|O_EXCL and it exists), EMFILE (all
 *         descriptors in use), ENFILE (all CONFIG_LIBPOSIX_MQ_MAX queues
 *         exist), ENOSPC (no memory for the messages).
 */
mqd_t mq_open(const char* name, int oflag, ...);
/** Closes @p mqdes (and a notification registered through it); EBADF. */
int mq_close(mqd_t mqdes);
/** Removes @p name; the queue itself goes with its last descriptor. ENOENT, EINVAL, ENAMETOOLONG. */
int mq_unlink(const char* name);
/** Queues a copy of the message: EBADF (not open for writing), EMSGSIZE,
 * EINVAL (priority), EAGAIN (full and O_NONBLOCK). */
int mq_send(mqd_t mqdes, const char* msg_ptr, size_t msg_len, unsigned msg_prio);
/** mq_send() waiting at most until @p abstime on CLOCK_REALTIME: ETIMEDOUT,
 * or EINVAL for a bad @p abstime when the queue is full. */
int mq_timedsend(mqd_t mqdes, const char* msg_ptr, size_t msg_len, unsigned msg_prio,
                 const struct timespec* abstime);
/** Takes the oldest message of the highest priority; its length, or -1 with
 * EBADF (not open for reading), EMSGSIZE (@p msg_len < mq_msgsize), EAGAIN
 * (empty and O_NONBLOCK). */
ssize_t mq_receive(mqd_t mqdes, char* msg_ptr, size_t msg_len, unsigned* msg_prio);
/** mq_receive() waiting at most until @p abstime on CLOCK_REALTIME. */
ssize_t mq_timedreceive(mqd_t mqdes, char* __restrict msg_ptr, size_t msg_len, unsigned* __restrict msg_prio,
                        const struct timespec* __restrict abstime);
/** The queue's attributes and the descriptor's flags; EBADF. */
int mq_getattr(mqd_t mqdes, struct mq_attr* mqstat);
/** Sets the descriptor's O_NONBLOCK from mq_flags (the rest is ignored). */
int mq_setattr(mqd_t mqdes, const struct mq_attr* __restrict mqstat, struct mq_attr* __restrict omqstat);
/**
 * Registers for one notification when a message reaches the empty queue and
 * no thread waits in mq_receive: SIGEV_NONE or SIGEV_THREAD (the function runs
 * in a thread of its own); NULL removes the registration. EBUSY when one
 * exists, EINVAL for SIGEV_SIGNAL (no signals on Tenon), EBADF.
 */
int mq_notify(mqd_t mqdes, const struct sigevent* notification);

#ifdef __cplusplus
}
#endif

#endif /* _MQUEUE_H */
