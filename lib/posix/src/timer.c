/*
 * lib/posix: POSIX timers (timer_create and friends) and the threads that
 * run SIGEV_THREAD notifications.
 *
 * Timers live in a static table of CONFIG_LIBPOSIX_TIMER_MAX (EAGAIN when
 * full); a timer_t is the table index plus a generation in the upper bits, so
 * a deleted timer is told apart from a reused entry (EINVAL). Tenon delivers
 * no signals: SIGEV_SIGNAL, and a NULL sigevent (which POSIX defines as
 * SIGEV_SIGNAL with SIGALRM), are refused with EINVAL; SIGEV_NONE timers
 * just keep time for timer_gettime().
 *
 * A SIGEV_THREAD timer owns a service thread from timer_create() to
 * timer_delete(), of the priority sigev_notify_attributes asks for
 * (PTHREAD_EXPLICIT_SCHED) or else of the creator. It waits on the timer's
 * tn_cond with a relative timeout until the expiry, calls
 * sigev_notify_function(sigev_value) itself, and for a periodic timer moves
 * the expiry on by whole intervals: expirations that passed while the
 * function ran (or the thread was late) are not called again but counted as
 * the overrun that timer_getoverrun() reports for the next call. A dedicated
 * thread costs a stack per timer but needs no dispatching and keeps the
 * timers' priorities apart.
 *
 * Expiries are kept on CLOCK_MONOTONIC. A CLOCK_REALTIME absolute time is
 * converted when the timer is set: a later clock_settime() does not move it.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tn/sched.h>
#include <tn/sync.h>

#include "mq_impl.h"
#include "posix_impl.h"
#include "thread_impl.h"

#define TIMER_IDX_BITS 12
#define NS_PER_S 1000000000ull

struct ptimer {
    int used;                /* under g_lock */
    unsigned gen;            /* under g_lock */
    clockid_t clock;
    int kind;                /* SIGEV_NONE or SIGEV_THREAD */
    void (*fn)(union sigval);
    union sigval value;
    tn_thread_t* thread;
    int policy;              /* of the service thread */
    /* The rest is under lock. */
    tn_mutex_t lock;
    tn_cond_t cond;
    int armed;
    int quit;                /* timer_delete(): the service thread ends */
    int self_delete;         /* deleted from its own function: the thread frees the entry */
    uint64_t expiry;         /* CLOCK_MONOTONIC ns */
    uint64_t interval;       /* ns, 0: one-shot */
    int overrun;
};

static struct ptimer g_timers[CONFIG_LIBPOSIX_TIMER_MAX];
static tn_mutex_t g_lock;    /* the table and the list of finished threads */
static int g_ready;

/* Threads that have finished (notification threads, timer threads deleted
 * from their own function), waiting to be joined. */
struct zombie {
    tn_thread_t* thread;
    struct zombie* next;
};
static struct zombie* g_zombies;

static void timers_init(void) { tn_posix_static_mutex(&g_lock, &g_ready); }

static void g_lock_take(void) {
    timers_init();
    tn_mutex_lock(&g_lock, TN_FOREVER);
}

static void g_lock_give(void) { tn_mutex_unlock(&g_lock); }

/* Joins the finished threads that have exited. Under g_lock. */
static void reap_locked(void) {
    struct zombie** link = &g_zombies;
    while (*link) {
        struct zombie* z = *link;
        if (z->thread && tn_thread_join(z->thread, TN_NO_WAIT, NULL) == 0) {
            *link = z->next;
            free(z);
        } else {
            link = &z->next;
        }
    }
}

/* Called by a finishing thread: @z (holding the thread) goes on the list. */
static void zombie_add(struct zombie* z) {
    g_lock_take();
    z->next = g_zombies;
    g_zombies = z;
    g_lock_give();
}

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static inline unsigned this_cpu(void) { return tn_sched_this_cpu(); }

