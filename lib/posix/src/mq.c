/*
 * lib/posix: POSIX message queues (<mqueue.h>).
 *
 * lib/sync's tn_mq is a FIFO of fixed-size messages; POSIX queues hold
 * messages of any length up to mq_msgsize, received highest priority first
 * and FIFO within a priority. So a queue here is lib/sync's tn_mutex guarding
 * its own storage plus two tn_cond (not empty, not full) for the blocked
 * senders and receivers; lib/sync wakes the highest-priority waiter first, as
 * POSIX asks under priority scheduling. The storage, one malloc() block per
 * queue made at mq_open(O_CREAT), is mq_maxmsg slots of a small header and
 * mq_msgsize bytes; queued slots sit on one FIFO list per priority, and a
 * bitmap of the non-empty lists finds the highest priority in O(1).
 *
 * Names live in a static table of CONFIG_LIBPOSIX_MQ_MAX queues (no file
 * system); descriptors in a static table of CONFIG_LIBPOSIX_MQ_OPEN_MAX. A
 * descriptor is its table index plus a generation in the upper bits, so a
 * closed descriptor is told apart from a reused entry (EBADF). A queue holds
 * one reference per descriptor and per call in progress, and is freed once it
 * is unlinked and the last reference goes. Timed calls take CLOCK_REALTIME
 * deadlines (tn_posix_until()).
 *
 * A name is '/' and at least one more character, at most NAME_MAX bytes
 * (other names: EINVAL; POSIX leaves them to the implementation). mq_notify()
 * takes SIGEV_NONE and SIGEV_THREAD (the function runs in a new thread,
 * reclaimed after it returns; tn_posix_sigev_spawn()); SIGEV_SIGNAL is
 * EINVAL, as Tenon delivers no signals. The image is one process, so any
 * descriptor of the queue can remove the registration.
 */
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <tn/sched.h>
#include <tn/sync.h>

#include "mq_impl.h"
#include "posix_impl.h"

#define MQ_NONE UINT32_MAX
#define MQD_IDX_BITS 8

struct mq_slot {
    uint32_t next;  /* next slot on its priority list or the free list */
    uint32_t len;
};

struct pmq {
    int used;
    int unlinked;
    unsigned refs;                 /* descriptors + calls in progress (under g_lock) */
    char name[NAME_MAX + 1];
    long maxmsg;
    long msgsize;
    size_t slot_size;
    unsigned char* slots;
    /* The rest is under lock. */
    tn_mutex_t lock;
    tn_cond_t not_empty;
    tn_cond_t not_full;
    long curmsgs;
    uint32_t free_head;
    uint32_t head[MQ_PRIO_MAX];
    uint32_t tail[MQ_PRIO_MAX];
    uint32_t bitmap;               /* bit p: list p not empty */
    unsigned receivers;            /* threads blocked in mq_receive */
    int notify_desc;               /* registered descriptor, -1: none */
    int notify_kind;               /* SIGEV_NONE or SIGEV_THREAD */
    void (*notify_fn)(union sigval);
    union sigval notify_value;
    struct tn_posix_sigev_thread notify_how;
};

struct pmqd {
    struct pmq* q;       /* NULL: free */
    int flags;           /* O_ACCMODE bits | O_NONBLOCK */
    unsigned gen;
};

static struct pmq g_queues[CONFIG_LIBPOSIX_MQ_MAX];
static struct pmqd g_descs[CONFIG_LIBPOSIX_MQ_OPEN_MAX];
static tn_mutex_t g_lock;
static int g_ready;  /* 0, 1 while being set up, 2 */

static void mq_tables_init(void) { tn_posix_static_mutex(&g_lock, &g_ready); }

static void g_lock_take(void) {
    mq_tables_init();
    tn_mutex_lock(&g_lock, TN_FOREVER);
}

static void g_lock_give(void) { tn_mutex_unlock(&g_lock); }

