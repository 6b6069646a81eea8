/*
 * POSIX threads on Tenon (lib/posix), checked against the text of POSIX.1-2008:
 * pthread_create/join/detach/exit/self/equal/once, every thread attribute,
 * scheduling policies and priorities (pthread_*schedparam, sched_*), thread-
 * specific data with destructors, cancellation state, concurrency level, and
 * the error codes each function documents. main ends with pthread_exit(),
 * so the process must live on until the last thread has ended and then exit
 * with status 0.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tn/sched.h>


static volatile int failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("posix-threads: FAILED: %s (line %d)\n", #cond, __LINE__); \
            ++failures;                                                        \
        }                                                                      \
    } while (0)

/* An error-number check that shows the value it got. */
#define CHECK_RC(expr, want)                                                                  \
    do {                                                                                      \
        int rc_ = (expr);                                                                     \
        if (rc_ != (want)) {                                                                  \
            printf("posix-threads: FAILED: %s = %d, want %d (line %d)\n", #expr, rc_, (want), \
                   __LINE__);                                                                 \
            ++failures;                                                                       \
        }                                                                                     \
    } while (0)

static void msleep(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, 0);
}

static int main_prio;

/* ---- create, join, exit values ---- */

static void* ret_arg(void* arg) { return arg; }

static void* exit_arg(void* arg) {
    pthread_exit((char*)arg + 1);
    return 0;
}

static pthread_t g_seen_self;
static void* note_self(void* arg) {
    (void)arg;
    g_seen_self = pthread_self();
    return 0;
}

