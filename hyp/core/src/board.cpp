// The host machine from the device tree QEMU (or firmware) passed in x0:
// RAM banks, the PL011 Mortise keeps, the GICv3, PSCI and the CPUs. Unlike
// Tenon there are no board-constant fallbacks: guests are laid out against
// this description, so guessing would be worse than refusing.
#include <tn/fdt.hpp>

#include "core.hpp"

namespace mortise {

namespace {

constexpr usize k_max_dtb_size = 2 * tn::MiB;
constexpr u64 k_affinity_mask = 0xff00ffffffull;
// hw/arm/virt.c a15irqmap: UART0 is SPI 1.
constexpr u32 k_default_uart_intid = 33;
// GICv3 binding: the maintenance interrupt is PPI 9 on every Arm reference design.
constexpr u32 k_default_maintenance_intid = 25;

tn::fdt::NodeIndex<256> g_index;
Board g_board;

bool read_cpus(const tn::fdt::Fdt& dt, Board& b) {
    auto cpus = dt.find_path("/cpus");
    if (!cpus.ok())
        return false;
    for (tn::fdt::Node n : dt.children(cpus.value())) {
        auto type = dt.prop_string(n, "device_type");
        if (!type.ok() || __builtin_strcmp(type.value(), "cpu") != 0 || !dt.available(n))
            continue;
        auto reg = dt.reg(n, 0);
        if (!reg.ok() || b.cpu_count == k_max_cpus)
            continue;
        b.cpu_mpidr[b.cpu_count++] = reg.value().address & k_affinity_mask;
    }
    return b.cpu_count != 0;
}

}  // namespace

const Board& board() { return g_board; }

const char* discover(u64 dtb, Board& b) {
    b = {};
    if (!dtb)
        return "no device tree was passed in x0: boot the image as a Linux-style Image (QEMU -kernel, U-Boot booti)";
    auto opened = tn::fdt::Fdt::try_open(reinterpret_cast<const void*>(dtb), k_max_dtb_size, g_index);
    if (!opened.ok())
        return "the device tree in x0 does not validate";
    const tn::fdt::Fdt& dt = opened.value();
    b.dtb = dtb;
    b.dtb_size = dt.total_size();
    tn::fdt::Region regions[4];
    auto n = dt.memory_regions(regions, 4);
    if (!n.ok() || n.value() == 0)
        return "the device tree has no memory node";
    b.ram_count = n.value() < 4 ? static_cast<unsigned>(n.value()) : 4;
    for (unsigned i = 0; i < b.ram_count; ++i)
        b.ram[i] = {regions[i].address, regions[i].size};
    auto uart = dt.find_device("arm,pl011");
    if (!uart.ok())
        return "the device tree has no arm,pl011 UART for Mortise's console";
    b.uart = uart.value().reg.address;
    b.uart_intid = uart.value().has_irq ? uart.value().intid : k_default_uart_intid;
    auto gic = dt.find_gic();
    if (!gic.ok() || gic.value().version != 3 || gic.value().redist.size == 0)
        return "Mortise needs a GICv3: start QEMU with -M virt,gic-version=3 (make run does)";
    b.gicd = gic.value().dist.address;
    b.gicr = gic.value().redist.address;
    b.gicr_size = gic.value().redist.size;
    b.maintenance_intid = gic.value().maintenance_intid ? gic.value().maintenance_intid : k_default_maintenance_intid;
    auto psci = dt.find_psci();
    if (!psci.ok())
        return "the device tree has no PSCI node: Mortise starts CPUs and powers off through PSCI";
    b.psci = psci.value().method == tn::fdt::PsciMethod::Smc ? tn::arch::PsciConduit::Smc
                                                              : tn::arch::PsciConduit::Hvc;
    if (!read_cpus(dt, b))
        return "the device tree has no /cpus";
    g_board = b;
    return nullptr;
}

}  // namespace mortise
