/*
 * C interface to the measurement core (bench.hpp, bench.cpp), for metric
 * groups written in C: posix.c, whose <pthread.h> and <semaphore.h> come
 * with newlib's headers, which only C code sees. Same stamp, same sample
 * buffer, same report line as the C++ groups.
 */
#ifndef RTBENCH_BENCH_H
#define RTBENCH_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** rtbench::stamp(): the virtual counter after an isb (a pair costs 2 instructions). */
static inline uint64_t rtbench_stamp(void) {
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

/** rtbench::reset(), add(), full(), report() and fail(). */
void rtbench_reset(void);
void rtbench_add(uint64_t sample);
int rtbench_full(void);
void rtbench_report(const char* metric, uint32_t ops);
void rtbench_fail(const char* what) __attribute__((noreturn));

/** posix.c: posix.* and their native.* counterparts. */
void rtbench_run_posix(void);

#ifdef __cplusplus
}
#endif

#endif /* RTBENCH_BENCH_H */
