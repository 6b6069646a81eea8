/*
 * lib/posix's synchronisation objects, checked against the POSIX text:
 * mutexes (every type, PTHREAD_PRIO_INHERIT through a classic inversion,
 * PTHREAD_PRIO_PROTECT ceilings, timed locks), condition variables on both
 * clocks, rwlocks, barriers, spin locks and unnamed semaphores, with every
 * error code the functions document, static initialisers and a two-CPU
 * contention count. Threads are Tenon threads (tn_thread_create()).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <tn/sched.h>
#include <tn/sync.h>

static int failures;

#define CHECK(cond, ...)                             \
    do {                                             \
        if (!(cond)) {                               \
            printf("posix-sync: FAILED line %d: ", __LINE__); \
            printf(__VA_ARGS__);                     \
            printf("\n");                            \
            failures++;                              \
        }                                            \
    } while (0)

#define EQ(got, want) CHECK((got) == (want), "%s = %d, want %d", #got, (int)(got), (int)(want))

/* Threads */

static tn_thread_t* spawn(const char* name, unsigned prio, unsigned cpu, void (*fn)(void*), void* arg) {
    tn_thread_attr_t a = {name, (uint8_t)prio, 0, cpu};
    tn_thread_t* t = NULL;
    int rc = tn_thread_create(&t, &a, fn, arg);
    CHECK(rc == 0, "create %s: %d", name, rc);
    return t;
}

static void join(tn_thread_t* t) {
    if (t != NULL)
        EQ(tn_thread_join(t, TN_FOREVER, NULL), 0);
}

static void sleep_ms(unsigned ms) { tn_thread_sleep_ns((uint64_t)ms * 1000000u); }

/* Time */

static uint64_t now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct timespec after_ms(clockid_t clock, unsigned ms) {
    uint64_t t = now_ns(clock) + (uint64_t)ms * 1000000u;
    struct timespec ts = {(time_t)(t / 1000000000u), (long)(t % 1000000000u)};
    return ts;
}

static uint64_t ns_of(const struct timespec* ts) { return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec; }

/* The call returned at abstime or later on @clock. */
#define CHECK_LATE(clock, abstime, what) \
    CHECK(now_ns(clock) >= ns_of(&(abstime)), "%s returned before its timeout", what)

static void busy_ms(unsigned ms) {
    uint64_t end = now_ns(CLOCK_MONOTONIC) + (uint64_t)ms * 1000000u;
    while (now_ns(CLOCK_MONOTONIC) < end) {
    }
}

static unsigned self_prio(void) { return tn_thread_priority(tn_thread_current()); }

/* Mutex attributes */

static void test_mutexattr(void) {
    pthread_mutexattr_t a;
    int v;
    EQ(pthread_mutexattr_init(&a), 0);
    EQ(pthread_mutexattr_gettype(&a, &v), 0);
    EQ(v, PTHREAD_MUTEX_DEFAULT);
    EQ(pthread_mutexattr_getprotocol(&a, &v), 0);
    EQ(v, PTHREAD_PRIO_NONE);
    EQ(pthread_mutexattr_getpshared(&a, &v), 0);
    EQ(v, PTHREAD_PROCESS_PRIVATE);
    EQ(pthread_mutexattr_getprioceiling(&a, &v), 0);
    CHECK(v >= 1 && v <= (int)tn_sched_priorities() - 1, "default ceiling %d", v);

    int types[] = {PTHREAD_MUTEX_NORMAL, PTHREAD_MUTEX_RECURSIVE, PTHREAD_MUTEX_ERRORCHECK, PTHREAD_MUTEX_DEFAULT};
    for (int i = 0; i < 4; i++) {
        EQ(pthread_mutexattr_settype(&a, types[i]), 0);
        EQ(pthread_mutexattr_gettype(&a, &v), 0);
        EQ(v, types[i]);
    }
    EQ(pthread_mutexattr_settype(&a, 99), EINVAL);
    int protos[] = {PTHREAD_PRIO_NONE, PTHREAD_PRIO_INHERIT, PTHREAD_PRIO_PROTECT};
    for (int i = 0; i < 3; i++) {
        EQ(pthread_mutexattr_setprotocol(&a, protos[i]), 0);
        EQ(pthread_mutexattr_getprotocol(&a, &v), 0);
        EQ(v, protos[i]);
    }
    int rc = pthread_mutexattr_setprotocol(&a, 99);
    CHECK(rc == ENOTSUP || rc == EINVAL, "setprotocol(99) = %d", rc);
    EQ(pthread_mutexattr_setprioceiling(&a, 20), 0);
    EQ(pthread_mutexattr_getprioceiling(&a, &v), 0);
    EQ(v, 20);
    EQ(pthread_mutexattr_setprioceiling(&a, (int)tn_sched_priorities()), EINVAL);
    EQ(pthread_mutexattr_setprioceiling(&a, -1), EINVAL);
    EQ(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
    EQ(pthread_mutexattr_getpshared(&a, &v), 0);
    EQ(v, PTHREAD_PROCESS_SHARED);
    EQ(pthread_mutexattr_setpshared(&a, 7), EINVAL);
    EQ(pthread_mutexattr_destroy(&a), 0);
    EQ(pthread_mutexattr_gettype(&a, &v), EINVAL);
    EQ(pthread_mutexattr_settype(NULL, 0), EINVAL);
    EQ(pthread_mutexattr_init(NULL), EINVAL);
}

/* Mutexes */

struct mx_arg {
    pthread_mutex_t* m;
    int rc1, rc2;
    volatile int stage;
};

static void other_unlock(void* p) {
    struct mx_arg* a = p;
    a->rc1 = pthread_mutex_unlock(a->m);
    a->rc2 = pthread_mutex_trylock(a->m);
    if (a->rc2 == 0)
        pthread_mutex_unlock(a->m);
}

static void run_other_unlock(pthread_mutex_t* m, int* rc_unlock, int* rc_trylock) {
    struct mx_arg a = {m, -1, -1, 0};
    join(spawn("other", 20, 0, other_unlock, &a));
    *rc_unlock = a.rc1;
    *rc_trylock = a.rc2;
}

static void holder(void* p) {
    struct mx_arg* a = p;
    a->rc1 = pthread_mutex_lock(a->m);
    a->stage = 1;
    while (a->stage != 2)
        sleep_ms(1);
    pthread_mutex_unlock(a->m);
}

static pthread_mutex_t* make(pthread_mutex_t* m, int type, int protocol, int ceiling) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, type);
    pthread_mutexattr_setprotocol(&a, protocol);
    if (ceiling > 0)
        pthread_mutexattr_setprioceiling(&a, ceiling);
    EQ(pthread_mutex_init(m, &a), 0);
    pthread_mutexattr_destroy(&a);
    return m;
}