static void test_create_join(void) {
    pthread_t t;
    void* v = 0;
    int x;
    CHECK_RC(pthread_create(&t, 0, ret_arg, &x), 0);
    CHECK_RC(pthread_join(t, &v), 0);
    CHECK(v == &x);

    CHECK_RC(pthread_create(&t, 0, exit_arg, (char*)&x), 0);
    CHECK_RC(pthread_join(t, &v), 0);
    CHECK(v == (char*)&x + 1);

    /* The id stored by pthread_create is the thread's pthread_self(). */
    CHECK_RC(pthread_create(&t, 0, note_self, 0), 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK(pthread_equal(g_seen_self, t));
    CHECK(!pthread_equal(g_seen_self, pthread_self()));

    /* Errors. */
    CHECK_RC(pthread_create(&t, 0, 0, 0), EINVAL);
    CHECK_RC(pthread_create(0, 0, ret_arg, 0), EINVAL);
    pthread_attr_t bad;
    memset(&bad, 0x5a, sizeof bad);
    CHECK_RC(pthread_create(&t, &bad, ret_arg, 0), EINVAL);
    CHECK_RC(pthread_join(pthread_self(), 0), EDEADLK);
    CHECK_RC(pthread_join((pthread_t)0, 0), ESRCH);
    CHECK_RC(pthread_join((pthread_t)&bad, 0), ESRCH);
    /* An id whose thread has been joined no longer names a thread. */
    CHECK_RC(pthread_create(&t, 0, ret_arg, 0), 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK_RC(pthread_join(t, 0), ESRCH);
    CHECK_RC(pthread_detach(t), ESRCH);
    CHECK_RC(pthread_detach((pthread_t)0), ESRCH);
}

/* ---- join states: detached, joined twice, main, join cycle ---- */

static volatile int release_sleeper;
static void* sleeper(void* arg) {
    while (!release_sleeper)
        msleep(2);
    return arg;
}

static pthread_t g_target;
static volatile int second_join_rc = -1;
static void* second_joiner(void* arg) {
    (void)arg;
    void* v = 0;
    second_join_rc = pthread_join(g_target, &v);
    return v;
}

static pthread_t g_main;
static volatile int join_main_rc = -1, detach_main_rc = -1;
static void* join_main(void* arg) {
    (void)arg;
    join_main_rc = pthread_join(g_main, 0);
    detach_main_rc = pthread_detach(g_main);
    return 0;
}

static pthread_t g_cyc_a, g_cyc_b;
static volatile int cyc_a_rc = -1, cyc_b_rc = -1, cyc_a_joining;
static void* cyc_a(void* arg) {
    (void)arg;
    cyc_a_joining = 1;
    cyc_a_rc = pthread_join(g_cyc_b, 0);
    return 0;
}
static void* cyc_b(void* arg) {
    (void)arg;
    while (!cyc_a_joining)
        msleep(1);
    msleep(5);  /* a is now blocked in its join of b */
    cyc_b_rc = pthread_join(g_cyc_a, 0);
    return 0;
}

static void test_join_states(void) {
    pthread_t t, j;
    /* A thread another thread joins already: EINVAL. */
    release_sleeper = 0;
    CHECK_RC(pthread_create(&g_target, 0, sleeper, (void*)7), 0);
    CHECK_RC(pthread_create(&j, 0, second_joiner, 0), 0);
    msleep(20);  /* second_joiner is in its join */
    CHECK_RC(pthread_join(g_target, 0), EINVAL);
    CHECK_RC(pthread_detach(g_target), EINVAL);
    release_sleeper = 1;
    void* v = 0;
    CHECK_RC(pthread_join(j, &v), 0);
    CHECK_RC(second_join_rc, 0);
    CHECK(v == (void*)7);

    /* Detached: join and a second detach fail with EINVAL. */
    release_sleeper = 0;
    CHECK_RC(pthread_create(&t, 0, sleeper, 0), 0);
    CHECK_RC(pthread_detach(t), 0);
    CHECK_RC(pthread_join(t, 0), EINVAL);
    CHECK_RC(pthread_detach(t), EINVAL);
    release_sleeper = 1;
    msleep(20);

    /* Detaching a thread that has already ended reclaims it. */
    CHECK_RC(pthread_create(&t, 0, ret_arg, 0), 0);
    msleep(10);
    CHECK_RC(pthread_detach(t), 0);

    /* main was not made by pthread_create: not joinable. */
    g_main = pthread_self();
    CHECK_RC(pthread_create(&t, 0, join_main, 0), 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK_RC(join_main_rc, EINVAL);
    CHECK_RC(detach_main_rc, EINVAL);

    /* a joins b, then b joins a: a deadlock, detected. */
    cyc_a_joining = 0;
    CHECK_RC(pthread_create(&g_cyc_b, 0, cyc_b, 0), 0);
    CHECK_RC(pthread_create(&g_cyc_a, 0, cyc_a, 0), 0);
    CHECK_RC(pthread_join(g_cyc_a, 0), 0);  /* a's join of b returns once b has given up */
    CHECK_RC(cyc_b_rc, EDEADLK);
    CHECK_RC(cyc_a_rc, 0);
}

/* ---- detached threads are reclaimed ---- */

static volatile int detached_runs;
static void* count_run(void* arg) {
    (void)arg;
    __atomic_add_fetch(&detached_runs, 1, __ATOMIC_RELAXED);
    return 0;
}

static void* self_detach(void* arg) {
    (void)arg;
    pthread_detach(pthread_self());
    __atomic_add_fetch(&detached_runs, 1, __ATOMIC_RELAXED);
    return 0;
}

/* The image allows 64 threads (defconfig): 200 in a row only fit if the
 * ended ones give their stack and record back. */
static void test_detach_reclaim(void) {
    pthread_attr_t a;
    CHECK_RC(pthread_attr_init(&a), 0);
    CHECK_RC(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
    int fails = 0;
    detached_runs = 0;
    for (int i = 0; i < 200; ++i) {
        pthread_t t;
        if (pthread_create(&t, &a, count_run, 0) != 0)
            ++fails;
        if (i % 8 == 7)
            msleep(1);
    }
    for (int i = 0; i < 200; ++i) {
        pthread_t t;
        if (pthread_create(&t, 0, self_detach, 0) != 0)
            ++fails;
        else if (i % 2)
            msleep(1);
    }
    for (int i = 0; i < 200; ++i) {
        pthread_t t;
        if (pthread_create(&t, 0, count_run, 0) != 0 || pthread_detach(t) != 0)
            ++fails;
        if (i % 8 == 7)
            msleep(1);
    }
    CHECK_RC(fails, 0);
    for (int i = 0; i < 1000 && detached_runs < 600; ++i)
        msleep(5);
    CHECK_RC(detached_runs, 600);
    CHECK_RC(pthread_attr_destroy(&a), 0);
}

/* ---- attributes ---- */

static char user_stack[16384] __attribute__((aligned(16)));
/* The caller's SP (a leaf function's: the stack top at entry). */
static void* where_am_i(void* arg) {
    (void)arg;
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return (void*)sp;
}

static void* big_frame(void* arg) {
    (void)arg;
    volatile char buf[48 * 1024];
    for (unsigned i = 0; i < sizeof buf; i += 512)
        buf[i] = (char)(i / 512);
    return (void*)(uintptr_t)buf[40 * 1024];
}

static void test_attributes(void) {
    pthread_attr_t a;
    int v;
    size_t sz;
    void* p;
    struct sched_param sp;
    CHECK_RC(pthread_attr_init(0), EINVAL);
    CHECK_RC(pthread_attr_init(&a), 0);
    CHECK_RC(pthread_attr_getdetachstate(&a, &v), 0);
    CHECK(v == PTHREAD_CREATE_JOINABLE);
    CHECK_RC(pthread_attr_getinheritsched(&a, &v), 0);
    CHECK(v == PTHREAD_INHERIT_SCHED);
    CHECK_RC(pthread_attr_getschedpolicy(&a, &v), 0);
    CHECK(v == SCHED_FIFO);
    CHECK_RC(pthread_attr_getscope(&a, &v), 0);
    CHECK(v == PTHREAD_SCOPE_SYSTEM);
    CHECK_RC(pthread_attr_getstacksize(&a, &sz), 0);
    CHECK(sz >= PTHREAD_STACK_MIN);
    CHECK_RC(pthread_attr_getguardsize(&a, &sz), 0);
    CHECK(sz == 4096);
    CHECK_RC(pthread_attr_getstackaddr(&a, &p), 0);
    CHECK(p == 0);

    CHECK_RC(pthread_attr_setdetachstate(&a, 77), EINVAL);
    CHECK_RC(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
    CHECK_RC(pthread_attr_getdetachstate(&a, &v), 0);
    CHECK(v == PTHREAD_CREATE_DETACHED);
    CHECK_RC(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_JOINABLE), 0);

    CHECK_RC(pthread_attr_setinheritsched(&a, 77), EINVAL);
    CHECK_RC(pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED), 0);
    CHECK_RC(pthread_attr_getinheritsched(&a, &v), 0);
    CHECK(v == PTHREAD_EXPLICIT_SCHED);

    CHECK_RC(pthread_attr_setschedpolicy(&a, 77), EINVAL);
    CHECK_RC(pthread_attr_setschedpolicy(&a, SCHED_RR), 0);
    CHECK_RC(pthread_attr_getschedpolicy(&a, &v), 0);
    CHECK(v == SCHED_RR);
    CHECK_RC(pthread_attr_setschedparam(&a, 0), EINVAL);
    sp.sched_priority = -1;
    CHECK_RC(pthread_attr_setschedparam(&a, &sp), EINVAL);
    sp.sched_priority = sched_get_priority_max(SCHED_FIFO) + 1;
    CHECK_RC(pthread_attr_setschedparam(&a, &sp), EINVAL);
    sp.sched_priority = 9;
    CHECK_RC(pthread_attr_setschedparam(&a, &sp), 0);
    sp.sched_priority = 0;
    CHECK_RC(pthread_attr_getschedparam(&a, &sp), 0);
    CHECK(sp.sched_priority == 9);

    CHECK_RC(pthread_attr_setscope(&a, PTHREAD_SCOPE_PROCESS), ENOTSUP);
    CHECK_RC(pthread_attr_setscope(&a, 77), EINVAL);
    CHECK_RC(pthread_attr_setscope(&a, PTHREAD_SCOPE_SYSTEM), 0);

    CHECK_RC(pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN - 1), EINVAL);
    CHECK_RC(pthread_attr_setstacksize(&a, (size_t)1 << 40), EINVAL);
    CHECK_RC(pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN), 0);
    CHECK_RC(pthread_attr_getstacksize(&a, &sz), 0);
    CHECK(sz == PTHREAD_STACK_MIN);
    CHECK_RC(pthread_attr_setguardsize(&a, 8192), 0);
    CHECK_RC(pthread_attr_getguardsize(&a, &sz), 0);
    CHECK(sz == 8192);

    CHECK_RC(pthread_attr_setstack(&a, user_stack, PTHREAD_STACK_MIN - 16), EINVAL);
    CHECK_RC(pthread_attr_setstack(&a, user_stack + 1, sizeof user_stack - 16), EINVAL);
    CHECK_RC(pthread_attr_setstack(&a, user_stack, sizeof user_stack), 0);
    CHECK_RC(pthread_attr_getstack(&a, &p, &sz), 0);
    CHECK(p == user_stack && sz == sizeof user_stack);
    CHECK_RC(pthread_attr_getstackaddr(&a, &p), 0);
    CHECK(p == user_stack);

    /* The thread runs on the stack it was given. */
    pthread_t t;
    void* local = 0;
    CHECK_RC(pthread_create(&t, &a, where_am_i, 0), 0);
    CHECK_RC(pthread_join(t, &local), 0);
    CHECK((char*)local > user_stack && (char*)local <= user_stack + sizeof user_stack);

    /* And on a Tenon stack of the size asked for. */
    pthread_attr_t b;
    CHECK_RC(pthread_attr_init(&b), 0);
    CHECK_RC(pthread_attr_setstacksize(&b, 64 * 1024), 0);
    CHECK_RC(pthread_create(&t, &b, big_frame, 0), 0);
    CHECK_RC(pthread_join(t, &local), 0);
    CHECK(local == (void*)80);
    CHECK_RC(pthread_attr_setstacksize(&b, PTHREAD_STACK_MIN), 0);
    CHECK_RC(pthread_create(&t, &b, where_am_i, 0), 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK_RC(pthread_attr_destroy(&b), 0);

    /* A destroyed attribute object is refused. */
    CHECK_RC(pthread_attr_destroy(&a), 0);
    CHECK_RC(pthread_attr_destroy(&a), EINVAL);
    CHECK_RC(pthread_attr_getdetachstate(&a, &v), EINVAL);
    CHECK_RC(pthread_attr_setstacksize(&a, 65536), EINVAL);
    CHECK_RC(pthread_create(&t, &a, ret_arg, 0), EINVAL);
}

/* ---- scheduling ---- */

static void* report_sched(void* arg) {
    int* out = (int*)arg;
    struct sched_param sp;
    out[2] = pthread_getschedparam(pthread_self(), &out[0], &sp);
    out[1] = sp.sched_priority;
    out[3] = tn_thread_priority(tn_thread_current());
    return 0;
}

static volatile int high_ran, low_ran;
static void* set_high(void* arg) {
    (void)arg;
    high_ran = 1;
    return 0;
}
static void* set_low(void* arg) {
    (void)arg;
    low_ran = 1;
    return 0;
}

static void create_explicit(pthread_t* t, int policy, int prio, void* (*fn)(void*), void* arg, int want) {
    pthread_attr_t a;
    struct sched_param sp = {.sched_priority = prio};
    pthread_attr_init(&a);
    pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&a, policy);
    pthread_attr_setschedparam(&a, &sp);
    CHECK_RC(pthread_create(t, &a, fn, arg), want);
    pthread_attr_destroy(&a);
}

static void test_sched(void) {
    int maxp = sched_get_priority_max(SCHED_FIFO);
    CHECK_RC(sched_get_priority_min(SCHED_FIFO), 1);
    CHECK_RC(sched_get_priority_min(SCHED_RR), 1);
    CHECK_RC(maxp, (int)tn_sched_priorities() - 1);
    CHECK_RC(sched_get_priority_max(SCHED_RR), maxp);
    CHECK_RC(sched_get_priority_min(SCHED_OTHER), 0);
    CHECK_RC(sched_get_priority_max(SCHED_OTHER), 0);
    errno = 0;
    CHECK_RC(sched_get_priority_max(1234), -1);
    CHECK_RC(errno, EINVAL);
    errno = 0;
    CHECK_RC(sched_get_priority_min(-5), -1);
    CHECK_RC(errno, EINVAL);
    CHECK_RC(sched_yield(), 0);

    /* main: SCHED_FIFO at its Tenon priority. */
    int policy = -1;
    struct sched_param sp;
    CHECK_RC(pthread_getschedparam(pthread_self(), &policy, &sp), 0);
    CHECK(policy == SCHED_FIFO && sp.sched_priority == main_prio);
    CHECK_RC(sched_getscheduler(0), SCHED_FIFO);
    CHECK_RC(sched_getscheduler(getpid()), SCHED_FIFO);
    CHECK_RC(sched_getparam(0, &sp), 0);
    CHECK(sp.sched_priority == main_prio);
    errno = 0;
    CHECK_RC(sched_getscheduler(getpid() + 1000), -1);
    CHECK_RC(errno, ESRCH);
    errno = 0;
    CHECK_RC(sched_getparam(getpid() + 1000, &sp), -1);
    CHECK_RC(errno, ESRCH);
    struct timespec slice = {-1, -1};
    CHECK_RC(sched_rr_get_interval(0, &slice), 0);
#ifdef CONFIG_LIBSCHED_TIMESLICE_US
    CHECK(slice.tv_sec == CONFIG_LIBSCHED_TIMESLICE_US / 1000000 &&
          slice.tv_nsec == (CONFIG_LIBSCHED_TIMESLICE_US % 1000000) * 1000L);
#endif
    errno = 0;
    CHECK_RC(sched_rr_get_interval(getpid() + 1000, &slice), -1);
    CHECK_RC(errno, ESRCH);

    /* sched_setscheduler returns the former policy; bad values: EINVAL. */
    sp.sched_priority = main_prio;
    CHECK_RC(sched_setscheduler(0, SCHED_RR, &sp), SCHED_FIFO);
    CHECK_RC(sched_getscheduler(0), SCHED_RR);
    sp.sched_priority = 0;
    errno = 0;
    CHECK_RC(sched_setscheduler(0, SCHED_FIFO, &sp), -1);
    CHECK_RC(errno, EINVAL);
    sp.sched_priority = main_prio;
    errno = 0;
    CHECK_RC(sched_setscheduler(0, 99, &sp), -1);
    CHECK_RC(errno, EINVAL);
    CHECK_RC(sched_setscheduler(0, SCHED_FIFO, &sp), SCHED_RR);
    sp.sched_priority = main_prio - 1;
    CHECK_RC(sched_setparam(0, &sp), 0);
    CHECK(tn_thread_priority(tn_thread_current()) == main_prio - 1);
    sp.sched_priority = maxp + 1;
    errno = 0;
    CHECK_RC(sched_setparam(0, &sp), -1);
    CHECK_RC(errno, EINVAL);
    sp.sched_priority = main_prio;
    CHECK_RC(sched_setparam(getpid(), &sp), 0);
    errno = 0;
    CHECK_RC(sched_setparam(getpid() + 1000, &sp), -1);
    CHECK_RC(errno, ESRCH);

    /* pthread_setschedparam on main and its errors. */
    sp.sched_priority = maxp + 1;
    CHECK_RC(pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp), EINVAL);
    sp.sched_priority = 0;
    CHECK_RC(pthread_setschedparam(pthread_self(), SCHED_RR, &sp), EINVAL);
    sp.sched_priority = 1;
    CHECK_RC(pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp), EINVAL);
    CHECK_RC(pthread_setschedparam(pthread_self(), 1234, &sp), EINVAL);
    CHECK_RC(pthread_setschedparam((pthread_t)0, SCHED_FIFO, &sp), ESRCH);
    CHECK_RC(pthread_getschedparam((pthread_t)&sp, &policy, &sp), ESRCH);
    CHECK_RC(pthread_setschedprio(pthread_self(), maxp + 1), EINVAL);
    CHECK_RC(pthread_setschedprio(pthread_self(), 0), EINVAL);
    CHECK_RC(pthread_setschedprio((pthread_t)0, 5), ESRCH);
    CHECK_RC(pthread_setschedprio(pthread_self(), main_prio + 2), 0);
    CHECK(tn_thread_priority(tn_thread_current()) == main_prio + 2);
    CHECK_RC(pthread_getschedparam(pthread_self(), &policy, &sp), 0);
    CHECK(policy == SCHED_FIFO && sp.sched_priority == main_prio + 2);
    sp.sched_priority = main_prio;
    CHECK_RC(pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp), 0);

    /* Explicit scheduling: the attribute's policy and priority. */
    int out[4];
    pthread_t t;
    create_explicit(&t, SCHED_FIFO, 7, report_sched, out, 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK(out[2] == 0 && out[0] == SCHED_FIFO && out[1] == 7 && out[3] == 7);
    create_explicit(&t, SCHED_RR, 9, report_sched, out, 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK(out[2] == 0 && out[0] == SCHED_RR && out[1] == 9 && out[3] == 9);
    create_explicit(&t, SCHED_OTHER, 0, report_sched, out, 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK(out[2] == 0 && out[0] == SCHED_OTHER && out[1] == 0 && out[3] == 0);
    /* A priority outside the policy's range: EINVAL at creation. */
    create_explicit(&t, SCHED_OTHER, 5, report_sched, out, EINVAL);
    create_explicit(&t, SCHED_FIFO, 0, report_sched, out, EINVAL);

    /* Inherited scheduling: the creator's policy and priority, whatever the
     * attribute says. */
    sp.sched_priority = 12;
    CHECK_RC(pthread_setschedparam(pthread_self(), SCHED_RR, &sp), 0);
    CHECK_RC(pthread_create(&t, 0, report_sched, out), 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK(out[2] == 0 && out[0] == SCHED_RR && out[1] == 12 && out[3] == 12);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setschedpolicy(&a, SCHED_FIFO);
    sp.sched_priority = 3;
    pthread_attr_setschedparam(&a, &sp);
    CHECK_RC(pthread_create(&t, &a, report_sched, out), 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK(out[2] == 0 && out[0] == SCHED_RR && out[1] == 12 && out[3] == 12);
    pthread_attr_destroy(&a);
    sp.sched_priority = main_prio;
    CHECK_RC(pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp), 0);

    /* Another thread's parameters, set while it runs and read back. */
    release_sleeper = 0;
    CHECK_RC(pthread_create(&t, 0, sleeper, 0), 0);
    sp.sched_priority = 4;
    CHECK_RC(pthread_setschedparam(t, SCHED_RR, &sp), 0);
    CHECK_RC(pthread_getschedparam(t, &policy, &sp), 0);
    CHECK(policy == SCHED_RR && sp.sched_priority == 4);
    CHECK_RC(pthread_setschedprio(t, 6), 0);
    CHECK_RC(pthread_getschedparam(t, &policy, &sp), 0);
    CHECK(policy == SCHED_RR && sp.sched_priority == 6);
    release_sleeper = 1;
    /* Ended, not joined yet: no longer a running thread. */
    for (int i = 0; i < 1000 && pthread_getschedparam(t, &policy, &sp) == 0; ++i)
        msleep(2);
    CHECK_RC(pthread_setschedprio(t, 5), ESRCH);
    CHECK_RC(pthread_getschedparam(t, &policy, &sp), ESRCH);
    CHECK_RC(pthread_join(t, 0), 0);

    /* A higher SCHED_FIFO thread runs before pthread_create returns; a lower
     * one only once main blocks. */
    high_ran = low_ran = 0;
    pthread_t hi, lo;
    create_explicit(&hi, SCHED_FIFO, main_prio + 3, set_high, 0, 0);
    CHECK(high_ran == 1);
    create_explicit(&lo, SCHED_FIFO, main_prio - 3, set_low, 0, 0);
    for (volatile int i = 0; i < 200000; ++i) {
    }
    CHECK(low_ran == 0);
    CHECK_RC(pthread_join(lo, 0), 0);
    CHECK(low_ran == 1);
    CHECK_RC(pthread_join(hi, 0), 0);
}

/* ---- thread-specific data ---- */

static pthread_key_t k1, k2, k3;
static char trace[64];
static int trace_len;
static void* k1_seen;
static void note(char c) {
    if (trace_len < (int)sizeof trace - 1)
        trace[trace_len++] = c;
}
static void dtor1(void* v) {
    k1_seen = v;
    note('1');
}
static void dtor2(void* v) {
    (void)v;
    note('2');
}
/* Sets its value again each time: called once per round, until the rounds run out. */
static void dtor3(void* v) {
    note('3');
    pthread_setspecific(k3, v);
}

static int v1, v2, v3;
static void* key_user(void* arg) {
    CHECK(pthread_getspecific(k1) == 0);
    CHECK_RC(pthread_setspecific(k1, &v1), 0);
    CHECK_RC(pthread_setspecific(k2, &v2), 0);
    CHECK(pthread_getspecific(k1) == &v1);
    CHECK(pthread_getspecific(k2) == &v2);
    if (arg == (void*)1)
        pthread_exit(0);
    return 0;
}

static void* key_repeater(void* arg) {
    (void)arg;
    CHECK_RC(pthread_setspecific(k3, &v3), 0);
    return 0;
}

static void* key_null(void* arg) {
    (void)arg;
    CHECK_RC(pthread_setspecific(k1, 0), 0);  /* NULL values get no destructor call */
    return 0;
}

static volatile int new_key_ready;
static pthread_key_t late_key;
static void* key_across_delete(void* arg) {
    (void)arg;
    CHECK_RC(pthread_setspecific(k2, &v2), 0);
    new_key_ready = 1;
    while (new_key_ready != 2)
        msleep(1);
    /* k2 was deleted and the same index may be handed out again: a new key
     * reads NULL in every thread. */
    CHECK(pthread_getspecific(late_key) == 0);
    return 0;
}

static void* adopted_seen;
static void tenon_thread(void* arg) {
    (void)arg;
    pthread_t me = pthread_self();
    int policy = -1;
    struct sched_param sp;
    CHECK(me != 0 && pthread_equal(me, pthread_self()));
    CHECK_RC(pthread_getschedparam(me, &policy, &sp), 0);
    CHECK(policy == SCHED_FIFO && sp.sched_priority == main_prio - 1);
    CHECK_RC(pthread_setspecific(k1, &v1), 0);
    CHECK(pthread_getspecific(k1) == &v1);
    adopted_seen = (void*)me;
}

static void test_keys(void) {
    trace_len = 0;
    CHECK_RC(pthread_key_create(0, 0), EINVAL);
    CHECK_RC(pthread_key_create(&k1, dtor1), 0);
    CHECK_RC(pthread_key_create(&k2, dtor2), 0);
    CHECK_RC(pthread_key_create(&k3, dtor3), 0);
    CHECK(k1 != k2 && k2 != k3);
    CHECK(pthread_getspecific(k1) == 0);
    CHECK_RC(pthread_setspecific(k1, &v3), 0);
    CHECK(pthread_getspecific(k1) == &v3);

    /* Destructors at return and at pthread_exit, with the thread's value. */
    pthread_t t;
    for (int how = 0; how < 2; ++how) {
        trace_len = 0;
        k1_seen = 0;
        CHECK_RC(pthread_create(&t, 0, key_user, (void*)(intptr_t)how), 0);
        CHECK_RC(pthread_join(t, 0), 0);
        trace[trace_len] = 0;
        CHECK(trace_len == 2 && strchr(trace, '1') && strchr(trace, '2'));
        CHECK(k1_seen == &v1);
    }
    /* The same on a caller-provided stack, ended by pthread_exit there. */
    pthread_attr_t a;
    CHECK_RC(pthread_attr_init(&a), 0);
    CHECK_RC(pthread_attr_setstack(&a, user_stack, sizeof user_stack), 0);
    trace_len = 0;
    k1_seen = 0;
    CHECK_RC(pthread_create(&t, &a, key_user, (void*)1), 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK(trace_len == 2 && k1_seen == &v1);
    CHECK_RC(pthread_attr_destroy(&a), 0);
    /* The other thread's values did not touch main's. */
    CHECK(pthread_getspecific(k1) == &v3);
    CHECK(pthread_getspecific(k2) == 0);

    /* A destructor that sets a value again: PTHREAD_DESTRUCTOR_ITERATIONS rounds. */
    trace_len = 0;
    CHECK_RC(pthread_create(&t, 0, key_repeater, 0), 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK_RC(trace_len, PTHREAD_DESTRUCTOR_ITERATIONS);

    trace_len = 0;
    CHECK_RC(pthread_create(&t, 0, key_null, 0), 0);
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK_RC(trace_len, 0);

    /* A deleted key: no destructor, setspecific EINVAL; a new key starts NULL
     * everywhere. */
    new_key_ready = 0;
    CHECK_RC(pthread_create(&t, 0, key_across_delete, 0), 0);
    while (!new_key_ready)
        msleep(1);
    CHECK_RC(pthread_key_delete(k2), 0);
    CHECK_RC(pthread_key_delete(k2), EINVAL);
    CHECK_RC(pthread_setspecific(k2, &v2), EINVAL);
    CHECK_RC(pthread_key_create(&late_key, 0), 0);
    CHECK(pthread_getspecific(late_key) == 0);
    trace_len = 0;
    new_key_ready = 2;
    CHECK_RC(pthread_join(t, 0), 0);
    CHECK_RC(trace_len, 0);
    CHECK_RC(pthread_key_delete(late_key), 0);
    CHECK_RC(pthread_key_delete(PTHREAD_KEYS_MAX), EINVAL);
    CHECK_RC(pthread_setspecific(PTHREAD_KEYS_MAX + 3, &v1), EINVAL);
    CHECK(pthread_getspecific(PTHREAD_KEYS_MAX + 3) == 0);

    /* PTHREAD_KEYS_MAX keys, then EAGAIN. */
    static pthread_key_t many[PTHREAD_KEYS_MAX];
    int made = 0, rc = 0;
    while (made < PTHREAD_KEYS_MAX && (rc = pthread_key_create(&many[made], 0)) == 0)
        ++made;
    CHECK_RC(made, PTHREAD_KEYS_MAX - 2);  /* k1 and k3 are still in use */
    CHECK_RC(rc, EAGAIN);
    for (int i = 0; i < made; ++i)
        CHECK_RC(pthread_key_delete(many[i]), 0);

    /* A thread of tn_thread_create(): adopted, SCHED_FIFO at its priority,
     * keys work, not joinable. */
    tn_thread_t* tt;
    tn_thread_attr_t ta = {"tenon", (uint8_t)(main_prio - 1), 0, 0};
    CHECK_RC(tn_thread_create(&tt, &ta, tenon_thread, 0), 0);
    for (int i = 0; i < 1000 && !adopted_seen; ++i)
        msleep(2);
    CHECK(adopted_seen != 0);
    /* Alive: not joinable; ended: its record is gone with it. */
    int jrc = EINVAL;
    for (int i = 0; i < 1000 && jrc == EINVAL; ++i) {
        jrc = pthread_join((pthread_t)adopted_seen, 0);
        if (jrc == EINVAL)
            msleep(2);
    }
    CHECK_RC(jrc, ESRCH);
    CHECK_RC(tn_thread_join(tt, TN_FOREVER, 0), 0);

    CHECK_RC(pthread_key_delete(k1), 0);
    CHECK_RC(pthread_key_delete(k3), 0);
}

/* ---- a creator on another CPU ---- */

static unsigned this_cpu(void) {
    uint64_t v;
    __asm__ volatile("mrs %0, tpidr_el1" : "=r"(v));  /* lib/boot keeps the CPU number there */
    return (unsigned)v;
}

static void* report_cpu(void* arg) {
    *(unsigned*)arg = this_cpu();
    return (void*)pthread_self();
}

static volatile unsigned cpu_creator = 99, cpu_child = 99;
static volatile int cpu_rc = -1;
static void cpu1_creator(void* arg) {
    (void)arg;
    unsigned c = 99;
    pthread_t t;
    void* v = 0;
    cpu_creator = this_cpu();
    cpu_rc = pthread_create(&t, 0, report_cpu, &c);
    if (cpu_rc == 0)
        cpu_rc = pthread_join(t, &v);
    if (v != (void*)t)
        cpu_rc = -2;
    cpu_child = c;
}

/* With a second CPU: a thread of CPU 1 creates a thread, which runs on CPU 1. */
static void test_other_cpu(void) {
    tn_thread_t* tt;
    tn_thread_attr_t ta = {"cpu1", (uint8_t)main_prio, 0, 1};
    if (tn_thread_create(&tt, &ta, cpu1_creator, 0) != 0) {
        printf("posix-threads: one CPU\n");
        return;
    }
    CHECK_RC(tn_thread_join(tt, TN_FOREVER, 0), 0);
    CHECK_RC(cpu_rc, 0);
    CHECK(cpu_creator == 1 && cpu_child == 1);
    printf("posix-threads: created on CPU %u, ran on CPU %u\n", cpu_creator, cpu_child);
}

/* ---- once ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int once_runs, once_done;
static void once_init(void) {
    ++once_runs;
    msleep(30);  /* the other callers arrive meanwhile and must wait */
    once_done = 1;
}
static void* once_caller(void* arg) {
    int* saw = (int*)arg;
    CHECK_RC(pthread_once(&once, once_init), 0);
    *saw = once_done;
    return 0;
}
/* Cleanup handlers: pop(1) runs one, pop(0) does not, pthread_exit() runs
 * those still pushed newest first and before the key destructors. */
static char g_cleanup_trace[16];
static int g_cleanup_n;
static pthread_key_t g_cleanup_key;

static void cleanup_note(void* c) {
    if (g_cleanup_n < (int)sizeof g_cleanup_trace - 1)
        g_cleanup_trace[g_cleanup_n++] = *(const char*)c;
}

static void cleanup_key_dtor(void* v) {
    (void)v;
    cleanup_note("K");
}

static void cleanup_inner(void) {
    pthread_cleanup_push(cleanup_note, "c");
    pthread_exit((void*)7);
    pthread_cleanup_pop(0);
}

static void* cleanup_thread(void* arg) {
    (void)arg;
    pthread_setspecific(g_cleanup_key, (void*)1);
    pthread_cleanup_push(cleanup_note, "a");
    pthread_cleanup_push(cleanup_note, "x");
    pthread_cleanup_pop(1);
    pthread_cleanup_push(cleanup_note, "n");
    pthread_cleanup_pop(0);
    pthread_cleanup_push(cleanup_note, "b");
    cleanup_inner();
    pthread_cleanup_pop(0);
    pthread_cleanup_pop(0);
    return 0;
}

static void test_cleanup(void) {
    pthread_t t;
    void* v = 0;
    CHECK_RC(pthread_key_create(&g_cleanup_key, cleanup_key_dtor), 0);
    CHECK_RC(pthread_create(&t, 0, cleanup_thread, 0), 0);
    CHECK_RC(pthread_join(t, &v), 0);
    CHECK(v == (void*)7);
    g_cleanup_trace[g_cleanup_n] = 0;
    CHECK(strcmp(g_cleanup_trace, "xcbaK") == 0);
    CHECK_RC(pthread_key_delete(g_cleanup_key), 0);
    printf("posix-threads: cleanup handlers ran as %s\n", g_cleanup_trace);
}

static void test_once(void) {
    pthread_t t[4];
    int saw[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; ++i)
        create_explicit(&t[i], SCHED_FIFO, main_prio + 1 + (i & 1), once_caller, &saw[i], 0);
    for (int i = 0; i < 4; ++i)
        CHECK_RC(pthread_join(t[i], 0), 0);
    CHECK_RC(once_runs, 1);
    for (int i = 0; i < 4; ++i)
        CHECK(saw[i] == 1);
    CHECK_RC(pthread_once(&once, once_init), 0);
    CHECK_RC(once_runs, 1);
    CHECK_RC(pthread_once(0, once_init), EINVAL);
    CHECK_RC(pthread_once(&once, 0), EINVAL);
}

/* ---- cancellation state, concurrency ---- */

static void test_misc(void) {
    int old = -1;
    CHECK_RC(pthread_setcancelstate(77, &old), EINVAL);
    CHECK_RC(pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old), 0);
    CHECK(old == PTHREAD_CANCEL_ENABLE);
    CHECK_RC(pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old), 0);
    CHECK(old == PTHREAD_CANCEL_DISABLE);
    CHECK_RC(pthread_setcanceltype(77, &old), EINVAL);
    CHECK_RC(pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old), 0);
    CHECK(old == PTHREAD_CANCEL_DEFERRED);
    CHECK_RC(pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &old), 0);
    CHECK(old == PTHREAD_CANCEL_ASYNCHRONOUS);
    /* Cancellation is not implemented: refused, never acted on. */
    CHECK_RC(pthread_cancel(pthread_self()), ENOTSUP);
    CHECK_RC(pthread_cancel((pthread_t)0), ESRCH);
    pthread_testcancel();

    CHECK_RC(pthread_getconcurrency(), 0);
    CHECK_RC(pthread_setconcurrency(-1), EINVAL);
    CHECK_RC(pthread_setconcurrency(3), 0);
    CHECK_RC(pthread_getconcurrency(), 3);
    CHECK_RC(pthread_setconcurrency(0), 0);
}

/* ---- pthread_exit in main ---- */

static void* last_thread(void* arg) {
    (void)arg;
    msleep(50);
    if (failures == 0)
        printf("posix-threads: all checks passed\n");
    else
        printf("posix-threads: %d checks FAILED\n", failures);
    return 0;
}

int main(void) {
    main_prio = tn_thread_priority(tn_thread_current());
    CHECK(main_prio > 4 && main_prio + 4 < (int)tn_sched_priorities());
    CHECK(pthread_self() != 0 && pthread_equal(pthread_self(), pthread_self()));
    test_create_join();
    test_join_states();
    test_attributes();
    test_sched();
    test_keys();
    test_once();
    test_cleanup();
    test_misc();
    test_other_cpu();
    test_detach_reclaim();
    printf("posix-threads: main calls pthread_exit\n");
    pthread_t t;
    CHECK_RC(pthread_create(&t, 0, last_thread, 0), 0);
    CHECK_RC(pthread_detach(t), 0);
    pthread_exit(0);
}
