// Console input on QEMU virt's PL011 (the console UART of board.cpp).
//
// With DRV_SERIAL_PL011_RX_IRQ the UART's receive interrupt fills the driver's
// ring buffer and readers sleep in WFI; its INTID comes from the `interrupts`
// of the device tree node at the console UART's address, else from QEMU
// virt's fixed wiring. Without the option, or if the interrupt cannot be
// taken, readers poll the UART.
#include <tn/console.hpp>
#include <tn/drivers/pl011.hpp>
#include <tn/fdt.hpp>
#include <tn/plat/qemu_virt.hpp>
#ifdef CONFIG_DRV_SERIAL_PL011_RX_IRQ
#include <tn/drivers/pl011_rx.hpp>
#include <tn/irq.hpp>
#endif

#include "board.hpp"
#include "irq.hpp"

namespace tn::plat::qemu_virt {

namespace {

pl011::Uart g_polled{0};

int polled_try_get(void*) { return g_polled.try_get(); }

void install_polled() {
    g_polled = pl011::Uart{board().uart_base};
    console::set_source({polled_try_get, nullptr, nullptr, nullptr});
}

#ifdef CONFIG_DRV_SERIAL_PL011_RX_IRQ

constinit pl011::RxQueue g_rx;

int rx_try_get(void*) { return g_rx.try_get(); }
void rx_wait(void*) { g_rx.wait(); }
u64 rx_dropped(void*) { return g_rx.dropped(); }

/// The console UART's INTID; *from_tree tells whether the device tree gave it.
u32 uart_intid(bool* from_tree) {
    *from_tree = false;
    auto dt = device_tree();
    if (!dt.ok())
        return k_uart_intid;
    auto uart = dt.value().find_device_at("arm,pl011", board().uart_base);
    if (!uart.ok() || !uart.value().has_irq)
        return k_uart_intid;
    *from_tree = true;
    return uart.value().intid;
}

bool install_interrupt_driven() {
    bool from_tree = false;
    u32 intid = uart_intid(&from_tree);
    if (auto r = g_rx.try_start(pl011::Uart{board().uart_base}, intid); !r.ok()) {
        tn_printf("Tenon: console input: cannot use INTID %u (%s), polling the UART instead\n", intid,
                  irq::error_name(r.error()));
        return false;
    }
    console::set_source({rx_try_get, rx_wait, rx_dropped, nullptr});
#ifdef CONFIG_PLAT_QEMU_VIRT_BOOT_INFO
    tn_printf("Tenon: console input on INTID %u (%s), %lu-byte buffer\n", intid,
              from_tree ? "device tree" : "board default", pl011::RxQueue::k_capacity);
#endif
    return true;
}

#else

bool install_interrupt_driven() { return false; }

#endif

}  // namespace

void qemu_virt_console_input_init() {
    if (!install_interrupt_driven())
        install_polled();
}

}  // namespace tn::plat::qemu_virt
