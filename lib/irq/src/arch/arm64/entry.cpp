// The IRQ exception entry (arch/arm64/src/vectors.S calls tn_arch_irq with the
// saved frame): this strong definition replaces arch/arm64's weak one, which
// treats any IRQ as fatal for images without an interrupt controller.
#include <tn/arch/fault.hpp>
#include <tn/arch/frame.hpp>
#include <tn/console.hpp>
#include <tn/plat.hpp>

#include <tn/irq.hpp>
#include <tn/smp.hpp>

#include "irq_internal.hpp"

// A scheduler (lib/sched) defines this to switch threads on the way out of
// an interrupt, still on the interrupted thread's stack with IRQs masked.
extern "C" [[gnu::weak]] void tn_irq_exit_hook();

namespace {

tn::smp::PerCpu<unsigned> g_depth;

}  // namespace

bool tn::irq::in_interrupt() { return g_depth.local() != 0; }

extern "C" void tn_arch_irq(tn::arch::Frame* frame) {
    auto& d = tn::irq::detail::dispatcher();
    if (!d.controller()) {
        // IRQs were unmasked before the platform installed a controller.
        tn::arch::report_fatal(*frame, 1);
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
