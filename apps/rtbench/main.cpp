// Real-time benchmarks, measured on the target with the generic counter.
// Under QEMU -icount shift=4 one counter tick is one instruction, so the
// figures are deterministic instruction counts; without -icount they are
// 16 ns ticks of host-dependent time.
//
// Output, one line per metric, parsed by scripts/bench:
//   bench: <metric> samples=N min=A mean=B max=C stddev=D
// Each sample is the counter difference between two stamps placed around
// exactly the path named; "stamp" reports the cost of a stamp pair alone.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/sched.hpp>
#include <tn/tntimer.hpp>

using namespace tn;

namespace {

constexpr int k_samples = CONFIG_RTBENCH_SAMPLES;
constexpr int k_warmup = CONFIG_RTBENCH_WARMUP;

inline u64 stamp() {
    u64 v;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

u64 g_buf[k_samples];
int g_count;
int g_skip;

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

void report(const char* metric) {
    u64 lo = ~u64{0}, hi = 0, sum = 0;
    for (int i = 0; i < g_count; ++i) {
        lo = g_buf[i] < lo ? g_buf[i] : lo;
        hi = g_buf[i] > hi ? g_buf[i] : hi;
        sum += g_buf[i];
    }
    u64 mean_x100 = g_count ? sum * 100 / g_count : 0;
    u64 var_x10000 = 0;
    for (int i = 0; i < g_count; ++i) {
        i64 d = static_cast<i64>(g_buf[i] * 100) - static_cast<i64>(mean_x100);
        var_x10000 += static_cast<u64>(d * d) / (g_count ? g_count : 1);
    }
    u64 sd_x100 = isqrt(var_x10000);
    tn_printf("bench: %s samples=%d min=%lu mean=%lu.%02lu max=%lu stddev=%lu.%02lu\n", metric, g_count, lo,
              mean_x100 / 100, mean_x100 % 100, hi, sd_x100 / 100, sd_x100 % 100);
}

// ---- stamp pair alone
void bench_stamp() {
    reset();
    while (!full()) {
        u64 a = stamp();
        u64 b = stamp();
        add(b - a);
    }
    report("stamp");
}

// ---- thread_switch.N: N equal-priority threads yield in a ring; a sample
// runs from one thread's stamp before yield() to the next one's stamp after.
u64 g_before;
volatile bool g_stop;

void ring_thread(void*) {
    while (!g_stop) {
        u64 after = stamp();
        if (g_before)
            add(after - g_before);
        if (full())
            g_stop = true;
        g_before = stamp();
        sched::yield();
    }
    g_before = 0;
}

void bench_switch(int threads) {
    reset();
    g_stop = false;
    g_before = 0;
    sched::Thread* t[128];
    sched::lock_preemption();
    for (int i = 0; i < threads; ++i)
        t[i] = sched::create({"ring", 10, 0, 0}, ring_thread, nullptr).value();
    sched::unlock_preemption();
    for (int i = 0; i < threads; ++i)
        (void)sched::join(t[i]);
    char name[32];
    tn_snprintf(name, sizeof name, "thread_switch.%d", threads);
    report(name);
}

// ---- preempt: the running thread makes a higher-priority thread ready
// (here: by creating... no: by waking it from sleep is IRQ work). We use
// set_priority of a ready thread above the running one: the switch happens
// inside the call. Sample: stamp before the call -> stamp in the other thread.
sched::Thread* g_hi;
volatile bool g_hi_stop;

void hi_thread(void*) {
    while (!g_hi_stop) {
        u64 after = stamp();
        add(after - g_before);
        // Drop back below the low thread, which runs again.
        (void)sched::set_priority(sched::current(), 5);
    }
}

void lo_thread(void*) {
    while (!full()) {
        g_before = stamp();
        (void)sched::set_priority(g_hi, 20);  // preempts us at once
    }
    g_hi_stop = true;
    (void)sched::set_priority(g_hi, 20);
}

void bench_preempt() {
    reset();
    g_hi_stop = false;
    sched::lock_preemption();
    g_hi = sched::create({"hi", 5, 0, 0}, hi_thread, nullptr).value();
    auto* lo = sched::create({"lo", 10, 0, 0}, lo_thread, nullptr).value();
    sched::unlock_preemption();
    (void)sched::join(lo);
    (void)sched::join(g_hi);
    report("preempt");
}

// ---- irq_preempt: a thread sleeping until a deadline preempts a busy
// lower-priority thread; sample = first stamp in the woken thread minus the
// deadline (timer interrupt, expiry, wake-up, switch, sleep's return path).
volatile bool g_busy_stop;
void busy(void*) {
    while (!g_busy_stop) {
    }
}

void sleeper(void*) {
    u64 hz = clock::frequency_hz();
    while (!full()) {
        u64 deadline_ns = clock::now_ns() + 200'000;
        u64 deadline_ticks = (deadline_ns * hz + 999'999'999) / 1'000'000'000;
        (void)sched::sleep_until(deadline_ns);
        add(stamp() - deadline_ticks);
    }
    g_busy_stop = true;
}

void bench_irq_preempt() {
    reset();
    g_busy_stop = false;
    auto* s = sched::create({"sleeper", 30, 0, 0}, sleeper, nullptr).value();
    auto* b = sched::create({"busy", 3, 0, 0}, busy, nullptr).value();
    (void)sched::join(s);
    (void)sched::join(b);
    report("irq_preempt");
}

}  // namespace

int main() {
    tn_printf("bench: counter %lu Hz\n", clock::frequency_hz());
    bench_stamp();
    bench_switch(2);
    bench_switch(10);
    bench_switch(100);
    bench_preempt();
    bench_irq_preempt();
    tn_puts("bench: done");
    return 0;
}
