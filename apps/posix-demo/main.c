/*
 * posix-demo: an ordinary POSIX real-time program. It uses only standard
 * headers and builds unchanged on a POSIX host:
 *
 *     gcc -O2 -Wall -Wextra -pthread main.c -o posix-demo -lrt
 *
 * and as a Tenon image (newlib + lib/posix, apps/posix-demo/defconfig).
 * Three parts run one after the other, then a summary:
 *
 *   1. message queue   a producer and a consumer thread exchange
 *                      DEMO_MESSAGES messages of four priorities through a
 *                      POSIX message queue; the consumer checks that each
 *                      priority's messages arrive in order and that none is
 *                      lost (checksum), after a single-threaded check that
 *                      the highest priority is received first;
 *   2. periodic task   a SCHED_FIFO thread at a high priority wakes on a
 *                      fixed grid of DEMO_PERIOD_US microseconds with
 *                      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) for
 *                      DEMO_PERIODS periods and measures how late each
 *                      wake-up is (min/avg/max, in microseconds);
 *   3. heap churn      DEMO_CHURN_THREADS threads allocate, fill, check and
 *                      free blocks of pseudo-random sizes; the sum of their
 *                      checksums is the same on every platform.
 *
 * The last line is "posix-demo: done" and main() returns 0; any failure
 * prints a "FAILED" line and main() returns 1.
 *
 * Scheduling: SCHED_FIFO usually needs privileges on a desktop system. If
 * pthread_create() refuses the explicit SCHED_FIFO attributes with EPERM,
 * the periodic thread runs with default scheduling and says so; on Tenon
 * every thread may use SCHED_FIFO, so this never happens there.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Every parameter can be changed with -D on the compiler's command line. */
#ifndef DEMO_PERIOD_US
#define DEMO_PERIOD_US 1000 /* the periodic task's period */
#endif
#ifndef DEMO_PERIODS
#define DEMO_PERIODS 200 /* periods measured */
#endif
#ifndef DEMO_MESSAGES
#define DEMO_MESSAGES 400 /* messages from producer to consumer */
#endif
#ifndef DEMO_CHURN_THREADS
#define DEMO_CHURN_THREADS 4
#endif
#ifndef DEMO_CHURN_ROUNDS
#define DEMO_CHURN_ROUNDS 2000 /* allocations per churn thread */
#endif

#define NSEC_PER_SEC 1000000000L
#define QUEUE_DEPTH 8
#define PRIORITIES 4 /* message priorities 0..3 */
/* Stack of every thread: enough for the C library on any platform. */
#define STACK_SIZE (64 * 1024)

static int g_failures;

static void failed(const char* what, int err) {
    printf("posix-demo: FAILED %s: %s\n", what, strerror(err));
    ++g_failures;
}

/* Attributes with an explicit stack size; the rest stays default. */
static int attr_with_stack(pthread_attr_t* attr) {
    int err = pthread_attr_init(attr);
    if (err == 0)
        err = pthread_attr_setstacksize(attr, STACK_SIZE);
    return err;
}

/* ---- 1. Producer and consumer over a message queue ---------------------- */

struct message {
    unsigned seq;      /* 0..DEMO_MESSAGES-1, in sending order */
    unsigned prio;     /* the priority it was sent with */
    unsigned long value;
};

struct mq_result {
    unsigned received;
    unsigned long sum;
    unsigned out_of_order; /* a message older than its priority's last one */
    unsigned wrong_prio;   /* priority received differs from the one sent */
    int err;               /* first error number, 0 if none */
};

static mqd_t g_mq;
static char g_mq_name[32];
static struct mq_result g_mq_result;

/* The value carried by message @p seq: any function of seq will do. */
static unsigned long message_value(unsigned seq) { return (unsigned long)seq * 2654435761u % 1000003u; }

static void* producer(void* arg) {
    (void)arg;
    for (unsigned i = 0; i < DEMO_MESSAGES; ++i) {
        struct message m = {i, (i * 7) % PRIORITIES, message_value(i)};
        /* Blocks while the queue is full: the consumer sets the pace. */
        if (mq_send(g_mq, (const char*)&m, sizeof m, m.prio) != 0) {
            g_mq_result.err = errno;
            break;
        }
    }
    return NULL;
}

