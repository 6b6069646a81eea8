// GICv3 controller for lib/irq. SGI/PPI registers live in the calling CPU's
// redistributor, found by matching GICR_TYPER's affinity against MPIDR_EL1 on
// each (rare) configuration call, so the driver keeps no per-CPU table; the
// interrupt path itself uses only the ICC_* system registers.
#include <tn/arch/sysreg.hpp>
#include <tn/drivers/gicv3.hpp>
#include <tn/drivers/gicv3_regs.hpp>

namespace tn::gicv3 {

namespace {

// Bounded waits for GICD/GICR status bits; each iteration is an uncached MMIO
// read (hundreds of ns on hardware), so this allows well over a millisecond.
constexpr u32 k_poll_limit = 1'000'000;

irq::CpuAffinity this_cpu() { return irq::CpuAffinity{arch::MpidrEl1::read()}; }

// GICR_TYPER.Affinity_Value packs the affinity levels as Aff3.Aff2.Aff1.Aff0.
u32 packed(irq::CpuAffinity a) { return a.aff3() << 24 | a.aff2() << 16 | a.aff1() << 8 | a.aff0(); }

u64 irouter_value(irq::CpuAffinity a) {
    return Gicd::Irouter::Aff0::bits(a.aff0()) | Gicd::Irouter::Aff1::bits(a.aff1()) |
           Gicd::Irouter::Aff2::bits(a.aff2()) | Gicd::Irouter::Aff3::bits(a.aff3());
}

template <class Regs, class R>
bool wait_clear(const Regs& regs) {
    for (u32 i = 0; i < k_poll_limit; ++i)
        if (!R::Rwp::get(regs.template read<R>()))
            return true;
    return false;
}

class Gicv3 final : public irq::Controller {
public:
    constexpr Gicv3() = default;

    void configure(const Config& c) {
        m_dist = Gicd{c.distributor};
        m_redist = c.redistributors;
        m_redist_size = c.redistributor_size;
    }
    bool present() const;
    Result<void, Error> init_distributor();

    const char* name() const override { return "GICv3"; }
    u32 last_intid() const override { return m_last_intid; }
    Result<void, irq::Error> init_cpu() override;
    irq::CpuInterface cpu_interface() const override { return {irq::CpuInterface::Kind::Gicv3, 0}; }
    irq::Event acknowledge() override;
    void priority_drop(irq::Event e) override;
    void deactivate(irq::Event e) override;
    void enable(u32 intid) override;
    void disable(u32 intid) override;
    void set_priority(u32 intid, u8 priority) override;
    Result<void, irq::Error> set_trigger(u32 intid, irq::Trigger trigger) override;
    Result<void, irq::Error> set_affinity(u32 intid, irq::CpuAffinity cpu) override;
    Result<void, irq::Error> send_sgi(u32 intid, irq::SgiTarget target) override;
    void set_pending(u32 intid) override;

private:
    Result<GicrRd, irq::Error> find_redistributor(irq::CpuAffinity cpu) const;
    Result<void, irq::Error> init_redistributor(const GicrRd& rd) const;

