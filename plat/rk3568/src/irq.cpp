// The RK3568's GIC-600 (a GICv3: distributor and one redistributor region of
// four 128 KiB frames, found by MPIDR affinity, so the cores' Aff1 numbering
// needs nothing special), the EL1 virtual timer, and console input on the
// UART's receive interrupt.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/drivers/arm_generic_timer.hpp>
#include <tn/drivers/gicv3.hpp>
#include <tn/drivers/ns16550.hpp>
#include <tn/irq.hpp>
#include <tn/irq_impl.hpp>
#include <tn/plat.hpp>
#ifdef CONFIG_DRV_SERIAL_NS16550_RX_IRQ
#include <tn/drivers/ns16550_rx.hpp>
#endif

#include "board.hpp"

namespace tn::plat::rk3568 {

namespace {

[[noreturn]] void fail(const char* what, const char* why) {
    tn_printf("rk3568: cannot set up %s: %s\n", what, why);
    power_off(1);
}

const char* gic_error(gicv3::Error e) {
    switch (e) {
    case gicv3::Error::NotGicv3: return "GICD_PIDR2 is not a GICv3's (wrong distributor address?)";
    case gicv3::Error::NoSystemRegisters: return "ICC_SRE_EL1.SRE stays 0 (firmware left ICC_SRE_EL2.Enable clear)";
    case gicv3::Error::NoRedistributor: return "no redistributor frame has this CPU's MPIDR";
    case gicv3::Error::RedistributorAsleep: return "GICR_WAKER.ChildrenAsleep did not clear";
    default: return "a register write did not complete";
    }
}

ns16550::Uart g_polled{ns16550::Config{}};
int polled_try_get(void*) { return g_polled.try_get(); }

void install_polled() {
    g_polled = ns16550::Uart{board().console.uart};
    console::set_source({polled_try_get, nullptr, nullptr, nullptr});
}

#ifdef CONFIG_DRV_SERIAL_NS16550_RX_IRQ
constinit ns16550::RxQueue g_rx;
int rx_try_get(void*) { return g_rx.try_get(); }
void rx_wait(void*) { g_rx.wait(); }
u64 rx_dropped(void*) { return g_rx.dropped(); }

bool install_interrupt_driven() {
    u32 intid = board().console.intid;
    if (!intid)
        return false;
    if (auto r = g_rx.try_start(ns16550::Uart{board().console.uart}, intid); !r.ok()) {
        tn_printf("rk3568: console input: cannot use INTID %u (%s), polling the UART instead\n", intid,
                  irq::error_name(r.error()));
        return false;
    }
    console::set_source({rx_try_get, rx_wait, rx_dropped, nullptr});
    return true;
}
#else
bool install_interrupt_driven() { return false; }
#endif

}  // namespace

void irq_init() {
    const Gic& g = board().gic;
    auto gic = gicv3::try_init({g.dist, g.redist, g.redist_size});
    if (!gic.ok())
        fail("the GICv3", gic_error(gic.error()));
    irq::install(*gic.value());
    if (!arm_generic_timer::try_init(board().timer_intid).ok())
        fail("the timer", "its interrupt is unavailable");
#ifdef CONFIG_PLAT_RK3568_BOOT_INFO
    tn_printf("rk3568: timer INTID %u at %lu Hz\n", board().timer_intid, clock::frequency_hz());
#endif
}

void console_input_init() {
    if (!install_interrupt_driven())
        install_polled();
}

}  // namespace tn::plat::rk3568
