/*
 * POSIX message queues (<mqueue.h>) and sysconf(), checked against the POSIX
 * text: every call's success path and documented errors, priority order of
 * mq_receive (highest first, FIFO within a priority), O_NONBLOCK, timed
 * send/receive, unlink while open, the table limits (ENFILE, EMFILE),
 * notification, and a producer/consumer pair of threads.
 */
#define _GNU_SOURCE 1 /* sched_getcpu() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <mqueue.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tn/sched.h>
#include <tn/sync.h>

static int failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            printf("posix-mq: FAILED: %s (line %d, errno %d)\n", #cond, __LINE__, errno); \
            ++failures;                                                          \
        }                                                                        \
    } while (0)

/* The call fails with -1 and errno @e. */
#define CHECK_ERR(call, e)                                                       \
    do {                                                                         \
        errno = 0;                                                               \
        long r_ = (long)(call);                                                  \
        if (r_ != -1 || errno != (e)) {                                          \
            printf("posix-mq: FAILED: %s gave %ld errno %d, want -1 errno %d (line %d)\n", #call, r_, \
                   errno, (e), __LINE__);                                        \
            ++failures;                                                          \
        }                                                                        \
    } while (0)

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CLOCK_REALTIME now + @ms. */
static struct timespec in_ms(long ms) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (ms % 1000) * 1000000L;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

