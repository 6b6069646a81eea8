// libFuzzer target for the pass-through part of the guest device tree: the input is a host
// tree. No blob may crash build() or spi_info() or make them read outside it (ASan, UBSan);
// whatever build() writes must open again, keep the generated GIC, copy at most the bounded
// number of nodes, and be the same with and without a node index on the host tree.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mortise/guestdt.hpp>
#include <tn/fdt.hpp>

namespace gdt = mortise::guestdt;
namespace pt = mortise::partition;
using tn::u32;
using tn::u64;

namespace {

pt::Guest make_guest(bool everything) {
    pt::Guest g{};
    strcpy(g.name, "fuzz");
    g.cpu_mask = 0b11;
    g.mem_size = 0x400'0000;
    g.valid = true;
    if (everything) {
        // More than partition allows: the whole address space and every SPI of 32..63, so
        // any node with a decodable reg is a candidate and the emulated windows must hold.
        g.mmio[0] = {tn::PhysAddr{0}, ~u64{0}};
        g.mmio_count = 1;
        for (u32 i = 0; i < pt::k_max_irqs; ++i)
            g.irqs[g.irq_count++] = 32 + i;
    } else {
        g.mmio[0] = {tn::PhysAddr{0x901'0000}, 0x1000};  // QEMU virt's RTC and GPIO, as a real description has.
        g.mmio[1] = {tn::PhysAddr{0x903'0000}, 0x1000};
        g.mmio_count = 2;
        g.irqs[0] = 34;
        g.irq_count = 1;
    }
    return g;
}

void check(const pt::Guest& g, const tn::fdt::Fdt& host, const tn::fdt::Fdt& indexed) {
    static uint64_t out[8192], out_indexed[8192];  // 64 KiB: Mortise's limit for a guest tree.
    const u64 size = gdt::build(g, out, sizeof(out), &host);
    const u64 size_indexed = gdt::build(g, out_indexed, sizeof(out_indexed), &indexed);
    if (size != size_indexed || memcmp(out, out_indexed, size) != 0)
        __builtin_trap();
    if (size == 0)
        return;  // Huge copied strings can fill the buffer; that is a refusal, not a fault.
    auto f = tn::fdt::Fdt::try_open(out, size);
    if (!f.ok() || !f.value().find_gic().ok())
        __builtin_trap();
    unsigned children = 0;
    for (tn::fdt::Node n : f.value().children(f.value().root())) {
        (void)n;
        ++children;
    }
    // chosen aliases memory cpus psci intc timer apb-pclk pl011, then the copies.
    if (children > 9 + gdt::k_max_passthrough_nodes + gdt::k_max_passthrough_clocks)
        __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // An exact-size aligned copy: the reader needs 8-byte alignment, ASan catches over-reads.
    uint64_t* copy = new uint64_t[size / 8 + 1];
    memcpy(copy, data, size);
    static tn::fdt::NodeIndex<256> index;
    auto host = tn::fdt::Fdt::try_open(copy, size);
    auto indexed = tn::fdt::Fdt::try_open(copy, size, index);
    if (host.ok() && indexed.ok()) {
        check(make_guest(true), host.value(), indexed.value());
        check(make_guest(false), host.value(), indexed.value());
        for (u32 intid : {32u, 33u, 34u, 48u, 1019u}) {
            gdt::SpiInfo a = gdt::spi_info(host.value(), intid), b = gdt::spi_info(indexed.value(), intid);
            if (a.found != b.found || a.edge != b.edge || (!a.found && a.edge))
                __builtin_trap();
        }
    }
    delete[] copy;
    return 0;
}
