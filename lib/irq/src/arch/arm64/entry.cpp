// The IRQ exception entry (arch/arm64/src/vectors.S calls tn_arch_irq with the
// saved frame): this strong definition replaces arch/arm64's weak one, which
// treats any IRQ as fatal for images without an interrupt controller.
#include <tn/arch/fault.hpp>
#include <tn/fault.hpp>
#include <tn/arch/frame.hpp>
#include <tn/console.hpp>
#include <tn/plat.hpp>

#include <tn/irq.hpp>
#include <tn/smp.hpp>

#include "irq_internal.hpp"

// A scheduler (lib/sched) defines this to switch threads on the way out of
// an interrupt, still on the interrupted thread's stack with IRQs masked.
extern "C" [[gnu::weak]] void tn_irq_exit_hook();

tn::smp::PerCpu<unsigned> tn::irq::detail::g_irq_depth;

namespace {

auto& g_depth = tn::irq::detail::g_irq_depth;
#ifdef CONFIG_LIBIRQ_PHASE_STAMPS
tn::smp::PerCpu<tn::u64> g_entry_stamp;
#endif

}  // namespace

// The lazy FP context (arch/arm64 fpu.cpp) refuses FP use in a handler.
extern "C" bool tn_arch_fp_in_interrupt() { return tn::irq::in_interrupt(); }

#ifdef CONFIG_LIBIRQ_PHASE_STAMPS
tn::u64 tn::irq::entry_stamp() { return g_entry_stamp.local(); }
#endif

extern "C" void tn_arch_irq(tn::arch::Frame* frame) {
#ifdef CONFIG_LIBIRQ_PHASE_STAMPS
    // First, so the stamp marks the end of the vector's context save.
    tn::u64 now;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(now)::"memory");
    g_entry_stamp.local() = now;
#endif
    auto& d = tn::irq::detail::dispatcher();
    if (!d.controller()) {
        // IRQs were unmasked before the platform installed a controller.
        tn::fault::report(*frame, 1);
        tn::plat::power_off(tn::arch::k_fault_status);
    }
    ++g_depth.local();
    auto s = d.dispatch_pending();
    --g_depth.local();
    if (s.unhandled)
        tn_printf("irq: INTID %u has no handler; disabled it\n", s.last_unhandled);
    if (tn_irq_exit_hook)
        tn_irq_exit_hook();
}
