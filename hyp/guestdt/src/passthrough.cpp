// Pass-through devices in a guest's device tree: the host's nodes for the MMIO the guest owns,
// reduced to the properties the guest can use (guestdt.hpp lists them). Bindings: Devicetree
// Specification v0.4 §2.2.1 (node names), §2.3.6 reg, §2.3.8 ranges, §2.4 interrupts; Linux
// bindings interrupt-controller/arm,gic(-v3) (3-cell specifiers: type, number, flags) and
// clock/fixed-clock.
//
// Everything comes from the bounds-checked tn::fdt::Fdt and every result is checked, so a
// malformed or hostile host tree costs the guest a device or a property, nothing more; loops
// run over validated property lengths or k_max_depth ancestors. Cost: one walk over the host's
// nodes, and for each node with `reg` lookups that rescan the blob when the host Fdt has no node
// index. Boot time only.
#include "passthrough.hpp"

#include <tn/format.hpp>

namespace mortise::guestdt::detail {
namespace {

using tn::fdt::Fdt;
using tn::fdt::Node;
using tn::fdt::Property;
using tn::fdt::Region;

constexpr u32 k_spi = 0;                 // GIC specifier type of an SPI.
constexpr u32 k_max_spi = 987;           // SPI numbers 0..987 are INTIDs 32..1019.
constexpr u32 k_trigger_mask = 0xf;      // Flags bits 3:0; a GICv2 host's PPI CPU mask is not for the guest.
constexpr usize k_max_name = 31;         // Node-name length limit (§2.2.1).
constexpr usize k_unit_name = k_max_name + 1 + 16 + 1;  // name '@' 64-bit hex NUL

u32 hi(u64 v) { return static_cast<u32>(v >> 32); }
u32 lo(u64 v) { return static_cast<u32>(v); }

/// End of [base, base + size), saturated: sizes from a hostile tree may wrap.
u64 end_of(u64 base, u64 size) { return size > ~u64{0} - base ? ~u64{0} : base + size; }
/// [a, a + as) lies inside [b, b + bs); no sum is formed, so nothing wraps.
bool inside(u64 a, u64 as, u64 b, u64 bs) { return a >= b && as <= bs && a - b <= bs - as; }
bool overlaps(u64 a, u64 as, u64 b, u64 bs) { return a < end_of(b, bs) && b < end_of(a, as); }

struct Copied {
    const char* name;  // Host node name (inside the blob), up to base_len: the part before '@'.
    usize base_len;
    u64 address;
};

struct Context {
    const partition::Guest& g;
    const Fdt& host;
    Node gic;  // The host GIC, invalid if the host tree has none.
    u32 first_phandle;
    unsigned mmio_count, irq_count;
    tn::IpaRange emulated[4];  // Guest-physical windows guestdt fills itself.
    Node clocks[k_max_passthrough_clocks];  // Host fixed clocks copied; index i gets first_phandle + i.
    unsigned clock_count = 0;
    Copied copied[k_max_passthrough_nodes];
    unsigned copied_count = 0;
};

/// Maps [addr, addr + size) from @p bus's address space to its parent @p up's through one
/// non-empty `ranges` (§2.3.8: child address, parent address, length triplets).
bool map_range(const Fdt& f, Node bus, Node up, const Property& ranges, u64& addr, u64 size) {
    auto ca = f.address_cells(bus), pa = f.address_cells(up), cs = f.size_cells(bus);
    if (!ca.ok() || !pa.ok() || !cs.ok())
        return false;
    const u32 c = ca.value(), p = pa.value(), s = cs.value();
    if (c < 1 || c > 2 || p < 1 || p > 2 || s < 1 || s > 2)
        return false;  // PCI's 3-cell addresses and the like are not MMIO windows guestdt maps.
    const u32 entry = c + p + s;
    if (ranges.size() % (entry * 4) != 0)
        return false;
    for (usize i = 0, n = ranges.size() / (entry * 4); i < n; ++i) {
        auto child = ranges.cells(i * entry, c), parent = ranges.cells(i * entry + c, p),
             len = ranges.cells(i * entry + c + p, s);
        if (!child.ok() || !parent.ok() || !len.ok())
            return false;
        if (!inside(addr, size, child.value(), len.value()))
            continue;
        const u64 off = addr - child.value();
        if (off > ~u64{0} - parent.value())
            return false;
        addr = parent.value() + off;
        return true;
    }
    return false;  // Not in any window: the region is not visible from the CPU.
}

/// Translates a region of @p n's `reg` (in its parent's address space) to the root's, through
/// each ancestor bus's `ranges`: empty is identity, absent means the bus is not memory-mapped
/// (an I2C or SPI bus, /cpus). False also for anything inside the host GIC.
bool translate(const Context& cx, Node n, u64& addr, u64 size) {
    auto bus = cx.host.parent(n);
    for (u32 depth = 0; depth < tn::fdt::k_max_depth && bus.ok(); ++depth) {
        const Node b = bus.value();
        if (b == cx.host.root())
            return true;
        if (b == cx.gic)
            return false;
        auto ranges = cx.host.property(b, "ranges");
        auto up = cx.host.parent(b);
        if (!ranges.ok() || !up.ok())
            return false;
        if (ranges.value().size() != 0 && !map_range(cx.host, b, up.value(), ranges.value(), addr, size))
            return false;
        bus = up;
    }
    return false;
}

/// @p n's `reg` in host-physical addresses, if every region is MMIO the guest owns and none
/// touches a window guestdt emulates. Returns the region count, 0 if the node is not copied.
usize device_regions(const Context& cx, Node n, Region (&out)[k_max_node_regs]) {
    if (n == cx.gic || !cx.host.available(n))
        return 0;
    auto count = cx.host.reg_count(n);  // Fails for the root (no parent) and undecodable cells.
    if (!count.ok() || count.value() == 0 || count.value() > k_max_node_regs)
        return 0;
    for (usize i = 0; i < count.value(); ++i) {
        auto r = cx.host.reg(n, i);
        if (!r.ok() || r.value().size == 0)
            return 0;
        u64 addr = r.value().address;
        const u64 size = r.value().size;
        if (!translate(cx, n, addr, size) || size > ~u64{0} - addr)
            return 0;
        bool owned = false;
        for (unsigned m = 0; m < cx.mmio_count && !owned; ++m)
            owned = inside(addr, size, cx.g.mmio[m].base.value(), cx.g.mmio[m].size);
        if (!owned)
            return 0;
        const tn::Ipa at = partition::passthrough_ipa(tn::PhysAddr{addr});  // where the guest sees it
        for (const tn::IpaRange& e : cx.emulated)
            if (overlaps(at.value(), size, e.base.value(), e.size))
                return 0;
        out[i] = Region{addr, size};
    }
    return count.value();
}

/// A device that masters the bus (guestdt.hpp, dma_regions()).
bool dma_capable(const Fdt& f, Node n) {
    return f.compatible_with(n, "virtio,mmio") || f.property(n, "dma-coherent").ok() ||
           f.property(n, "dma-noncoherent").ok() || f.property(n, "iommus").ok() || f.property(n, "#dma-cells").ok();
}

// Bus masters that say so by neither of dma_capable()'s properties: on a board without an SMMU the
// tree has no reason to (rk3568's USB, SATA, PCIe, Ethernet, SD/MMC and Mali nodes have none). The
// Devicetree Specification's generic node names (§2.2.2) and the Linux binding schemas that enforce
// them name these classes; the compatibles catch the common IP blocks under other names.
constexpr const char* k_master_names[] = {"usb", "ethernet", "mmc", "sata", "scsi", "ide", "pci", "pcie", "gpu",
                                          "npu", "dma-controller", "video-codec", "display", "display-controller",
                                          "lcd-controller", "crypto", "nand-controller"};
constexpr const char* k_master_compatibles[] = {
    "generic-ehci", "generic-ohci", "generic-xhci", "snps,dwc3", "snps,dwc2", "snps,dwc-ahci", "generic-ahci",
    "snps,dw-mshc", "snps,dwcmshc-sdhci", "arm,mali-bifrost", "arm,mali-midgard", "arm,mali-utgard", "arm,pl330",
    "arm,pl080", "snps,dw-pcie"};

/// dma_capable(), or a bus master by name, compatible or `device_type = "pci"` (host_platform.hpp).
bool dma_master(const Fdt& f, Node n) {
    if (dma_capable(f, n))
        return true;
    const char* name = f.name(n);
    for (const char* m : k_master_names) {
        usize i = 0;
        while (m[i] != '\0' && name[i] == m[i])
            ++i;
        if (m[i] == '\0' && (name[i] == '\0' || name[i] == '@'))
            return true;
    }
    for (const char* c : k_master_compatibles)
        if (f.compatible_with(n, c))
            return true;
    auto type = f.prop_string(n, "device_type");
    if (!type.ok())
        return false;
    const char* t = type.value();
    return t[0] == 'p' && t[1] == 'c' && t[2] == 'i' && t[3] == '\0';
}

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ',' || c == '.' ||
           c == '_' || c == '+' || c == '-';
}

/// "<name>@<address>": the host node's name without its unit address and the host-physical
/// address of its first region. For a node at the root that is its own name; for one under a
/// bus the unit address then matches the re-encoded `reg`, as the bindings (and dtc) expect.
/// False for a name that is not a valid node name or a node already copied under that name.
bool unit_name(Context& cx, Node n, u64 address, char (&out)[k_unit_name]) {
    const char* name = cx.host.name(n);
    usize len = 0;
    while (len <= k_max_name && name[len] != '\0' && name[len] != '@') {
        if (!name_char(name[len]))
            return false;
        out[len] = name[len];
        ++len;
    }
    if (len == 0 || len > k_max_name)
        return false;
    tn::fmt::format(out + len, sizeof(out) - len, "@%llx", static_cast<unsigned long long>(address));
    for (unsigned i = 0; i < cx.copied_count; ++i) {
        const Copied& c = cx.copied[i];
        if (c.address == address && c.base_len == len && __builtin_memcmp(c.name, name, len) == 0)
            return false;  // Two host nodes translate to one name: the first wins.
    }
    cx.copied[cx.copied_count] = Copied{name, len, address};
    return true;
}

/// The `interrupts` of @p n if its interrupt parent is @p gic with 3-cell specifiers; the value
/// is then a whole number of (type, number, flags) triplets.
tn::Result<Property, tn::fdt::Error> gic_interrupts(const Fdt& f, Node n, Node gic) {
    using tn::fdt::Error;
    Property p = TN_TRY(f.property(n, "interrupts"));
    Node parent = TN_TRY(f.interrupt_parent(n));
    if (!gic.valid() || parent != gic)
        return tn::err(Error::NotFound);
    if (TN_TRY(f.prop_u32(gic, "#interrupt-cells")) != 3)
        return tn::err(Error::BadCells);
    if (p.size() == 0 || p.size() % 12 != 0)
        return tn::err(Error::BadLength);
    return p;
}

bool guest_owns_irq(const Context& cx, u32 intid) {
    for (unsigned i = 0; i < cx.irq_count; ++i)
        if (cx.g.irqs[i] == intid)
            return true;
    return false;
}

/// @p n's `interrupts` for the guest GIC, if every specifier is an SPI the guest owns. Returns
/// the specifier count; 0 drops the property.
usize guest_irqs(const Context& cx, Node n, u32 (&cells)[k_max_node_irqs * 3]) {
    auto p = gic_interrupts(cx.host, n, cx.gic);
    if (!p.ok() || p.value().size() / 12 > k_max_node_irqs)
        return 0;
    const usize count = p.value().size() / 12;
    for (usize i = 0; i < count; ++i) {
        auto type = p.value().cell(3 * i), number = p.value().cell(3 * i + 1), flags = p.value().cell(3 * i + 2);
        if (!type.ok() || !number.ok() || !flags.ok() || type.value() != k_spi || number.value() > k_max_spi ||
            !guest_owns_irq(cx, 32 + number.value()))
            return 0;
        cells[3 * i] = k_spi;
        cells[3 * i + 1] = number.value();
        cells[3 * i + 2] = flags.value() & k_trigger_mask;
    }
    return count;
}

/// A clock the guest can have a copy of: a fixed-rate clock with no specifier cells.
bool fixed_clock(const Fdt& f, Node clk) {
    auto cells = f.prop_u32(clk, "#clock-cells");
    return f.compatible_with(clk, "fixed-clock") && cells.ok() && cells.value() == 0 &&
           f.prop_u32(clk, "clock-frequency").ok();
}

/// @p n's `clocks` as guest phandles, if every reference is a fixed clock and the clock table
/// has room for the ones not copied yet. Returns the reference count; 0 drops the property.
usize guest_clocks(Context& cx, Node n, u32 (&out)[k_max_node_clocks]) {
    auto p = cx.host.property(n, "clocks");
    if (!p.ok() || p.value().size() == 0 || p.value().size() % 4 != 0 || p.value().size() / 4 > k_max_node_clocks)
        return 0;
    const usize count = p.value().size() / 4;
    Node refs[k_max_node_clocks];
    unsigned fresh = 0;
    for (usize i = 0; i < count; ++i) {
        auto phandle = p.value().cell(i);
        if (!phandle.ok())
            return 0;
        auto clk = cx.host.find_phandle(phandle.value());
        if (!clk.ok() || !fixed_clock(cx.host, clk.value()))
            return 0;
        refs[i] = clk.value();
        bool known = false;
        for (unsigned k = 0; k < cx.clock_count && !known; ++k)
            known = cx.clocks[k] == refs[i];
        for (usize k = 0; k < i && !known; ++k)
            known = refs[k] == refs[i];
        fresh += known ? 0 : 1;
    }
    if (cx.clock_count + fresh > k_max_passthrough_clocks)
        return 0;
    // Checked first, committed now: a dropped `clocks` leaves no unreferenced clock behind.
    for (usize i = 0; i < count; ++i) {
        unsigned k = 0;
        while (k < cx.clock_count && cx.clocks[k] != refs[i])
            ++k;
        if (k == cx.clock_count)
            cx.clocks[cx.clock_count++] = refs[i];
        out[i] = cx.first_phandle + k;
    }
    return count;
}

/// Copies @p name if it is a valid <stringlist> (compatible, reg-names, ...).
void copy_strings(tn::fdt::Writer& w, const Fdt& f, Node n, const char* name) {
    auto p = f.property(n, name);
    if (p.ok() && p.value().as_strings().ok())
        w.property(name, p.value().data(), p.value().size());
}

void copy_device(tn::fdt::Writer& w, Context& cx, Node n, const char* name, const Region* regs, usize reg_count) {
    u32 reg[k_max_node_regs * 4];
    for (usize i = 0; i < reg_count; ++i) {
        reg[4 * i] = hi(regs[i].address);
        reg[4 * i + 1] = lo(regs[i].address);
        reg[4 * i + 2] = hi(regs[i].size);
        reg[4 * i + 3] = lo(regs[i].size);
    }
    w.begin_node(name);
    copy_strings(w, cx.host, n, "compatible");
    w.property_cells("reg", reg, reg_count * 4);
    copy_strings(w, cx.host, n, "reg-names");
    u32 irqs[k_max_node_irqs * 3];
    if (usize count = guest_irqs(cx, n, irqs)) {
        // No interrupt-parent: the node inherits the guest root's, the guest GIC.
        w.property_cells("interrupts", irqs, count * 3);
        copy_strings(w, cx.host, n, "interrupt-names");
    }
    u32 clocks[k_max_node_clocks];
    if (usize count = guest_clocks(cx, n, clocks)) {
        w.property_cells("clocks", clocks, count);
        copy_strings(w, cx.host, n, "clock-names");
    }
    // Whether the device snoops the CPUs' caches: without `dma-coherent` Linux cleans and
    // invalidates around every transfer, and with it wrongly it reads stale data. The guest root
    // has no `dma-ranges`, so bus addresses are guest-physical: host-physical only for a guest with
    // identity-mapped RAM, which the partition checks demand for a DMA-capable device.
    for (const char* flag : {"dma-coherent", "dma-noncoherent"})
        if (auto p = cx.host.property(n, flag); p.ok() && p.value().size() == 0)
            w.property_empty(flag);
    w.end_node();
}

void copy_clock(tn::fdt::Writer& w, const Fdt& f, Node clk, unsigned index, u32 phandle) {
    char name[16];
    tn::fmt::format(name, sizeof(name), "clock-%u", index);
    w.begin_node(name)
        .property_string("compatible", "fixed-clock")
        .property_u32("#clock-cells", 0)
        .property_u32("clock-frequency", f.prop_u32(clk, "clock-frequency").value_or(0));
    copy_strings(w, f, clk, "clock-output-names");
    w.property_u32("phandle", phandle).end_node();
}

}  // namespace