static void* consumer(void* arg) {
    (void)arg;
    int last[PRIORITIES];
    for (int p = 0; p < PRIORITIES; ++p)
        last[p] = -1;
    struct mq_result* r = &g_mq_result;
    while (r->received < DEMO_MESSAGES) {
        struct message m;
        unsigned prio;
        ssize_t n = mq_receive(g_mq, (char*)&m, sizeof m, &prio);
        if (n != (ssize_t)sizeof m) {
            r->err = n < 0 ? errno : EMSGSIZE;
            break;
        }
        ++r->received;
        r->sum += m.value;
        if (prio != m.prio || prio >= PRIORITIES) {
            ++r->wrong_prio;
            continue;
        }
        /* Within one priority, messages keep their sending order. */
        if ((int)m.seq <= last[prio])
            ++r->out_of_order;
        last[prio] = (int)m.seq;
    }
    return NULL;
}

/* Without threads: four messages sent in mixed priority order come back
 * highest priority first. Returns 0 or an error number. */
static int mq_priority_check(void) {
    static const unsigned sent[] = {1, 3, 0, 2};
    for (unsigned i = 0; i < 4; ++i) {
        struct message m = {i, sent[i], 0};
        if (mq_send(g_mq, (const char*)&m, sizeof m, sent[i]) != 0)
            return errno;
    }
    for (unsigned expect = 4; expect-- > 0;) {
        struct message m;
        unsigned prio;
        if (mq_receive(g_mq, (char*)&m, sizeof m, &prio) != (ssize_t)sizeof m)
            return errno;
        if (prio != expect || m.prio != expect) {
            printf("posix-demo: mq: got priority %u, expected %u\n", prio, expect);
            return EPROTO;
        }
    }
    return 0;
}

