// The IRQ exception entries and irq::offload().
//
// arch/arm64/src/vectors.S takes an EL1 IRQ on the lean path: it saves only
// what a C call clobbers (x0-x18, x30, ELR_EL1, SPSR_EL1) and calls
// tn_arch_irq_lean(). The callee-saved registers survive the call, and a
// thread switch in the scheduler's exit hook goes through switch_context,
// which saves them itself. Before a controller is installed the lean entry
// returns nonzero and the vectors take the full-frame path to tn_arch_irq(),
// which reports the interrupt as a fault. Mortise's EL2 vectors call
// tn_arch_irq() with their frame.
//
// These strong definitions replace lib/boot's weak ones, which treat any IRQ
// as fatal for images without an interrupt controller.
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

using tn::u32;
using tn::u64;
using tn::uptr;
using tn::irq::CpuInterface;
using tn::irq::Event;

auto& g_depth = tn::irq::detail::g_irq_depth;
#ifdef CONFIG_LIBIRQ_PHASE_STAMPS
tn::smp::PerCpu<tn::u64> g_entry_stamp;
#endif

// The CPU interfaces the entry reaches inline (Controller::cpu_interface()),
// with the effect of the drivers' acknowledge / priority_drop / deactivate.

// GICv2 (IHI 0048B.b §4.4): GICC_IAR (InterruptID in [9:0]), GICC_EOIR,
// GICC_DIR, at the CPU interface's (banked) base.
struct Gicv2Ops {
    uptr base;
    Event acknowledge() {
        u32 iar = *reinterpret_cast<volatile u32*>(base + 0x000c);
        return {iar & 0x3ff, iar};
    }
    void priority_drop(Event e) { *reinterpret_cast<volatile u32*>(base + 0x0010) = e.raw; }
    void deactivate(Event e) { *reinterpret_cast<volatile u32*>(base + 0x1000) = e.raw; }
};

// GICv3 (IHI 0069H.b §12.2): ICC_IAR1_EL1 (INTID in [23:0]), ICC_EOIR1_EL1,
// ICC_DIR_EL1. The DSB orders the acknowledge before the handler's device
// accesses; the ISBs make the priority drop and deactivation take effect
// before the next acknowledge, as drivers/irq/gicv3 does.
struct Gicv3Ops {
    Event acknowledge() {
        u64 iar;
        asm volatile("mrs %0, S3_0_C12_C12_0\n\tdsb sy" : "=r"(iar)::"memory");
        u32 intid = static_cast<u32>(iar & 0xffffff);
        return {intid, intid};
    }
    void priority_drop(Event e) { asm volatile("msr S3_0_C12_C12_1, %0\n\tisb" ::"r"(u64{e.raw}) : "memory"); }
    void deactivate(Event e) { asm volatile("msr S3_0_C12_C11_1, %0\n\tisb" ::"r"(u64{e.raw}) : "memory"); }
};

inline void stamp_entry() {
#ifdef CONFIG_LIBIRQ_PHASE_STAMPS
    // First, so the stamp marks the end of the vector's context save.
    u64 now;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(now)::"memory");
    g_entry_stamp.local() = now;
#endif
}

// An acknowledged interrupt without a handler (or beyond the table): disabled,
// reported and ended through the controller. Out of line: the hot loop
// keeps fewer registers live.
[[gnu::cold, gnu::noinline]] void end_unowned(tn::irq::Event e) {
    auto& d = tn::irq::detail::dispatcher();
    d.disown(e.intid);
    tn_printf("irq: INTID %u has no handler; disabled it\n", e.intid);
    d.controller()->priority_drop(e);
    d.controller()->deactivate(e);
}

// The acknowledge / handler / end loop of Dispatcher::dispatch_pending(), with
// the CPU interface inline and the handler table indexed directly.
template <class Ops>
[[gnu::always_inline]] inline void dispatch_inline(Ops ops) {
    using namespace tn::irq;
    for (;;) {
        Event e = ops.acknowledge();
        // One comparison covers the special INTIDs (1020-1023) too.
        static_assert(detail::k_slot_count <= k_special_first);
        if (e.intid >= detail::k_slot_count) [[unlikely]] {
            if (is_special(e.intid))
                break;
            end_unowned(e);
            continue;
        }
        Slot& slot = detail::g_slots[e.intid];
        Handler h = __atomic_load_n(&slot.handler, __ATOMIC_ACQUIRE);
        if (!h) [[unlikely]] {
            end_unowned(e);
            continue;
        }
        Completion done = h(e, slot.ctx);
        detail::dispatcher().count_handled(1);
        ops.priority_drop(e);
        if (done == Completion::Done)
            ops.deactivate(e);
    }
}

// Handles what is pending, then leaves through the scheduler's exit hook.
// Returns false, having done nothing, when no controller is installed.
[[gnu::always_inline]] inline bool handle_pending(tn::irq::Dispatcher& d) {
    [[maybe_unused]] const CpuInterface& cpu = d.cpu_interface();  // unused without a GIC driver
    // The compiler keeps only the interfaces of the configured drivers: with
    // one GIC driver the choice is one comparison, anything else (a
    // controller without an inline interface) takes the virtual calls.
    // Kind::Generic also stands for "no controller yet".
#ifdef CONFIG_DRV_IRQ_GICV2
    if (cpu.kind == CpuInterface::Kind::Gicv2) [[likely]] {
        ++g_depth.local();
        dispatch_inline(Gicv2Ops{cpu.base});
    } else
#endif
#ifdef CONFIG_DRV_IRQ_GICV3
    if (cpu.kind == CpuInterface::Kind::Gicv3) [[likely]] {
        ++g_depth.local();
        dispatch_inline(Gicv3Ops{});
    } else
#endif
    {
        if (!d.controller())
            return false;
        ++g_depth.local();
        auto s = d.dispatch_pending();
        if (s.unhandled)
            tn_printf("irq: INTID %u has no handler; disabled it\n", s.last_unhandled);
    }
    --g_depth.local();
    if (tn_irq_exit_hook)
        tn_irq_exit_hook();
    return true;
}

}  // namespace

// The lazy FP context (arch/arm64 fpu.cpp) refuses FP use in a handler.
extern "C" bool tn_arch_fp_in_interrupt() { return tn::irq::in_interrupt(); }

#ifdef CONFIG_LIBIRQ_PHASE_STAMPS
tn::u64 tn::irq::entry_stamp() { return g_entry_stamp.local(); }
#endif

extern "C" int tn_arch_irq_lean() {
    stamp_entry();
    // No controller: IRQs were unmasked before the platform installed one.
    // The vectors then save a full frame for tn_arch_irq()'s report.
    return handle_pending(tn::irq::detail::dispatcher()) ? 0 : 1;
}

extern "C" void tn_arch_irq(tn::arch::Frame* frame) {
    stamp_entry();
    if (!handle_pending(tn::irq::detail::dispatcher())) {
        // IRQs were unmasked before the platform installed a controller.
        tn::fault::report(*frame, 1);
        tn::plat::power_off(tn::arch::k_fault_status);
    }
}

void tn::irq::offload(void (*fn)(void*), void* arg) {
    u64 flags = local_save_disable();
    ++g_depth.local();
    fn(arg);
    // As an interrupt's exit: the hook switches to a thread fn made ready,
    // unless this offload ran inside a handler, whose own exit does it.
    if (--g_depth.local() == 0 && tn_irq_exit_hook)
        tn_irq_exit_hook();
    local_restore(flags);
}

extern "C" void tn_irq_offload(void (*fn)(void*), void* arg) { tn::irq::offload(fn, arg); }