static void check_sysconf(void) {
    CHECK(sysconf(_SC_CLK_TCK) == CLK_TCK);
    CHECK(sysconf(_SC_PAGESIZE) == 4096);
    CHECK(sysconf(_SC_PAGE_SIZE) == 4096);
    long conf = sysconf(_SC_NPROCESSORS_CONF), onln = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(conf >= 1 && onln >= 1 && onln <= conf);
    CHECK(sysconf(_SC_VERSION) == _POSIX_VERSION);
    CHECK(sysconf(_SC_THREADS) == _POSIX_THREADS);
    CHECK(sysconf(_SC_THREAD_PRIORITY_SCHEDULING) == _POSIX_THREAD_PRIORITY_SCHEDULING);
    CHECK(sysconf(_SC_THREAD_PRIO_INHERIT) == _POSIX_THREAD_PRIO_INHERIT);
    CHECK(sysconf(_SC_THREAD_PRIO_PROTECT) == _POSIX_THREAD_PRIO_PROTECT);
    CHECK(sysconf(_SC_THREAD_ATTR_STACKSIZE) == _POSIX_THREAD_ATTR_STACKSIZE);
    CHECK(sysconf(_SC_THREAD_ATTR_STACKADDR) == _POSIX_THREAD_ATTR_STACKADDR);
    CHECK(sysconf(_SC_PRIORITY_SCHEDULING) == _POSIX_PRIORITY_SCHEDULING);
    CHECK(sysconf(_SC_THREAD_KEYS_MAX) == PTHREAD_KEYS_MAX && PTHREAD_KEYS_MAX >= 128);
    CHECK(sysconf(_SC_THREAD_DESTRUCTOR_ITERATIONS) == PTHREAD_DESTRUCTOR_ITERATIONS);
    /* Memory locking: nothing is ever paged, so it succeeds; bad flags fail. */
    CHECK(sysconf(_SC_MEMLOCK) > 0 && sysconf(_SC_MEMLOCK_RANGE) > 0);
    CHECK(mlockall(MCL_CURRENT | MCL_FUTURE) == 0 && munlockall() == 0);
    static char locked[64];
    CHECK(mlock(locked, sizeof locked) == 0 && munlock(locked, sizeof locked) == 0);
    errno = 0;
    CHECK(mlockall(0) == -1 && errno == EINVAL);
    struct utsname u;
    CHECK(uname(&u) == 0 && strcmp(u.sysname, "Tenon") == 0 && strcmp(u.machine, "aarch64") == 0 &&
          strcmp(u.version, "qemu-virt") == 0);
    CHECK(sched_getcpu() == 0);
    CHECK(sysconf(_SC_THREAD_STACK_MIN) == PTHREAD_STACK_MIN);
    CHECK(sysconf(_SC_THREAD_THREADS_MAX) >= 2);
    CHECK(sysconf(_SC_SEMAPHORES) == _POSIX_SEMAPHORES);
    CHECK(sysconf(_SC_SEM_VALUE_MAX) == SEM_VALUE_MAX && SEM_VALUE_MAX >= 32767);
    CHECK(sysconf(_SC_MESSAGE_PASSING) == _POSIX_MESSAGE_PASSING);
    CHECK(sysconf(_SC_MQ_OPEN_MAX) >= 8);
    CHECK(sysconf(_SC_MQ_PRIO_MAX) == MQ_PRIO_MAX && MQ_PRIO_MAX >= 32);
    CHECK(sysconf(_SC_TIMERS) == _POSIX_TIMERS);
    CHECK(sysconf(_SC_TIMER_MAX) >= 32);
    /* <limits.h> carries the same limits as sysconf(), and POSIX's minima. */
    CHECK(sysconf(_SC_TIMER_MAX) == TIMER_MAX && TIMER_MAX >= _POSIX_TIMER_MAX);
    CHECK(sysconf(_SC_MQ_OPEN_MAX) == MQ_OPEN_MAX && MQ_OPEN_MAX >= _POSIX_MQ_OPEN_MAX);
    CHECK(sysconf(_SC_MQ_PRIO_MAX) == MQ_PRIO_MAX && MQ_PRIO_MAX >= _POSIX_MQ_PRIO_MAX);
    CHECK(sysconf(_SC_SEM_VALUE_MAX) == SEM_VALUE_MAX && SEM_VALUE_MAX >= _POSIX_SEM_VALUE_MAX);
    CHECK(sysconf(_SC_THREAD_STACK_MIN) == PTHREAD_STACK_MIN);
    CHECK(sysconf(_SC_THREAD_THREADS_MAX) == PTHREAD_THREADS_MAX && PTHREAD_THREADS_MAX >= _POSIX_THREAD_THREADS_MAX);
    CHECK(sysconf(_SC_THREAD_DESTRUCTOR_ITERATIONS) == PTHREAD_DESTRUCTOR_ITERATIONS);
    CHECK(sysconf(_SC_MONOTONIC_CLOCK) == _POSIX_MONOTONIC_CLOCK);
    CHECK(sysconf(_SC_CLOCK_SELECTION) == _POSIX_CLOCK_SELECTION);
    CHECK(sysconf(_SC_BARRIERS) == _POSIX_BARRIERS);
    CHECK(sysconf(_SC_SPIN_LOCKS) == _POSIX_SPIN_LOCKS);
    CHECK(sysconf(_SC_READER_WRITER_LOCKS) == _POSIX_READER_WRITER_LOCKS);
    CHECK(sysconf(_SC_TIMEOUTS) == _POSIX_TIMEOUTS);
    CHECK(sysconf(_SC_OPEN_MAX) >= 20);
    /* An option the image lacks: -1, errno unchanged. */
    errno = 1234;
    CHECK(sysconf(_SC_REALTIME_SIGNALS) == -1 && errno == 1234);
    /* An unknown name: -1 with EINVAL. */
    CHECK_ERR(sysconf(-1), EINVAL);
    CHECK_ERR(sysconf(100000), EINVAL);
    printf("posix-mq: sysconf cpus %ld/%ld mq_open_max %ld timer_max %ld\n", onln, conf,
           sysconf(_SC_MQ_OPEN_MAX), sysconf(_SC_TIMER_MAX));
}

