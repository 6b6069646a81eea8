// Self-hosted debug registers (Arm ARM DDI 0487, D2 "AArch64 Self-hosted
// Debug", D17.3 DBGBCR<n>_EL1 and DBGWCR<n>_EL1).
//
// Arch contract (arch/fake implements the same names for host tests).
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

/// Disables every breakpoint and watchpoint the CPU has (their control
/// registers' enable bits reset to UNKNOWN values) and zeroes their value
/// registers. Context: EL2 or EL1, at boot.
void clear_breakpoints_and_watchpoints();

}  // namespace tn::arch
