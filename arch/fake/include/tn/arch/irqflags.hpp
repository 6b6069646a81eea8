// Fake arch contract (host tests): the IRQ mask of the one fake CPU is a
// flag. Same names and calling contexts as arch/arm64's irqflags.hpp.
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

namespace fake {
/// True while IRQs are masked (boot state: masked).
extern bool g_irqs_masked;
/// What wait_for_interrupt() runs: the test environment plays the next
/// interrupt there. Without one, waiting would hang: the test aborts.
extern void (*g_wfi_hook)();
}  // namespace fake

inline constexpr u64 k_irqs_masked = 1;

inline void irq_enable() { fake::g_irqs_masked = false; }
inline void irq_disable() { fake::g_irqs_masked = true; }
/// Masks IRQs; returns the previous state for irq_restore().
inline u64 irq_save() {
    u64 state = fake::g_irqs_masked ? k_irqs_masked : 0;
    fake::g_irqs_masked = true;
    return state;
}
inline void irq_restore(u64 state) {
    if (!(state & k_irqs_masked))
        irq_enable();
}
/// Waits until an interrupt is pending: runs the environment's hook.
void wait_for_interrupt();

}  // namespace tn::arch
