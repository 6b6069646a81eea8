// QEMU virt platform: console on the PL011, power-off through PSCI.
//
// PSCI conduit: QEMU implements PSCI itself, reached with HVC when the guest
// starts at EL1 and with SMC when virtualization=on starts it at EL2 (there is
// no EL3 firmware). This board-level rule stands in until the device tree's
// /psci "method" is read.
#include <tn/arch/mmu.hpp>
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

// QEMU virt memory map (hw/arm/virt.c): GIC distributor, CPU interface,
// redistributors and ITS lie in 0x08000000-0x08ffffff, the PL011 at 0x09000000.
constexpr tn::arch::mmu::Range k_devices[] = {
    {0x08000000, 0x01000000},
    {CONFIG_PLAT_QEMU_VIRT_UART_BASE, 0x1000},
};

void enable_mmu() {
    tn::arch::mmu::Range ram{CONFIG_PLAT_QEMU_VIRT_RAM_BASE, CONFIG_PLAT_QEMU_VIRT_RAM_SIZE};
    auto r = tn::arch::mmu::enable(ram, k_devices, sizeof k_devices / sizeof k_devices[0]);
    if (!r.ok()) {
        static const char* const reasons[] = {"out of translation tables (raise ARCH_ARM64_MMU_TABLES)",
                                              "bad memory range", "the image lies outside RAM"};
        tn_printf("Tenon: cannot enable the MMU: %s\n", reasons[static_cast<int>(r.error())]);
        tn::plat::power_off(1);
    }
}

}  // namespace

extern "C" void tn_plat_start(tn::uptr, unsigned entry_el) {
    g_uart.init();
    tn::console::set_sink(uart_put, nullptr);
    g_psci = entry_el == 2 ? tn::arch::PsciConduit::Smc : tn::arch::PsciConduit::Hvc;
    enable_mmu();
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
