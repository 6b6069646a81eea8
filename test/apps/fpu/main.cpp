// FP/SIMD context (ectx) on the target, for each Kconfig mode:
//   eager / lazy: every thread's v0-v31 and FPCR survive yields, preemption
//     by a timer-woken FP thread, and threads that never touch FP; compiler
//     generated double arithmetic gives the right result while others run.
//   off: the first FP instruction stops the system with a report naming the
//     option (the descriptor expects it and exit status 134).
// The register checks use inline assembly only, in functions built
// -mgeneral-regs-only, so the compiler never puts its own values in v0-v31
// between the assembly statements.
#include <tn/console.hpp>
#include <tn/sched.hpp>
#include <tn/smp.hpp>

#include "fpu_test.hpp"

using namespace tn;

#define NOFP __attribute__((target("general-regs-only")))

namespace {

struct alignas(16) Regs {
    u64 w[64];  // q0-q31
    u64 fpcr;
};

NOFP void make_pattern(Regs& r, u64 seed) {
    for (int i = 0; i < 64; ++i)
        r.w[i] = (seed + 1) * 0x9e3779b97f4a7c15ull ^ (static_cast<u64>(i) << 56) ^ static_cast<u64>(i);
    // Rounding mode (RMode, bits 23:22) and flush-to-zero (bit 24) differ per thread.
    r.fpcr = ((seed % 4) << 22) | ((seed & 4) << 22);
}

NOFP void load(const Regs& r) {
    asm volatile(
        ".arch_extension fp\n.arch_extension simd\n"
        "ldp q0, q1, [%0, #0]\n ldp q2, q3, [%0, #32]\n ldp q4, q5, [%0, #64]\n ldp q6, q7, [%0, #96]\n"
        "ldp q8, q9, [%0, #128]\n ldp q10, q11, [%0, #160]\n ldp q12, q13, [%0, #192]\n"
        "ldp q14, q15, [%0, #224]\n ldp q16, q17, [%0, #256]\n ldp q18, q19, [%0, #288]\n"
        "ldp q20, q21, [%0, #320]\n ldp q22, q23, [%0, #352]\n ldp q24, q25, [%0, #384]\n"
        "ldp q26, q27, [%0, #416]\n ldp q28, q29, [%0, #448]\n ldp q30, q31, [%0, #480]\n"
        "ldr x9, [%0, #512]\n msr fpcr, x9\n" ::"r"(&r)
        : "x9", "memory");
}

NOFP void store(Regs& r) {
    asm volatile(
        ".arch_extension fp\n.arch_extension simd\n"
        "stp q0, q1, [%0, #0]\n stp q2, q3, [%0, #32]\n stp q4, q5, [%0, #64]\n stp q6, q7, [%0, #96]\n"
        "stp q8, q9, [%0, #128]\n stp q10, q11, [%0, #160]\n stp q12, q13, [%0, #192]\n"
        "stp q14, q15, [%0, #224]\n stp q16, q17, [%0, #256]\n stp q18, q19, [%0, #288]\n"
        "stp q20, q21, [%0, #320]\n stp q22, q23, [%0, #352]\n stp q24, q25, [%0, #384]\n"
        "stp q26, q27, [%0, #416]\n stp q28, q29, [%0, #448]\n stp q30, q31, [%0, #480]\n"
        "mrs x9, fpcr\n str x9, [%0, #512]\n" ::"r"(&r)
        : "x9", "memory");
}

// Returns the number of differing words (FPCR counts as one).
NOFP int compare(const Regs& a, const Regs& b) {
    int bad = 0;
    for (int i = 0; i < 64; ++i)
        bad += a.w[i] != b.w[i];
    return bad + (a.fpcr != b.fpcr);
}

constexpr int k_rounds = 300;
volatile int g_errors;
volatile bool g_busy_stop;

struct Job {
    u64 seed;
    int mode;  // 0: yield ring, 1: busy (preempted by the timer), 2: timer-woken
};

NOFP void fp_thread(void* arg) {
    auto* job = static_cast<Job*>(arg);
    Regs want, got;
    make_pattern(want, job->seed);
    load(want);
    for (int i = 0; i < k_rounds || (job->mode == 1 && !g_busy_stop); ++i) {
        if (job->mode == 0)
            sched::yield();
        else if (job->mode == 2)
            (void)sched::sleep_ns(200'000);
        store(got);
        if (int bad = compare(want, got)) {
            tn_printf("fpu: FAILED: thread %lu round %d: %d words differ\n", job->seed, i, bad);
            g_errors = g_errors + 1;
            load(want);
        }
        if (job->mode == 2 && i + 1 == k_rounds)
            g_busy_stop = true;
    }
}

// Never touches FP: in lazy mode it must never take the FP trap (it would
// still pass, but the benchmark shows the cost).
NOFP void plain_thread(void*) {
    for (int i = 0; i < k_rounds; ++i)
        sched::yield();
}

volatile double g_pi;
void series_thread(void*) {
#if defined(CONFIG_ARCH_ARM64_ECTX_EAGER) || defined(CONFIG_ARCH_ARM64_ECTX_LAZY)
    g_pi = fpu_test_series(200'000);
#endif
}

[[maybe_unused]] void run_on(unsigned cpu) {
    static Job jobs[2][4];
    Job* j = jobs[cpu];
    j[0] = {cpu * 10 + 1, 0};
    j[1] = {cpu * 10 + 2, 0};
    j[2] = {cpu * 10 + 3, 1};
    j[3] = {cpu * 10 + 4, 2};
    sched::Thread* t[6];
    g_busy_stop = false;
    t[0] = sched::create({"fp-a", 10, 0, cpu}, fp_thread, &j[0]).value();
    t[1] = sched::create({"fp-b", 10, 0, cpu}, fp_thread, &j[1]).value();
    t[2] = sched::create({"plain", 10, 0, cpu}, plain_thread, nullptr).value();
    t[3] = sched::create({"series", 10, 0, cpu}, series_thread, nullptr).value();
    t[4] = sched::create({"fp-busy", 5, 0, cpu}, fp_thread, &j[2]).value();
    t[5] = sched::create({"fp-timer", 20, 0, cpu}, fp_thread, &j[3]).value();
    for (auto* th : t)
        (void)sched::join(th);
}

}  // namespace

void fpu_test_yield() { sched::yield(); }

int main() {
#ifdef CONFIG_ARCH_ARM64_ECTX_OFF
    tn_puts("fpu: executing an FP instruction with ectx off");
    Regs r;
    make_pattern(r, 1);
    load(r);
    tn_puts("fpu: FAILED: no fault happened");
    return 1;
#else
    const char* mode = "lazy";
#ifdef CONFIG_ARCH_ARM64_ECTX_EAGER
    mode = "eager";
#endif
    unsigned cpus = smp::online_count();
    for (unsigned cpu = 0; cpu < cpus && cpu < 2; ++cpu) {
        run_on(cpu);
        double pi = g_pi;
        bool pi_ok = pi > 3.14158 && pi < 3.14160;
        tn_printf("fpu: %s: CPU %u: 6 threads, %d register mismatches, series %s\n", mode, cpu, g_errors,
                  pi_ok ? "ok" : "WRONG");
        if (!pi_ok)
            g_errors = g_errors + 1;
    }
    if (g_errors) {
        tn_puts("fpu: FAILED");
        return 1;
    }
    tn_puts("fpu: all checks passed");
    return 0;
#endif
}
