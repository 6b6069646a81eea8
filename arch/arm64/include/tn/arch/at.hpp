// Address translation instructions for the hypervisor (Arm ARM DDI 0487,
// C5.5 AT S1E1R, D17.2 PAR_EL1).
//
// Arch contract (arch/fake implements the same names for host tests).
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

/// The IPA the guest's own (EL1&0 stage 1) translation gives @p va, by AT
/// S1E1R with the guest's EL1 translation registers live on the calling CPU;
/// false when that translation faults (the guest changed its tables since
/// the access). PAR_EL1 belongs to the guest: it is restored. Use: the IPA of
/// a stage-2 permission fault, for which HPFAR_EL2 is UNKNOWN. Context: EL2,
/// IRQs masked, the guest's vCPU loaded on this CPU.
inline bool guest_va_to_ipa(u64 va, u64& ipa) {
    u64 saved, par;
    asm volatile("mrs %0, par_el1\n\t"
                 "at s1e1r, %2\n\t"
                 "isb\n\t"
                 "mrs %1, par_el1\n\t"
                 "msr par_el1, %0"
                 : "=&r"(saved), "=&r"(par)
                 : "r"(va)
                 : "memory");
    if (par & 1)  // PAR_EL1.F: the translation faulted
        return false;
    ipa = (par & 0x000f'ffff'ffff'f000ull) | (va & 0xfff);
    return true;
}

}  // namespace tn::arch
