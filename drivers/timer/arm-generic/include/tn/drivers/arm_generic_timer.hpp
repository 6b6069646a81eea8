// Arm generic timer (Arm ARM DDI 0487, "The Generic Timer in AArch64 state"):
// the EL1 virtual timer as lib/clock's device. Time is CNTVCT_EL0 at
// CNTFRQ_EL0; events use the CNTV_CVAL_EL0 comparator, whose interrupt is a
// level-sensitive PPI that stays asserted until the comparator is moved past
// the counter or the timer is disabled.
//
// An image that stays at EL2 (Mortise) builds it with DRV_TIMER_ARM_GENERIC_EL2:
// the device is then the EL2 physical timer (CNTHP_*, PPI 26) on CNTPCT_EL0,
// and the EL1 virtual timer is left to the guests.
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::arm_generic_timer {

enum class Error : u8 {
    BadFrequency,    ///< CNTFRQ_EL0 is 0 or implausible: firmware did not program it.
    IrqUnavailable,  ///< The interrupt could not be registered or enabled (taken, no controller).
};

/// INTID of the EL1 virtual timer: PPI 11 in the Arm Base System Architecture
/// (DEN 0094), the third entry of an arm,armv8-timer node's interrupts.
constexpr u32 k_virtual_timer_intid = 27;
/// INTID of the EL2 physical timer (PPI 10 in the Base System Architecture).
constexpr u32 k_hyp_timer_intid = 26;

/// Makes the EL1 virtual timer the image's clock device and enables its
/// interrupt @p intid on the calling CPU. @pre tn::irq has a controller.
/// Errors: BadFrequency, IrqUnavailable.
Result<void, Error> try_init(u32 intid);

/// Sets up the timer interrupt (a PPI, banked per CPU) on the calling
/// secondary CPU, timer stopped. @pre try_init() succeeded on the boot CPU.
/// Errors: IrqUnavailable.
Result<void, Error> init_this_cpu();

}  // namespace tn::arm_generic_timer