static void test_mutex_types(void) {
    pthread_mutex_t m;
    int u, t;

    /* Default */
    EQ(pthread_mutex_init(&m, NULL), 0);
    EQ(pthread_mutex_lock(&m), 0);
    EQ(pthread_mutex_trylock(&m), EBUSY);
    EQ(pthread_mutex_lock(&m), EDEADLK);
    EQ(pthread_mutex_destroy(&m), EBUSY);
    run_other_unlock(&m, &u, &t);
    EQ(t, EBUSY);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(pthread_mutex_trylock(&m), 0);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(pthread_mutex_destroy(&m), 0);
    EQ(pthread_mutex_lock(&m), EINVAL);
    EQ(pthread_mutex_unlock(&m), EINVAL);
    EQ(pthread_mutex_lock(NULL), EINVAL);
    EQ(pthread_mutex_init(NULL, NULL), EINVAL);
    pthread_mutexattr_t dead;
    pthread_mutexattr_init(&dead);
    pthread_mutexattr_destroy(&dead);
    EQ(pthread_mutex_init(&m, &dead), EINVAL);

    /* Errorcheck */
    make(&m, PTHREAD_MUTEX_ERRORCHECK, PTHREAD_PRIO_NONE, 0);
    EQ(pthread_mutex_unlock(&m), EPERM);  /* not locked */
    EQ(pthread_mutex_lock(&m), 0);
    EQ(pthread_mutex_lock(&m), EDEADLK);
    EQ(pthread_mutex_trylock(&m), EBUSY);
    run_other_unlock(&m, &u, &t);
    EQ(u, EPERM);
    EQ(t, EBUSY);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(pthread_mutex_unlock(&m), EPERM);
    EQ(pthread_mutex_destroy(&m), 0);

    /* Recursive */
    make(&m, PTHREAD_MUTEX_RECURSIVE, PTHREAD_PRIO_NONE, 0);
    EQ(pthread_mutex_unlock(&m), EPERM);
    EQ(pthread_mutex_lock(&m), 0);
    EQ(pthread_mutex_lock(&m), 0);
    EQ(pthread_mutex_trylock(&m), 0);
    run_other_unlock(&m, &u, &t);
    EQ(u, EPERM);
    EQ(t, EBUSY);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(pthread_mutex_destroy(&m), EBUSY);
    run_other_unlock(&m, &u, &t);
    EQ(t, EBUSY);  /* still locked once */
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(pthread_mutex_unlock(&m), EPERM);
    run_other_unlock(&m, &u, &t);
    EQ(t, 0);  /* free now */
    /* The recursion limit: EAGAIN, and the count stays right. */
    int n = 0, rc;
    while ((rc = pthread_mutex_lock(&m)) == 0 && n < 1000000)
        n++;
    EQ(rc, EAGAIN);
    CHECK(n >= 1000, "recursive mutex locked only %d times", n);
    for (int i = 0; i < n; i++)
        if (pthread_mutex_unlock(&m) != 0) {
            CHECK(0, "recursive unlock %d failed", i);
            break;
        }
    EQ(pthread_mutex_unlock(&m), EPERM);
    EQ(pthread_mutex_destroy(&m), 0);

    /* Normal: relocking deadlocks (timedlock times out); trylock EBUSY. */
    make(&m, PTHREAD_MUTEX_NORMAL, PTHREAD_PRIO_NONE, 0);
    EQ(pthread_mutex_lock(&m), 0);
    EQ(pthread_mutex_trylock(&m), EBUSY);
    struct timespec ts = after_ms(CLOCK_REALTIME, 30);
    EQ(pthread_mutex_timedlock(&m, &ts), ETIMEDOUT);
    CHECK_LATE(CLOCK_REALTIME, ts, "normal relock timedlock");
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(pthread_mutex_destroy(&m), 0);

    /* Static initialisers */
    static pthread_mutex_t sm = PTHREAD_MUTEX_INITIALIZER;
    static pthread_mutex_t srm = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
    static pthread_mutex_t sem_ = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
    int c;
    EQ(pthread_mutex_getprioceiling(&sm, &c), 0);
    CHECK(c >= 1 && c <= (int)tn_sched_priorities() - 1, "static mutex ceiling %d", c);
    EQ(pthread_mutex_lock(&sm), 0);
    EQ(pthread_mutex_trylock(&sm), EBUSY);
    EQ(pthread_mutex_unlock(&sm), 0);
    EQ(pthread_mutex_lock(&srm), 0);
    EQ(pthread_mutex_lock(&srm), 0);
    EQ(pthread_mutex_unlock(&srm), 0);
    EQ(pthread_mutex_unlock(&srm), 0);
    EQ(pthread_mutex_unlock(&srm), EPERM);
    EQ(pthread_mutex_unlock(&sem_), EPERM);
    EQ(pthread_mutex_lock(&sem_), 0);
    EQ(pthread_mutex_lock(&sem_), EDEADLK);
    EQ(pthread_mutex_unlock(&sem_), 0);
}

