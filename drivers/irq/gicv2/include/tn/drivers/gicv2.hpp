// Arm Generic Interrupt Controller v2 (IHI 0048B.b): distributor and memory-
// mapped CPU interface. The platform calls try_init() once on the boot CPU and
// installs the result with tn::irq::install(); secondary CPUs then call
// tn::irq::init_this_cpu().
//
// Security: the driver programs the register view it is given. Under secure
// firmware (Non-secure view) its interrupts are the Non-secure Group 1 ones
// firmware assigned; on a GIC without the Security Extensions (QEMU virt) there
// is one security state and every interrupt stays in Group 0, which with
// GICC_CTLR.FIQEn = 0 is signalled as IRQ: the same behaviour. Bit 0 of
// GICD_CTLR/GICC_CTLR and bit 9 of GICC_CTLR mean "enable" and "EOImode" in
// both views (IHI 0048B.b §4.3.1, §4.4.1), so no mode detection is needed.
#pragma once

#include <tn/irq_impl.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::gicv2 {

enum class Error : u8 {
    NotGicv2,        ///< GICD_PIDR2.ArchRev is not 2 (wrong address, or a GICv3 without legacy support).
    CpuUnavailable,  ///< The boot CPU's interface could not be set up.
};

struct Config {
    uptr distributor;    ///< GICD, 4 KiB.
    uptr cpu_interface;  ///< GICC, 8 KiB (GICC_DIR is at offset 0x1000).
};

/// Resets and enables the distributor (every SPI disabled, level-triggered,
/// default priority, routed to the calling CPU) and the calling CPU's interface.
/// Returns the controller for tn::irq::install(). Errors: NotGicv2, CpuUnavailable.
Result<irq::Controller*, Error> try_init(const Config& config);

}  // namespace tn::gicv2
