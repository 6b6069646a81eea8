// QEMU virt platform: console on the PL011, power-off through PSCI.
//
// PSCI conduit: QEMU implements PSCI itself, reached with HVC when the guest
// starts at EL1 and with SMC when virtualization=on starts it at EL2 (there is
// no EL3 firmware). This board-level rule stands in until the device tree's
// /psci "method" is read.
#include <tn/arch/psci.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/boot.hpp>
#include <tn/console.hpp>
#include <tn/drivers/pl011.hpp>
#include <tn/plat.hpp>

namespace {

tn::pl011::Uart g_uart{CONFIG_PLAT_QEMU_VIRT_UART_BASE};
tn::arch::PsciConduit g_psci = tn::arch::PsciConduit::Hvc;

void uart_put(char c, void*) { g_uart.put(c); }

}  // namespace

extern "C" void tn_plat_start(tn::uptr, unsigned entry_el) {
    g_uart.init();
    tn::console::set_sink(uart_put, nullptr);
    g_psci = entry_el == 2 ? tn::arch::PsciConduit::Smc : tn::arch::PsciConduit::Hvc;
    tn::boot::run();
}

namespace tn::plat {

void power_off(int status) {
    tn_printf("Tenon: exit status %d, powering off\n", status);
    g_uart.flush();
    arch::psci_call(g_psci, arch::psci_fn::system_off);
    tn_puts("Tenon: PSCI SYSTEM_OFF failed, halting");
    arch::tn_arch_halt();
}

}  // namespace tn::plat