static void test_mutex_timedlock(void) {
    pthread_mutex_t m;
    pthread_mutex_init(&m, NULL);
    struct timespec bad = {0, 1000000000L};
    /* Free: abstime is neither checked nor a reason to fail. */
    EQ(pthread_mutex_timedlock(&m, &bad), 0);
    EQ(pthread_mutex_unlock(&m), 0);
    struct timespec past = {0, 0};
    EQ(pthread_mutex_timedlock(&m, &past), 0);
    EQ(pthread_mutex_unlock(&m), 0);

    struct mx_arg a = {&m, -1, -1, 0};
    tn_thread_t* t = spawn("holder", 20, 0, holder, &a);
    while (a.stage != 1)
        sleep_ms(1);
    EQ(pthread_mutex_timedlock(&m, &bad), EINVAL);
    EQ(pthread_mutex_timedlock(&m, &past), ETIMEDOUT);
    EQ(pthread_mutex_trylock(&m), EBUSY);
    struct timespec ts = after_ms(CLOCK_REALTIME, 50);
    EQ(pthread_mutex_timedlock(&m, &ts), ETIMEDOUT);
    CHECK_LATE(CLOCK_REALTIME, ts, "pthread_mutex_timedlock");
    a.stage = 2;
    join(t);
    ts = after_ms(CLOCK_REALTIME, 50);
    EQ(pthread_mutex_timedlock(&m, &ts), 0);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(pthread_mutex_destroy(&m), 0);
}

/* Priority inheritance: the classic inversion on one CPU. low (5) holds the
 * mutex, high (20) waits for it, medium (10) hogs the CPU. With inheritance
 * low runs at 20, so high gets the mutex long before medium is done. */

static pthread_mutex_t pi_m;
static volatile int pi_low_locked, pi_medium_done, pi_high_got, pi_high_before_medium;
static volatile unsigned pi_low_eff;

static void pi_low(void* p) {
    (void)p;
    pthread_mutex_lock(&pi_m);
    pi_low_locked = 1;
    /* Main wakes, makes medium and high; high blocks on the mutex. Wait for
     * the inherited priority rather than a fixed time (a loaded host can
     * stall QEMU for longer than any fixed time); without inheritance it
     * never comes and the wait ends after 2 s of busy time. */
    for (int i = 0; i < 2000 && tn_thread_effective_priority(tn_thread_current()) < 20; ++i)
        busy_ms(1);
    pi_low_eff = tn_thread_effective_priority(tn_thread_current());
    busy_ms(20);
    pthread_mutex_unlock(&pi_m);
}

static void pi_high(void* p) {
    (void)p;
    pthread_mutex_lock(&pi_m);
    pi_high_got = 1;
    pi_high_before_medium = !pi_medium_done;
    pthread_mutex_unlock(&pi_m);
}

static void pi_medium(void* p) {
    (void)p;
    busy_ms(200);
    pi_medium_done = 1;
}

static void test_prio_inherit(void) {
    make(&pi_m, PTHREAD_MUTEX_NORMAL, PTHREAD_PRIO_INHERIT, 0);
    tn_thread_t* low = spawn("pi-low", 5, 0, pi_low, NULL);
    while (!pi_low_locked)
        sleep_ms(1);
    /* medium is ready first (it does not run: main is above it); then high
     * arrives and blocks. Without inheritance low (5) would now wait behind
     * medium's 200 ms; with it low runs at 20, ahead of main (16) even. */
    tn_thread_t* medium = spawn("pi-medium", 10, 0, pi_medium, NULL);
    tn_thread_t* high = spawn("pi-high", 20, 0, pi_high, NULL);
    EQ(pi_high_got, 1);
    EQ(pi_medium_done, 0);
    EQ(tn_thread_priority(low), 5);
    join(high);
    join(medium);
    join(low);
    EQ(pi_low_eff, 20);
    EQ(pi_high_got, 1);
    CHECK(pi_high_before_medium, "high waited for medium: no priority inheritance");
    EQ(tn_thread_effective_priority(tn_thread_current()), self_prio());
    EQ(pthread_mutex_destroy(&pi_m), 0);
}

/* Priority ceilings */

static void test_prio_protect(void) {
    pthread_mutex_t m;
    unsigned base = self_prio();
    int c;
    make(&m, PTHREAD_MUTEX_ERRORCHECK, PTHREAD_PRIO_PROTECT, 25);
    EQ(pthread_mutex_getprioceiling(&m, &c), 0);
    EQ(c, 25);
    EQ(pthread_mutex_lock(&m), 0);
    EQ(self_prio(), 25);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(self_prio(), base);
    EQ(pthread_mutex_trylock(&m), 0);
    EQ(self_prio(), 25);
    EQ(pthread_mutex_lock(&m), EDEADLK);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(self_prio(), base);
    struct timespec ts = after_ms(CLOCK_REALTIME, 10);
    EQ(pthread_mutex_timedlock(&m, &ts), 0);
    EQ(self_prio(), 25);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(self_prio(), base);

    int old = 0;
    EQ(pthread_mutex_setprioceiling(&m, 10, &old), 0);
    EQ(old, 25);
    EQ(pthread_mutex_getprioceiling(&m, &c), 0);
    EQ(c, 10);
    /* The caller (priority 16) is above the ceiling now. */
    EQ(pthread_mutex_lock(&m), EINVAL);
    EQ(pthread_mutex_trylock(&m), EINVAL);
    EQ(self_prio(), base);
    EQ(pthread_mutex_setprioceiling(&m, 0, &old), EINVAL);
    EQ(pthread_mutex_setprioceiling(&m, (int)tn_sched_priorities(), &old), EINVAL);
    EQ(pthread_mutex_setprioceiling(&m, 24, &old), 0);
    EQ(old, 10);
    EQ(pthread_mutex_destroy(&m), 0);

    /* Recursive with a ceiling: raised once, restored at the last unlock. */
    make(&m, PTHREAD_MUTEX_RECURSIVE, PTHREAD_PRIO_PROTECT, 22);
    EQ(pthread_mutex_lock(&m), 0);
    EQ(pthread_mutex_lock(&m), 0);
    EQ(self_prio(), 22);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(self_prio(), 22);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(self_prio(), base);
    EQ(pthread_mutex_destroy(&m), 0);
}