void passthrough(tn::fdt::Writer& w, const partition::Guest& g, const Fdt& host, u32 first_phandle) {
    const unsigned vcpus = partition::vcpu_count(g);
    const auto gic = host.find_gic();
    Context cx{
        .g = g,
        .host = host,
        .gic = gic.ok() ? gic.value().node : Node(),
        .first_phandle = first_phandle,
        // Clamped: the Guest may come from anywhere, not only from partition::parse().
        .mmio_count = g.mmio_count < partition::k_max_regions ? g.mmio_count : partition::k_max_regions,
        .irq_count = g.irq_count < partition::k_max_irqs ? g.irq_count : partition::k_max_irqs,
        .emulated = {gmap::gicd(), gmap::gicr(vcpus), gmap::uart(), partition::ram_window(g)},
        .clocks = {},
        .copied = {},
    };
    if (cx.mmio_count == 0)
        return;
    for (Node n : host.nodes()) {
        if (cx.copied_count == k_max_passthrough_nodes || !w.ok())
            break;
        Region regs[k_max_node_regs];
        char name[k_unit_name];
        const usize count = device_regions(cx, n, regs);
        if (count == 0 || !unit_name(cx, n, regs[0].address, name))
            continue;
        ++cx.copied_count;
        copy_device(w, cx, n, name, regs, count);
    }
    for (unsigned i = 0; i < cx.clock_count; ++i)
        copy_clock(w, host, cx.clocks[i], i, first_phandle + i);
}

}  // namespace mortise::guestdt::detail

