// IRQ masking on the calling CPU through PSTATE.I (bit 7 of the DAIF special
// register, Arm ARM DDI 0487 "DAIF, Interrupt Mask Bits"). Only I is touched: FIQs stay masked (Group 0 is
// not ours) and SErrors/debug keep whatever the entry code set.
#include <tn/irq.hpp>

namespace tn::irq {

namespace {
constexpr u64 k_daif_i = u64{1} << 7;
}

// The "memory" clobbers keep the compiler from moving memory accesses across
// the mask change, which would move them into or out of the critical section.
void local_enable() { asm volatile("msr daifclr, #2" ::: "memory"); }

void local_disable() { asm volatile("msr daifset, #2" ::: "memory"); }

u64 local_save_disable() {
    u64 daif;
    asm volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
    return daif & k_daif_i;
}

void local_restore(u64 state) {
    if (!(state & k_daif_i))
        local_enable();
}

// WFI wakes on a pending interrupt even while PSTATE.I masks it (Arm ARM,
// "Wait For Interrupt": a physical IRQ is a wake-up event regardless of the
// mask), so a caller that masked IRQs to check a condition cannot miss the
// wake-up between its check and the WFI.
void wait_for_interrupt() { asm volatile("dsb sy\n\twfi" ::: "memory"); }

}  // namespace tn::irq