int tn_posix_sigev_params(const struct sigevent* ev, struct tn_posix_sigev_thread* out) {
    out->prio = tn_thread_priority(tn_thread_current());
    out->policy = tn_posix_self()->policy;
    out->stack = 0;
    out->cpu = this_cpu();
    const pthread_attr_t* attr = ev->sigev_notify_attributes;
    if (!attr)
        return 0;
    if (attr->__initialized != POSIX_ATTR_MAGIC)
        return EINVAL;
    if (attr->__inheritsched == PTHREAD_EXPLICIT_SCHED) {
        /* docs/posix.md's mapping: SCHED_FIFO and SCHED_RR 1..N-1 are Tenon's
         * priorities, SCHED_OTHER is 0 only. */
        if (!tn_posix_prio_valid(attr->__schedpolicy, attr->__schedparam.sched_priority))
            return EINVAL;
        out->prio = (uint8_t)attr->__schedparam.sched_priority;
        out->policy = (uint8_t)attr->__schedpolicy;
    }
    /* A caller-provided stack (__stackaddr) is not used: the thread outlives
     * no particular call, and Tenon threads own their stacks. */
    out->stack = attr->__stacksize;
    return 0;
}

/* A notification thread's first act: pthread_getschedparam() in the
 * function reports the policy it was made with. */
static void sigev_thread_start(int policy) {
    struct posix_thread* self = tn_posix_self();
    if (self->policy != policy)
        tn_posix_set_sched(self, policy, policy == SCHED_OTHER ? 0 : tn_thread_priority(tn_thread_current()));
}

struct sigev_job {
    struct zombie z;  /* first: the job is freed as its zombie */
    void (*fn)(union sigval);
    union sigval value;
    int policy;
};

static void sigev_entry(void* arg) {
    struct sigev_job* job = arg;
    sigev_thread_start(job->policy);
    job->fn(job->value);
    zombie_add(&job->z);
}

int tn_posix_sigev_spawn(void (*fn)(union sigval), union sigval value, const struct tn_posix_sigev_thread* how) {
    struct sigev_job* job = malloc(sizeof *job);
    if (!job)
        return ENOMEM;
    job->fn = fn;
    job->value = value;
    job->policy = how->policy;
    job->z.thread = NULL;
    tn_thread_attr_t attr = { .name = "posix-sigev", .priority = how->prio, .stack_size = how->stack, .cpu = how->cpu };
    /* g_lock is held across the creation so that the thread is on record
     * (z.thread) before it can finish and be reaped. */
    g_lock_take();
    reap_locked();
    int rc = tn_thread_create(&job->z.thread, &attr, sigev_entry, job);
    g_lock_give();
    if (rc != 0) {
        free(job);
        return rc == -TN_ENOMEM ? EAGAIN : EINVAL;
    }
    return 0;
}

/* The service thread of a SIGEV_THREAD timer. */
static void timer_thread(void* arg) {
    struct ptimer* t = arg;
    sigev_thread_start(t->policy);
    tn_mutex_lock(&t->lock, TN_FOREVER);
    while (!t->quit) {
        if (!t->armed) {
            tn_cond_wait(&t->cond, &t->lock, TN_FOREVER);
            continue;
        }
        uint64_t now = mono_ns();
        if (now < t->expiry) {
            tn_cond_wait(&t->cond, &t->lock, t->expiry - now);
            continue;
        }
        uint64_t missed = 0;
        if (t->interval) {
            missed = (now - t->expiry) / t->interval;
            t->expiry += (missed + 1) * t->interval;
        } else {
            t->armed = 0;
        }
        t->overrun = missed > (uint64_t)INT_MAX ? INT_MAX : (int)missed;
        void (*fn)(union sigval) = t->fn;
        union sigval value = t->value;
        tn_mutex_unlock(&t->lock);
        fn(value);
        tn_mutex_lock(&t->lock, TN_FOREVER);
    }
    int self_delete = t->self_delete;
    tn_mutex_unlock(&t->lock);
    if (self_delete) {
        /* Deleted by its own function: nobody joins this thread, so it goes
         * on the list of finished threads and frees the entry itself. */
        struct zombie* z = malloc(sizeof *z);
        g_lock_take();
        if (z) {
            z->thread = t->thread;
            z->next = g_zombies;
            g_zombies = z;
        }
        t->used = 0;
        g_lock_give();
    }
}

