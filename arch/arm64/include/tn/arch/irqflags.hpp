// IRQ masking on the calling CPU: PSTATE.I, bit 7 of DAIF (Arm ARM DDI 0487,
// "DAIF, Interrupt Mask Bits"). Only I is touched: FIQs stay masked (Group 0
// is not ours) and SErrors/debug keep what the entry code set. The "memory"
// clobbers keep the compiler from moving memory accesses into or out of a
// masked section. Libraries use tn/irq.hpp; this header is for code below it
// (the console, lib/boot) that must not depend on the interrupt library.
//
// Arch contract (arch/fake implements the same names for host tests): every
// function acts on the calling CPU only and may be called from any context
// (thread, interrupt handler, boot code); none blocks except
// wait_for_interrupt(). irq_save()/irq_restore() nest.
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

inline constexpr u64 k_daif_i = u64{1} << 7;

inline void irq_enable() { asm volatile("msr daifclr, #2" ::: "memory"); }
inline void irq_disable() { asm volatile("msr daifset, #2" ::: "memory"); }

/// Masks IRQs; returns the previous state for irq_restore().
inline u64 irq_save() {
    u64 daif;
    asm volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
    return daif & k_daif_i;
}

inline void irq_restore(u64 state) {
    if (!(state & k_daif_i))
        irq_enable();
}

/// Waits until an interrupt is pending. WFI wakes on a pending interrupt even while PSTATE.I masks it, so a caller
/// that masked IRQs to check a condition cannot miss the wake-up between its
/// check and the WFI.
inline void wait_for_interrupt() { asm volatile("dsb sy\n\twfi" ::: "memory"); }

}  // namespace tn::arch
