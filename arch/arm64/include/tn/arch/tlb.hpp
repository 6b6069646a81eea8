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

/// DSB ISHST, then with VTTBR_EL2 = @p vttbr: TLBI IPAS2E1IS (the stage-2
/// entries of @p ipa's page), DSB ISH, TLBI VMALLE1IS (the combined stage 1+2
/// entries, which may hold that page too: C5.5 TLBI IPAS2E1IS), DSB ISH; then
/// VTTBR_EL2 back as it was, ISB. When it returns, no CPU of the inner
/// shareable domain translates @p ipa for that guest (the VMID in @p vttbr)
/// with a descriptor written before the call. Use: a stage-2 entry of a guest
/// that may be running elsewhere was made invalid. Context: EL2, IRQs masked
/// (VTTBR_EL2 is borrowed: the calling CPU may be running another guest or none).
inline void tlb_invalidate_guest_ipa(u64 vttbr, u64 ipa) {
    u64 saved;
    asm volatile("mrs %0, vttbr_el2" : "=r"(saved));
    asm volatile(
        "dsb ishst\n\t"
        "msr vttbr_el2, %1\n\t"
        "isb\n\t"
        "tlbi ipas2e1is, %2\n\t"
        "dsb ish\n\t"
        "tlbi vmalle1is\n\t"
        "dsb ish\n\t"
        "msr vttbr_el2, %0\n\t"
        "isb" ::"r"(saved),
        "r"(vttbr), "r"(ipa >> 12)
        : "memory");
}

}  // namespace tn::arch
