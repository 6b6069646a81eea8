/* Shared by the test's C files. */
#ifndef SCHED_C_CHECKS_H
#define SCHED_C_CHECKS_H

extern int failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            tn_printf("sched-c: FAILED: %s (line %d)\n", #cond, __LINE__);    \
            ++failures;                                                        \
        }                                                                      \
    } while (0)

/* irq.c: the interrupt API and tn_irq_offload(). */
void irq_checks(void);

#endif
