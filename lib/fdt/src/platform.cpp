// Conveniences for the platform layer: RAM, GIC, PSCI, architected timer and simple
// MMIO devices, built only from the generic queries. Bindings: arm,gic (GICv2),
// arm,gic-v3, arm,psci, arm,arch_timer, and device_type "memory" (§3.4).
#include <tn/fdt.hpp>

#include "bytes.hpp"
#include "impl.hpp"

namespace tn::fdt {

namespace {

// INTID bases and counts per GIC specifier type (arm,gic and arm,gic-v3 bindings;
// GICv3 architecture spec, table "INTID ranges").
struct IrqType {
    u32 base;
    u32 count;
};
constexpr IrqType k_gic_irq_types[] = {
    {32, 988},    // 0: SPI, INTID 32-1019.
    {16, 16},     // 1: PPI, INTID 16-31.
    {4096, 1024}, // 2: extended SPI (GICv3.1), INTID 4096-5119.
    {1056, 64},   // 3: extended PPI (GICv3.1), INTID 1056-1119.
};

constexpr const char* k_gic_v3[] = {"arm,gic-v3"};
constexpr const char* k_gic_v2[] = {"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic"};
constexpr const char* k_psci[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
constexpr const char* k_timer[] = {"arm,armv8-timer", "arm,armv7-timer"};

/// First available node compatible with any of @p compatibles, in list order.
template <usize N>
Result<Node, Error> find_available(const Fdt& f, const char* const (&compatibles)[N]) {
    for (const char* compatible : compatibles) {
        for (Node n : f.compatible_nodes(compatible)) {
            if (f.available(n))
                return n;
        }
    }
    return err(Error::NotFound);
}

/// reg entry @p index, or an empty Region if the node has fewer entries.
Result<Region, Error> optional_reg(const detail::RegList& regs, usize index) {
    auto r = regs.at(index);
    if (!r.ok() && r.error() == Error::NotFound)
        return Region{0, 0};
    return r;
}

}  // namespace

Result<u32, Error> gic_intid(const Interrupt& irq) {
    if (irq.cell_count < 2)
        return err(Error::BadCells);
    u32 type = irq.cells[0];
    u32 number = irq.cells[1];
    if (type >= sizeof(k_gic_irq_types) / sizeof(k_gic_irq_types[0]))
        return err(Error::BadValue);
    if (number >= k_gic_irq_types[type].count)
        return err(Error::BadValue);
    return k_gic_irq_types[type].base + number;
}

Result<usize, Error> Fdt::memory_regions(Region* out, usize capacity) const {
    usize total = 0;
    for (Node n : nodes_of_type("memory")) {
        if (!available(n))
            continue;
        detail::RegList regs = TN_TRY(detail::Impl::reg_list(*this, n));
        for (usize i = 0; i < regs.count(); ++i) {
            Region r = TN_TRY(regs.at(i));
            if (r.size == 0)
                continue;
            if (total < capacity)
                out[total] = r;
            ++total;
        }
    }
    return total;
}

namespace {

/// The Device of @p n at @p reg: its first interrupt, if it has any, as a GIC INTID.
Result<Device, Error> device_of(const Fdt& f, Node n, Region reg) {
    Device dev{n, reg, false, 0};
    if (f.has_property(n, "interrupts")) {
        dev.intid = TN_TRY(gic_intid(TN_TRY(f.interrupt(n, 0))));
        dev.has_irq = true;
    }
    return dev;
}

}  // namespace

Result<Device, Error> Fdt::find_device(const char* compatible) const {
    for (Node n : compatible_nodes(compatible)) {
        if (available(n))
            return device_of(*this, n, TN_TRY(reg(n, 0)));
    }
    return err(Error::NotFound);
}

Result<Device, Error> Fdt::find_device_at(const char* compatible, u64 address) const {
    for (Node n : compatible_nodes(compatible)) {
        if (!available(n))
            continue;
        auto r = reg(n, 0);
        if (r.ok() && r.value().address == address)
            return device_of(*this, n, r.value());
    }
    return err(Error::NotFound);
}

/// GICv2 reg: GICD, GICC, GICH, GICV. GICv3 reg: GICD, #redistributor-regions GICR
/// regions, then the optional GICC, GICH, GICV.
Result<Gic, Error> Fdt::find_gic() const {
    // Every field is assigned below; `Gic gic{}` would make GCC call memset, which
    // freestanding code may not have.
    Gic gic;
    auto v3 = find_available(*this, k_gic_v3);
    gic.node = v3.ok() ? v3.value() : TN_TRY(find_available(*this, k_gic_v2));
    gic.version = v3.ok() ? 3 : 2;
    gic.redist_regions = 0;
    gic.redist = Region{0, 0};
    if (gic.version == 3) {
        auto regions = prop_u32(gic.node, "#redistributor-regions");
        if (!regions.ok() && regions.error() != Error::NotFound)
            return err(regions.error());
        gic.redist_regions = regions.ok() ? regions.value() : 1;
        if (gic.redist_regions == 0)
            return err(Error::BadValue);
    }
    detail::RegList regs = TN_TRY(detail::Impl::reg_list(*this, gic.node));  // Decoded once.
    if (gic.version == 3)
        gic.redist = TN_TRY(regs.at(1));
    gic.dist = TN_TRY(regs.at(0));
    usize cpu_index = gic.version == 3 ? 1 + usize{gic.redist_regions} : 1;
    gic.cpu = TN_TRY(optional_reg(regs, cpu_index));
    gic.hyp = TN_TRY(optional_reg(regs, cpu_index + 1));
    gic.vcpu = TN_TRY(optional_reg(regs, cpu_index + 2));
    gic.maintenance_intid = 0;
    if (has_property(gic.node, "interrupts"))
        gic.maintenance_intid = TN_TRY(gic_intid(TN_TRY(interrupt(gic.node, 0))));
    return gic;
}

Result<Psci, Error> Fdt::find_psci() const {
    Node n = TN_TRY(find_available(*this, k_psci));
    const char* method = TN_TRY(prop_string(n, "method"));
    bool std_ids = compatible_with(n, "arm,psci-0.2") || compatible_with(n, "arm,psci-1.0");
    Psci psci{n, PsciMethod::Hvc, std_ids};
    if (detail::equals(method, "smc"))
        psci.method = PsciMethod::Smc;
    else if (!detail::equals(method, "hvc"))
        return err(Error::BadValue);
    return psci;
}

Result<u32, Error> Fdt::timer_intid(TimerIrq which) const {
    Node n = TN_TRY(find_available(*this, k_timer));
    Interrupt irq = TN_TRY(interrupt(n, static_cast<usize>(which)));
    return gic_intid(irq);
}

}  // namespace tn::fdt
