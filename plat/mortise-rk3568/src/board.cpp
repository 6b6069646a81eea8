// Mortise's host machine from the device tree U-Boot passed in x0: RAM banks
// (U-Boot's /memory), the stdout-path UART Mortise keeps, the GIC-600, PSCI
// and the CPUs, read by the board's shared discovery (tn/plat/rk3568.hpp).
// Unlike Tenon's rk3568 platform there are no board-constant fallbacks:
// guests are laid out against this description, so guessing would be worse
// than refusing.
#include <tn/arch/sysreg.hpp>
#include <tn/plat/rk3568.hpp>

#include "board.hpp"

namespace tn::plat::mortise_rk3568 {

namespace {

using mortise::Board;

// Arm64 booting.rst: the device tree must not exceed 2 MiB.
constexpr usize k_max_dtb_size = 2 * MiB;
// Index entries (28 bytes each): the rk3568 trees have 300-450 nodes.
constexpr usize k_max_dt_nodes = 640;
constexpr unsigned k_max_ram = sizeof(Board::ram) / sizeof(Board::ram[0]);
// The UART's reg is 0x100 bytes; Mortise maps and keeps whole 4 KiB pages
// (UART3, the next one, starts 64 KiB further on, so no other UART shares it).
constexpr u64 k_page = 0x1000;
// GICv3 binding: the virtual-interface maintenance interrupt is PPI 9 on every
// Arm reference design and on rk3568, for trees whose GIC node does not name it.
constexpr u32 k_gic_maintenance_intid = 25;
// What Mortise cannot run without. The EL1 virtual timer's PPI is not among
// them: Mortise runs the EL2 timer and gives guests the architected PPIs.
constexpr u32 k_needed = rk3568::k_ram | rk3568::k_console | rk3568::k_gic | rk3568::k_cpus | rk3568::k_psci;

fdt::NodeIndex<k_max_dt_nodes> g_index;
Board g_board;
ns16550::Config g_uart;
bool g_psci_smc;

// Logical CPU 0 is the one running this (TPIDR_EL2 = 0 at entry) and the
// partition description numbers CPUs from it: the boot CPU goes first, the
// others keep their /cpus order. U-Boot starts on the first core (MPIDR 0x000),
// which is first in /cpus anyway.
const char* read_cpus(const rk3568::Board& found, Board& b) {
    u64 self = arch::MpidrEl1::read() & rk3568::k_affinity_mask;
    b.cpu_mpidr[b.cpu_count++] = self;
    bool listed = false;
    for (usize i = 0; i < found.cpu_count; ++i) {
        if (found.cpus[i] == self)
            listed = true;
        else if (b.cpu_count < mortise::k_max_cpus)
            b.cpu_mpidr[b.cpu_count++] = found.cpus[i];
    }
    if (!listed)
        return "the CPU Mortise was entered on is not among the device tree's /cpus nodes (reg = its MPIDR)";
    return nullptr;
}

u64 uart_size(const fdt::Fdt& dt, fdt::Node n) {
    auto reg = dt.reg(n, 0);
    u64 size = reg.ok() && reg.value().size ? reg.value().size : k_page;
    return align_up(size, k_page);
}

const char* read_tree(const fdt::Fdt& dt, Board& b) {
    rk3568::Board found = rk3568::discover(dt);
    for (u32 bit = 1; bit <= rk3568::k_all_parts; bit <<= 1)
        if (found.missing & bit & k_needed)
            return rk3568::missing_text(bit);
    if (!found.console.intid)
        return "the stdout-path UART has no interrupts property: Mortise takes console input by interrupt";
    b.dtb_size = dt.total_size();
    b.ram_count = found.ram_count < k_max_ram ? static_cast<unsigned>(found.ram_count) : k_max_ram;
    for (unsigned i = 0; i < b.ram_count; ++i)
        b.ram[i] = {found.ram[i].address, found.ram[i].size};
    b.uart = found.console.uart.base;
    b.uart_size = uart_size(dt, found.console.node);
    b.uart_intid = found.console.intid;
    b.gicd = found.gic.dist;
    b.gicd_size = found.gic.dist_size;
    b.gicr = found.gic.redist;
    b.gicr_size = found.gic.redist_size;
    b.maintenance_intid = found.gic.maintenance_intid ? found.gic.maintenance_intid : k_gic_maintenance_intid;
    if (const char* why = read_cpus(found, b))
        return why;
    g_uart = found.console.uart;
    g_psci_smc = found.psci_smc;
    return nullptr;
}

}  // namespace

const char* discover(u64 dtb) {
    Board b{};
    if (!dtb)
        return "no device tree was passed in x0: boot the image with U-Boot's booti <image> - <fdt>";
    auto opened = fdt::Fdt::try_open(reinterpret_cast<const void*>(dtb), k_max_dtb_size, g_index);
    if (!opened.ok())
        return "the device tree in x0 does not validate";
    b.dtb = dtb;
    if (const char* why = read_tree(opened.value(), b))
        return why;
    g_board = b;
    return nullptr;
}

const ns16550::Config& console_uart() { return g_uart; }
bool psci_smc() { return g_psci_smc; }

}  // namespace tn::plat::mortise_rk3568

const mortise::Board& mortise::board() { return tn::plat::mortise_rk3568::g_board; }