/* The timer of @id, or NULL. */
static struct ptimer* timer_get(timer_t id) {
    unsigned long idx = id & ((1ul << TIMER_IDX_BITS) - 1);
    unsigned long gen = id >> TIMER_IDX_BITS;
    if (idx >= CONFIG_LIBPOSIX_TIMER_MAX)
        return NULL;
    struct ptimer* t = NULL;
    g_lock_take();
    if (g_timers[idx].used == 1 && g_timers[idx].gen == gen)
        t = &g_timers[idx];
    g_lock_give();
    return t;
}

int timer_create(clockid_t clock_id, struct sigevent* __restrict evp, timer_t* __restrict timerid) {
    int err = 0;
    struct tn_posix_sigev_thread how = { 0 };
    if (clock_id != CLOCK_REALTIME && clock_id != CLOCK_MONOTONIC)
        err = EINVAL;
    else if (!timerid || !evp)
        err = EINVAL;  /* NULL: SIGEV_SIGNAL by default, and signals cannot be delivered */
    else if (evp->sigev_notify == SIGEV_THREAD)
        err = evp->sigev_notify_function ? tn_posix_sigev_params(evp, &how) : EINVAL;
    else if (evp->sigev_notify != SIGEV_NONE)
        err = EINVAL;
    if (err) {
        errno = err;
        return -1;
    }

    g_lock_take();
    reap_locked();
    struct ptimer* t = NULL;
    unsigned idx = 0;
    for (; idx < CONFIG_LIBPOSIX_TIMER_MAX; ++idx)
        if (!g_timers[idx].used) {
            t = &g_timers[idx];
            break;
        }
    if (t) {
        unsigned gen = t->gen + 1;
        memset(t, 0, sizeof *t);
        t->gen = gen & (UINT_MAX >> TIMER_IDX_BITS);
        t->used = 2;  /* being set up: timer_get() does not see it yet */
    }
    g_lock_give();
    if (!t) {
        errno = EAGAIN;
        return -1;
    }
    t->clock = clock_id;
    t->kind = evp->sigev_notify;
    t->fn = evp->sigev_notify_function;
    t->value = evp->sigev_value;
    t->policy = how.policy;
    tn_mutex_init(&t->lock);
    tn_cond_init(&t->cond);
    if (t->kind == SIGEV_THREAD) {
        tn_thread_attr_t attr = { .name = "posix-timer", .priority = how.prio, .stack_size = how.stack, .cpu = how.cpu };
        int rc = tn_thread_create(&t->thread, &attr, timer_thread, t);
        if (rc != 0) {
            g_lock_take();
            t->used = 0;
            g_lock_give();
            errno = rc == -TN_ENOMEM ? EAGAIN : EINVAL;
            return -1;
        }
    }
    g_lock_take();
    t->used = 1;
    *timerid = ((timer_t)t->gen << TIMER_IDX_BITS) | idx;
    g_lock_give();
    return 0;
}

int timer_delete(timer_t timerid) {
    struct ptimer* t = timer_get(timerid);
    if (!t) {
        errno = EINVAL;
        return -1;
    }
    g_lock_take();
    int mine = t->used == 1;
    if (mine)
        t->used = 3;  /* being deleted: invisible to timer_get() */
    g_lock_give();
    if (!mine) {
        errno = EINVAL;  /* deleted by another thread meanwhile */
        return -1;
    }
    if (t->kind == SIGEV_THREAD) {
        int self = tn_thread_current() == t->thread;
        tn_mutex_lock(&t->lock, TN_FOREVER);
        t->quit = 1;
        t->armed = 0;
        t->self_delete = self;
        tn_cond_signal(&t->cond);
        tn_mutex_unlock(&t->lock);
        if (self)
            return 0;  /* the thread frees the entry when the function returns */
        tn_thread_join(t->thread, TN_FOREVER, NULL);
    }
    g_lock_take();
    t->used = 0;
    g_lock_give();
    return 0;
}