static struct mq_slot* slot_at(struct pmq* q, uint32_t i) {
    return (struct mq_slot*)(q->slots + (size_t)i * q->slot_size);
}

/* Drops one reference; the last one of an unlinked queue frees it. Under g_lock. */
static void mq_unref_locked(struct pmq* q) {
    if (--q->refs == 0 && q->unlinked) {
        free(q->slots);
        q->slots = NULL;
        q->used = 0;
    }
}

static void mq_unref(struct pmq* q) {
    g_lock_take();
    mq_unref_locked(q);
    g_lock_give();
}

/* The queue of descriptor @d with a reference taken, its flags in *flags;
 * NULL if @d is not an open descriptor. */
static struct pmq* mqd_get(mqd_t d, int* flags) {
    if (d < 0)
        return NULL;
    unsigned idx = (unsigned)d & ((1u << MQD_IDX_BITS) - 1);
    unsigned gen = (unsigned)d >> MQD_IDX_BITS;
    if (idx >= CONFIG_LIBPOSIX_MQ_OPEN_MAX)
        return NULL;
    struct pmq* q = NULL;
    g_lock_take();
    struct pmqd* md = &g_descs[idx];
    if (md->q && md->gen == gen) {
        q = md->q;
        *flags = md->flags;
        ++q->refs;
    }
    g_lock_give();
    return q;
}

static int mq_name_check(const char* name) {
    if (!name || name[0] != '/' || name[1] == '\0')
        return EINVAL;
    if (strlen(name) > NAME_MAX)
        return ENAMETOOLONG;
    return 0;
}

static struct pmq* mq_find_locked(const char* name) {
    for (unsigned i = 0; i < CONFIG_LIBPOSIX_MQ_MAX; ++i)
        if (g_queues[i].used && !g_queues[i].unlinked && strcmp(g_queues[i].name, name) == 0)
            return &g_queues[i];
    return NULL;
}

/* Sets up @q with @maxmsg x @msgsize storage; ENOSPC when it cannot be had. */
static int mq_create(struct pmq* q, const char* name, long maxmsg, long msgsize) {
    size_t slot = sizeof(struct mq_slot) + (size_t)msgsize;
    slot = (slot + 7) & ~(size_t)7;
    if ((unsigned long)maxmsg >= MQ_NONE || (size_t)maxmsg > SIZE_MAX / slot)
        return ENOSPC;
    unsigned char* mem = malloc(slot * (size_t)maxmsg);
    if (!mem)
        return ENOSPC;
    memset(q, 0, sizeof *q);
    strcpy(q->name, name);
    q->maxmsg = maxmsg;
    q->msgsize = msgsize;
    q->slot_size = slot;
    q->slots = mem;
    tn_mutex_init(&q->lock);
    tn_cond_init(&q->not_empty);
    tn_cond_init(&q->not_full);
    for (uint32_t i = 0; i < (uint32_t)maxmsg; ++i)
        slot_at(q, i)->next = i + 1 < (uint32_t)maxmsg ? i + 1 : MQ_NONE;
    q->free_head = 0;
    for (unsigned p = 0; p < MQ_PRIO_MAX; ++p)
        q->head[p] = q->tail[p] = MQ_NONE;
    q->notify_desc = -1;
    q->used = 1;
    return 0;
}

