// GICv2 controller for lib/irq. Lock-free: the set/clear registers need no
// read-modify-write, and the rest is boot-time configuration made on one CPU.
#include <tn/arch/sysreg.hpp>
#include <tn/drivers/gicv2.hpp>

#include "regs.hpp"

namespace tn::gicv2 {

namespace {

// GICv2 addresses at most 8 CPU interfaces (GICD_TYPER.CPUNumber is 3 bits).
constexpr usize k_max_cpus = 8;

struct CpuSlot {
    irq::CpuAffinity affinity{0};
    u8 mask = 0;  // this CPU's bit in ITARGETSR / the SGI target list
};

class Gicv2 final : public irq::Controller {
public:
    constexpr Gicv2() = default;

    void configure(const Config& c) {
        m_dist = Gicd{c.distributor};
        m_cpu = Gicc{c.cpu_interface};
        m_cpu_base = c.cpu_interface;
    }
    bool present() const { return Gicd::Pidr2::ArchRev::get(m_dist.read<Gicd::Pidr2>()) == 2; }
    void init_distributor();

    const char* name() const override { return "GICv2"; }
    irq::CpuInterface cpu_interface() const override {
        return {irq::CpuInterface::Kind::Gicv2, m_cpu_base};
    }
    u32 last_intid() const override { return m_last_intid; }
    Result<void, irq::Error> init_cpu() override;
    irq::Event acknowledge() override;
    void priority_drop(irq::Event e) override { m_cpu.write<Gicc::Eoir>(e.raw); }
    void deactivate(irq::Event e) override { m_cpu.write<Gicc::Dir>(e.raw); }
    void enable(u32 intid) override { gic::enable(m_dist, intid); }
    void disable(u32 intid) override { gic::disable(m_dist, intid); }
    void set_priority(u32 intid, u8 priority) override { gic::set_priority(m_dist, intid, priority); }
    Result<void, irq::Error> set_trigger(u32 intid, irq::Trigger trigger) override;
    Result<void, irq::Error> set_affinity(u32 intid, irq::CpuAffinity cpu) override;
    Result<void, irq::Error> send_sgi(u32 intid, irq::SgiTarget target) override;
    void set_pending(u32 intid) override { gic::set_pending(m_dist, intid); }

private:
    u8 own_mask() const;
    const CpuSlot* find_cpu(irq::CpuAffinity cpu) const;
    bool record_cpu(irq::CpuAffinity cpu, u8 mask);