/* Condition variables */

struct cv_arg {
    pthread_cond_t* c;
    pthread_mutex_t* m;
    volatile int* pred;
    volatile int woken;
    int rc;
};

static void cv_waiter(void* p) {
    struct cv_arg* a = p;
    pthread_mutex_lock(a->m);
    while (!*a->pred)
        a->rc = pthread_cond_wait(a->c, a->m);
    a->woken++;
    pthread_mutex_unlock(a->m);
}

static void cv_locker(void* p) {
    struct cv_arg* a = p;
    a->rc = pthread_cond_wait(a->c, a->m);  /* the mutex is not the caller's */
}

static void test_cond(void) {
    pthread_condattr_t ca;
    clockid_t clk;
    int v;
    EQ(pthread_condattr_init(&ca), 0);
    EQ(pthread_condattr_getclock(&ca, &clk), 0);
    EQ(clk, CLOCK_REALTIME);
    EQ(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
    EQ(pthread_condattr_getclock(&ca, &clk), 0);
    EQ(clk, CLOCK_MONOTONIC);
    EQ(pthread_condattr_setclock(&ca, (clockid_t)12345), EINVAL);
    EQ(pthread_condattr_getpshared(&ca, &v), 0);
    EQ(v, PTHREAD_PROCESS_PRIVATE);
    EQ(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
    EQ(pthread_condattr_getpshared(&ca, &v), 0);
    EQ(v, PTHREAD_PROCESS_SHARED);
    EQ(pthread_condattr_setpshared(&ca, 5), EINVAL);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_PRIVATE);

    /* Timed waits on both clocks wait at least until abstime, and hold the
     * mutex again afterwards. */
    clockid_t clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME};
    for (int i = 0; i < 2; i++) {
        pthread_cond_t c;
        pthread_mutex_t m;
        pthread_condattr_setclock(&ca, clocks[i]);
        EQ(pthread_cond_init(&c, &ca), 0);
        make(&m, PTHREAD_MUTEX_ERRORCHECK, PTHREAD_PRIO_NONE, 0);
        EQ(pthread_mutex_lock(&m), 0);
        struct timespec ts = after_ms(clocks[i], 40);
        EQ(pthread_cond_timedwait(&c, &m, &ts), ETIMEDOUT);
        CHECK_LATE(clocks[i], ts, "pthread_cond_timedwait");
        EQ(pthread_mutex_lock(&m), EDEADLK);  /* held again */
        struct timespec past = {0, 0};
        EQ(pthread_cond_timedwait(&c, &m, &past), ETIMEDOUT);
        struct timespec bad = {0, -1};
        EQ(pthread_cond_timedwait(&c, &m, &bad), EINVAL);
        EQ(pthread_mutex_unlock(&m), 0);
        /* Not the owner of an errorcheck mutex: EPERM. */
        EQ(pthread_cond_wait(&c, &m), EPERM);
        ts = after_ms(clocks[i], 10);
        EQ(pthread_cond_timedwait(&c, &m, &ts), EPERM);
        EQ(pthread_cond_destroy(&c), 0);
        EQ(pthread_mutex_destroy(&m), 0);
    }
    pthread_condattr_destroy(&ca);
    EQ(pthread_condattr_getclock(&ca, &clk), EINVAL);

    /* Signal, broadcast; destroy EBUSY while threads wait. */
    static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    volatile int pred = 0;
    struct cv_arg a[3];
    tn_thread_t* t[3];
    for (int i = 0; i < 3; i++) {
        a[i] = (struct cv_arg){&c, &m, &pred, 0, -1};
        t[i] = spawn("cv-waiter", 20, 0, cv_waiter, &a[i]);  /* runs at once and waits */
    }
    EQ(pthread_cond_destroy(&c), EBUSY);
    pthread_mutex_lock(&m);
    pred = 1;
    EQ(pthread_cond_signal(&c), 0);
    pthread_mutex_unlock(&m);  /* one waiter (priority 20) runs now */
    int woken = a[0].woken + a[1].woken + a[2].woken;
    EQ(woken, 1);
    EQ(pthread_cond_destroy(&c), EBUSY);
    pthread_mutex_lock(&m);
    EQ(pthread_cond_broadcast(&c), 0);
    pthread_mutex_unlock(&m);
    for (int i = 0; i < 3; i++) {
        join(t[i]);
        EQ(a[i].woken, 1);
        EQ(a[i].rc, 0);
    }
    EQ(pthread_cond_signal(&c), 0);     /* nobody waits: nothing happens */
    EQ(pthread_cond_broadcast(&c), 0);
    EQ(pthread_cond_destroy(&c), 0);
    EQ(pthread_cond_signal(&c), EINVAL);
    EQ(pthread_cond_wait(NULL, &m), EINVAL);

    /* A recursive mutex locked twice: released for the wait, count restored. */
    pthread_cond_t c2;
    pthread_mutex_t rm;
    pthread_cond_init(&c2, NULL);
    make(&rm, PTHREAD_MUTEX_RECURSIVE, PTHREAD_PRIO_NONE, 0);
    EQ(pthread_cond_wait(&c2, &rm), EPERM);
    pthread_mutex_lock(&rm);
    pthread_mutex_lock(&rm);
    struct timespec ts = after_ms(CLOCK_REALTIME, 20);
    EQ(pthread_cond_timedwait(&c2, &rm, &ts), ETIMEDOUT);
    EQ(pthread_mutex_unlock(&rm), 0);
    EQ(pthread_mutex_unlock(&rm), 0);
    EQ(pthread_mutex_unlock(&rm), EPERM);
    /* A ceiling mutex: the priority is the ceiling again after the wait. */
    pthread_mutex_t pm;
    unsigned base = self_prio();
    make(&pm, PTHREAD_MUTEX_NORMAL, PTHREAD_PRIO_PROTECT, 23);
    EQ(pthread_mutex_lock(&pm), 0);
    EQ(self_prio(), 23);
    ts = after_ms(CLOCK_REALTIME, 10);
    EQ(pthread_cond_timedwait(&c2, &pm, &ts), ETIMEDOUT);
    EQ(self_prio(), 23);
    EQ(pthread_mutex_unlock(&pm), 0);
    EQ(self_prio(), base);
    EQ(pthread_cond_wait(&c2, &pm), EPERM);
    EQ(pthread_mutex_destroy(&pm), 0);
    /* Another thread cannot wait with a recursive mutex it does not own. */
    pthread_mutex_lock(&rm);
    struct cv_arg la = {&c2, &rm, NULL, 0, -1};
    join(spawn("cv-locker", 20, 0, cv_locker, &la));
    EQ(la.rc, EPERM);
    pthread_mutex_unlock(&rm);
    EQ(pthread_cond_destroy(&c2), 0);
    EQ(pthread_mutex_destroy(&rm), 0);
}