mqd_t mq_open(const char* name, int oflag, ...) {
    struct mq_attr* attr = NULL;
    if (oflag & O_CREAT) {
        va_list ap;
        va_start(ap, oflag);
        (void)va_arg(ap, int);  /* mode: there are no permissions to apply */
        attr = va_arg(ap, struct mq_attr*);
        va_end(ap);
    }
    int err = mq_name_check(name);
    if (!err && (oflag & O_ACCMODE) != O_RDONLY && (oflag & O_ACCMODE) != O_WRONLY &&
        (oflag & O_ACCMODE) != O_RDWR)
        err = EINVAL;
    if (err) {
        errno = err;
        return (mqd_t)-1;
    }

    g_lock_take();
    int d = -1;
    for (unsigned i = 0; i < CONFIG_LIBPOSIX_MQ_OPEN_MAX; ++i)
        if (!g_descs[i].q) {
            d = (int)i;
            break;
        }
    struct pmq* q = mq_find_locked(name);
    if (q) {
        if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
            err = EEXIST;
    } else if (!(oflag & O_CREAT)) {
        err = ENOENT;
    } else if (attr && (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0)) {
        err = EINVAL;
    }
    if (!err && d < 0)
        err = EMFILE;
    if (!err && !q) {
        for (unsigned i = 0; i < CONFIG_LIBPOSIX_MQ_MAX; ++i)
            if (!g_queues[i].used) {
                q = &g_queues[i];
                break;
            }
        if (!q)
            err = ENFILE;
        else
            err = mq_create(q, name, attr ? attr->mq_maxmsg : CONFIG_LIBPOSIX_MQ_DEFAULT_MAXMSG,
                            attr ? attr->mq_msgsize : CONFIG_LIBPOSIX_MQ_DEFAULT_MSGSIZE);
    }
    mqd_t result = (mqd_t)-1;
    if (!err) {
        struct pmqd* md = &g_descs[d];
        md->q = q;
        md->flags = oflag & (O_ACCMODE | O_NONBLOCK);
        md->gen = (md->gen + 1) & (INT_MAX >> MQD_IDX_BITS);
        if (md->gen == 0)
            md->gen = 1;
        ++q->refs;
        result = (mqd_t)((md->gen << MQD_IDX_BITS) | (unsigned)d);
    }
    g_lock_give();
    if (err)
        errno = err;
    return result;
}