namespace mortise::guestdt {

unsigned dma_regions(const tn::fdt::Fdt& host, partition::Region* out, unsigned cap) {
    return detail::dma_ranges(host, out, cap, false);
}

}  // namespace mortise::guestdt

namespace mortise::guestdt::detail {

bool host_reg(const tn::fdt::Fdt& host, tn::fdt::Node n, usize index, partition::Region& out) {
    static const partition::Guest k_none{};  // translate() needs a Context; only .host and .gic are read.
    // No GIC: its own frames and its ITS children are translated like any device.
    const Context cx{.g = k_none, .host = host, .gic = tn::fdt::Node(), .first_phandle = 0, .mmio_count = 0,
                     .irq_count = 0, .emulated = {}, .clocks = {}, .copied = {}};
    auto r = host.reg(n, index);
    if (!r.ok() || r.value().size == 0)
        return false;
    u64 addr = r.value().address;
    const u64 size = r.value().size;
    if (!translate(cx, n, addr, size) || size > ~u64{0} - addr)
        return false;
    out = {tn::PhysAddr{addr}, size};
    return true;
}

unsigned dma_ranges(const tn::fdt::Fdt& host, partition::Region* out, unsigned cap, bool every_master) {
    static const partition::Guest k_none{};  // translate() needs a Context; only .host and .gic are read.
    const auto gic = host.find_gic();
    const Context cx{.g = k_none, .host = host, .gic = gic.ok() ? gic.value().node : tn::fdt::Node(),
                     .first_phandle = 0, .mmio_count = 0, .irq_count = 0, .emulated = {}, .clocks = {},
                     .copied = {}};
    unsigned count = 0;
    for (tn::fdt::Node n : host.nodes()) {
        if (n == cx.gic)
            continue;
        // A disabled master is still on the bus: a guest given its registers can enable it.
        if (every_master ? !dma_master(host, n) : !host.available(n) || !dma_capable(host, n))
            continue;
        auto regs = host.reg_count(n);
        for (usize i = 0; regs.ok() && i < regs.value(); ++i) {
            auto r = host.reg(n, i);
            if (!r.ok() || r.value().size == 0)
                continue;
            u64 addr = r.value().address;
            const u64 size = r.value().size;
            if (!detail::translate(cx, n, addr, size) || size > ~u64{0} - addr)
                continue;
            // Merged with an adjacent or overlapping range: QEMU virt's 32 transports are one.
            bool merged = false;
            for (unsigned k = 0; k < count && !merged; ++k) {
                const u64 b = out[k].base.value(), e = out[k].end().value();
                if (addr <= e && b <= addr + size) {
                    const u64 nb = addr < b ? addr : b, ne = addr + size > e ? addr + size : e;
                    out[k] = {tn::PhysAddr{nb}, ne - nb};
                    merged = true;
                }
            }
            if (merged)
                continue;
            if (count == cap)
                return cap + 1;
            out[count++] = {tn::PhysAddr{addr}, size};
        }
    }
    return count;
}

}  // namespace mortise::guestdt::detail

namespace mortise::guestdt {

SpiInfo spi_info(const tn::fdt::Fdt& host, u32 intid) {
    auto gic = host.find_gic();
    if (!gic.ok() || intid < 32 || intid > 32 + detail::k_max_spi)
        return {false, false};
    for (tn::fdt::Node n : host.nodes()) {
        auto p = detail::gic_interrupts(host, n, gic.value().node);
        if (!p.ok())
            continue;
        for (usize i = 0, count = p.value().size() / 12; i < count; ++i) {
            auto type = p.value().cell(3 * i), number = p.value().cell(3 * i + 1), flags = p.value().cell(3 * i + 2);
            if (type.ok() && number.ok() && flags.ok() && type.value() == detail::k_spi &&
                number.value() == intid - 32)
                // Binding flags: 1 rising, 2 falling edge; 4 high, 8 low level.
                return {true, (flags.value() & 3) != 0};
        }
    }
    return {false, false};
}

}  // namespace mortise::guestdt