static int ts_valid(const struct timespec* ts) {
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (long)NS_PER_S;
}

static uint64_t ts_ns(const struct timespec* ts) {
    if ((uint64_t)ts->tv_sec >= UINT64_MAX / NS_PER_S - 1)
        return UINT64_MAX / 2;  /* centuries: never */
    return (uint64_t)ts->tv_sec * NS_PER_S + (uint64_t)ts->tv_nsec;
}

static void ns_ts(uint64_t ns, struct timespec* ts) {
    ts->tv_sec = (time_t)(ns / NS_PER_S);
    ts->tv_nsec = (long)(ns % NS_PER_S);
}

/* The time to the next expiry and the interval of @t; under t->lock. A
 * SIGEV_NONE timer's periodic expiries are counted here, as they pass. */
static void timer_read_locked(struct ptimer* t, struct itimerspec* v) {
    uint64_t remaining = 0;
    if (t->armed) {
        uint64_t now = mono_ns();
        if (now >= t->expiry && t->kind == SIGEV_NONE) {
            if (t->interval)
                t->expiry += ((now - t->expiry) / t->interval + 1) * t->interval;
            else
                t->armed = 0;
        }
        if (t->armed)
            remaining = t->expiry > now ? t->expiry - now : 1;  /* due: its thread is about to run */
    }
    ns_ts(remaining, &v->it_value);
    ns_ts(t->armed ? t->interval : 0, &v->it_interval);
    if (!t->armed && t->interval == 0)
        ns_ts(0, &v->it_interval);
}

int timer_settime(timer_t timerid, int flags, const struct itimerspec* __restrict value,
                  struct itimerspec* __restrict ovalue) {
    struct ptimer* t = timer_get(timerid);
    if (!t || !value) {
        errno = EINVAL;
        return -1;
    }
    int disarm = value->it_value.tv_sec == 0 && value->it_value.tv_nsec == 0;
    if (!disarm && (!ts_valid(&value->it_value) || !ts_valid(&value->it_interval))) {
        errno = EINVAL;
        return -1;
    }
    uint64_t expiry = 0;
    uint64_t now = mono_ns();
    if (!disarm) {
        uint64_t v = ts_ns(&value->it_value);
        if (!(flags & TIMER_ABSTIME)) {
            expiry = now + v;
        } else if (t->clock == CLOCK_MONOTONIC) {
            expiry = v;
        } else {
            struct timespec rt;
            clock_gettime(CLOCK_REALTIME, &rt);
            uint64_t rnow = ts_ns(&rt);
            expiry = v > rnow ? now + (v - rnow) : now;  /* passed: expires at once */
        }
    }
    tn_mutex_lock(&t->lock, TN_FOREVER);
    if (ovalue)
        timer_read_locked(t, ovalue);
    t->armed = !disarm;
    t->expiry = expiry;
    t->interval = disarm ? 0 : ts_ns(&value->it_interval);
    t->overrun = 0;
    tn_cond_signal(&t->cond);
    tn_mutex_unlock(&t->lock);
    return 0;
}

int timer_gettime(timer_t timerid, struct itimerspec* value) {
    struct ptimer* t = timer_get(timerid);
    if (!t || !value) {
        errno = EINVAL;
        return -1;
    }
    tn_mutex_lock(&t->lock, TN_FOREVER);
    timer_read_locked(t, value);
    tn_mutex_unlock(&t->lock);
    return 0;
}

int timer_getoverrun(timer_t timerid) {
    struct ptimer* t = timer_get(timerid);
    if (!t) {
        errno = EINVAL;
        return -1;
    }
    tn_mutex_lock(&t->lock, TN_FOREVER);
    int overrun = t->overrun;
    tn_mutex_unlock(&t->lock);
    return overrun;
}
