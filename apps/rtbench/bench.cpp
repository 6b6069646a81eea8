// The sample buffer and the report line (bench.hpp).
#include "bench.hpp"
#include "bench.h"

#include <tn/console.hpp>
#include <tn/plat.hpp>
#include <tn/types.hpp>

namespace rtbench {

namespace {

u64 g_buf[k_samples];
int g_count;
int g_skip;
const char* g_infix = "";

u64 isqrt(u64 v) {
    u64 r = 0;
    for (u64 bit = u64{1} << 62; bit; bit >>= 2) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    }
    return r;
}

// Shell sort with Ciura's gap sequence: in place, no recursion,
// a few hundred thousand instructions for 1,000 samples, once per metric.
void sort(u64* v, int n) {
    static constexpr int k_gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (int gap : k_gaps) {
        for (int i = gap; i < n; ++i) {
            u64 x = v[i];
            int j = i;
            for (; j >= gap && v[j - gap] > x; j -= gap)
                v[j] = v[j - gap];
            v[j] = x;
        }
    }
}

}  // namespace

void set_infix(const char* infix) { g_infix = infix ? infix : ""; }

void reset() {
    g_count = 0;
    g_skip = k_warmup;
}

void add(u64 v) {
    if (g_skip > 0) {
        --g_skip;
        return;
    }
    if (g_count < k_samples)
        g_buf[g_count++] = v;
}

bool full() { return g_count >= k_samples; }

u64 largest_sample() {
    u64 hi = 0;
    for (int i = 0; i < g_count; ++i)
        hi = g_buf[i] > hi ? g_buf[i] : hi;
    return hi;
}

// Mean and standard deviation in hundredths, in integers: the image has no
// floating point (-mgeneral-regs-only). Population standard deviation.
void report(const char* metric, u32 ops, const char* extra) {
    u64 lo = ~u64{0}, hi = 0, sum = 0;
    for (int i = 0; i < g_count; ++i) {
        lo = g_buf[i] < lo ? g_buf[i] : lo;
        hi = g_buf[i] > hi ? g_buf[i] : hi;
        sum += g_buf[i];
    }
    if (g_count == 0)
        fail(metric);
    u64 mean_x100 = sum * 100 / g_count;
    u64 var_x10000 = 0;
    for (int i = 0; i < g_count; ++i) {
        i64 d = static_cast<i64>(g_buf[i] * 100) - static_cast<i64>(mean_x100);
        var_x10000 += static_cast<u64>(d * d) / g_count;
    }
    u64 sd_x100 = isqrt(var_x10000);
    // p99: the smallest sample with at least 99 % of the samples at or below
    // it (nearest rank). Sorting last leaves the statistics above untouched.
    sort(g_buf, g_count);
    u64 p99 = g_buf[(g_count * 99 + 99) / 100 - 1];
    // The infix goes after the name's first component (as scripts/bench
    // inserts a configuration's): thread_switch.2 -> thread_switch.<infix>.2.
    char name[96];
    if (*g_infix) {
        usize n = 0;
        const char* tail = metric;
        while (*tail && *tail != '.' && n < sizeof name - 1)
            name[n++] = *tail++;
        name[n] = '\0';
        tn_snprintf(name + n, sizeof name - n, ".%s%s", g_infix, tail);
        metric = name;
    }
    tn_printf("bench: %s samples=%d min=%lu mean=%lu.%02lu max=%lu stddev=%lu.%02lu ops=%u p99=%lu%s\n", metric,
              g_count, lo, mean_x100 / 100, mean_x100 % 100, hi, sd_x100 / 100, sd_x100 % 100, ops, p99, extra);
}

tn::sched::Thread* spawn(const char* what, tn::u8 priority, void (*entry)(void*), void* arg) {
    auto r = tn::sched::create({what, priority, 0, 0}, entry, arg);
    if (!r.ok())
        fail(what);
    return r.value();
}

void join_thread(tn::sched::Thread* t) {
    if (!tn::sched::join(t).ok())
        fail("join");
}

void fail(const char* what) {
    tn_printf("bench: FAILED %s\n", what);
    tn::plat::power_off(1);
}

}  // namespace rtbench

// The same for metric groups written in C (bench.h).
extern "C" {
void rtbench_reset(void) { rtbench::reset(); }
void rtbench_add(uint64_t sample) { rtbench::add(sample); }
int rtbench_full(void) { return rtbench::full() ? 1 : 0; }
void rtbench_report(const char* metric, uint32_t ops) { rtbench::report(metric, ops); }
void rtbench_fail(const char* what) { rtbench::fail(what); }
}
