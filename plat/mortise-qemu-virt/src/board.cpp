// Mortise's host machine from the device tree QEMU (or firmware) passed in
// x0: RAM banks, the PL011 Mortise keeps, the GICv3, PSCI and the CPUs, read
// through QEMU virt's shared board code (tn/plat/qemu_virt.hpp). Unlike Tenon
// there are no board-constant fallbacks for the machine itself: guests are
// laid out against this description, so guessing would be worse than refusing.
#include <tn/plat/qemu_virt.hpp>

#include "board.hpp"

namespace tn::plat::mortise_qemu_virt {

namespace {

using mortise::Board;

// Arm64 booting.rst: the device tree must not exceed 2 MiB.
constexpr usize k_max_dtb_size = 2 * MiB;
constexpr unsigned k_max_ram = sizeof(Board::ram) / sizeof(Board::ram[0]);
// For a reg that gives no size: the GICv3 distributor's 64 KiB frame (Arm IHI
// 0069, 12.1) and the PL011's 4 KiB register page.
constexpr u64 k_gicd_frame = 0x10000;
constexpr u64 k_pl011_page = 0x1000;

fdt::NodeIndex<256> g_index;
Board g_board;
arch::PsciConduit g_psci;

// CPUs are numbered in /cpus order (the partition description's cpu indices).
bool add_cpu(const qemu_virt::Cpu& c, void* ctx) {
    Board& b = *static_cast<Board*>(ctx);
    if (b.cpu_count < mortise::k_max_cpus)
        b.cpu_mpidr[b.cpu_count++] = c.mpidr;
    return true;
}

const char* read_memory(const fdt::Fdt& dt, Board& b) {
    fdt::Region regions[k_max_ram];
    auto n = dt.memory_regions(regions, k_max_ram);
    if (!n.ok() || n.value() == 0)
        return "the device tree has no memory node";
    b.ram_count = n.value() < k_max_ram ? static_cast<unsigned>(n.value()) : k_max_ram;
    for (unsigned i = 0; i < b.ram_count; ++i)
        b.ram[i] = {regions[i].address, regions[i].size};
    return nullptr;
}

const char* read_gic(const fdt::Fdt& dt, Board& b) {
    auto gic = dt.find_gic();
    if (!gic.ok() || gic.value().version != 3 || gic.value().redist.size == 0)
        return "Mortise needs a GICv3: start QEMU with -M virt,gic-version=3 (make run does)";
    b.gicd = gic.value().dist.address;
    b.gicd_size = gic.value().dist.size ? gic.value().dist.size : k_gicd_frame;
    b.gicr = gic.value().redist.address;
    b.gicr_size = gic.value().redist.size;
    u32 maintenance = gic.value().maintenance_intid;
    b.maintenance_intid = maintenance ? maintenance : qemu_virt::k_gic_maintenance_intid;
    return nullptr;
}

const char* read_tree(const fdt::Fdt& dt, Board& b) {
    b.dtb_size = dt.total_size();
    if (const char* why = read_memory(dt, b))
        return why;
    auto uart = qemu_virt::console_uart(dt);
    if (!uart.ok())
        return "the device tree has no arm,pl011 UART for Mortise's console";
    b.uart = uart.value().base;
    b.uart_size = uart.value().size ? uart.value().size : k_pl011_page;
    b.uart_intid = uart.value().intid;
    if (const char* why = read_gic(dt, b))
        return why;
    auto psci = qemu_virt::psci_conduit(dt);
    if (!psci.ok())
        return "the device tree has no PSCI node: Mortise starts CPUs and powers off through PSCI";
    g_psci = psci.value();
    if (!qemu_virt::for_each_cpu(dt, add_cpu, &b) || b.cpu_count == 0)
        return "the device tree has no /cpus";
    return nullptr;
}

}  // namespace

const char* discover(u64 dtb) {
    Board b{};
    if (!dtb)
        return "no device tree was passed in x0: boot the image as a Linux-style Image (QEMU -kernel, U-Boot booti)";
    auto opened = fdt::Fdt::try_open(reinterpret_cast<const void*>(dtb), k_max_dtb_size, g_index);
    if (!opened.ok())
        return "the device tree in x0 does not validate";
    b.dtb = dtb;
    if (const char* why = read_tree(opened.value(), b))
        return why;
    g_board = b;
    return nullptr;
}

arch::PsciConduit psci() { return g_psci; }

}  // namespace tn::plat::mortise_qemu_virt

const mortise::Board& mortise::board() { return tn::plat::mortise_qemu_virt::g_board; }