int mq_close(mqd_t mqdes) {
    int flags;
    struct pmq* q = mqd_get(mqdes, &flags);
    if (!q) {
        errno = EBADF;
        return -1;
    }
    /* A registration made through this descriptor goes with it. */
    tn_mutex_lock(&q->lock, TN_FOREVER);
    if (q->notify_desc == mqdes)
        q->notify_desc = -1;
    tn_mutex_unlock(&q->lock);

    int err = 0;
    g_lock_take();
    struct pmqd* md = &g_descs[(unsigned)mqdes & ((1u << MQD_IDX_BITS) - 1)];
    if (md->q == q && md->gen == ((unsigned)mqdes >> MQD_IDX_BITS)) {
        md->q = NULL;
        mq_unref_locked(q);  /* the descriptor's */
    } else {
        err = EBADF;  /* closed by another thread meanwhile */
    }
    mq_unref_locked(q);      /* ours */
    g_lock_give();
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int mq_unlink(const char* name) {
    int err = mq_name_check(name);
    if (err) {
        errno = err;
        return -1;
    }
    g_lock_take();
    struct pmq* q = mq_find_locked(name);
    if (q) {
        q->unlinked = 1;  /* the name is gone now; the queue when its last reference goes */
        ++q->refs;
        mq_unref_locked(q);
    }
    g_lock_give();
    if (!q) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

/* Waits on @cond (q->lock held) for a change; 0 to check again, or the errno:
 * EAGAIN for O_NONBLOCK, ETIMEDOUT once @abstime has passed, EINVAL for a bad
 * @abstime (POSIX checks it only when the call would block). */
static int mq_wait(struct pmq* q, tn_cond_t* cond, int flags, const struct timespec* abstime) {
    if (flags & O_NONBLOCK)
        return EAGAIN;
    uint64_t rel = TN_FOREVER;
    if (abstime) {
        int err = tn_posix_until(CLOCK_REALTIME, abstime, &rel);
        if (err)
            return err;
        if (rel == 0)
            return ETIMEDOUT;
    }
    int rc = tn_cond_wait(cond, &q->lock, rel);
    if (rc == -TN_ETIMEDOUT)
        return 0;  /* the loop checks the queue, then the deadline */
    return tn_posix_errno(rc);
}

static int mq_do_send(mqd_t mqdes, const char* msg, size_t len, unsigned prio,
                      const struct timespec* abstime) {
    int flags;
    struct pmq* q = mqd_get(mqdes, &flags);
    if (!q)
        return EBADF;
    int err = 0;
    if ((flags & O_ACCMODE) == O_RDONLY)
        err = EBADF;
    else if (len > (size_t)q->msgsize)
        err = EMSGSIZE;
    else if (prio >= MQ_PRIO_MAX || (!msg && len))
        err = EINVAL;
    if (err) {
        mq_unref(q);
        return err;
    }

    tn_mutex_lock(&q->lock, TN_FOREVER);
    while (q->curmsgs >= q->maxmsg && !err)
        err = mq_wait(q, &q->not_full, flags, abstime);
    int notify = 0;
    void (*notify_fn)(union sigval) = NULL;
    union sigval notify_value = { 0 };
    struct tn_posix_sigev_thread notify_how;
    if (!err) {
        uint32_t i = q->free_head;
        struct mq_slot* s = slot_at(q, i);
        q->free_head = s->next;
        s->next = MQ_NONE;
        s->len = (uint32_t)len;
        if (len)
            memcpy(s + 1, msg, len);
        if (q->tail[prio] == MQ_NONE)
            q->head[prio] = i;
        else
            slot_at(q, q->tail[prio])->next = i;
        q->tail[prio] = i;
        q->bitmap |= 1u << prio;
        /* A message arriving on an empty queue nobody waits on triggers the
         * registered notification, which is then removed. */
        if (q->curmsgs++ == 0 && q->receivers == 0 && q->notify_desc != -1) {
            notify = q->notify_kind == SIGEV_THREAD;
            notify_fn = q->notify_fn;
            notify_value = q->notify_value;
            notify_how = q->notify_how;
            q->notify_desc = -1;
        }
        tn_cond_signal(&q->not_empty);
    }
    tn_mutex_unlock(&q->lock);
    mq_unref(q);
    if (notify)
        tn_posix_sigev_spawn(notify_fn, notify_value, &notify_how);
    return err;
}

int mq_send(mqd_t mqdes, const char* msg_ptr, size_t msg_len, unsigned msg_prio) {
    int err = mq_do_send(mqdes, msg_ptr, msg_len, msg_prio, NULL);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int mq_timedsend(mqd_t mqdes, const char* msg_ptr, size_t msg_len, unsigned msg_prio,
                 const struct timespec* abstime) {
    int err = mq_do_send(mqdes, msg_ptr, msg_len, msg_prio, abstime ? abstime : &(struct timespec){ -1, -1 });
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

static ssize_t mq_do_receive(mqd_t mqdes, char* msg, size_t len, unsigned* prio,
                             const struct timespec* abstime) {
    int flags;
    struct pmq* q = mqd_get(mqdes, &flags);
    if (!q) {
        errno = EBADF;
        return -1;
    }
    int err = 0;
    if ((flags & O_ACCMODE) == O_WRONLY)
        err = EBADF;
    else if (len < (size_t)q->msgsize)
        err = EMSGSIZE;
    else if (!msg)
        err = EINVAL;
    ssize_t got = -1;
    if (!err) {
        tn_mutex_lock(&q->lock, TN_FOREVER);
        while (q->curmsgs == 0 && !err) {
            ++q->receivers;
            err = mq_wait(q, &q->not_empty, flags, abstime);
            --q->receivers;
        }
        if (!err) {
            unsigned p = 31u - (unsigned)__builtin_clz(q->bitmap);
            uint32_t i = q->head[p];
            struct mq_slot* s = slot_at(q, i);
            q->head[p] = s->next;
            if (s->next == MQ_NONE) {
                q->tail[p] = MQ_NONE;
                q->bitmap &= ~(1u << p);
            }
            memcpy(msg, s + 1, s->len);
            got = (ssize_t)s->len;
            if (prio)
                *prio = p;
            s->next = q->free_head;
            q->free_head = i;
            --q->curmsgs;
            tn_cond_signal(&q->not_full);
        }
        tn_mutex_unlock(&q->lock);
    }
    mq_unref(q);
    if (err)
        errno = err;
    return got;
}

ssize_t mq_receive(mqd_t mqdes, char* msg_ptr, size_t msg_len, unsigned* msg_prio) {
    return mq_do_receive(mqdes, msg_ptr, msg_len, msg_prio, NULL);
}

ssize_t mq_timedreceive(mqd_t mqdes, char* __restrict msg_ptr, size_t msg_len, unsigned* __restrict msg_prio,
                        const struct timespec* __restrict abstime) {
    /* A NULL abstime is invalid, but only when the call would block. */
    return mq_do_receive(mqdes, msg_ptr, msg_len, msg_prio, abstime ? abstime : &(struct timespec){ -1, -1 });
}

static void get_attr(struct pmq* q, int flags, struct mq_attr* out) {
    tn_mutex_lock(&q->lock, TN_FOREVER);
    out->mq_curmsgs = q->curmsgs;
    tn_mutex_unlock(&q->lock);
    out->mq_flags = flags & O_NONBLOCK;
    out->mq_maxmsg = q->maxmsg;
    out->mq_msgsize = q->msgsize;
}

int mq_getattr(mqd_t mqdes, struct mq_attr* mqstat) {
    int flags;
    struct pmq* q = mqd_get(mqdes, &flags);
    if (!q) {
        errno = EBADF;
        return -1;
    }
    if (mqstat)
        get_attr(q, flags, mqstat);
    mq_unref(q);
    if (!mqstat) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int mq_setattr(mqd_t mqdes, const struct mq_attr* __restrict mqstat, struct mq_attr* __restrict omqstat) {
    int flags;
    struct pmq* q = mqd_get(mqdes, &flags);
    if (!q) {
        errno = EBADF;
        return -1;
    }
    if (!mqstat) {
        mq_unref(q);
        errno = EINVAL;
        return -1;
    }
    if (omqstat)
        get_attr(q, flags, omqstat);
    /* Only O_NONBLOCK can change; mq_maxmsg, mq_msgsize and mq_curmsgs are ignored. */
    g_lock_take();
    struct pmqd* md = &g_descs[(unsigned)mqdes & ((1u << MQD_IDX_BITS) - 1)];
    if (md->q == q)
        md->flags = (md->flags & ~O_NONBLOCK) | (int)(mqstat->mq_flags & O_NONBLOCK);
    mq_unref_locked(q);
    g_lock_give();
    return 0;
}

int mq_notify(mqd_t mqdes, const struct sigevent* notification) {
    int flags;
    struct pmq* q = mqd_get(mqdes, &flags);
    if (!q) {
        errno = EBADF;
        return -1;
    }
    int err = 0;
    struct tn_posix_sigev_thread how = { 0 };
    if (notification) {
        /* Signals cannot be delivered on Tenon: SIGEV_SIGNAL is not supported. */
        if (notification->sigev_notify == SIGEV_THREAD) {
            if (!notification->sigev_notify_function)
                err = EINVAL;
            else
                err = tn_posix_sigev_params(notification, &how);
        } else if (notification->sigev_notify != SIGEV_NONE) {
            err = EINVAL;
        }
    }
    if (!err) {
        tn_mutex_lock(&q->lock, TN_FOREVER);
        if (!notification) {
            /* The image is one process: whichever descriptor registered,
             * the registration is this process's, and goes. */
            q->notify_desc = -1;
        } else if (q->notify_desc != -1) {
            err = EBUSY;
        } else {
            q->notify_desc = mqdes;
            q->notify_kind = notification->sigev_notify;
            q->notify_fn = notification->sigev_notify_function;
            q->notify_value = notification->sigev_value;
            q->notify_how = how;
        }
        tn_mutex_unlock(&q->lock);
    }
    mq_unref(q);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}