static void check_open_errors(void) {
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 16 };
    char longname[NAME_MAX + 3];
    longname[0] = '/';
    memset(longname + 1, 'x', NAME_MAX + 1);
    longname[NAME_MAX + 2] = '\0';
    CHECK_ERR(mq_open("noslash", O_CREAT | O_RDWR, 0600, &attr), EINVAL);
    CHECK_ERR(mq_open(longname, O_CREAT | O_RDWR, 0600, &attr), ENAMETOOLONG);
    CHECK_ERR(mq_open("/absent", O_RDWR), ENOENT);
    CHECK_ERR(mq_open("/absent", O_RDWR | O_EXCL), ENOENT);
    struct mq_attr bad = { .mq_maxmsg = 0, .mq_msgsize = 16 };
    CHECK_ERR(mq_open("/bad", O_CREAT | O_RDWR, 0600, &bad), EINVAL);
    bad.mq_maxmsg = 4;
    bad.mq_msgsize = -1;
    CHECK_ERR(mq_open("/bad", O_CREAT | O_RDWR, 0600, &bad), EINVAL);
    bad.mq_maxmsg = -5;
    bad.mq_msgsize = 16;
    CHECK_ERR(mq_open("/bad", O_CREAT | O_RDWR, 0600, &bad), EINVAL);
    CHECK_ERR(mq_open("/bad", O_CREAT | O_ACCMODE, 0600, &attr), EINVAL);
    CHECK_ERR(mq_open("/bad", O_RDWR), ENOENT);  /* nothing was created */
    CHECK_ERR(mq_close((mqd_t)-1), EBADF);
    CHECK_ERR(mq_close((mqd_t)12345), EBADF);
    CHECK_ERR(mq_unlink("/absent"), ENOENT);
    CHECK_ERR(mq_unlink("noslash"), EINVAL);
    CHECK_ERR(mq_unlink(longname), ENAMETOOLONG);
}

