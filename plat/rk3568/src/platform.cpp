// RK3568 platform: the boot CPU's start-up (docs/porting.md order: console,
// MMU, page pool, GIC and timer, console input, tn::boot::run()), power-off
// through PSCI, device mapping. The board comes from the device tree U-Boot
// passes (discover.cpp); each part it lacks falls back to a Kconfig constant,
// and the console says which.
#include <tn/arch/mmu.hpp>
#include <tn/arch/psci.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/boot.hpp>
#include <tn/console.hpp>
#include <tn/drivers/ns16550.hpp>
#include <tn/plat.hpp>

#include "board.hpp"

extern "C" char _start[];

namespace tn::plat::rk3568 {

namespace {

// Arm64 booting.rst: the device tree must not exceed 2 MiB.
constexpr usize k_max_dtb_size = 2 * MiB;
// Index entries (28 bytes each): the rk3568 trees have 300-450 nodes.
constexpr usize k_max_dt_nodes = 640;
// RK3568 TRM memory map, used only for parts the tree lacks.
constexpr u64 k_gicd = 0xfd400000, k_gicd_size = 0x10000;
constexpr u64 k_gicr = 0xfd460000, k_gicr_size = 0x80000;  // 4 CPUs x 128 KiB
constexpr u32 k_gic_maintenance_intid = 25;                 // PPI 9
constexpr u32 k_uart2_intid = 32 + 0x76;
constexpr u32 k_virtual_timer_intid = 27;

fdt::NodeIndex<k_max_dt_nodes> g_dt_index;
// A union: Fdt has no default constructor (as plat/qemu-virt/src/board.cpp).
union ValidatedTree {
    constexpr ValidatedTree() : none() {}
    char none;
    fdt::Fdt tree;
};
ValidatedTree g_dt;
bool g_dt_valid;
uptr g_dtb;
Board g_board;
arch::mmu::Range g_ram;
ns16550::Uart g_uart{ns16550::Config{CONFIG_PLAT_RK3568_UART_BASE, 2, 4, true, 0, 0}};

void uart_put(char c, void*) { g_uart.put(c); }

void apply_fallbacks(Board& b) {
    if (b.missing & k_console)
        b.console = {{CONFIG_PLAT_RK3568_UART_BASE, 2, 4, true, 0, 0}, k_uart2_intid, {}};
    if (b.missing & k_ram) {
        b.ram[0] = {CONFIG_PLAT_RK3568_RAM_BASE, CONFIG_PLAT_RK3568_RAM_SIZE};
        b.ram_count = 1;
    }
    if (b.missing & k_gic)
        b.gic = {k_gicd, k_gicd_size, k_gicr, k_gicr_size, k_gic_maintenance_intid};
    if (b.missing & k_cpus) {
        b.cpu_count = 4;
        for (usize i = 0; i < 4; ++i)
            b.cpus[i] = u64{i} << 8;  // one Cortex-A55 per Aff1
    }
    if (b.missing & k_psci)
        b.psci_smc = true;  // TF-A
    if (b.missing & k_timer)
        b.timer_intid = k_virtual_timer_intid;
}

void discover_board(uptr dtb_addr) {
    g_board.missing = k_all_parts;
    if (dtb_addr) {
        auto dt = fdt::Fdt::try_open(reinterpret_cast<const void*>(dtb_addr), k_max_dtb_size, g_dt_index);
        if (dt.ok()) {
            g_dt.tree = dt.value();  // trivial copy assignment starts the member's lifetime
            g_dt_valid = true;
            g_dtb = dtb_addr;
            g_board = discover(g_dt.tree);
        }
    }
    apply_fallbacks(g_board);
}

void report_fallbacks(uptr dtb_addr) {
    if (!g_dt_valid) {
        tn_printf("rk3568: %s; using the board constants (PLAT_RK3568_*) for everything\n",
                  dtb_addr ? "the device tree in x0 does not validate" : "no device tree was passed in x0");
        tn_puts("rk3568: boot with U-Boot's booti <image> - <fdt> (docs/boards/rk3568.md)");
        return;
    }
    for (u32 bit = 1; bit <= k_all_parts; bit <<= 1)
        if (g_board.missing & bit)
            tn_printf("rk3568: device tree: %s; using the board constant\n", missing_text(bit));
}

void choose_ram() {
    const fdt::Region* bank = bank_holding(g_board, reinterpret_cast<u64>(_start));
    if (!bank) {
        tn_printf("rk3568: no RAM bank holds the image at 0x%lx; assuming PLAT_RK3568_RAM_BASE/SIZE\n",
                  reinterpret_cast<u64>(_start));
        g_ram = {CONFIG_PLAT_RK3568_RAM_BASE, CONFIG_PLAT_RK3568_RAM_SIZE};
        return;
    }
    g_ram = {bank->address, bank->size};
}

void enable_mmu() {
    const arch::mmu::Range devices[] = {{g_board.console.uart.base, 0x1000},
                                        {g_board.gic.dist, g_board.gic.dist_size},
                                        {g_board.gic.redist, g_board.gic.redist_size}};
    auto r = arch::mmu::enable(g_ram, devices, sizeof devices / sizeof devices[0]);
    if (!r.ok()) {
        static const char* const reasons[] = {"out of translation tables (raise ARCH_ARM64_MMU_TABLES)",
                                              "bad memory range", "the image lies outside RAM"};
        tn_printf("rk3568: cannot enable the MMU: %s\n", reasons[static_cast<int>(r.error())]);
        tn::plat::power_off(1);
    }
}

#ifdef CONFIG_PLAT_RK3568_BOOT_INFO
void report_board(unsigned entry_el) {
    const Board& b = g_board;
    auto src = [&](u32 part) { return b.missing & part ? "board constant" : "device tree"; };
    tn_printf("rk3568: entered at EL%u, RAM 0x%lx-0x%lx (%s)\n", entry_el, g_ram.base, g_ram.base + g_ram.size,
              src(k_ram));
    tn_printf("rk3568: console %s UART at 0x%lx, reg-shift %u, %u-byte access, INTID %u (%s)\n",
              b.console.uart.dw_apb ? "DesignWare" : "16550", b.console.uart.base, b.console.uart.reg_shift,
              b.console.uart.io_width, b.console.intid, src(k_console));
    tn_printf("rk3568: GICv3 GICD 0x%lx GICR 0x%lx+0x%lx (%s), %lu CPUs (%s), PSCI via %s\n", b.gic.dist,
              b.gic.redist, b.gic.redist_size, src(k_gic), b.cpu_count, src(k_cpus), b.psci_smc ? "smc" : "hvc");
}
#endif

}  // namespace

const Board& board() { return g_board; }
arch::mmu::Range ram() { return g_ram; }
uptr dtb() { return g_dtb; }

Result<fdt::Fdt, fdt::Error> device_tree() {
    if (!g_dt_valid)
        return err(fdt::Error::NotFound);
    return g_dt.tree;
}

}  // namespace tn::plat::rk3568

