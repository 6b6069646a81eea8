// TLB maintenance for the hypervisor's world switch (Arm ARM DDI 0487,
// D8.13 and C5.5 TLBI VMALLS12E1).
//
// Arch contract (arch/fake implements the same names for host tests).
#pragma once

namespace tn::arch {

/// ISB, TLBI VMALLS12E1, DSB NSH, ISB: the calling CPU drops every stage-1
/// and stage-2 TLB entry of the current VMID (the one VTTBR_EL2 names now),
/// after the VTTBR_EL2/HCR_EL2 writes before it took effect. Use: entering a
/// guest on a CPU that may hold entries another guest (or an earlier run of
/// this one) left under the same VMID. Context: EL2 only, calling CPU only
/// (not broadcast); IRQs masked, so the CPU cannot be switched meanwhile.
inline void tlb_invalidate_guest_local() { asm volatile("isb\n\ttlbi vmalls12e1\n\tdsb nsh\n\tisb" ::: "memory"); }

}  // namespace tn::arch
