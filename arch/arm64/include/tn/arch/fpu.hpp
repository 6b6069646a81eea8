// FP/SIMD register context of a thread ("ectx", Kconfig ARCH_ARM64_ECTX_*).
//
// The scheduler keeps one FpContext per thread and calls fp_switch() on every
// switch; this header hides which mode the image is built for:
//   off    FpContext is empty, fp_switch() does nothing, FP stays trapped and
//          a trap is a fatal error naming the option.
//   eager  FP always enabled; fp_switch() saves and loads the full context.
//   lazy   FP trapped after every switch. The registers keep the values of
//          the last thread that used FP ("owner", per CPU). A thread's first
//          FP instruction after being switched in traps; fp_trap() enables
//          FP and, if the thread is not the owner, saves the owner's values
//          and loads the thread's. fp_switch() only re-arms the trap when FP
//          was enabled (a load and a branch otherwise).
// Kernel code is built -mgeneral-regs-only and never touches these
// registers, so at a switch they still hold the outgoing thread's values.
#pragma once

#include <tn/arch/cpu.hpp>
#include <tn/types.hpp>

namespace tn::arch {

struct Frame;

/// The FP/SIMD register file as tn_arch_fp_save()/restore() store it (also a
/// vCPU's FP state in Mortise).
struct alignas(16) FpRegisters {
    u64 v[64];  // q0-q31, little endian halves
    u64 fpcr;
    u64 fpsr;
};
static_assert(sizeof(FpRegisters) == 528, "offsets are fixed by fpu_regs.S");

#if defined(CONFIG_ARCH_ARM64_ECTX_EAGER) || defined(CONFIG_ARCH_ARM64_ECTX_LAZY)
inline constexpr bool k_fp_context = true;
struct FpContext : FpRegisters {};
#else
inline constexpr bool k_fp_context = false;
struct FpContext {};
#endif

}  // namespace tn::arch

extern "C" {
/// Store / load v0-v31, FPCR and FPSR (fpu_regs.S). FP access must be enabled.
void tn_arch_fp_save(tn::arch::FpRegisters* regs);
void tn_arch_fp_restore(const tn::arch::FpRegisters* regs);
}

namespace tn::arch {

#ifdef CONFIG_ARCH_ARM64_ECTX_LAZY
namespace detail {
struct FpCpu {
    FpContext* owner;  // whose values are in the registers (nullptr: nobody's)
    bool on;           // CPACR_EL1.FPEN lets EL1/EL0 use FP (only while owner runs)
};
#ifdef CONFIG_TN_SMP
inline constexpr unsigned k_fp_cpus = CONFIG_TN_MAX_CPUS;
#else
inline constexpr unsigned k_fp_cpus = 1;
#endif
extern FpCpu g_fp_cpu[k_fp_cpus];
inline FpCpu& fp_cpu() { return g_fp_cpu[k_fp_cpus == 1 ? 0 : cpu_index()]; }
void fp_set_enabled(FpCpu& c, bool on);
}  // namespace detail
#endif

/// The scheduler switches from the thread owning @p prev to the one owning
/// @p next (IRQs masked, on the CPU both belong to).
inline void fp_switch([[maybe_unused]] FpContext* prev, [[maybe_unused]] FpContext* next) {
#if defined(CONFIG_ARCH_ARM64_ECTX_EAGER)
    tn_arch_fp_save(prev);
    tn_arch_fp_restore(next);
#elif defined(CONFIG_ARCH_ARM64_ECTX_LAZY)
    // FP is on only while its owner runs, and only after it used FP since
    // it was switched in: leaving the owner turns it off; coming back to it
    // does not turn it on (its first FP instruction traps and fp_trap() just
    // re-enables, the registers still being its own). Threads that never use
    // FP find it off: one load and one branch.
    // Inline, without a call, so the switch path keeps its tail call and
    // its registers. CPACR_EL1 is 0 in lazy mode except for FPEN.
    detail::FpCpu& c = detail::fp_cpu();
    if (c.on) [[unlikely]] {
        asm volatile("msr cpacr_el1, xzr\n\tisb" ::: "memory");
        c.on = false;
    }
#endif
}

/// The calling CPU now runs the thread owning @p ctx (the scheduler adopting
/// the boot context as a thread, or a secondary CPU's first thread).
void fp_adopt(FpContext* ctx);
// The lazy trap asks the scheduler for the running thread's context through
// extern "C" FpContext* tn_arch_fp_current() (weak in fpu.cpp: without a
// scheduler the code on each CPU has one boot context).
/// @p ctx is about to be freed (its thread exited): it must not stay the
/// owner of this CPU's registers.
void fp_forget(FpContext* ctx);
/// Handles an FP/SIMD access trap taken at EL1 (lazy mode); false if it is
/// an error (off mode, or FP use in an interrupt handler) and @p why says so.
bool fp_trap(Frame& frame, const char*& why);

}  // namespace tn::arch