/* Read-write locks */

struct rw_arg {
    pthread_rwlock_t* l;
    volatile int* inside;
    volatile int max_inside;
    volatile int go;
    int rc;
};

static void rw_reader(void* p) {
    struct rw_arg* a = p;
    a->rc = pthread_rwlock_rdlock(a->l);
    int n = __atomic_add_fetch(a->inside, 1, __ATOMIC_SEQ_CST);
    if (n > a->max_inside)
        a->max_inside = n;
    while (!a->go)
        sleep_ms(1);
    __atomic_sub_fetch(a->inside, 1, __ATOMIC_SEQ_CST);
    pthread_rwlock_unlock(a->l);
}

static void rw_try(void* p) {
    struct rw_arg* a = p;
    a->rc = a->go ? pthread_rwlock_trywrlock(a->l) : pthread_rwlock_tryrdlock(a->l);
    if (a->rc == 0)
        pthread_rwlock_unlock(a->l);
}

static void rw_unlocker(void* p) {
    struct rw_arg* a = p;
    a->rc = pthread_rwlock_unlock(a->l);
}

static void rw_writer(void* p) {
    struct rw_arg* a = p;
    a->rc = pthread_rwlock_wrlock(a->l);
    __atomic_add_fetch(a->inside, 1, __ATOMIC_SEQ_CST);
    pthread_rwlock_unlock(a->l);
}

static int rw_try_in_thread(pthread_rwlock_t* l, int write) {
    struct rw_arg a = {l, NULL, 0, write, -1};
    join(spawn("rw-try", 20, 0, rw_try, &a));
    return a.rc;
}

static void test_rwlock(void) {
    pthread_rwlockattr_t ra;
    int v;
    EQ(pthread_rwlockattr_init(&ra), 0);
    EQ(pthread_rwlockattr_getpshared(&ra, &v), 0);
    EQ(v, PTHREAD_PROCESS_PRIVATE);
    EQ(pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED), 0);
    EQ(pthread_rwlockattr_getpshared(&ra, &v), 0);
    EQ(v, PTHREAD_PROCESS_SHARED);
    EQ(pthread_rwlockattr_setpshared(&ra, 3), EINVAL);
    pthread_rwlock_t l;
    EQ(pthread_rwlock_init(&l, &ra), 0);
    EQ(pthread_rwlockattr_destroy(&ra), 0);
    EQ(pthread_rwlockattr_getpshared(&ra, &v), EINVAL);

    /* Readers share it. */
    volatile int inside = 0;
    struct rw_arg r[3];
    tn_thread_t* t[3];
    for (int i = 0; i < 3; i++) {
        r[i] = (struct rw_arg){&l, &inside, 0, 0, -1};
        t[i] = spawn("rw-reader", 20, 0, rw_reader, &r[i]);
    }
    EQ(inside, 3);
    EQ(rw_try_in_thread(&l, 0), 0);        /* another reader */
    EQ(rw_try_in_thread(&l, 1), EBUSY);    /* no writer */
    EQ(pthread_rwlock_trywrlock(&l), EBUSY);
    struct timespec ts = after_ms(CLOCK_REALTIME, 30);
    EQ(pthread_rwlock_timedwrlock(&l, &ts), ETIMEDOUT);
    CHECK_LATE(CLOCK_REALTIME, ts, "pthread_rwlock_timedwrlock");
    struct timespec bad = {0, 2000000000L};
    EQ(pthread_rwlock_timedwrlock(&l, &bad), EINVAL);
    EQ(pthread_rwlock_timedrdlock(&l, &bad), 0);  /* available: abstime unchecked */
    EQ(pthread_rwlock_unlock(&l), 0);
    for (int i = 0; i < 3; i++) {
        r[i].go = 1;
        join(t[i]);
        EQ(r[i].rc, 0);
    }
    CHECK(r[2].max_inside == 3, "readers were not inside together (%d)", r[2].max_inside);

    /* A writer excludes everyone; relocking is EDEADLK. */
    EQ(pthread_rwlock_wrlock(&l), 0);
    EQ(pthread_rwlock_wrlock(&l), EDEADLK);
    EQ(pthread_rwlock_rdlock(&l), EDEADLK);
    EQ(pthread_rwlock_trywrlock(&l), EBUSY);
    EQ(pthread_rwlock_tryrdlock(&l), EBUSY);
    struct timespec tsw = after_ms(CLOCK_REALTIME, 10);
    EQ(pthread_rwlock_timedwrlock(&l, &tsw), EDEADLK);
    EQ(pthread_rwlock_timedrdlock(&l, &tsw), EDEADLK);
    EQ(rw_try_in_thread(&l, 0), EBUSY);
    EQ(rw_try_in_thread(&l, 1), EBUSY);
    struct rw_arg u = {&l, NULL, 0, 0, -1};
    join(spawn("rw-unlocker", 20, 0, rw_unlocker, &u));
    EQ(u.rc, EPERM);
    EQ(pthread_rwlock_destroy(&l), EBUSY);
    EQ(pthread_rwlock_unlock(&l), 0);
    EQ(pthread_rwlock_unlock(&l), EPERM);

    /* Writers are preferred: with a writer waiting, new readers wait, but a
     * thread holding a read lock may take another. */
    EQ(pthread_rwlock_rdlock(&l), 0);
    EQ(pthread_rwlock_wrlock(&l), EDEADLK);
    volatile int wrote = 0;
    struct rw_arg w = {&l, &wrote, 0, 0, -1};
    tn_thread_t* wt = spawn("rw-writer", 20, 0, rw_writer, &w);  /* waits */
    EQ(wrote, 0);
    EQ(rw_try_in_thread(&l, 0), EBUSY);
    EQ(pthread_rwlock_tryrdlock(&l), 0);  /* recursive read lock */
    EQ(pthread_rwlock_unlock(&l), 0);
    EQ(wrote, 0);
    EQ(pthread_rwlock_unlock(&l), 0);  /* the writer runs now */
    EQ(wrote, 1);
    join(wt);
    EQ(w.rc, 0);
    EQ(pthread_rwlock_destroy(&l), 0);
    EQ(pthread_rwlock_rdlock(&l), EINVAL);

    static pthread_rwlock_t sl = PTHREAD_RWLOCK_INITIALIZER;
    EQ(pthread_rwlock_rdlock(&sl), 0);
    EQ(pthread_rwlock_rdlock(&sl), 0);
    EQ(pthread_rwlock_trywrlock(&sl), EBUSY);
    EQ(pthread_rwlock_wrlock(&sl), EDEADLK);
    EQ(pthread_rwlock_unlock(&sl), 0);
    EQ(pthread_rwlock_unlock(&sl), 0);
    EQ(pthread_rwlock_wrlock(&sl), 0);
    EQ(pthread_rwlock_unlock(&sl), 0);
}