static void check_basic(void) {
    struct mq_attr attr = { .mq_flags = 0, .mq_maxmsg = 4, .mq_msgsize = 16 };
    mqd_t q = mq_open("/basic", O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_ERR(mq_open("/basic", O_CREAT | O_EXCL | O_RDWR, 0600, &attr), EEXIST);

    struct mq_attr got;
    CHECK(mq_getattr(q, &got) == 0);
    CHECK(got.mq_flags == 0 && got.mq_maxmsg == 4 && got.mq_msgsize == 16 && got.mq_curmsgs == 0);

    /* Opening the existing queue ignores attr; descriptors share it. */
    struct mq_attr other = { .mq_maxmsg = 99, .mq_msgsize = 99 };
    mqd_t wr = mq_open("/basic", O_CREAT | O_WRONLY, 0600, &other);
    mqd_t rd = mq_open("/basic", O_RDONLY);
    CHECK(wr != (mqd_t)-1 && rd != (mqd_t)-1 && wr != q && rd != q && wr != rd);
    CHECK(mq_getattr(wr, &got) == 0 && got.mq_maxmsg == 4 && got.mq_msgsize == 16);

    /* Priority order: highest first, FIFO within a priority. */
    CHECK(mq_send(wr, "a1", 2, 1) == 0);
    CHECK(mq_send(wr, "b5", 2, 5) == 0);
    CHECK(mq_send(q, "c1", 2, 1) == 0);
    CHECK(mq_send(q, "d31-sixteen-byte", 16, MQ_PRIO_MAX - 1) == 0);
    CHECK(mq_getattr(rd, &got) == 0 && got.mq_curmsgs == 4);
    char buf[32];
    unsigned prio = 77;
    const char* want[] = { "d31-sixteen-byte", "b5", "a1", "c1" };
    unsigned want_prio[] = { MQ_PRIO_MAX - 1, 5, 1, 1 };
    char order[8] = { 0 };
    for (int i = 0; i < 4; ++i) {
        memset(buf, 0, sizeof buf);
        ssize_t n = mq_receive(i % 2 ? rd : q, buf, sizeof buf, &prio);
        CHECK(n == (ssize_t)strlen(want[i]) && memcmp(buf, want[i], (size_t)n) == 0 && prio == want_prio[i]);
        order[i] = buf[0];
    }
    printf("posix-mq: receive order %s\n", order);

    /* A zero-length message, and a NULL msg_prio. */
    CHECK(mq_send(q, "", 0, 0) == 0);
    CHECK(mq_receive(q, buf, 16, NULL) == 0);

    /* Errors of send and receive. */
    CHECK_ERR(mq_send(q, buf, 17, 0), EMSGSIZE);
    CHECK_ERR(mq_send(q, buf, 1, MQ_PRIO_MAX), EINVAL);
    CHECK_ERR(mq_send(rd, buf, 1, 0), EBADF);          /* read-only */
    CHECK_ERR(mq_receive(wr, buf, sizeof buf, NULL), EBADF);  /* write-only */
    CHECK_ERR(mq_receive(q, buf, 15, NULL), EMSGSIZE);
    struct timespec ts = in_ms(10);
    CHECK_ERR(mq_timedsend(rd, buf, 1, 0, &ts), EBADF);
    CHECK_ERR(mq_timedreceive(wr, buf, sizeof buf, NULL, &ts), EBADF);
    CHECK_ERR(mq_timedsend(q, buf, 17, 0, &ts), EMSGSIZE);
    CHECK_ERR(mq_timedreceive(q, buf, 15, NULL, &ts), EMSGSIZE);
    CHECK_ERR(mq_getattr((mqd_t)-1, &got), EBADF);
    CHECK_ERR(mq_setattr((mqd_t)-1, &attr, NULL), EBADF);
    CHECK_ERR(mq_notify((mqd_t)-1, NULL), EBADF);

    /* O_NONBLOCK through mq_setattr: only mq_flags changes. */
    struct mq_attr set = { .mq_flags = O_NONBLOCK, .mq_maxmsg = 100, .mq_msgsize = 100 };
    struct mq_attr old;
    CHECK(mq_setattr(q, &set, &old) == 0);
    CHECK(old.mq_flags == 0 && old.mq_maxmsg == 4 && old.mq_msgsize == 16 && old.mq_curmsgs == 0);
    CHECK(mq_getattr(q, &got) == 0 && got.mq_flags == O_NONBLOCK && got.mq_maxmsg == 4 && got.mq_msgsize == 16);
    CHECK(mq_getattr(rd, &got) == 0 && got.mq_flags == 0);  /* per descriptor */
    CHECK_ERR(mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
    CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &ts), EAGAIN);
    for (int i = 0; i < 4; ++i)
        CHECK(mq_send(q, "m", 1, 0) == 0);
    CHECK_ERR(mq_send(q, "m", 1, 0), EAGAIN);
    CHECK_ERR(mq_timedsend(q, "m", 1, 0, &ts), EAGAIN);

    /* Timed calls on a blocking descriptor: ETIMEDOUT after the deadline. */
    uint64_t t0 = mono_ns();
    ts = in_ms(50);
    CHECK_ERR(mq_timedsend(wr, "m", 1, 0, &ts), ETIMEDOUT);
    CHECK(mono_ns() - t0 >= 49000000ull);
    ts = (struct timespec){ 0, 0 };  /* passed already (the epoch) */
    CHECK_ERR(mq_timedsend(wr, "m", 1, 0, &ts), ETIMEDOUT);
    struct timespec badts = { .tv_sec = 0, .tv_nsec = 1000000000L };
    CHECK_ERR(mq_timedsend(wr, "m", 1, 0, &badts), EINVAL);  /* would block: abstime checked */
    /* Room: the abstime is not looked at. */
    CHECK(mq_timedreceive(rd, buf, sizeof buf, NULL, &badts) == 1);
    CHECK(mq_timedsend(wr, "n", 1, 3, &badts) == 0);
    for (int i = 0; i < 4; ++i)
        CHECK(mq_receive(rd, buf, sizeof buf, &prio) == 1 && buf[0] == (i == 0 ? 'n' : 'm'));
    t0 = mono_ns();
    ts = in_ms(50);
    CHECK_ERR(mq_timedreceive(rd, buf, sizeof buf, NULL, &ts), ETIMEDOUT);
    CHECK(mono_ns() - t0 >= 49000000ull);
    ts = (struct timespec){ 0, 0 };
    CHECK_ERR(mq_timedreceive(rd, buf, sizeof buf, NULL, &ts), ETIMEDOUT);
    CHECK_ERR(mq_timedreceive(rd, buf, sizeof buf, NULL, &badts), EINVAL);
    badts.tv_nsec = -1;
    CHECK_ERR(mq_timedreceive(rd, buf, sizeof buf, NULL, &badts), EINVAL);

    /* Unlink while open: the name goes, the queue stays until the last close. */
    CHECK(mq_send(wr, "kept", 4, 2) == 0);
    CHECK(mq_unlink("/basic") == 0);
    CHECK_ERR(mq_unlink("/basic"), ENOENT);
    CHECK_ERR(mq_open("/basic", O_RDWR), ENOENT);
    CHECK(mq_receive(rd, buf, sizeof buf, &prio) == 4 && memcmp(buf, "kept", 4) == 0 && prio == 2);
    mqd_t fresh = mq_open("/basic", O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(fresh != (mqd_t)-1);
    CHECK(mq_send(wr, "old", 3, 0) == 0);
    CHECK(mq_getattr(fresh, &got) == 0 && got.mq_curmsgs == 0);  /* a new queue */
    CHECK(mq_close(fresh) == 0);
    CHECK(mq_unlink("/basic") == 0);

    CHECK(mq_close(q) == 0);
    CHECK(mq_close(wr) == 0);
    CHECK(mq_receive(rd, buf, sizeof buf, NULL) == 3);
    CHECK(mq_close(rd) == 0);
    /* Closed descriptors are invalid, even once their entries are reused. */
    mqd_t reuse = mq_open("/reuse", O_CREAT | O_RDWR, 0600, &attr);
    CHECK(reuse != (mqd_t)-1);
    CHECK_ERR(mq_close(q), EBADF);
    CHECK_ERR(mq_send(q, "x", 1, 0), EBADF);
    CHECK_ERR(mq_receive(rd, buf, sizeof buf, NULL), EBADF);
    CHECK_ERR(mq_getattr(wr, &got), EBADF);
    CHECK(mq_close(reuse) == 0);
    CHECK(mq_unlink("/reuse") == 0);

    /* No attributes: the documented defaults. */
    mqd_t def = mq_open("/defaults", O_CREAT | O_RDWR, 0600, NULL);
    CHECK(def != (mqd_t)-1);
    CHECK(mq_getattr(def, &got) == 0 && got.mq_maxmsg == CONFIG_LIBPOSIX_MQ_DEFAULT_MAXMSG &&
          got.mq_msgsize == CONFIG_LIBPOSIX_MQ_DEFAULT_MSGSIZE && got.mq_curmsgs == 0);
    CHECK(mq_close(def) == 0 && mq_unlink("/defaults") == 0);
    /* A created O_NONBLOCK descriptor. */
    mqd_t nb = mq_open("/nb", O_CREAT | O_RDONLY | O_NONBLOCK, 0600, &attr);
    CHECK(mq_getattr(nb, &got) == 0 && got.mq_flags == O_NONBLOCK);
    CHECK_ERR(mq_receive(nb, buf, sizeof buf, NULL), EAGAIN);
    CHECK(mq_close(nb) == 0 && mq_unlink("/nb") == 0);
}

static void check_limits(void) {
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
    char name[16];
    mqd_t qs[CONFIG_LIBPOSIX_MQ_MAX];
    for (int i = 0; i < CONFIG_LIBPOSIX_MQ_MAX; ++i) {
        snprintf(name, sizeof name, "/lim%d", i);
        qs[i] = mq_open(name, O_CREAT | O_RDWR, 0600, &attr);
        CHECK(qs[i] != (mqd_t)-1);
    }
    CHECK_ERR(mq_open("/one-too-many", O_CREAT | O_RDWR, 0600, &attr), ENFILE);
    /* Descriptors: open /lim0 again until the table is full. */
    mqd_t ds[CONFIG_LIBPOSIX_MQ_OPEN_MAX];
    int extra = CONFIG_LIBPOSIX_MQ_OPEN_MAX - CONFIG_LIBPOSIX_MQ_MAX;
    for (int i = 0; i < extra; ++i) {
        ds[i] = mq_open("/lim0", O_RDWR);
        CHECK(ds[i] != (mqd_t)-1);
    }
    CHECK_ERR(mq_open("/lim0", O_RDWR), EMFILE);
    for (int i = 0; i < extra; ++i)
        CHECK(mq_close(ds[i]) == 0);
    /* Unlinked but open: still takes its entry. */
    CHECK(mq_unlink("/lim0") == 0);
    CHECK_ERR(mq_open("/one-too-many", O_CREAT | O_RDWR, 0600, &attr), ENFILE);
    CHECK(mq_close(qs[0]) == 0);
    mqd_t last = mq_open("/one-too-many", O_CREAT | O_RDWR, 0600, &attr);
    CHECK(last != (mqd_t)-1);
    CHECK(mq_close(last) == 0 && mq_unlink("/one-too-many") == 0);
    for (int i = 1; i < CONFIG_LIBPOSIX_MQ_MAX; ++i) {
        snprintf(name, sizeof name, "/lim%d", i);
        CHECK(mq_close(qs[i]) == 0 && mq_unlink(name) == 0);
    }
    /* Too big to allocate. */
    struct mq_attr huge = { .mq_maxmsg = LONG_MAX / 2, .mq_msgsize = LONG_MAX / 2 };
    CHECK_ERR(mq_open("/huge", O_CREAT | O_RDWR, 0600, &huge), ENOSPC);
    CHECK_ERR(mq_open("/huge", O_RDWR), ENOENT);
}

/* mq_notify: registration, EBUSY, removal, and a SIGEV_THREAD call when a
 * message reaches the empty queue. */
static tn_sem_t notified;
static int notified_value;

static void on_message(union sigval v) {
    notified_value = v.sival_int;
    tn_sem_give(&notified);
}

static void check_notify(void) {
    struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 8 };
    mqd_t q = mq_open("/notify", O_CREAT | O_RDWR, 0600, &attr);
    mqd_t q2 = mq_open("/notify", O_RDWR);
    CHECK(q != (mqd_t)-1 && q2 != (mqd_t)-1);
    struct sigevent ev = { .sigev_notify = SIGEV_NONE };
    CHECK(mq_notify(q, &ev) == 0);
    CHECK_ERR(mq_notify(q2, &ev), EBUSY);
    /* One process: NULL through any descriptor removes the registration. */
    CHECK(mq_notify(q2, NULL) == 0);
    CHECK(mq_notify(q2, &ev) == 0);
    CHECK_ERR(mq_notify(q, &ev), EBUSY);
    CHECK(mq_notify(q, NULL) == 0);
    CHECK(mq_notify(q, NULL) == 0);  /* none registered: still 0 */
    CHECK(mq_notify(q2, &ev) == 0);
    CHECK(mq_close(q2) == 0);  /* the registration goes with the descriptor */
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    CHECK_ERR(mq_notify(q, &ev), EINVAL);  /* no signals on Tenon */

    tn_sem_init(&notified, 0, 10);
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = on_message;
    ev.sigev_notify_attributes = NULL;
    ev.sigev_value.sival_int = 42;
    CHECK(mq_notify(q, &ev) == 0);
    char buf[8];
    CHECK(mq_send(q, "x", 1, 0) == 0);
    CHECK(tn_sem_take(&notified, 2000000000ull) == 0 && notified_value == 42);
    /* Removed after it fired: a new registration is accepted. */
    ev.sigev_value.sival_int = 43;
    CHECK(mq_notify(q, &ev) == 0);
    /* Not empty: no notification on this send. */
    CHECK(mq_send(q, "y", 1, 0) == 0);
    CHECK(tn_sem_take(&notified, 20000000ull) == -TN_ETIMEDOUT);
    CHECK(mq_receive(q, buf, sizeof buf, NULL) == 1 && mq_receive(q, buf, sizeof buf, NULL) == 1);
    CHECK(mq_send(q, "z", 1, 0) == 0);
    CHECK(tn_sem_take(&notified, 2000000000ull) == 0 && notified_value == 43);
    CHECK(mq_close(q) == 0 && mq_unlink("/notify") == 0);
}

