// QEMU virt's GIC and timer. The device tree names the GIC (arm,gic-v3, else
// arm,cortex-a15-gic for a GICv2), its registers, and the virtual timer's PPI
// (arm,armv8-timer). Without a device tree, ID_AA64PFR0_EL1.GIC tells the
// version -- QEMU reports the system-register CPU interface exactly when a
// GICv3 is attached -- and QEMU virt's fixed memory map gives the addresses.
#if !defined(CONFIG_DRV_IRQ_GICV2) && !defined(CONFIG_DRV_IRQ_GICV3)
#error "QEMU virt: LIBIRQ is enabled but no GIC driver is: enable DRV_IRQ_GICV2 and/or DRV_IRQ_GICV3"
#endif
#if defined(CONFIG_LIBCLOCK) && !defined(CONFIG_DRV_TIMER_ARM_GENERIC)
#error "QEMU virt: LIBCLOCK is enabled but its timer is not: enable DRV_TIMER_ARM_GENERIC"
#endif

#include <tn/arch/sysreg.hpp>
#include <tn/console.hpp>
#include <tn/fdt.hpp>
#include <tn/irq.hpp>
#include <tn/irq_impl.hpp>
#include <tn/plat.hpp>
#ifdef CONFIG_DRV_IRQ_GICV2
#include <tn/drivers/gicv2.hpp>
#endif
#ifdef CONFIG_DRV_IRQ_GICV3
#include <tn/drivers/gicv3.hpp>
#endif
#ifdef CONFIG_DRV_TIMER_ARM_GENERIC
#include <tn/clock.hpp>
#include <tn/drivers/arm_generic_timer.hpp>
#endif

#include "board.hpp"
#include "irq.hpp"

namespace tn::plat::qemu_virt {

namespace {

struct IrqSetup {
    u32 gic_version;
    uptr distributor;
    uptr cpu_interface;       // GICv2
    uptr redistributors;      // GICv3
    usize redistributor_size;
    u32 timer_intid;
    bool from_device_tree;
};

// hw/arm/virt.c base_memmap: VIRT_GIC_DIST, VIRT_GIC_CPU, VIRT_GIC_REDIST.
constexpr uptr k_gicd = 0x08000000;
constexpr uptr k_gicc = 0x08010000;
constexpr uptr k_gicr = 0x080a0000;
constexpr usize k_gicr_size = 0x00f60000;
// The device window the MMU maps for the GIC (board.hpp).
constexpr uptr k_window_base = k_gic_window.base;
constexpr usize k_window_size = k_gic_window.size;

// The EL1 virtual timer's PPI (the architected INTID 27).
#ifdef CONFIG_DRV_TIMER_ARM_GENERIC
constexpr u32 k_timer_intid = arm_generic_timer::k_virtual_timer_intid;
#else
constexpr u32 k_timer_intid = 27;
#endif

// The system-register CPU interface, which QEMU reports exactly when a GICv3
// is attached (ID_AA64PFR0_EL1.GIC).
bool cpu_has_gicv3() {
#ifdef CONFIG_DRV_IRQ_GICV3
    return gicv3::cpu_has_system_registers();
#else
    return ((arch::IdAa64pfr0El1::read() >> 24) & 0xf) != 0;  // the GIC field
#endif
}

IrqSetup board_defaults() {
    u32 version = cpu_has_gicv3() ? 3 : 2;
    return {version, k_gicd, k_gicc, k_gicr, k_gicr_size, k_timer_intid, false};
}

bool in_window(const fdt::Region& r) {
    return r.address >= k_window_base && r.size <= k_window_size &&
           r.address - k_window_base <= k_window_size - r.size;
}

// Fills @p s from the device tree; false (and @p s untouched) if it has no
// usable GIC. The timer INTID falls back to the architected PPI on its own.
bool from_device_tree(IrqSetup& s) {
    auto dt = device_tree();
    if (!dt.ok())
        return false;
    auto gic = dt.value().find_gic();
    if (!gic.ok() || !in_window(gic.value().dist))
        return false;
    const fdt::Gic& g = gic.value();
    const fdt::Region& second = g.version == 3 ? g.redist : g.cpu;
    if (second.size == 0 || !in_window(second))
        return false;
    s.gic_version = g.version;
    s.distributor = g.dist.address;
    s.cpu_interface = g.version == 2 ? g.cpu.address : 0;
    s.redistributors = g.version == 3 ? g.redist.address : 0;
    s.redistributor_size = g.version == 3 ? g.redist.size : 0;
    s.timer_intid = dt.value().timer_intid(fdt::TimerIrq::Virtual).value_or(s.timer_intid);
    s.from_device_tree = true;
    return true;
}

[[noreturn]] void fail(const char* what, u32 code) {
    tn_printf("Tenon: cannot set up interrupts: %s (error %u)\n", what, code);
    power_off(1);
}

// A GIC whose driver is not built is reported as error 0.
irq::Controller* init_gic(const IrqSetup& s) {
    if (s.gic_version == 3) {
#ifdef CONFIG_DRV_IRQ_GICV3
        auto r = gicv3::try_init({s.distributor, s.redistributors, s.redistributor_size});
        if (!r.ok())
            fail("GICv3", static_cast<u32>(r.error()));
        return r.value();
#else
        fail("GICv3 (driver not built: DRV_IRQ_GICV3)", 0);
#endif
    }
#ifdef CONFIG_DRV_IRQ_GICV2
    auto r = gicv2::try_init({s.distributor, s.cpu_interface});
    if (!r.ok())
        fail("GICv2", static_cast<u32>(r.error()));
    return r.value();
#else
    fail("GICv2 (driver not built: DRV_IRQ_GICV2)", 0);
#endif
}

}  // namespace

void qemu_virt_irq_init() {
    IrqSetup s = board_defaults();
    from_device_tree(s);
    irq::install(*init_gic(s));
#ifdef CONFIG_DRV_TIMER_ARM_GENERIC
    if (auto r = arm_generic_timer::try_init(s.timer_intid); !r.ok())
        fail("arm generic timer", static_cast<u32>(r.error()));
#endif
#ifdef CONFIG_PLAT_QEMU_VIRT_BOOT_INFO
#ifdef CONFIG_DRV_TIMER_ARM_GENERIC
    tn_printf("Tenon: %s at 0x%lx (%s), timer INTID %u at %lu Hz\n", irq::controller_name(), s.distributor,
              s.from_device_tree ? "device tree" : "board defaults", s.timer_intid, clock::frequency_hz());
#else
    tn_printf("Tenon: %s at 0x%lx (%s), no timer\n", irq::controller_name(), s.distributor,
              s.from_device_tree ? "device tree" : "board defaults");
#endif
#endif
}

}  // namespace tn::plat::qemu_virt
