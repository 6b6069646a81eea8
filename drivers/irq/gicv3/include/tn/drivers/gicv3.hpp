// Arm Generic Interrupt Controller v3 (IHI 0069H.b): distributor with affinity
// routing, a redistributor per CPU, and the CPU interface through the ICC_*
// system registers. The platform calls try_init() once on the boot CPU and
// installs the result with tn::irq::install(); secondary CPUs then call
// tn::irq::init_this_cpu().
//
// Interrupts are Non-secure Group 1 (ICC_IAR1_EL1/ICC_EOIR1_EL1). With one
// security state (GICD_CTLR.DS = 1, QEMU virt) the driver puts every interrupt
// in Group 1 itself; under secure firmware (Non-secure view) the group
// registers of Secure interrupts are RAZ/WI and firmware has assigned ours.
// Bits 1 and 4 of GICD_CTLR are EnableGrp1/ARE with DS = 1 and EnableGrp1A/
// ARE_NS in the Non-secure view: the same meaning for us (IHI 0069H.b §12.9.4).
// LPIs, the ITS and extended SPI/PPI ranges are not used.
#pragma once

#include <tn/irq_impl.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::gicv3 {

enum class Error : u8 {
    NotGicv3,             ///< GICD_PIDR2.ArchRev is not 3 or 4.
    NoSystemRegisters,    ///< ICC_SRE_EL1.SRE stays 0: EL2/EL3 did not allow the
                          ///< system-register interface (ICC_SRE_EL2.Enable).
    NoRedistributor,      ///< No redistributor in the region has this CPU's affinity.
    RedistributorAsleep,  ///< GICR_WAKER.ChildrenAsleep did not clear.
    Timeout,              ///< A register write did not complete (GICD_CTLR.RWP stuck).
};

struct Config {
    uptr distributor;          ///< GICD, 64 KiB.
    uptr redistributors;       ///< First GICR frame of the (one) redistributor region.
    usize redistributor_size;  ///< Bytes of that region (QEMU virt: 0x20000 per CPU).
};

/// Resets and enables the distributor (affinity routing; every SPI disabled,
/// level-triggered, default priority, routed to the calling CPU), wakes the
/// calling CPU's redistributor and enables its CPU interface. Returns the
/// controller for tn::irq::install().
Result<irq::Controller*, Error> try_init(const Config& config);

/// True if the CPU implements the GICv3 system-register interface
/// (ID_AA64PFR0_EL1.GIC != 0). QEMU reports it exactly when a GICv3 is
/// attached; a real core reports its built-in CPU interface, which may be
/// present yet unused next to a GICv2, so prefer the device tree where there is one.
bool cpu_has_system_registers();

}  // namespace tn::gicv3
