// A board's device tree as the partition checks see it (host_platform.hpp). Bindings: Devicetree
// Specification v0.4 §3.4 (memory), §3.6 (chosen stdout-path), §3.7-3.8 (cpus); Linux bindings
// interrupt-controller/arm,gic-v3 (reg layout, #redistributor-regions, mbi-alias, arm,gic-v3-its children),
// arm,gic (GICv2 frames) and arm/cpus (enable-method).
//
// Everything is read through the bounds-checked tn::fdt::Fdt, and every part the checks need that is
// missing or unreadable stops with a sentence saying which: a board tree that cannot be read must fail the
// check loudly, never yield a platform with no GIC or console for guests to be given.
#include <mortise/host_platform.hpp>

#include <stdarg.h>

#include <tn/fdt.hpp>
#include <tn/format.hpp>

#include "passthrough.hpp"

namespace mortise::guestdt {
namespace {

using partition::Platform;
using partition::Region;
using tn::fdt::Fdt;
using tn::fdt::Node;

constexpr u64 k_gic_frame = 0x1'0000;  // The mbi-alias frame: one 64 KiB GICD-sized page (arm,gic-v3 binding).
constexpr u32 k_first_spi = 32, k_last_spi = 1019;
constexpr unsigned k_max_cpus = 64;    // cpu_mask is 64 bits.

bool same(const char* a, const char* b) {
    while (*a != '\0' && *a == *b)
        ++a, ++b;
    return *a == *b;
}

struct Reader {
    const Fdt& host;
    Platform& p;
    char* why;
    unsigned why_size;