static void demo_mq(void) {
    struct mq_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.mq_maxmsg = QUEUE_DEPTH;
    attr.mq_msgsize = sizeof(struct message);
    /* Queue names are global on a host: one of its own for this run, so
     * two runs at once do not share a queue. */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    snprintf(g_mq_name, sizeof g_mq_name, "/posix-demo-%lx", (unsigned long)now.tv_sec * 1000000000ul + now.tv_nsec);
    g_mq = mq_open(g_mq_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    if (g_mq == (mqd_t)-1) {
        failed("mq_open", errno);
        return;
    }
    int err = mq_priority_check();
    if (err != 0)
        failed("mq: priority order", err);
    else
        printf("posix-demo: mq: priorities 1 3 0 2 sent, 3 2 1 0 received\n");

    pthread_attr_t pa;
    pthread_t prod, cons;
    err = attr_with_stack(&pa);
    if (err == 0)
        err = pthread_create(&cons, &pa, consumer, NULL);
    if (err == 0) {
        err = pthread_create(&prod, &pa, producer, NULL);
        if (err == 0) {
            pthread_join(prod, NULL);
        } else {
            /* The consumer waits for every message: send them from here. */
            failed("mq: pthread_create (producer)", err);
            producer(NULL);
        }
        pthread_join(cons, NULL);
    } else {
        failed("mq: pthread_create (consumer)", err);
    }
    pthread_attr_destroy(&pa);

    unsigned long expect = 0;
    for (unsigned i = 0; i < DEMO_MESSAGES; ++i)
        expect += message_value(i);
    const struct mq_result* r = &g_mq_result;
    printf("posix-demo: mq: %u of %u messages, checksum %lu (%s), %u out of order, %u wrong priority\n",
           r->received, (unsigned)DEMO_MESSAGES, r->sum, r->sum == expect ? "ok" : "WRONG", r->out_of_order,
           r->wrong_prio);
    if (r->err != 0)
        failed("mq: send/receive", r->err);
    else if (r->received != DEMO_MESSAGES || r->sum != expect || r->out_of_order || r->wrong_prio)
        failed("mq: messages lost, reordered or corrupted", EPROTO);

    if (mq_close(g_mq) != 0)
        failed("mq_close", errno);
    if (mq_unlink(g_mq_name) != 0)
        failed("mq_unlink", errno);
    /* The name is gone: opening it without O_CREAT must fail with ENOENT. */
    mqd_t again = mq_open(g_mq_name, O_RDWR);
    if (again != (mqd_t)-1) {
        failed("mq_open after mq_unlink succeeded", EPROTO);
        mq_close(again);
    } else if (errno != ENOENT) {
        failed("mq_open after mq_unlink", errno);
    }
}

/* ---- 2. Periodic SCHED_FIFO thread and its jitter ----------------------- */

struct periodic_result {
    long long min_ns, max_ns, sum_ns;
    unsigned periods;
    unsigned overruns; /* wake-ups later than a whole period */
    int policy, priority;
    int err;
};

static struct periodic_result g_periodic;

static void timespec_add_ns(struct timespec* t, long ns) {
    t->tv_nsec += ns;
    while (t->tv_nsec >= NSEC_PER_SEC) {
        t->tv_nsec -= NSEC_PER_SEC;
        ++t->tv_sec;
    }
}

static long long timespec_diff_ns(const struct timespec* a, const struct timespec* b) {
    return (long long)(a->tv_sec - b->tv_sec) * NSEC_PER_SEC + (a->tv_nsec - b->tv_nsec);
}

static void* periodic(void* arg) {
    (void)arg;
    struct periodic_result* r = &g_periodic;
    struct sched_param sp;
    r->err = pthread_getschedparam(pthread_self(), &r->policy, &sp);
    if (r->err != 0)
        return NULL;
    r->priority = sp.sched_priority;

    struct timespec next;
    if (clock_gettime(CLOCK_MONOTONIC, &next) != 0) {
        r->err = errno;
        return NULL;
    }
    r->min_ns = -1;
    for (unsigned i = 0; i < DEMO_PERIODS; ++i) {
        timespec_add_ns(&next, DEMO_PERIOD_US * 1000L);
        int err;
        do
            err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        while (err == EINTR);
        struct timespec now;
        if (err == 0 && clock_gettime(CLOCK_MONOTONIC, &now) != 0)
            err = errno;
        if (err != 0) {
            r->err = err;
            return NULL;
        }
        long long late = timespec_diff_ns(&now, &next);
        if (late < 0) {
            /* Woken before the deadline: never allowed. */
            r->err = EPROTO;
            return NULL;
        }
        if (r->min_ns < 0 || late < r->min_ns)
            r->min_ns = late;
        if (late > r->max_ns)
            r->max_ns = late;
        r->sum_ns += late;
        if (late >= DEMO_PERIOD_US * 1000LL)
            ++r->overruns;
        ++r->periods;
    }
    return NULL;
}

static const char* policy_name(int policy) {
    switch (policy) {
    case SCHED_FIFO:
        return "SCHED_FIFO";
    case SCHED_RR:
        return "SCHED_RR";
    case SCHED_OTHER:
        return "SCHED_OTHER";
    default:
        return "another policy";
    }
}

static void demo_periodic(void) {
    pthread_attr_t attr;
    struct sched_param sp;
    int prio_max = sched_get_priority_max(SCHED_FIFO);
    int prio_min = sched_get_priority_min(SCHED_FIFO);
    if (prio_max < 0 || prio_min < 0 || prio_min > prio_max) {
        failed("sched_get_priority_min/max(SCHED_FIFO)", prio_max < 0 || prio_min < 0 ? errno : EPROTO);
        return;
    }
    memset(&sp, 0, sizeof sp);
    /* High, but one below the top: leave the highest for urgent work. */
    sp.sched_priority = prio_max - 1 > prio_min ? prio_max - 1 : prio_max;

    int err = attr_with_stack(&attr);
    if (err == 0)
        err = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
    if (err == 0)
        err = pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
    if (err == 0)
        err = pthread_attr_setschedparam(&attr, &sp);
    if (err != 0) {
        failed("periodic: attributes", err);
        pthread_attr_destroy(&attr);
        return;
    }
    pthread_t t;
    err = pthread_create(&t, &attr, periodic, NULL);
    pthread_attr_destroy(&attr);
    if (err == EPERM) {
        printf("posix-demo: periodic: SCHED_FIFO not permitted (EPERM), running with default scheduling\n");
        err = attr_with_stack(&attr);
        if (err == 0)
            err = pthread_create(&t, &attr, periodic, NULL);
        pthread_attr_destroy(&attr);
    }
    if (err != 0) {
        failed("periodic: pthread_create", err);
        return;
    }
    err = pthread_join(t, NULL);
    if (err != 0) {
        failed("periodic: pthread_join", err);
        return;
    }
    const struct periodic_result* r = &g_periodic;
    if (r->err != 0) {
        failed("periodic: clock_nanosleep/clock_gettime/pthread_getschedparam", r->err);
        return;
    }
    printf("posix-demo: periodic: %s priority %d (range %d..%d), %u periods of %d us\n", policy_name(r->policy),
           r->priority, prio_min, prio_max, r->periods, DEMO_PERIOD_US);
    double avg_us = r->periods ? (double)r->sum_ns / r->periods / 1000.0 : 0.0;
    printf("posix-demo: periodic: lateness min %.3f us, avg %.3f us, max %.3f us, %u overruns\n",
           r->min_ns / 1000.0, avg_us, r->max_ns / 1000.0, r->overruns);
    if (r->periods != DEMO_PERIODS)
        failed("periodic: periods missing", EPROTO);
}

/* ---- 3. Heap churn from several threads -------------------------------- */

#define CHURN_SLOTS 16
#define CHURN_MAX_SIZE 2048

struct churn {
    unsigned seed;          /* in: this thread's generator state */
    unsigned long checksum; /* out: sum over every byte written */
    unsigned long bytes;    /* out: bytes allocated in total */
    unsigned bad;           /* out: blocks whose contents changed */
    int err;
};

/* A small linear congruential generator: the same sequence everywhere. */
static unsigned next_random(unsigned* state) {
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

static pthread_mutex_t g_churn_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long g_churn_total; /* every thread adds its checksum */

static void* churn(void* arg) {
    struct churn* c = arg;
    unsigned char* block[CHURN_SLOTS] = {0};
    size_t size[CHURN_SLOTS] = {0};
    unsigned char fill[CHURN_SLOTS] = {0};
    for (unsigned round = 0; round < DEMO_CHURN_ROUNDS; ++round) {
        unsigned slot = next_random(&c->seed) % CHURN_SLOTS;
        if (block[slot]) {
            /* Check what was written before letting go of it. */
            for (size_t i = 0; i < size[slot]; ++i)
                if (block[slot][i] != (unsigned char)(fill[slot] + i)) {
                    ++c->bad;
                    break;
                }
            free(block[slot]);
        }
        size[slot] = 1 + next_random(&c->seed) % CHURN_MAX_SIZE;
        fill[slot] = (unsigned char)next_random(&c->seed);
        block[slot] = malloc(size[slot]);
        if (!block[slot]) {
            c->err = ENOMEM;
            break;
        }
        for (size_t i = 0; i < size[slot]; ++i) {
            block[slot][i] = (unsigned char)(fill[slot] + i);
            c->checksum += block[slot][i];
        }
        c->bytes += size[slot];
        if (round % 64 == 0)
            sched_yield(); /* let the others interleave with us */
    }
    for (unsigned s = 0; s < CHURN_SLOTS; ++s)
        free(block[s]);
    pthread_mutex_lock(&g_churn_lock);
    g_churn_total += c->checksum;
    pthread_mutex_unlock(&g_churn_lock);
    return NULL;
}

static void demo_churn(void) {
    struct churn work[DEMO_CHURN_THREADS];
    pthread_t t[DEMO_CHURN_THREADS];
    int started = 0;
    pthread_attr_t attr;
    int err = attr_with_stack(&attr);
    for (int i = 0; err == 0 && i < DEMO_CHURN_THREADS; ++i) {
        memset(&work[i], 0, sizeof work[i]);
        work[i].seed = 1 + 7919u * (unsigned)i;
        err = pthread_create(&t[i], &attr, churn, &work[i]);
        if (err == 0)
            ++started;
    }
    if (err != 0)
        failed("churn: pthread_create", err);
    pthread_attr_destroy(&attr);
    unsigned long sum = 0, bytes = 0;
    unsigned bad = 0;
    for (int i = 0; i < started; ++i) {
        pthread_join(t[i], NULL);
        sum += work[i].checksum;
        bytes += work[i].bytes;
        bad += work[i].bad;
        if (work[i].err != 0)
            failed("churn: malloc", work[i].err);
    }
    printf("posix-demo: heap: %d threads x %d blocks, %lu bytes (%.1f per block), checksum %lu\n", started,
           DEMO_CHURN_ROUNDS, bytes, started ? (double)bytes / ((double)started * DEMO_CHURN_ROUNDS) : 0.0, sum);
    if (bad != 0)
        failed("churn: block contents changed", EPROTO);
    if (sum != g_churn_total)
        failed("churn: totals differ", EPROTO);
}

int main(void) {
    printf("posix-demo: start (period %d us, %d periods, %d messages, %d heap threads)\n", DEMO_PERIOD_US,
           DEMO_PERIODS, DEMO_MESSAGES, DEMO_CHURN_THREADS);
    demo_mq();
    demo_periodic();
    demo_churn();
    if (g_failures != 0) {
        printf("posix-demo: FAILED (%d failures)\n", g_failures);
        return 1;
    }
    printf("posix-demo: done\n");
    return 0;
}
