// QEMU virt platform: console on the PL011, MMU, power-off through PSCI, all
// located through the device tree (board.cpp) with Kconfig constants as fallback.
#include <tn/arch/mmu.hpp>
#include <tn/arch/psci.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/boot.hpp>
#include <tn/console.hpp>
#include <tn/drivers/pl011.hpp>
#include <tn/plat.hpp>

#include "board.hpp"
#include "irq.hpp"

namespace tn::plat::qemu_virt {

namespace {

Board g_board;
pl011::Uart g_uart{CONFIG_PLAT_QEMU_VIRT_UART_BASE};

void uart_put(char c, void*) { g_uart.put(c); }

// The boot map's device ranges (the UART's page from the device tree, at its
// fallback address here) and the tables they, RAM and an image of up to
// 2 MiB can take: the pool must hold them.
constexpr arch::mmu::Range k_boot_devices[] = {
#ifdef CONFIG_LIBIRQ
    k_gic_window,
#endif
    {CONFIG_PLAT_QEMU_VIRT_UART_BASE, 0x1000}};
static_assert(CONFIG_ARCH_ARM64_MMU_TABLES >=
                  arch::mmu::boot_tables(CONFIG_PLAT_QEMU_VIRT_RAM_BASE, u64{2} << 20, k_boot_devices,
                                         sizeof k_boot_devices / sizeof k_boot_devices[0]),
              "ARCH_ARM64_MMU_TABLES is below the translation tables QEMU virt's boot map can take "
              "(arch::mmu::boot_tables(): 6 with the default RAM base and UART): raise it");

void enable_mmu() {
    const arch::mmu::Range devices[] = {
#ifdef CONFIG_LIBIRQ
        k_gic_window,
#endif
        {g_board.uart_base, 0x1000}};
    auto r = arch::mmu::enable(g_board.ram, devices, sizeof devices / sizeof devices[0]);
    if (!r.ok()) {
        static const char* const reasons[] = {"out of translation tables (raise ARCH_ARM64_MMU_TABLES)",
                                              "bad memory range", "the image lies outside RAM"};
        tn_printf("Tenon: cannot enable the MMU: %s\n", reasons[static_cast<int>(r.error())]);
        tn::plat::power_off(1);
    }
}

}  // namespace

const Board& board() { return g_board; }

}  // namespace tn::plat::qemu_virt

using namespace tn::plat::qemu_virt;

extern "C" void tn_plat_start(tn::uptr dtb, unsigned entry_el) {
    const char* why = nullptr;
    g_board = discover(dtb, entry_el, &why);
    g_uart = tn::pl011::Uart{g_board.uart_base};
    g_uart.init();
    tn::console::set_sink(uart_put, nullptr);
    if (why)
        tn_printf("Tenon: device tree: %s; using QEMU virt board defaults for the rest\n", why);
#ifdef CONFIG_PLAT_QEMU_VIRT_BOOT_INFO
    tn_printf("Tenon: RAM 0x%lx-0x%lx, PL011 at 0x%lx, PSCI via %s, device tree %s\n", g_board.ram.base,
              g_board.ram.base + g_board.ram.size, g_board.uart_base,
              g_board.psci == tn::arch::PsciConduit::Smc ? "smc" : "hvc", g_board.dtb ? "used" : "absent");
#endif
    enable_mmu();
#ifdef CONFIG_LIBMEMORY
    if (!init_page_pool())
        tn::plat::power_off(1);
#endif
#ifdef CONFIG_LIBIRQ
    qemu_virt_irq_init();
#endif
    qemu_virt_console_input_init();
    tn::boot::run();
}

namespace tn::plat {

Result<fdt::Fdt, fdt::Error> device_tree() { return qemu_virt::device_tree(); }

const char* map_error_name(MapError e) {
    static const char* const names[] = {"NotDevice", "OutOfTables", "NotShared"};
    return enum_name(names, e);
}

Result<void, MapError> map_device(u64 base, u64 size) {
    auto r = arch::mmu::map_device(base, size);
    if (r.ok())
        return {};
    return err(r.error() == arch::mmu::Error::TooManyTables ? MapError::OutOfTables : MapError::NotDevice);
}

Result<void, MapError> map_shared(u64 base, u64 size, bool cacheable, bool writable) {
    auto r = arch::mmu::map_shared(base, size, cacheable, writable);
    if (r.ok())
        return {};
    return err(r.error() == arch::mmu::Error::TooManyTables ? MapError::OutOfTables : MapError::NotShared);
}

void power_off(int status) {
    tn_printf("Tenon: exit status %d, powering off\n", status);
    g_uart.flush();
    arch::psci_call(g_board.psci, arch::psci_fn::system_off);
    tn_puts("Tenon: PSCI SYSTEM_OFF failed, halting");
    arch::tn_arch_halt();
}

}  // namespace tn::plat
