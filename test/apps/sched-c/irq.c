/*
 * The interrupt API from C (tn/irq.h): a handler for an SGI the CPU sends
 * itself, error codes, and tn_irq_offload(): runs in interrupt context, and a
 * thread it makes ready preempts before it returns, with IRQs masked by the
 * caller or not.
 */
#include <tn/console.h>
#include <tn/irq.h>
#include <tn/sched.h>

#include "checks.h"

#define SGI 5

static volatile int sgi_hits;
static volatile uint32_t sgi_intid;
static volatile int sgi_in_isr;

static tn_irq_completion_t on_sgi(tn_irq_event_t event, void* ctx) {
    sgi_intid = event.intid;
    sgi_in_isr = tn_irq_in_interrupt() && tn_sched_in_isr();
    sgi_hits = sgi_hits + *(int*)ctx;
    return TN_IRQ_DONE;
}

static volatile int woken;

static void waker(void* arg) {
    (void)arg;
    for (;;) {
        CHECK(tn_thread_suspend(tn_thread_current()) == 0);
        woken = woken + 1;
    }
}

struct offload_run {
    tn_thread_t* thread;
    int in_isr;
    int woken_inside;
};

static void offloaded(void* arg) {
    struct offload_run* r = arg;
    r->in_isr = tn_irq_in_interrupt() && tn_sched_in_isr();
    if (r->thread)
        CHECK(tn_thread_resume(r->thread) == 0);
    r->woken_inside = woken;
}

void irq_checks(void) {
    static int one = 1;
    CHECK(tn_irq_register(SGI, 0, 0) == -TN_EINVAL);
    CHECK(tn_irq_register(SGI, on_sgi, &one) == 0);
    CHECK(tn_irq_register(SGI, on_sgi, &one) == -TN_EBUSY);
    CHECK(tn_irq_set_trigger(SGI, TN_IRQ_LEVEL) == -TN_EPERM);
    CHECK(tn_irq_set_priority(SGI, 0xf0) == -TN_EINVAL);
    CHECK(tn_irq_set_priority(SGI, 0x80) == 0);
    CHECK(tn_irq_send_sgi(16, TN_IRQ_SGI_SELF, 0) == -TN_EINVAL);
    CHECK(tn_irq_enable(SGI) == 0);

    /* Sent with IRQs masked, taken when they are unmasked. */
    uint64_t flags = tn_irq_local_save_disable();
    CHECK(tn_irq_send_sgi(SGI, TN_IRQ_SGI_SELF, 0) == 0);
    tn_irq_local_restore(flags);
    for (int i = 0; i < 1000000 && !sgi_hits; ++i) {
    }
    CHECK(sgi_hits == 1 && sgi_intid == SGI && sgi_in_isr);
    CHECK(tn_irq_unregister(SGI) == 0);
    CHECK(tn_irq_unregister(SGI) == -TN_ENOENT);
    CHECK(tn_irq_in_interrupt() == 0);

    /* Offload: interrupt context inside; the thread it resumes runs on the
     * way out, not inside; the caller's IRQ mask comes back. */
    struct offload_run r = {0, 0, 0};
    tn_irq_offload(offloaded, &r);
    CHECK(r.in_isr && tn_irq_in_interrupt() == 0);

    tn_thread_t* t;
    tn_thread_attr_t attr = {"waker", (uint8_t)(tn_thread_priority(tn_thread_current()) + 1), 0, 0};
    CHECK(tn_thread_create(&t, &attr, waker, 0) == 0);
    CHECK(woken == 0);
    r.thread = t;
    tn_irq_offload(offloaded, &r);
    CHECK(r.in_isr && r.woken_inside == 0 && woken == 1);

    flags = tn_irq_local_save_disable();
    uint64_t masked = tn_irq_local_save_disable();
    tn_irq_offload(offloaded, &r);
    uint64_t after = tn_irq_local_save_disable();
    tn_irq_local_restore(flags);
    CHECK(r.in_isr && r.woken_inside == 1 && woken == 2);
    CHECK(after == masked && after != flags); /* still masked after the offload */
    tn_printf("sched-c: irq offload woke %d times\n", woken);
}