using namespace tn::plat::rk3568;

extern "C" void tn_plat_start(tn::uptr dtb_addr, unsigned entry_el) {
    discover_board(dtb_addr);
    // Firmware set the line (1,500,000 8N1 from the 24 MHz clock); init()
    // keeps its divisor unless the tree gives clock-frequency and a baud rate.
    g_uart = tn::ns16550::Uart{g_board.console.uart};
    g_uart.init();
    tn::console::set_sink(uart_put, nullptr);
    report_fallbacks(dtb_addr);
    choose_ram();
#ifdef CONFIG_PLAT_RK3568_BOOT_INFO
    report_board(entry_el);
#else
    (void)entry_el;
#endif
    enable_mmu();
#ifdef CONFIG_LIBMEMORY
    if (!init_page_pool())
        tn::plat::power_off(1);
#endif
    irq_init();
    console_input_init();
    tn::boot::run();
}

namespace tn::plat {

Result<fdt::Fdt, fdt::Error> device_tree() { return rk3568::device_tree(); }

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
    arch::psci_call(rk3568::board().psci_smc ? arch::PsciConduit::Smc : arch::PsciConduit::Hvc,
                    arch::psci_fn::system_off);
    tn_puts("Tenon: PSCI SYSTEM_OFF failed, halting");
    arch::tn_arch_halt();
}

}  // namespace tn::plat
