// Measurement core shared by the benchmark groups: the counter stamp, the
// sample buffer and the report line scripts/bench parses.
//
// Under QEMU -icount shift=4 one tick of the 62.5 MHz generic counter is one
// instruction, so every figure is a deterministic instruction count; without
// -icount the same figures are 16 ns ticks of host-dependent time.
//
// Report line, one per metric (docs/benchmarks.md defines every metric):
//   bench: <metric> samples=N min=A mean=B max=C stddev=D ops=K p99=P [key=value ...]
// A sample covers K operations (scripts/bench divides by K); p99 is the 99th
// percentile (nearest rank) of the samples; extra key=value fields carry what
// a metric needs beyond the statistics. p99 comes after ops= as the first
// key=value field, so a parser that knows only the fields before it still
// reads the line.
#pragma once

#include <tn/sched.hpp>
#include <tn/types.hpp>

namespace rtbench {

using tn::i64;
using tn::u32;
using tn::u64;
using tn::usize;

inline constexpr int k_samples = CONFIG_RTBENCH_SAMPLES;
inline constexpr int k_warmup = CONFIG_RTBENCH_WARMUP;

/// The virtual counter, ordered after every earlier instruction (isb), so a
/// stamp pair brackets exactly the code between them: two instructions.
inline u64 stamp() {
    u64 v;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

/// Collects one metric: k_warmup discarded samples, then k_samples kept.
/// One global instance; metrics run one after the other.
void reset();
void add(u64 sample);
bool full();
/// The largest sample since reset() (0 if none).
u64 largest_sample();

/// Prints the report line of the samples collected since reset(), in
/// ascending order afterwards (the buffer is sorted for p99).
/// @p ops: operations per sample; @p extra: " key=value" fields or "".
void report(const char* metric, u32 ops = 1, const char* extra = "");

/// Inserts ".<infix>" after the first name component of every metric reported
/// from now on (nullptr or "" for none): one image measures the same groups
/// in several settings (smp.cpp).
void set_infix(const char* infix);

/// Creates a thread or stops the benchmark with a message naming @p what:
/// a benchmark that cannot set itself up must not print figures.
tn::sched::Thread* spawn(const char* what, tn::u8 priority, void (*entry)(void*), void* arg = nullptr);
void join_thread(tn::sched::Thread* t);
/// Prints "bench: FAILED <what>" and ends the image with a non-zero status.
[[noreturn]] void fail(const char* what);

// The metric groups, each in its own file.
void run_sched();   // sched.cpp: stamp, thread_switch.N, preempt, sem_wakeup, irq_preempt
void run_irq();     // irq.cpp: irq_latency and its phases
void run_timer();   // timer.cpp: timer_stolen.<mode>.<T>, from which timer_cost derives
void run_tm();      // thread_metric.cpp: tm.*
void run_worst();   // worst.cpp: irq_latency.worst.<path>, irq_latency.worst
void run_smp();     // smp.cpp: the groups above beside an idle and a busy CPU 1, thread_switch.<c>cpu.<N>

}  // namespace rtbench