/* Producer/consumer: more messages than the queue holds, both sides block. */
#define PC_COUNT 200
static mqd_t pc_q;
static int pc_bad;
static volatile int pc_received;

static void consumer(void* arg) {
    (void)arg;
    pc_received = 0;
    for (int i = 0; i < PC_COUNT; ++i, ++pc_received) {
        int v = -1;
        unsigned prio;
        if (mq_receive(pc_q, (char*)&v, sizeof v, &prio) != (ssize_t)sizeof v || v != i || prio != (unsigned)(i % 3))
            ++pc_bad;
    }
}

static void producer(void* arg) {
    (void)arg;
    for (int i = 0; i < PC_COUNT; ++i)
        if (mq_send(pc_q, (const char*)&i, sizeof i, (unsigned)(i % 3)) != 0)
            ++pc_bad;
}

static void* consumer_p(void* arg) {
    consumer(arg);
    return NULL;
}

static void* producer_p(void* arg) {
    producer(arg);
    return NULL;
}

static void check_producer_consumer(void) {
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = sizeof(int) };
    pc_q = mq_open("/pc", O_CREAT | O_RDWR, 0600, &attr);
    CHECK(pc_q != (mqd_t)-1);
    unsigned cpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    /* Same priority and CPU, then the consumer on the other CPU and above. */
    for (int round = 0; round < 2; ++round) {
        tn_thread_t *p, *c;
        tn_thread_attr_t pa = { .name = "producer", .priority = 10, .cpu = 0 };
        tn_thread_attr_t ca = { .name = "consumer", .priority = (uint8_t)(round ? 12 : 10),
                                .cpu = round && cpus > 1 ? 1 : 0 };
        pc_bad = 0;
        CHECK(tn_thread_create(&c, &ca, consumer, NULL) == 0);
        CHECK(tn_thread_create(&p, &pa, producer, NULL) == 0);
        /* 200 hand-offs through a one-message queue, each a cross-CPU wake-up
         * in round 1: on a loaded host every one can wait for the host to
         * schedule the other vCPU's thread, so allow far more than the
         * milliseconds this takes on an idle one. */
        int rp = tn_thread_join(p, 100000000000ull, NULL);
        struct mq_attr now;
        mq_getattr(pc_q, &now);
        if (rp != 0)
            printf("posix-mq: round %d: producer join %d, %ld queued, consumer got %d\n", round, rp,
                   now.mq_curmsgs, pc_received);
        CHECK(rp == 0);
        CHECK(tn_thread_join(c, 100000000000ull, NULL) == 0);
        CHECK(pc_bad == 0);
    }
    /* And as POSIX threads, inheriting main's priority. */
    pthread_t pp, pcons;
    pc_bad = 0;
    CHECK(pthread_create(&pcons, NULL, consumer_p, NULL) == 0);
    CHECK(pthread_create(&pp, NULL, producer_p, NULL) == 0);
    CHECK(pthread_join(pp, NULL) == 0 && pthread_join(pcons, NULL) == 0);
    CHECK(pc_bad == 0);
    CHECK(mq_close(pc_q) == 0 && mq_unlink("/pc") == 0);
    printf("posix-mq: producer/consumer %d messages x3 ok\n", PC_COUNT);
}

