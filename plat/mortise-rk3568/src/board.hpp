// Between the files of Mortise's RK3568 platform: what discovery found
// beyond the mortise::Board the core reads.
#pragma once

#include <mortise/platform.hpp>
#include <tn/drivers/ns16550.hpp>
#include <tn/types.hpp>

namespace tn::plat::mortise_rk3568 {

/// Reads the device tree at @p dtb into the board mortise::board() returns.
/// Returns nullptr, or why Mortise cannot run on this machine (a sentence
/// naming the fix). Boot CPU, before the MMU is on.
const char* discover(u64 dtb);

/// How to drive the console UART (reg-shift, access width, DesignWare or
/// not). @pre discover() succeeded.
const ns16550::Config& console_uart();

/// The PSCI conduit the device tree named: SMC (TF-A) or HVC. @pre discover() succeeded.
bool psci_smc();

}  // namespace tn::plat::mortise_rk3568