/* Barriers */

static pthread_barrier_t bar;
static volatile int serial[3], zeros[3], bad_rc;

static void bar_thread(void* p) {
    (void)p;
    for (int cycle = 0; cycle < 3; cycle++) {
        int rc = pthread_barrier_wait(&bar);
        if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
            __atomic_add_fetch(&serial[cycle], 1, __ATOMIC_SEQ_CST);
        else if (rc == 0)
            __atomic_add_fetch(&zeros[cycle], 1, __ATOMIC_SEQ_CST);
        else
            bad_rc = rc;
    }
}

static void bar_one(void* p) { *(int*)p = pthread_barrier_wait(&bar); }

static void test_barrier(void) {
    pthread_barrierattr_t ba;
    int v;
    EQ(pthread_barrierattr_init(&ba), 0);
    EQ(pthread_barrierattr_getpshared(&ba, &v), 0);
    EQ(v, PTHREAD_PROCESS_PRIVATE);
    EQ(pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED), 0);
    EQ(pthread_barrierattr_getpshared(&ba, &v), 0);
    EQ(v, PTHREAD_PROCESS_SHARED);
    EQ(pthread_barrierattr_setpshared(&ba, 9), EINVAL);
    EQ(pthread_barrier_init(&bar, &ba, 0), EINVAL);
    EQ(pthread_barrier_init(&bar, &ba, 4), 0);
    EQ(pthread_barrierattr_destroy(&ba), 0);
    EQ(pthread_barrierattr_getpshared(&ba, &v), EINVAL);

    /* 4 threads (priorities 12..15, so they interleave), 3 cycles. */
    tn_thread_t* t[4];
    for (int i = 0; i < 4; i++)
        t[i] = spawn("barrier", 12 + i, 0, bar_thread, NULL);
    for (int i = 0; i < 4; i++)
        join(t[i]);
    for (int c = 0; c < 3; c++) {
        CHECK(serial[c] == 1, "cycle %d: %d serial threads", c, serial[c]);
        CHECK(zeros[c] == 3, "cycle %d: %d threads got 0", c, zeros[c]);
    }
    EQ(bad_rc, 0);
    EQ(pthread_barrier_destroy(&bar), 0);
    EQ(pthread_barrier_wait(&bar), EINVAL);

    /* destroy while a thread waits: EBUSY. */
    EQ(pthread_barrier_init(&bar, NULL, 2), 0);
    int rc_one = 99;
    tn_thread_t* w = spawn("barrier-1", 20, 0, bar_one, &rc_one);
    EQ(pthread_barrier_destroy(&bar), EBUSY);
    int rc = pthread_barrier_wait(&bar);
    join(w);
    CHECK((rc == PTHREAD_BARRIER_SERIAL_THREAD && rc_one == 0) || (rc == 0 && rc_one == PTHREAD_BARRIER_SERIAL_THREAD),
          "barrier of 2: rc %d and %d", rc, rc_one);
    EQ(pthread_barrier_destroy(&bar), 0);
}

/* Spin locks */

static volatile int spin_other_ran;

static void spin_other(void* p) {
    pthread_spinlock_t* s = p;
    spin_other_ran = 1;
    EQ(pthread_spin_unlock(s), EPERM);  /* not held by this thread */
    EQ(pthread_spin_trylock(s), 0);
    EQ(pthread_spin_unlock(s), 0);
}

static void test_spin(void) {
    pthread_spinlock_t s;
    EQ(pthread_spin_init(&s, 9), EINVAL);
    EQ(pthread_spin_init(&s, PTHREAD_PROCESS_SHARED), 0);
    EQ(pthread_spin_destroy(&s), 0);
    EQ(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE), 0);
    EQ(pthread_spin_lock(&s), 0);
    EQ(pthread_spin_lock(&s), EDEADLK);
    EQ(pthread_spin_trylock(&s), EBUSY);
    EQ(pthread_spin_destroy(&s), EBUSY);
    EQ(pthread_spin_unlock(&s), 0);
    /* Held by main (preemption deferred): the other thread runs after the unlock. */
    EQ(pthread_spin_lock(&s), 0);
    tn_thread_t* t = spawn("spin-other", 20, 0, spin_other, &s);
    EQ(spin_other_ran, 0);  /* the owner is not preempted on its CPU */
    EQ(pthread_spin_unlock(&s), 0);
    EQ(spin_other_ran, 1);
    join(t);
    EQ(pthread_spin_unlock(&s), EPERM);
    EQ(pthread_spin_trylock(&s), 0);
    EQ(pthread_spin_unlock(&s), 0);
    EQ(pthread_spin_destroy(&s), 0);
    EQ(pthread_spin_lock(&s), EINVAL);
    EQ(pthread_spin_lock(NULL), EINVAL);
}

