// Measurement core shared by the benchmark groups: the counter stamp, the
// sample buffer and the report line scripts/bench parses.
//
// Under QEMU -icount shift=4 one tick of the 62.5 MHz generic counter is one
// instruction, so every figure is a deterministic instruction count; without
// -icount the same figures are 16 ns ticks of host-dependent time.
//
// Report line, one per metric (docs/benchmarks.md defines every metric):
//   bench: <metric> samples=N min=A mean=B max=C stddev=D [ops=K] [key=value ...]
// A sample covers K operations when ops= is given (scripts/bench divides by
// K); extra key=value fields carry what a metric needs beyond the statistics.
#pragma once

#include <tn/sched.hpp>
#include <tn/types.hpp>

namespace rtbench {

using tn::i64;
using tn::u32;
using tn::u64;

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

/// Prints the report line of the samples collected since reset().
/// @p ops: operations per sample; @p extra: " key=value" fields or "".
void report(const char* metric, u32 ops = 1, const char* extra = "");

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

}  // namespace rtbench