    bool fail(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        va_list ap;
        va_start(ap, fmt);
        tn::fmt::vformat(why, why_size, fmt, ap);
        va_end(ap);
        return false;
    }
    /// Adds @p r to the devices Mortise keeps, as @p what.
    bool keep(const Region& r, const char* what) {
        if (p.owned_mmio_count == partition::k_max_owned_mmio)
            return fail("the board keeps more than %u device regions for Mortise (GIC frames and console); "
                        "partition::k_max_owned_mmio must grow", partition::k_max_owned_mmio);
        p.owned_mmio_names[p.owned_mmio_count] = what;
        p.owned_mmio[p.owned_mmio_count++] = r;
        return true;
    }
};

bool read_ram(Reader& rd, const Region* ram, unsigned ram_count) {
    if (ram_count > 4)
        return rd.fail("%u RAM banks given; a platform holds at most 4", ram_count);
    if (ram_count == 0) {
        tn::fdt::Region banks[4];
        auto n = rd.host.memory_regions(banks, 4);
        if (!n.ok())
            return rd.fail("the board's /memory node cannot be read (%s)", tn::fdt::error_name(n.error()));
        if (n.value() == 0)
            return rd.fail("the board's device tree has no /memory node (a kernel's tree leaves it to U-Boot, "
                           "which adds it at boot): give the board's RAM banks (partcheck --ram BASE:SIZE)");
        if (n.value() > 4)
            return rd.fail("the board's /memory has %u RAM banks and at most 4 fit: give the ones guests may use "
                           "(partcheck --ram BASE:SIZE)", static_cast<unsigned>(n.value()));
        for (usize i = 0; i < n.value(); ++i)
            rd.p.ram[i] = {tn::PhysAddr{banks[i].address}, banks[i].size};
        rd.p.ram_count = static_cast<unsigned>(n.value());
        return true;
    }
    for (unsigned i = 0; i < ram_count; ++i)
        rd.p.ram[i] = ram[i];
    rd.p.ram_count = ram_count;
    return true;
}

/// A CPU Mortise can start: it starts the others with PSCI CPU_ON, by the MPIDR in `reg`. QEMU virt gives
/// no enable-method when the guest runs at EL2 (the PSCI node still says how to call it); a CPU that names
/// another (spin-table) cannot be started that way.
bool startable_cpu(const Fdt& host, Node n) {
    auto type = host.prop_string(n, "device_type");
    auto method = host.prop_string(n, "enable-method");
    return type.ok() && same(type.value(), "cpu") && host.available(n) && host.reg(n, 0).ok() &&
           (!method.ok() || same(method.value(), "psci"));
}

bool read_cpus(Reader& rd) {
    auto cpus = rd.host.find_path("/cpus");
    if (!cpus.ok())
        return rd.fail("the board's device tree has no /cpus node: the CPUs guests are given cannot be known");
    unsigned count = 0;
    for (Node n : rd.host.children(cpus.value()))
        count += startable_cpu(rd.host, n) ? 1 : 0;
    if (count == 0)
        return rd.fail("the board's /cpus has no cpu node Mortise can start (device_type \"cpu\", a reg, and "
                       "enable-method \"psci\" or none)");
    if (count > k_max_cpus)
        return rd.fail("the board's /cpus has %u CPUs; a partition description numbers at most %u", count,
                       k_max_cpus);
    rd.p.cpu_count = count;
    return true;
}

/// The GIC's frames (arm,gic-v3: GICD, #redistributor-regions GICR regions, then optional GICC, GICH, GICV;
/// arm,gic: GICD, GICC, GICH, GICV), its MBI alias frame and its ITSes.
bool read_gic(Reader& rd) {
    auto gic = rd.host.find_gic();
    if (!gic.ok() && gic.error() == tn::fdt::Error::NotFound)
        return rd.fail("the board's device tree has no GIC (an available arm,gic-v3 or arm,gic-400 node): the "
                       "interrupt controller Mortise keeps is unknown");
    if (!gic.ok())
        return rd.fail("the board's GIC node cannot be read (%s)", tn::fdt::error_name(gic.error()));
    const Node n = gic.value().node;
    const bool v3 = gic.value().version == 3;
    Region r;
    if (!detail::host_reg(rd.host, n, 0, r))
        return rd.fail("the board's GIC %s has no CPU-visible distributor (reg entry 0)", rd.host.name(n));
    if (!rd.keep(r, "GIC distributor"))
        return false;
    const unsigned redists = v3 ? gic.value().redist_regions : 0;
    for (unsigned i = 1; i <= redists; ++i) {
        if (!detail::host_reg(rd.host, n, i, r))
            return rd.fail("the board's GIC %s has no CPU-visible redistributor region %u (reg entry %u)",
                           rd.host.name(n), i - 1, i);
        if (!rd.keep(r, "GIC redistributors"))
            return false;
    }
    static const char* const k_cpu_frames[] = {"GIC CPU interface", "GIC virtual interface control",
                                               "GIC virtual CPU interface"};
    for (unsigned i = 0; i < 3; ++i)
        if (detail::host_reg(rd.host, n, 1 + redists + i, r) && !rd.keep(r, k_cpu_frames[i]))
            return false;
    // The alias frame holds GICD_SETSPI_NSR: a guest given it could raise any SPI.
    if (auto alias = rd.host.property(n, "mbi-alias"); alias.ok()) {
        auto at = alias.value().cells(0, alias.value().size() / 4);
        if (!at.ok())
            return rd.fail("the board's GIC %s has an mbi-alias that is not a 1- or 2-cell address",
                           rd.host.name(n));
        if (!rd.keep({tn::PhysAddr{at.value()}, k_gic_frame}, "GIC MBI alias frame"))
            return false;
    }
    for (Node c : rd.host.children(n))
        if (rd.host.compatible_with(c, "arm,gic-v3-its")) {
            if (!detail::host_reg(rd.host, c, 0, r))
                return rd.fail("the board's GIC ITS %s has no CPU-visible reg", rd.host.name(c));
            if (!rd.keep(r, "GIC ITS"))
                return false;
        }
    return true;
}

/// The /chosen stdout-path UART: Mortise's console, and its SPI.
bool read_console(Reader& rd) {
    auto out = rd.host.stdout_path();
    if (!out.ok() && out.error() == tn::fdt::Error::NotFound)
        return rd.fail("the board's device tree has no /chosen stdout-path naming a node: the console UART "
                       "Mortise keeps is unknown (add stdout-path = \"serialN:...\", as the board's firmware "
                       "does)");
    if (!out.ok())
        return rd.fail("the board's /chosen stdout-path cannot be read (%s)", tn::fdt::error_name(out.error()));
    const Node n = out.value().node;
    Region r;
    if (!detail::host_reg(rd.host, n, 0, r))
        return rd.fail("the board's console %s (/chosen stdout-path) has no CPU-visible reg", rd.host.name(n));
    if (!rd.keep(r, "console UART"))
        return false;
    if (!rd.host.has_property(n, "interrupts"))
        return true;  // Mortise polls a console without an interrupt.
    auto irq = rd.host.interrupt(n, 0);
    auto gic = rd.host.find_gic();
    if (!irq.ok() || !gic.ok() || irq.value().controller != gic.value().node)
        return rd.fail("the board's console %s has interrupts that are not the GIC's", rd.host.name(n));
    auto intid = tn::fdt::gic_intid(irq.value());
    if (!intid.ok())
        return rd.fail("the board's console %s has an interrupt the GIC binding does not allow (%s)",
                       rd.host.name(n), tn::fdt::error_name(intid.error()));
    if (intid.value() >= k_first_spi && intid.value() <= k_last_spi) {
        rd.p.owned_irqs[0] = intid.value();
        rd.p.owned_irq_count = 1;
    }
    return true;
}

bool read_dma(Reader& rd) {
    const unsigned n = detail::dma_ranges(rd.host, rd.p.dma_mmio, partition::k_max_dma_mmio, true);
    if (n > partition::k_max_dma_mmio)
        return rd.fail("the board has more than %u separate DMA-capable device ranges; "
                       "partition::k_max_dma_mmio must grow", partition::k_max_dma_mmio);
    rd.p.dma_mmio_count = n;
    return true;
}

}  // namespace

bool host_platform(const tn::fdt::Fdt& host, const partition::Region* ram, unsigned ram_count,
                   partition::Platform& out, char* why, unsigned why_size) {
    out = Platform{};
    Reader rd{host, out, why, why_size};
    return read_ram(rd, ram, ram_count) && read_cpus(rd) && read_gic(rd) && read_console(rd) && read_dma(rd);
}

}  // namespace mortise::guestdt
