/*
 * The thread API from C (tn/sched.h): create with priority and name, yield
 * among equals, preemption by resume(), suspend of the caller, created
 * suspended, suspend of a sleeping thread, sleep, join
 * with exit values and timeouts, priorities, statistics and error codes.
 */
#include <tn/console.h>
#include <tn/sched.h>

#include "checks.h"

int failures;

static char order[16];
static int order_len;

static void note(char c) {
    if (order_len < (int)sizeof order - 1)
        order[order_len++] = c;
}

static void ring(void* arg) {
    char c = *(const char*)arg;
    for (int i = 0; i < 3; ++i) {
        note(c);
        tn_thread_yield();
    }
    tn_thread_exit((uintptr_t)c);
}

static volatile int high_runs;

static void high(void* arg) {
    (void)arg;
    for (;;) {
        CHECK(tn_thread_suspend(tn_thread_current()) == 0);
        if (++high_runs == 3)
            return;
    }
}

static void sleeper(void* arg) {
    (void)arg;
    tn_thread_sleep_ns(50 * 1000 * 1000);
}

int main(void) {
    tn_thread_t* me = tn_thread_current();
    CHECK(tn_sched_priorities() >= 32);
    uint8_t mine = tn_thread_priority(me);

    /* Equal priorities round-robin in creation order; exit values reach join. */
    static const char a = 'a', b = 'b';
    tn_thread_t* ta;
    tn_thread_t* tb;
    tn_thread_attr_t attr = {"ring", (uint8_t)(mine - 1), 0, 0};
    CHECK(tn_thread_create(&ta, &attr, ring, (void*)&a) == 0);
    CHECK(tn_thread_create(&tb, &attr, ring, (void*)&b) == 0);
    uintptr_t va = 0, vb = 0;
    CHECK(tn_thread_join(ta, TN_FOREVER, &va) == 0);
    CHECK(tn_thread_join(tb, TN_FOREVER, &vb) == 0);
    CHECK(va == 'a' && vb == 'b');
    order[order_len] = 0;
    tn_printf("sched-c: round robin order %s\n", order);
    CHECK(order_len == 6 && order[0] == 'a' && order[1] == 'b' && order[4] == 'a' && order[5] == 'b');

    /* A higher-priority thread suspends itself at once; resume() runs it inside the call. */
    tn_thread_t* th;
    tn_thread_attr_t hattr = {"high", (uint8_t)(mine + 1), 0, 0};
    CHECK(tn_thread_create(&th, &hattr, high, 0) == 0);
    CHECK(high_runs == 0);
    for (int i = 1; i <= 3; ++i) {
        CHECK(tn_thread_resume(th) == 0);
        CHECK(high_runs == i);
    }
    CHECK(tn_thread_resume(th) == -TN_EBADSTATE); /* exited, not suspended */
    CHECK(tn_thread_join(th, TN_FOREVER, 0) == 0);

    /* Created suspended: even a more urgent thread waits for the first resume(),
       and a suspended sleeper stays suspended when its sleep ends. */
    high_runs = 2;
    CHECK(tn_thread_create_suspended(&th, &hattr, high, 0) == 0);
    CHECK(tn_thread_suspend(th) == -TN_EBADSTATE); /* already suspended */
    CHECK(tn_thread_join(th, 1000 * 1000, 0) == -TN_ETIMEDOUT);
    CHECK(tn_thread_resume(th) == 0);             /* runs, suspends itself */
    CHECK(tn_thread_resume(th) == 0 && high_runs == 3);
    CHECK(tn_thread_join(th, TN_FOREVER, 0) == 0);
    tn_thread_t* tz;
    tn_thread_attr_t zattr = {"sleeper", (uint8_t)(mine + 1), 0, 0};
    CHECK(tn_thread_create(&tz, &zattr, sleeper, 0) == 0); /* sleeps 50 ms */
    CHECK(tn_thread_suspend(tz) == 0);                     /* blocked: stays asleep */
    CHECK(tn_thread_join(tz, 80 * 1000 * 1000, 0) == -TN_ETIMEDOUT);
    CHECK(tn_thread_resume(tz) == 0);
    CHECK(tn_thread_join(tz, TN_NO_WAIT, 0) == 0); /* it ran inside resume() */
    tn_puts("sched-c: created suspended, suspended while asleep: ok");

    /* Join with a timeout, then for real; statistics count the switches. */
    tn_thread_t* ts;
    tn_thread_attr_t sattr = {"sleeper", (uint8_t)(mine + 1), 0, 0};
    CHECK(tn_thread_create(&ts, &sattr, sleeper, 0) == 0);
    CHECK(tn_thread_join(ts, TN_NO_WAIT, 0) == -TN_EAGAIN);
    CHECK(tn_thread_join(ts, 1000 * 1000, 0) == -TN_ETIMEDOUT);
    tn_thread_stats_t st;
    tn_thread_stats(ts, &st);
    CHECK(st.switches_in >= 1);
    CHECK(tn_thread_join(ts, TN_FOREVER, 0) == 0);

    /* Errors. */
    tn_thread_t* bad;
    tn_thread_attr_t battr = {"bad", (uint8_t)tn_sched_priorities(), 0, 0};
    CHECK(tn_thread_create(&bad, &battr, ring, (void*)&a) == -TN_EINVAL);
    CHECK(tn_thread_join(me, TN_FOREVER, 0) == -TN_EINVAL);
    CHECK(tn_thread_set_priority(me, 200) == -TN_EINVAL);
    CHECK(tn_thread_set_priority(me, (uint8_t)(mine + 2)) == 0 && tn_thread_priority(me) == mine + 2);
    CHECK(tn_sched_in_isr() == 0);

    irq_checks();

    if (failures) {
        tn_printf("sched-c: %d checks FAILED\n", failures);
        return 1;
    }
    tn_puts("sched-c: all checks passed");
    return 0;
}
