// Target-only access to the GICv3 virtual interface control registers at EL2
// (IHI 0069H.b §12.4), and the two calls the world switch makes around a
// guest's run. Implemented in src/ich_el2.cpp, which is never built for the
// host: everything it does with the values is in the portable Vgic.
//
// Context: EL2, on the physical CPU that runs (or ran) @p vcpu; the ICH
// registers are per physical CPU, so these calls must not migrate mid-way.
#pragma once

#include <mortise/ich.hpp>
#include <mortise/vgic.hpp>

namespace mortise::ich {

/// ICH_LR<n>_EL2, n < lr_count().
u64 read_lr(unsigned n);
void write_lr(unsigned n, u64 value);
/// List registers implemented (ICH_VTR_EL2.ListRegs + 1, at most k_max_lrs).
unsigned lr_count();

u64 read_vtr();
u64 read_hcr();
void write_hcr(u64 value);
u64 read_vmcr();
void write_vmcr(u64 value);
u32 read_misr();
u32 read_eisr();
u32 read_elrsr();

/// Entry: load_lrs() into the hardware LRs (only those it fills: the others
/// must be zero already, as leave() and clear_lrs() leave them), and
/// ICH_HCR_EL2 = En, plus UIE when interrupts were left out (overflow), so
/// the vCPU exits through the maintenance interrupt once its LRs drain.
/// Returns the number of LRs loaded (pass it to leave()).
unsigned enter(vgic::Vgic& vgic, unsigned vcpu);
/// enter() with hardware interrupt @p pintid, just acknowledged at EL2, injected as @p intid first
/// (Vgic::inject_hw_and_load: one lock round trip, no scan when nothing else is pending).
unsigned enter_hw(vgic::Vgic& vgic, unsigned vcpu, u32 intid, u32 pintid);
/// Exit: reads back the @p loaded LRs, save_lrs() them, clears those LRs, and clears UIE.
void leave(vgic::Vgic& vgic, unsigned vcpu, unsigned loaded);
/// Every LR cleared: before a vCPU's first entry on its CPU (LRs reset to UNKNOWN values).
void clear_lrs();

}  // namespace mortise::ich
