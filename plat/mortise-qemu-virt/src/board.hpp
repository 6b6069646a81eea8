// Between the files of Mortise's QEMU virt platform: what discovery found
// beyond the mortise::Board the core reads.
#pragma once

#include <mortise/platform.hpp>
#include <tn/arch/psci.hpp>
#include <tn/types.hpp>

namespace tn::plat::mortise_qemu_virt {

/// Reads the device tree at @p dtb into the board mortise::board() returns.
/// Returns nullptr, or why Mortise cannot run on this machine (a sentence
/// naming the fix). Boot CPU, before the MMU is on.
const char* discover(u64 dtb);

/// The PSCI conduit the device tree named. @pre discover() succeeded.
arch::PsciConduit psci();

}  // namespace tn::plat::mortise_qemu_virt