    Gicd m_dist{0};
    uptr m_redist = 0;
    usize m_redist_size = 0;
    u32 m_last_intid = 0;
};

constinit Gicv3 g_gic;

bool Gicv3::present() const {
    u32 rev = static_cast<u32>(Gicd::Pidr2::ArchRev::get(m_dist.read<Gicd::Pidr2>()));
    return rev == 3 || rev == 4;
}

// Walks the redistributor frames (§12.11, GICR_TYPER) until the one serving
// @p cpu, the one marked Last, or the end of the region.
Result<GicrRd, irq::Error> Gicv3::find_redistributor(irq::CpuAffinity cpu) const {
    uptr end = m_redist + m_redist_size;
    for (uptr base = m_redist; base + k_redistributor_size <= end;) {
        GicrRd rd{base};
        u64 typer = rd.read<GicrRd::Typer>();
        if (GicrRd::Typer::AffinityValue::get(typer) == packed(cpu))
            return rd;
        if (GicrRd::Typer::Last::get(typer))
            break;
        base += GicrRd::Typer::Vlpis::get(typer) ? k_redistributor_size_vlpi : k_redistributor_size;
    }
    return err(irq::Error::BadCpu);
}

GicrSgi sgi_frame(const GicrRd& rd) { return GicrSgi{rd.base() + k_frame_size}; }

// §12.11.42: clear ProcessorSleep, then wait for ChildrenAsleep to follow.
bool wake(const GicrRd& rd) {
    u32 w = rd.read<GicrRd::Waker>();
    rd.write<GicrRd::Waker>(static_cast<u32>(GicrRd::Waker::ProcessorSleep::clear(w)));
    for (u32 i = 0; i < k_poll_limit; ++i)
        if (!GicrRd::Waker::ChildrenAsleep::get(rd.read<GicrRd::Waker>()))
            return true;
    return false;
}

// §12.9.4: ARE must be set while the groups are disabled, and IROUTER only
// means something once it is. Every SPI goes to Group 1, disabled, level,
// default priority, routed to the boot CPU.
Result<void, Error> Gicv3::init_distributor() {
    m_dist.write<Gicd::Ctlr>(0);
    if (!wait_clear<Gicd, Gicd::Ctlr>(m_dist))
        return err(Error::Timeout);
    m_dist.write<Gicd::Ctlr>(static_cast<u32>(Gicd::Ctlr::Are::bits(1)));
    u32 lines = 32 * (static_cast<u32>(Gicd::Typer::ItLinesNumber::get(m_dist.read<Gicd::Typer>())) + 1);
    m_last_intid = lines - 1 > irq::k_spi_last ? irq::k_spi_last : lines - 1;
    gic::set_group1(m_dist, irq::k_spi_first, m_last_intid);
    gic::reset_range(m_dist, irq::k_spi_first, m_last_intid, irq::k_default_priority);
    u64 route = irouter_value(this_cpu());
    for (u32 id = irq::k_spi_first; id <= m_last_intid; ++id)
        m_dist.write<Gicd::Irouter>(id, route);
    m_dist.write<Gicd::Ctlr>(static_cast<u32>(Gicd::Ctlr::Are::bits(1) | Gicd::Ctlr::EnableGrp1::bits(1)));
    if (!wait_clear<Gicd, Gicd::Ctlr>(m_dist))
        return err(Error::Timeout);
    return {};
}

// The SGI/PPI half of a redistributor: Group 1, disabled, idle, default priority.
Result<void, irq::Error> Gicv3::init_redistributor(const GicrRd& rd) const {
    if (!wake(rd))
        return err(irq::Error::Timeout);
    GicrSgi sgi = sgi_frame(rd);
    gic::set_group1(sgi, 0, irq::k_spi_first - 1);
    gic::reset_range(sgi, 0, irq::k_spi_first - 1, irq::k_default_priority);
    if (!wait_clear<GicrRd, GicrRd::Ctlr>(rd))
        return err(irq::Error::Timeout);
    return {};
}

// §12.2: system-register access first (SRE), then priority mask, no priority
// grouping, EOImode 1 (EOIR drops priority, DIR deactivates), Group 1 on.
// DFB/DIB: no FIQ/IRQ bypass to a legacy signal.
Result<void, irq::Error> Gicv3::init_cpu() {
    GicrRd rd = TN_TRY(find_redistributor(this_cpu()));
    TN_TRY(init_redistributor(rd));
    IccSreEl1::write(IccSreEl1::read() | IccSreEl1::Sre::bits(1) | IccSreEl1::Dfb::bits(1) |
                     IccSreEl1::Dib::bits(1));
    asm volatile("isb" ::: "memory");
    if (!IccSreEl1::Sre::get(IccSreEl1::read()))
        return err(irq::Error::Unsupported);
    IccPmrEl1::write(irq::k_priority_mask);
    IccBpr1El1::write(0);
    u64 ctlr = IccCtlrEl1::read();
    IccCtlrEl1::write(IccCtlrEl1::Cbpr::clear(IccCtlrEl1::EoiMode::set(ctlr, 1)));
    IccIgrpen1El1::write(IccIgrpen1El1::Enable::bits(1));
    asm volatile("isb" ::: "memory");
    return {};
}

// The DSB orders the acknowledge before the handler's accesses to its device
// (as Linux does after reading ICC_IAR1_EL1).
irq::Event Gicv3::acknowledge() {
    u32 intid = static_cast<u32>(IccIar1El1::Intid::get(IccIar1El1::read()));
    asm volatile("dsb sy" ::: "memory");
    return {intid, intid};
}

// EOIR and DIR writes are not self-synchronising: the ISB makes the priority
// drop / deactivation take effect before we look for the next interrupt.
void Gicv3::priority_drop(irq::Event e) {
    IccEoir1El1::write(e.raw);
    asm volatile("isb" ::: "memory");
}

void Gicv3::deactivate(irq::Event e) {
    IccDirEl1::write(e.raw);
    asm volatile("isb" ::: "memory");
}

void Gicv3::enable(u32 intid) {
    if (intid >= irq::k_spi_first) {
        gic::enable(m_dist, intid);
        return;
    }
    if (auto rd = find_redistributor(this_cpu()); rd.ok())
        gic::enable(sgi_frame(rd.value()), intid);
}

// Waits for RWP so that, on return, the interrupt can no longer be signalled.
void Gicv3::disable(u32 intid) {
    if (intid >= irq::k_spi_first) {
        gic::disable(m_dist, intid);
        (void)wait_clear<Gicd, Gicd::Ctlr>(m_dist);
        return;
    }
    if (auto rd = find_redistributor(this_cpu()); rd.ok()) {
        gic::disable(sgi_frame(rd.value()), intid);
        (void)wait_clear<GicrRd, GicrRd::Ctlr>(rd.value());
    }
}

void Gicv3::set_priority(u32 intid, u8 priority) {
    if (intid >= irq::k_spi_first) {
        gic::set_priority(m_dist, intid, priority);
        return;
    }
    if (auto rd = find_redistributor(this_cpu()); rd.ok())
        gic::set_priority(sgi_frame(rd.value()), intid, priority);
}

void Gicv3::set_pending(u32 intid) {
    if (intid >= irq::k_spi_first) {
        gic::set_pending(m_dist, intid);
        return;
    }
    if (auto rd = find_redistributor(this_cpu()); rd.ok())
        gic::set_pending(sgi_frame(rd.value()), intid);
}

Result<void, irq::Error> Gicv3::set_trigger(u32 intid, irq::Trigger trigger) {
    bool kept;
    if (intid >= irq::k_spi_first) {
        bool was_enabled = gic::enabled(m_dist, intid);
        disable(intid);
        kept = gic::write_trigger(m_dist, intid, trigger);
        if (was_enabled)
            enable(intid);
    } else {
        GicrRd rd = TN_TRY(find_redistributor(this_cpu()));
        GicrSgi sgi = sgi_frame(rd);
        bool was_enabled = gic::enabled(sgi, intid);
        disable(intid);
        kept = gic::write_trigger(sgi, intid, trigger);
        if (was_enabled)
            enable(intid);
    }
    return kept ? Result<void, irq::Error>{} : err(irq::Error::Unsupported);
}

Result<void, irq::Error> Gicv3::set_affinity(u32 intid, irq::CpuAffinity cpu) {
    TN_TRY(find_redistributor(cpu));
    m_dist.write<Gicd::Irouter>(intid, irouter_value(cpu));
    return {};
}

// §12.2.22: Aff3.Aff2.Aff1 name a cluster, TargetList bit n the CPU with Aff0
// = RS * 16 + n (RS needs ICC_CTLR_EL1.RSS). IRM = 1: every CPU but this one.
// The DSB makes earlier memory writes visible to the target's handler.
Result<void, irq::Error> Gicv3::send_sgi(u32 intid, irq::SgiTarget target) {
    u64 v = IccSgi1rEl1::Intid::bits(intid);
    if (target.mode == irq::SgiTarget::Mode::Others) {
        v |= IccSgi1rEl1::Irm::bits(1);
    } else {
        irq::CpuAffinity cpu = target.mode == irq::SgiTarget::Mode::Self ? this_cpu() : target.cpu;
        if (target.mode == irq::SgiTarget::Mode::Cpu)
            TN_TRY(find_redistributor(cpu));
        if (cpu.aff0() >= 16 && !IccCtlrEl1::Rss::get(IccCtlrEl1::read()))
            return err(irq::Error::BadCpu);
        v |= IccSgi1rEl1::TargetList::bits(u64{1} << (cpu.aff0() % 16)) | IccSgi1rEl1::Rs::bits(cpu.aff0() / 16) |
             IccSgi1rEl1::Aff1::bits(cpu.aff1()) | IccSgi1rEl1::Aff2::bits(cpu.aff2()) |
             IccSgi1rEl1::Aff3::bits(cpu.aff3());
    }
    asm volatile("dsb ishst" ::: "memory");
    IccSgi1rEl1::write(v);
    asm volatile("isb" ::: "memory");
    return {};
}

}  // namespace

bool cpu_has_system_registers() { return IdAa64pfr0El1::Gic::get(IdAa64pfr0El1::read()) != 0; }

Result<irq::Controller*, Error> try_init(const Config& config) {
    g_gic.configure(config);
    if (!g_gic.present())
        return err(Error::NotGicv3);
    TN_TRY(g_gic.init_distributor());
    if (auto r = g_gic.init_cpu(); !r.ok()) {
        switch (r.error()) {
        case irq::Error::BadCpu: return err(Error::NoRedistributor);
        case irq::Error::Unsupported: return err(Error::NoSystemRegisters);
        default: return err(Error::RedistributorAsleep);
        }
    }
    return static_cast<irq::Controller*>(&g_gic);
}

}  // namespace tn::gicv3