/* Semaphores */

static sem_t ssem;
static void sem_poster(void* p) {
    (void)p;
    sleep_ms(20);
    sem_post(&ssem);
}

#define SEM_ERR(call, err) \
    do { \
        errno = 0; \
        int r_ = (call); \
        CHECK(r_ == -1 && errno == (err), "%s = %d errno %d, want -1 errno %d", #call, r_, errno, (err)); \
    } while (0)

static void test_sem(void) {
    int v;
    SEM_ERR(sem_init(&ssem, 0, (unsigned)SEM_VALUE_MAX + 1u), EINVAL);
    EQ(sem_init(&ssem, 1, 2), 0);  /* pshared accepted */
    EQ(sem_getvalue(&ssem, &v), 0);
    EQ(v, 2);
    EQ(sem_wait(&ssem), 0);
    EQ(sem_trywait(&ssem), 0);
    SEM_ERR(sem_trywait(&ssem), EAGAIN);
    EQ(sem_post(&ssem), 0);
    EQ(sem_getvalue(&ssem, &v), 0);
    EQ(v, 1);
    struct timespec bad = {0, 1000000000L};
    EQ(sem_timedwait(&ssem, &bad), 0);  /* a unit is there: abstime unchecked */
    SEM_ERR(sem_timedwait(&ssem, &bad), EINVAL);
    struct timespec past = {0, 0};
    SEM_ERR(sem_timedwait(&ssem, &past), ETIMEDOUT);
    struct timespec ts = after_ms(CLOCK_REALTIME, 40);
    SEM_ERR(sem_timedwait(&ssem, &ts), ETIMEDOUT);
    CHECK_LATE(CLOCK_REALTIME, ts, "sem_timedwait");

    /* A post from another thread wakes sem_wait and sem_timedwait. */
    tn_thread_t* t = spawn("sem-poster", 10, 0, sem_poster, NULL);
    EQ(sem_wait(&ssem), 0);
    join(t);
    t = spawn("sem-poster", 10, 0, sem_poster, NULL);
    ts = after_ms(CLOCK_REALTIME, 5000);
    EQ(sem_timedwait(&ssem, &ts), 0);
    join(t);
    EQ(sem_destroy(&ssem), 0);
    SEM_ERR(sem_post(&ssem), EINVAL);
    SEM_ERR(sem_wait(&ssem), EINVAL);
    SEM_ERR(sem_getvalue(&ssem, &v), EINVAL);
    SEM_ERR(sem_destroy(&ssem), EINVAL);

    EQ(sem_init(&ssem, 0, SEM_VALUE_MAX), 0);
    SEM_ERR(sem_post(&ssem), EOVERFLOW);
    EQ(sem_getvalue(&ssem, &v), 0);
    EQ(v, SEM_VALUE_MAX);
    EQ(sem_destroy(&ssem), 0);

}

#define SEM_OPEN_ERR(call, err)                                                                \
    do {                                                                                       \
        errno = 0;                                                                             \
        sem_t* s_ = (call);                                                                    \
        CHECK(s_ == SEM_FAILED && errno == (err), "%s errno %d, want %d", #call, errno, (err)); \
    } while (0)

/* Named semaphores: one name space for the image, the same sem_t for every
 * opener, alive until unlinked and closed by all. */
static void test_sem_named(void) {
    int v;
    SEM_OPEN_ERR(sem_open("/none", 0), ENOENT);
    SEM_OPEN_ERR(sem_open("noslash", O_CREAT, 0600, 1u), EINVAL);
    SEM_OPEN_ERR(sem_open("/", O_CREAT, 0600, 1u), EINVAL);
    char longname[NAME_MAX + 3];
    memset(longname, 'n', sizeof longname - 1);
    longname[0] = '/';
    longname[sizeof longname - 1] = 0;
    SEM_OPEN_ERR(sem_open(longname, O_CREAT, 0600, 1u), ENAMETOOLONG);
    SEM_OPEN_ERR(sem_open("/big", O_CREAT, 0600, (unsigned)SEM_VALUE_MAX + 1u), EINVAL);

    sem_t* a = sem_open("/named", O_CREAT | O_EXCL, 0600, 2u);
    CHECK(a != SEM_FAILED, "sem_open O_CREAT: errno %d", errno);
    SEM_OPEN_ERR(sem_open("/named", O_CREAT | O_EXCL, 0600, 0u), EEXIST);
    sem_t* b = sem_open("/named", 0);
    CHECK(b == a, "a second sem_open gives the same semaphore");
    sem_t* c = sem_open("/named", O_CREAT, 0600, 9u);  /* exists: value ignored */
    CHECK(c == a, "O_CREAT of an existing name opens it");
    EQ(sem_getvalue(a, &v), 0);
    EQ(v, 2);
    EQ(sem_wait(b), 0);
    EQ(sem_post(c), 0);
    EQ(sem_trywait(a), 0);
    EQ(sem_getvalue(a, &v), 0);
    EQ(v, 1);

    /* Unlinked: the name is gone, the semaphore lives until the last close. */
    EQ(sem_unlink("/named"), 0);
    SEM_ERR(sem_unlink("/named"), ENOENT);
    SEM_OPEN_ERR(sem_open("/named", 0), ENOENT);
    sem_t* fresh = sem_open("/named", O_CREAT | O_EXCL, 0600, 5u);
    CHECK(fresh != SEM_FAILED && fresh != a, "a new semaphore under the unlinked name");
    EQ(sem_post(a), 0);
    EQ(sem_close(a), 0);
    EQ(sem_close(b), 0);
    EQ(sem_getvalue(c, &v), 0);
    EQ(v, 2);
    EQ(sem_close(c), 0);
    SEM_ERR(sem_close(a), EINVAL);  /* closed as often as opened: gone */
    EQ(sem_getvalue(fresh, &v), 0);
    EQ(v, 5);
    EQ(sem_close(fresh), 0);
    /* Closed but not unlinked: it persists with its value. */
    sem_t* again = sem_open("/named", 0);
    CHECK(again == fresh, "a closed, not unlinked semaphore keeps its name");
    EQ(sem_getvalue(again, &v), 0);
    EQ(v, 5);
    EQ(sem_unlink("/named"), 0);
    EQ(sem_close(again), 0);

    SEM_ERR(sem_close(&ssem), EINVAL);  /* an unnamed one */
    SEM_ERR(sem_unlink("/never"), ENOENT);

    /* The table holds CONFIG_LIBPOSIX_SEM_NAMED_MAX. */
    sem_t* all[CONFIG_LIBPOSIX_SEM_NAMED_MAX];
    char name[16];
    for (int i = 0; i < CONFIG_LIBPOSIX_SEM_NAMED_MAX; ++i) {
        snprintf(name, sizeof name, "/s%d", i);
        all[i] = sem_open(name, O_CREAT, 0600, 0u);
        CHECK(all[i] != SEM_FAILED, "sem_open %s: errno %d", name, errno);
    }
    SEM_OPEN_ERR(sem_open("/one-more", O_CREAT, 0600, 0u), ENOSPC);
    for (int i = 0; i < CONFIG_LIBPOSIX_SEM_NAMED_MAX; ++i) {
        snprintf(name, sizeof name, "/s%d", i);
        EQ(sem_unlink(name), 0);
        EQ(sem_close(all[i]), 0);
    }
    sem_t* last = sem_open("/one-more", O_CREAT, 0600, 0u);
    CHECK(last != SEM_FAILED, "entries are freed: errno %d", errno);
    EQ(sem_unlink("/one-more"), 0);
    EQ(sem_close(last), 0);
}

/* Two CPUs (when there are two) incrementing one counter under a static
 * mutex, which they also set up concurrently at first use. */

#define CONTENTION_LOOPS 100000
static pthread_mutex_t count_m = PTHREAD_MUTEX_INITIALIZER;
static volatile int count_start;
static unsigned long counter;

static void counter_thread(void* p) {
    (void)p;
    while (!count_start) {
    }
    for (int i = 0; i < CONTENTION_LOOPS; i++) {
        pthread_mutex_lock(&count_m);
        counter++;
        pthread_mutex_unlock(&count_m);
    }
}

static void test_contention(void) {
    tn_thread_attr_t a = {"count-1", 10, 0, 1};
    tn_thread_t* t1 = NULL;
    int two = tn_thread_create(&t1, &a, counter_thread, NULL) == 0;
    tn_thread_t* t0 = spawn("count-0", 10, two ? 0 : 0, counter_thread, NULL);
    tn_thread_t* t2 = two ? NULL : spawn("count-1", 10, 0, counter_thread, NULL);
    uint64_t t_start = now_ns(CLOCK_MONOTONIC);
    count_start = 1;
    join(t0);
    join(two ? t1 : t2);
    unsigned ms = (unsigned)((now_ns(CLOCK_MONOTONIC) - t_start) / 1000000u);
    CHECK(counter == 2ul * CONTENTION_LOOPS, "counter %lu, want %lu", counter, 2ul * CONTENTION_LOOPS);
    printf("posix-sync: contention on %d CPU(s): counter %lu in %u ms\n", two ? 2 : 1, counter, ms);
}

/* Cost of the POSIX layer, for information: uncontended lock/unlock pairs
 * and post/wait pairs, POSIX against the Tenon calls (under -icount one
 * counter tick, 16 ns, per instruction). */
static uint64_t ticks(void) {
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static void report_cost(void) {
    enum { N = 2000 };
    pthread_mutex_t pm;
    tn_mutex_t tm;
    sem_t ps;
    tn_sem_t ts;
    pthread_mutex_init(&pm, NULL);
    tn_mutex_init(&tm);
    sem_init(&ps, 0, 0);
    tn_sem_init(&ts, 0, SEM_VALUE_MAX);
    uint64_t t0 = ticks();
    for (int i = 0; i < N; i++) {
        pthread_mutex_lock(&pm);
        pthread_mutex_unlock(&pm);
    }
    uint64_t t1 = ticks();
    for (int i = 0; i < N; i++) {
        tn_mutex_lock(&tm, TN_FOREVER);
        tn_mutex_unlock(&tm);
    }
    uint64_t t2 = ticks();
    for (int i = 0; i < N; i++) {
        sem_post(&ps);
        sem_wait(&ps);
    }
    uint64_t t3 = ticks();
    for (int i = 0; i < N; i++) {
        tn_sem_give(&ts);
        tn_sem_take(&ts, TN_FOREVER);
    }
    uint64_t t4 = ticks();
    printf("posix-sync: ticks per pair: pthread_mutex %lu tn_mutex %lu, sem %lu tn_sem %lu\n",
           (unsigned long)((t1 - t0) / N), (unsigned long)((t2 - t1) / N), (unsigned long)((t3 - t2) / N),
           (unsigned long)((t4 - t3) / N));
    pthread_mutex_destroy(&pm);
    sem_destroy(&ps);
}

int main(void) {
    test_mutexattr();
    test_mutex_types();
    test_mutex_timedlock();
    test_prio_inherit();
    test_prio_protect();
    test_cond();
    test_rwlock();
    test_barrier();
    test_spin();
    test_sem();
    test_sem_named();
    test_contention();
    report_cost();
    if (failures == 0)
        printf("posix-sync: all checks passed\n");
    else
        printf("posix-sync: %d checks FAILED\n", failures);
    return failures ? 1 : 0;
}
