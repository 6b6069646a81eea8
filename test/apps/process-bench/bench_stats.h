/*
 * The measurement core of the process benchmarks, shared by the kernel's
 * main.cpp and the EL0 program pbench (C and C++): the counter stamp, a
 * sample buffer and the report line, exactly as apps/rtbench prints it
 * (apps/rtbench/bench.hpp, docs/benchmarks.md):
 *   bench: <metric> samples=N min=A mean=B max=C stddev=D ops=K p99=P
 * Integers only: the kernel is built without FP registers.
 */
#ifndef PROCESS_BENCH_STATS_H
#define PROCESS_BENCH_STATS_H

#include <stdint.h>
#include <stdio.h>

/* The virtual counter after every earlier instruction (isb): a stamp pair
 * brackets exactly the code between them and costs 2 instructions. EL0
 * reads it too (lib/process sets CNTKCTL_EL1.EL0VCTEN). */
static inline uint64_t pb_stamp(void) {
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

/* One metric's samples: @skip discarded first, then up to @cap kept. */
struct pb_samples {
    uint64_t *buf;
    int cap;
    int count;
    int skip;
};

static inline void pb_reset(struct pb_samples *s, int warmup) {
    s->count = 0;
    s->skip = warmup;
}

static inline void pb_add(struct pb_samples *s, uint64_t v) {
    if (s->skip > 0)
        --s->skip;
    else if (s->count < s->cap)
        s->buf[s->count++] = v;
}

static inline int pb_full(const struct pb_samples *s) { return s->count >= s->cap; }

static inline uint64_t pb_isqrt(uint64_t v) {
    uint64_t r = 0;
    for (uint64_t bit = (uint64_t)1 << 62; bit; bit >>= 2) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    }
    return r;
}

/* Shell sort (Ciura's gaps), as apps/rtbench sorts for p99. */
static inline void pb_sort(uint64_t *v, int n) {
    static const int gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (unsigned g = 0; g < sizeof gaps / sizeof gaps[0]; ++g) {
        int gap = gaps[g];
        for (int i = gap; i < n; ++i) {
            uint64_t x = v[i];
            int j = i;
            for (; j >= gap && v[j - gap] > x; j -= gap)
                v[j] = v[j - gap];
            v[j] = x;
        }
    }
}

/* Prints the report line (@ops operations per sample; @extra " key=value"
 * fields or ""); returns 0, or -1 when there is no sample. Mean and
 * standard deviation (population) in hundredths; p99 by nearest rank. */
static inline int pb_report(struct pb_samples *s, const char *metric, unsigned ops, const char *extra) {
    uint64_t lo = ~(uint64_t)0, hi = 0, sum = 0;
    int n = s->count;
    if (n == 0)
        return -1;
    for (int i = 0; i < n; ++i) {
        lo = s->buf[i] < lo ? s->buf[i] : lo;
        hi = s->buf[i] > hi ? s->buf[i] : hi;
        sum += s->buf[i];
    }
    uint64_t mean_x100 = sum * 100 / (uint64_t)n, var_x10000 = 0;
    for (int i = 0; i < n; ++i) {
        int64_t d = (int64_t)(s->buf[i] * 100) - (int64_t)mean_x100;
        var_x10000 += (uint64_t)(d * d) / (uint64_t)n;
    }
    uint64_t sd_x100 = pb_isqrt(var_x10000);
    pb_sort(s->buf, n);
    uint64_t p99 = s->buf[(n * 99 + 99) / 100 - 1];
    printf("bench: %s samples=%d min=%lu mean=%lu.%02lu max=%lu stddev=%lu.%02lu ops=%u p99=%lu%s\n", metric, n,
           (unsigned long)lo, (unsigned long)(mean_x100 / 100), (unsigned long)(mean_x100 % 100), (unsigned long)hi,
           (unsigned long)(sd_x100 / 100), (unsigned long)(sd_x100 % 100), ops, (unsigned long)p99, extra);
    fflush(stdout);
    return 0;
}

#endif
