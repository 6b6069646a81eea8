// Board discovery from the device tree the boot loader passed in x0.
//
// QEMU passes one for -kernel boots; the generic loader (--load-addr) and some
// boot flows do not. Board constants from Kconfig are the documented fallback,
// used value by value: a tree without a PL011 node still gives RAM and PSCI.
#include "board.hpp"

#include <tn/plat/qemu_virt.hpp>

extern "C" char _start[];

namespace tn::plat::qemu_virt {

namespace {

// Arm64 booting.rst: the device tree must not exceed 2 MiB.
constexpr usize k_max_dtb_size = 2 * MiB;
constexpr usize k_max_memory_regions = 8;
// Nodes the device-tree index holds (28 bytes each). QEMU virt has 56 with one CPU,
// plus two per CPU after the first (62 for four; either GIC, either EL): room for
// the CPUs the image brings up and a few more. A bigger tree still works, through
// rescans (lib/fdt).
constexpr usize k_max_dt_nodes = 64 + 2 * CONFIG_TN_MAX_CPUS;

fdt::NodeIndex<k_max_dt_nodes> g_dt_index;

// The tree discover() validated, which every later query reuses: validation walks the
// whole structure block, and the index makes the queries themselves cheap. A union
// because Fdt has no default constructor and a Result<Fdt> global would need its
// destructor registered with atexit(), which the kernel does not provide.
union ValidatedTree {
    constexpr ValidatedTree() : none() {}
    char none;
    fdt::Fdt tree;
};
ValidatedTree g_dt;
bool g_dt_valid;

// The console UART's registers: the first available arm,pl011 node's first
// reg entry. Its interrupt, which console_uart() decodes too, is left to the
// console input's set-up (console_input.cpp), so an image that takes no
// interrupts carries no interrupt-specifier code.
Result<u64, fdt::Error> uart_base(const fdt::Fdt& dt) {
    for (fdt::Node n : dt.compatible_nodes("arm,pl011")) {
        if (!dt.available(n))
            continue;
        auto reg = dt.reg(n, 0);
        if (!reg.ok())
            return err(reg.error());
        return reg.value().address;
    }
    return err(fdt::Error::NotFound);
}

// PSCI without a device tree: QEMU answers HVC when it started us at EL1 and
// SMC when virtualization=on started us at EL2 (it emulates EL3 firmware).
arch::PsciConduit default_conduit(unsigned entry_el) {
    return entry_el == 2 ? arch::PsciConduit::Smc : arch::PsciConduit::Hvc;
}

// The memory region holding the image: the one the MMU maps.
bool find_ram(const fdt::Fdt& dt, arch::mmu::Range& ram) {
    fdt::Region regions[k_max_memory_regions];
    auto n = dt.memory_regions(regions, k_max_memory_regions);
    if (!n.ok())
        return false;
    u64 image = reinterpret_cast<u64>(_start);
    for (usize i = 0; i < n.value(); ++i) {
        if (image >= regions[i].address && image - regions[i].address < regions[i].size) {
            ram = {regions[i].address, regions[i].size};
            return true;
        }
    }
    return false;
}

}  // namespace

// QEMU loads the device tree at the start of RAM for ELF kernels but passes it
// in x0 only for Linux-style Image boots (hw/arm/boot.c).
uptr probe_ram_base() {
    auto* p = reinterpret_cast<const volatile u8*>(uptr{CONFIG_PLAT_QEMU_VIRT_RAM_BASE});
    u32 magic = (u32{p[0]} << 24) | (u32{p[1]} << 16) | (u32{p[2]} << 8) | p[3];
    bool image_there = reinterpret_cast<uptr>(_start) == CONFIG_PLAT_QEMU_VIRT_RAM_BASE;
    return magic == fdt::k_magic && !image_there ? uptr{CONFIG_PLAT_QEMU_VIRT_RAM_BASE} : 0;
}

Board discover(uptr dtb, unsigned entry_el, const char** why) {
    Board b{{CONFIG_PLAT_QEMU_VIRT_RAM_BASE, CONFIG_PLAT_QEMU_VIRT_RAM_SIZE}, CONFIG_PLAT_QEMU_VIRT_UART_BASE,
            default_conduit(entry_el), 0};
    *why = nullptr;
    if (!dtb)
        dtb = probe_ram_base();
    if (!dtb) {
        *why = "no device tree was passed";
        return b;
    }
    auto dt = fdt::Fdt::try_open(reinterpret_cast<const void*>(dtb), k_max_dtb_size, g_dt_index);
    if (!dt.ok()) {
        *why = fdt::error_name(dt.error());
        return b;
    }
    b.dtb = dtb;
    g_dt.tree = dt.value();  // Trivial copy assignment: starts the member's lifetime.
    g_dt_valid = true;
    const fdt::Fdt& tree = g_dt.tree;
    if (!find_ram(tree, b.ram))
        *why = "no memory node holds the image";
    if (auto uart = uart_base(tree); uart.ok())
        b.uart_base = uart.value();
    else
        *why = "no arm,pl011 node";
    if (auto psci = psci_conduit(tree); psci.ok())
        b.psci = psci.value();
    else
        *why = "no PSCI node";
    return b;
}

Result<fdt::Fdt, fdt::Error> device_tree() {
    if (!g_dt_valid)
        return err(fdt::Error::NotFound);
    return g_dt.tree;
}

}  // namespace tn::plat::qemu_virt
