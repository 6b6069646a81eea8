// FP/SIMD context modes (tn/arch/fpu.hpp): the lazy-mode trap and the
// per-CPU bookkeeping. CPACR_EL1.FPEN (bits 21:20) is set at each CPU's entry:
// 0b11 (no trap) in eager mode, 0b00 (trap EL0 and EL1) otherwise.
#include <tn/arch/cpu.hpp>
#include <tn/arch/fpu.hpp>

extern "C" {
/// True while the calling CPU runs an interrupt handler; defined by lib/irq
/// (weak: an image without it has no handlers).
[[gnu::weak]] bool tn_arch_fp_in_interrupt();
[[gnu::weak]] tn::arch::FpContext* tn_arch_fp_current();
}

namespace tn::arch {

#ifdef CONFIG_ARCH_ARM64_ECTX_LAZY
namespace {

constexpr u64 k_fpen_on = u64{3} << 20;
// The code running on a CPU before a scheduler adopts it (boot, or main()
// in an image without lib/sched).
FpContext g_boot_ctx[detail::k_fp_cpus];

FpContext* current_ctx() {
    FpContext* cur = tn_arch_fp_current ? tn_arch_fp_current() : nullptr;
    return cur ? cur : &g_boot_ctx[detail::k_fp_cpus == 1 ? 0 : cpu_index()];
}

}  // namespace

detail::FpCpu detail::g_fp_cpu[detail::k_fp_cpus];

void detail::fp_set_enabled(FpCpu& c, bool on) {
    u64 v;
    asm volatile("mrs %0, cpacr_el1" : "=r"(v));
    v = on ? (v | k_fpen_on) : (v & ~k_fpen_on);
    asm volatile("msr cpacr_el1, %0\n\tisb" ::"r"(v) : "memory");
    c.on = on;
}

void fp_adopt(FpContext* ctx) {
    // The registers may hold the boot code's values (FP used before the
    // scheduler started): they are now the adopting thread's.
    detail::FpCpu& c = detail::fp_cpu();
    if (c.owner)
        c.owner = ctx;
}

void fp_forget(FpContext* ctx) {
    detail::FpCpu& c = detail::fp_cpu();
    if (c.owner == ctx) {
        c.owner = nullptr;
        if (c.on)
            detail::fp_set_enabled(c, false);
    }
}

bool fp_trap(Frame&, const char*& why) {
    if (tn_arch_fp_in_interrupt && tn_arch_fp_in_interrupt()) {
        why = "FP/SIMD used in an interrupt handler: interrupt handlers must not use FP "
              "(mark them __attribute__((target(\"general-regs-only\"))))";
        return false;
    }
    detail::FpCpu& c = detail::fp_cpu();
    FpContext* cur = current_ctx();
    detail::fp_set_enabled(c, true);
    if (c.owner != cur) {
        if (c.owner)
            tn_arch_fp_save(c.owner);
        tn_arch_fp_restore(cur);
        c.owner = cur;
    }
    return true;  // the FP instruction runs again, now enabled
}

#else

void fp_adopt(FpContext*) {}
void fp_forget(FpContext*) {}

bool fp_trap(Frame&, const char*& why) {
#ifdef CONFIG_ARCH_ARM64_ECTX_EAGER
    why = "FP/SIMD trapped although eager ectx keeps it enabled (CPACR_EL1 changed?)";
#else
    why = "FP/SIMD instruction, but this image keeps no FP context (CONFIG_ARCH_ARM64_ECTX_OFF): choose "
          "'Eager' or 'Lazy' under Architecture > FP/SIMD register context in make menuconfig";
#endif
    return false;
}

#endif

}  // namespace tn::arch