/* A blocked higher-priority receiver gets the message at once. */
static mqd_t wake_q;
static int wake_got;

static void receiver(void* arg) {
    (void)arg;
    char buf[8];
    struct timespec ts = in_ms(5000);
    if (mq_timedreceive(wake_q, buf, sizeof buf, NULL, &ts) == 2 && buf[0] == 'h')
        wake_got = 1;
}

static void check_wakeup(void) {
    struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 8 };
    wake_q = mq_open("/wake", O_CREAT | O_RDWR, 0600, &attr);
    tn_thread_t* r;
    tn_thread_attr_t ra = { .name = "receiver", .priority = 20, .cpu = 0 };
    CHECK(tn_thread_create(&r, &ra, receiver, NULL) == 0);  /* runs and blocks */
    CHECK(wake_got == 0);
    CHECK(mq_send(wake_q, "hi", 2, 0) == 0);
    CHECK(wake_got == 1);  /* preempted main on send */
    CHECK(tn_thread_join(r, TN_FOREVER, NULL) == 0);
    CHECK(mq_close(wake_q) == 0 && mq_unlink("/wake") == 0);
}

int main(void) {
    check_sysconf();
    check_open_errors();
    check_basic();
    check_limits();
    check_notify();
    check_producer_consumer();
    check_wakeup();
    if (failures == 0)
        printf("posix-mq: all checks passed\n");
    else
        printf("posix-mq: %d checks FAILED\n", failures);
    return 0;
}