    Gicd m_dist{0};
    Gicc m_cpu{0};
    uptr m_cpu_base = 0;
    u32 m_last_intid = 0;
    CpuSlot m_cpus[k_max_cpus] = {};
};

constinit Gicv2 g_gic;

irq::CpuAffinity this_cpu() { return irq::CpuAffinity{arch::MpidrEl1::read()}; }

// The calling CPU's interface bit: the banked ITARGETSR0-7 read as it (§4.3.12),
// except on a uniprocessor GIC, where they read as zero and interface 0 is the
// only one. Read a word (four INTIDs) at a time.
u8 Gicv2::own_mask() const {
    for (u32 w = 0; w < irq::k_spi_first / 4; ++w) {
        for (u32 v = m_dist.read<Gicd::ItargetsrWords>(w); v != 0; v >>= 8) {
            if (u8 mask = static_cast<u8>(v); mask != 0)
                return mask;
        }
    }
    return 1;
}

const CpuSlot* Gicv2::find_cpu(irq::CpuAffinity cpu) const {
    for (const CpuSlot& s : m_cpus)
        if (s.mask && s.affinity == cpu)
            return &s;
    return nullptr;
}

bool Gicv2::record_cpu(irq::CpuAffinity cpu, u8 mask) {
    for (CpuSlot& s : m_cpus) {
        if (!s.mask || s.affinity == cpu) {
            s.affinity = cpu;
            s.mask = mask;
            return true;
        }
    }
    return false;
}

// §4.3: disable the distributor, put every SPI in a known state routed to the
// boot CPU, enable it again. Groups are left as reset/firmware set them (see
// the header comment).
void Gicv2::init_distributor() {
    m_dist.write<Gicd::Ctlr>(0);
    u32 lines = 32 * (static_cast<u32>(Gicd::Typer::ItLinesNumber::get(m_dist.read<Gicd::Typer>())) + 1);
    m_last_intid = lines - 1 > irq::k_spi_last ? irq::k_spi_last : lines - 1;
    gic::reset_range(m_dist, irq::k_spi_first, m_last_intid, irq::k_default_priority);
    u32 boot = gic::each_byte(own_mask());
    for (u32 id = irq::k_spi_first; id <= m_last_intid; id += 4)  // (m_last_intid + 1) % 4 == 0
        m_dist.write<Gicd::ItargetsrWords>(id / 4, boot);
    m_dist.write<Gicd::Ctlr>(Gicd::Ctlr::Enable::bits(1));
}

// §4.4: the banked SGI/PPI registers and the CPU interface of the calling CPU.
Result<void, irq::Error> Gicv2::init_cpu() {
    if (!record_cpu(this_cpu(), own_mask()))
        return err(irq::Error::BadCpu);
    gic::reset_range(m_dist, 0, irq::k_spi_first - 1, irq::k_default_priority);
    m_cpu.write<Gicc::Pmr>(irq::k_priority_mask);
    m_cpu.write<Gicc::Ctlr>(Gicc::Ctlr::Enable::bits(1) | Gicc::Ctlr::EoiMode::bits(1));
    return {};
}

irq::Event Gicv2::acknowledge() {
    u32 iar = m_cpu.read<Gicc::Iar>();
    return {static_cast<u32>(Gicc::Iar::InterruptId::get(iar)), iar};
}

Result<void, irq::Error> Gicv2::set_trigger(u32 intid, irq::Trigger trigger) {
    bool was_enabled = gic::enabled(m_dist, intid);
    disable(intid);
    bool kept = gic::write_trigger(m_dist, intid, trigger);
    if (was_enabled)
        enable(intid);
    return kept ? Result<void, irq::Error>{} : err(irq::Error::Unsupported);
}

Result<void, irq::Error> Gicv2::set_affinity(u32 intid, irq::CpuAffinity cpu) {
    const CpuSlot* slot = find_cpu(cpu);
    if (!slot)
        return err(irq::Error::BadCpu);
    m_dist.write<Gicd::Itargetsr>(intid, slot->mask);
    return {};
}

// The DSB makes this CPU's earlier memory writes visible before the target
// CPU can take the SGI and read them.
Result<void, irq::Error> Gicv2::send_sgi(u32 intid, irq::SgiTarget target) {
    u32 filter = k_sgi_to_list, list = 0;
    if (target.mode == irq::SgiTarget::Mode::Others) {
        filter = k_sgi_to_others;
    } else if (target.mode == irq::SgiTarget::Mode::Self) {
        filter = k_sgi_to_self;
    } else {
        const CpuSlot* slot = find_cpu(target.cpu);
        if (!slot)
            return err(irq::Error::BadCpu);
        list = slot->mask;
    }
    asm volatile("dsb ishst" ::: "memory");
    m_dist.write<Gicd::Sgir>(static_cast<u32>(Gicd::Sgir::SgiIntid::bits(intid) |
                                              Gicd::Sgir::CpuTargetList::bits(list) |
                                              Gicd::Sgir::TargetListFilter::bits(filter)));
    return {};
}

}  // namespace

Result<irq::Controller*, Error> try_init(const Config& config) {
    g_gic.configure(config);
    if (!g_gic.present())
        return err(Error::NotGicv2);
    g_gic.init_distributor();
    if (!g_gic.init_cpu().ok())
        return err(Error::CpuUnavailable);
    return static_cast<irq::Controller*>(&g_gic);
}

}  // namespace tn::gicv2
