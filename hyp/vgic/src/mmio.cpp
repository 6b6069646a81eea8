// Register decoding of the virtual distributor (IHI 0069H.b §12.8-12.9) and
// redistributors (§12.10-12.11). The INTID-indexed registers have the same
// layout in GICD and in a redistributor's SGI_base frame, so one decoder
// serves both; which INTIDs a frame holds is the only difference (GICD: SPIs,
// its INTID 0-31 words being RAZ/WI under affinity routing; SGI_base: that
// vCPU's INTIDs 0-31).
#include <mortise/vgic.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/drivers/gicv3_regs.hpp>
#include <tn/plat/mortise_guest_map.hpp>

namespace mortise::vgic {

// The guest map's GIC windows hold exactly these frames: the core registers the
// distributor and the redistributors there (tn/plat/mortise_guest_map.hpp).
static_assert(tn::plat::mortise_guest::map::k_gicd_size == k_gicd_size &&
              tn::plat::mortise_guest::map::k_gicr_stride == k_gicr_stride);

namespace {

using tn::arch::MpidrEl1;
using tn::gicv3::Gicd;
using tn::gicv3::GicrRd;
using IntidRegs = tn::gicv3::GicrSgi;  // the same offsets in GICD

// GICD_CTLR with DS = 1 (§12.9.4): EnableGrp0 and EnableGrp1 are the guest's;
// ARE and DS read as one (affinity routing and a single security state only).
constexpr u32 k_ctlr_enables = Gicd::Ctlr::EnableGrp0::mask | Gicd::Ctlr::EnableGrp1::mask;
constexpr u32 k_ctlr_fixed = Gicd::Ctlr::Are::mask | Gicd::Ctlr::Ds::mask;
// GICD_TYPER (§12.9.38): IDbits = 9 (10-bit INTIDs); no LPIs, no MBIS, no
// extended SPIs, no security extension.
constexpr u32 k_typer_idbits = Gicd::Typer::IdBits::bits(9);
// GICD_IIDR/GICR_IIDR (§12.9.24): ProductID 'M', Implementer 0x43B (the JEP106
// code of Arm, as GIC models use), revision 0.
constexpr u32 k_iidr = Gicd::Iidr::ProductId::bits('M') | Gicd::Iidr::Implementer::bits(0x43b);
// GICD_IROUTER implemented bits: Aff3, IRM, Aff2-0.
constexpr u64 k_irouter_mask = Gicd::Irouter::Aff0::mask | Gicd::Irouter::Aff1::mask | Gicd::Irouter::Aff2::mask |
                               Gicd::Irouter::Irm::mask | Gicd::Irouter::Aff3::mask;
// GICR_WAKER (§12.11.42): ProcessorSleep; ChildrenAsleep follows it.
constexpr u32 k_waker_sleep = GicrRd::Waker::ProcessorSleep::mask;
constexpr u32 k_waker_children = GicrRd::Waker::ChildrenAsleep::mask;

// Identification block: PIDR4-7, PIDR0-3, CIDR0-3. PIDR2.ArchRev = 3 (GICv3)
// is what guests check; the rest are the usual Arm values.
constexpr u8 k_gicd_id[Gicd::IdRegs::items] = {0x44, 0, 0, 0, 0x92, 0xb4, 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};
constexpr u8 k_gicr_id[Gicd::IdRegs::items] = {0x44, 0, 0, 0, 0x93, 0xb4, 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};
constexpr u64 k_id_base = Gicd::IdRegs::offset;
// Element 6 is PIDR2; ArchRev 3 says GICv3.
static_assert(Gicd::IdRegs::offset + 6 * 4 == Gicd::Pidr2::offset && Gicd::Pidr2::ArchRev::get(k_gicd_id[6]) == 3 &&
              Gicd::Pidr2::ArchRev::get(k_gicr_id[6]) == 3);

// Register blocks common to GICD and SGI_base (§12.9, §12.11).
constexpr u64 k_igroupr = IntidRegs::Igroupr::offset, k_isenabler = IntidRegs::Isenabler::offset,
              k_icenabler = IntidRegs::Icenabler::offset, k_ispendr = IntidRegs::Ispendr::offset,
              k_icpendr = IntidRegs::Icpendr::offset, k_isactiver = IntidRegs::Isactiver::offset,
              k_icactiver = IntidRegs::Icactiver::offset, k_ipriorityr = IntidRegs::Ipriorityr::offset,
              k_itargetsr = Gicd::Itargetsr::offset, k_icfgr = IntidRegs::Icfgr::offset;
// GICD_IROUTER<n>: one 64-bit register for each of the 1024 INTID slots (0-31
// and 1020-1023 reserved).
constexpr u64 k_irouter = Gicd::Irouter::offset, k_irouter_end = k_irouter + 1024 * Gicd::Irouter::stride;

bool in(u64 off, u64 lo, u64 hi) { return off >= lo && off < hi; }

/// Generic access checks: inside the frame, a supported width, naturally aligned.
bool shape_ok(u64 off, unsigned size, u64 frame) {
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return false;
    return off % size == 0 && off < frame && off + size <= frame;
}

/// Reads or writes the @p size-byte part at byte @p at of a 64-bit register.
u64 part(u64 reg, u64 at, unsigned size) {
    return size == 8 ? reg : (reg >> (8 * at)) & 0xffffffffu;
}
u64 merge(u64 reg, u64 at, unsigned size, u64 v) {
    if (size == 8)
        return v;
    u64 mask = u64{0xffffffffu} << (8 * at);
    return (reg & ~mask) | ((v << (8 * at)) & mask);
}

}  // namespace

// --- INTID-indexed registers ------------------------------------------------

/// The bank holding @p intid in a frame: rd < 0 the distributor (SPIs), else
/// redistributor rd's SGI_base (INTIDs 0-31). nullptr: RAZ/WI in this frame.
Vgic::Bank* Vgic::frame_bank(int rd, u32 intid) {
    if (rd < 0)
        return intid >= k_private ? bank(0, intid) : nullptr;
    return intid < k_private ? bank(static_cast<unsigned>(rd), intid) : nullptr;
}

void Vgic::bitmap_reg(Bank& b, u64 block, bool write, u32& v) {
    if (!write) {
        switch (block) {
        case k_igroupr: v = b.group1; break;
        case k_isenabler:
        case k_icenabler: v = b.enable; break;
        case k_ispendr:
        case k_icpendr: v = pending_bits(b) | (b.q_pending & b.queued); break;
        case k_isactiver:
        case k_icactiver: v = b.active | (b.q_active & b.queued); break;
        default: v = 0; break;
        }
        return;
    }
    switch (block) {
    case k_igroupr: b.group1 = v; break;
    case k_isenabler: b.enable |= v; break;
    case k_icenabler: b.enable &= ~v; break;
    case k_ispendr:
        b.latch |= v;
        heat(b);
        break;
    case k_icpendr:
        b.latch &= ~v;
        b.cancel_pending |= v & b.queued & b.q_pending;
        b.q_pending &= ~v;
        break;
    case k_isactiver:
        b.active |= v;
        heat(b);
        break;
    case k_icactiver:
        b.active &= ~v;
        b.cancel_active |= v & b.queued & b.q_active;
        b.q_active &= ~v;
        break;
    default: break;
    }
}

// GICD_ICFGR<n> / GICR_ICFGR<n> (§12.9.9): two bits per INTID, bit 1 set = edge.
// SGIs are always edge (read 0b10, writes ignored).
void Vgic::cfg_reg(Bank& b, unsigned half, bool sgis, bool write, u32& v) {
    if (sgis) {
        if (!write)
            v = 0xaaaaaaaau;
        return;
    }
    if (!write) {
        v = 0;
        for (unsigned i = 0; i < 16; ++i)
            if (b.edge >> (16 * half + i) & 1)
                v |= 2u << (2 * i);
        return;
    }
    u32 edge = 0;
    for (unsigned i = 0; i < 16; ++i)
        if (v >> (2 * i + 1) & 1)
            edge |= 1u << i;
    u32 mask = 0xffffu << (16 * half);
    b.edge = (b.edge & ~mask) | (edge << (16 * half));
}

Vgic::Hit Vgic::intid_regs(int rd, u64 off, unsigned size, bool write, u64& v) {
    if (in(off, k_igroupr, k_ipriorityr)) {
        if (size != 4)
            return Hit::Bad;
        Bank* b = frame_bank(rd, static_cast<u32>((off & 0x7f) / 4 * 32));
        u32 w = static_cast<u32>(v);
        if (b)
            bitmap_reg(*b, off & ~u64{0x7f}, write, w);
        else
            w = 0;
        if (!write)
            v = w;
        return Hit::Ok;
    }
    if (in(off, k_ipriorityr, k_itargetsr)) {
        if (size != 1 && size != 4)
            return Hit::Bad;
        u64 out = 0;
        for (unsigned k = 0; k < size; ++k) {
            u32 intid = static_cast<u32>(off - k_ipriorityr) + k;
            Bank* b = frame_bank(rd, intid);
            if (!b)
                continue;
            if (write)
                b->priority[intid % 32] = static_cast<u8>(v >> (8 * k)) & m_priority_mask;
            else
                out |= u64{b->priority[intid % 32]} << (8 * k);
        }
        if (!write)
            v = out;
        return Hit::Ok;
    }
    if (in(off, k_icfgr, k_icfgr + 0x100)) {
        if (size != 4)
            return Hit::Bad;
        u32 first = static_cast<u32>(off - k_icfgr) / 4 * 16;
        Bank* b = frame_bank(rd, first);
        u32 w = static_cast<u32>(v);
        if (b)
            cfg_reg(*b, (first / 16) % 2, first < k_sgi_count, write, w);
        else
            w = 0;
        if (!write)
            v = w;
        return Hit::Ok;
    }
    return Hit::No;
}

// --- Distributor ------------------------------------------------------------

u32 Vgic::gicd_typer() const {
    unsigned cpus = m_vcpus > 8 ? 8 : m_vcpus;
    return k_typer_idbits | static_cast<u32>(Gicd::Typer::CpuNumber::bits(cpus - 1) |
                                             Gicd::Typer::ItLinesNumber::bits(m_lines / 32 - 1));
}

bool Vgic::gicd_access(u64 off, unsigned size, bool write, u64& v) {
    if (!shape_ok(off, size, k_gicd_size))
        return false;
    switch (intid_regs(-1, off, size, write, v)) {
    case Hit::Ok: return true;
    case Hit::Bad: return false;
    case Hit::No: break;
    }
    if (in(off, k_itargetsr, k_icfgr)) {  // GICv2 targets: RAZ/WI under affinity routing
        if (size != 1 && size != 4)
            return false;
        if (!write)
            v = 0;
        return true;
    }
    if (in(off, k_irouter, k_irouter_end)) {
        if (size != 4 && size != 8)
            return false;
        u32 intid = static_cast<u32>((off - k_irouter) / 8);
        u64 at = off % 8;
        bool valid = intid >= k_private && intid < m_lines;
        if (!write)
            v = valid ? part(m_irouter[intid - k_private], at, size) : 0;
        else if (valid)
            m_irouter[intid - k_private] = merge(m_irouter[intid - k_private], at, size, v) & k_irouter_mask;
        return true;
    }
    if (size != 4)
        return false;
    u32 r = 0;
    if (off == Gicd::Ctlr::offset) {
        if (write)
            m_ctlr = static_cast<u32>(v) & k_ctlr_enables;
        r = m_ctlr | k_ctlr_fixed;
    } else if (off == Gicd::Typer::offset) {
        r = gicd_typer();
    } else if (off == Gicd::Iidr::offset) {
        r = k_iidr;
    } else if (off >= k_id_base) {
        r = k_gicd_id[(off - k_id_base) / 4];
    }
    // Everything else (TYPER2, STATUSR, SETSPI/CLRSPI, IGRPMODR, NSACR, SGIR,
    // [CS]PENDSGIR, INMIR, extended SPI ranges, reserved) is RAZ/WI.
    if (!write)
        v = r;
    return true;
}

bool Vgic::Distributor::read(unsigned, u64 offset, unsigned size, u64& value) {
    tn::SpinlockGuard guard(m_v.m_lock);
    return m_v.gicd_access(offset, size, false, value);
}

bool Vgic::Distributor::write(unsigned, u64 offset, unsigned size, u64 value) {
    tn::SpinlockGuard guard(m_v.m_lock);
    return m_v.gicd_access(offset, size, true, value);
}

// --- Redistributors ----------------------------------------------------------

// GICR_TYPER (§12.11.37): Affinity_Value = the vCPU's Aff3.Aff2.Aff1.Aff0,
// Processor_Number, Last; no LPIs (PLPIS = VLPIS = 0).
u64 Vgic::gicr_typer(unsigned rd) const {
    using T = GicrRd::Typer;
    u64 a = m_aff[rd];
    return T::Aff0::bits(MpidrEl1::Aff0::get(a)) | T::Aff1::bits(MpidrEl1::Aff1::get(a)) |
           T::Aff2::bits(MpidrEl1::Aff2::get(a)) | T::Aff3::bits(MpidrEl1::Aff3::get(a)) |
           T::ProcessorNumber::bits(rd) | T::Last::bits(rd + 1 == m_vcpus);
}

bool Vgic::rd_frame(unsigned rd, u64 off, unsigned size, bool write, u64& v) {
    // The 64-bit registers: TYPER, SETLPIR, CLRLPIR, PROPBASER, PENDBASER,
    // INVLPIR, INVALLR (without LPIs all but TYPER are RAZ/WI).
    bool wide = off / 8 == GicrRd::Typer::offset / 8 || off / 8 == 0x40 / 8 || off / 8 == 0x48 / 8 || off / 8 == 0x70 / 8 ||
                off / 8 == 0x78 / 8 || off / 8 == 0xa0 / 8 || off / 8 == 0xb0 / 8;
    if (size == 8 ? !wide : size != 4)
        return false;
    u64 r = 0;
    if (off / 8 == GicrRd::Typer::offset / 8) {
        r = part(gicr_typer(rd), off % 8, size);
    } else if (off == GicrRd::Iidr::offset) {
        r = k_iidr;
    } else if (off == GicrRd::Waker::offset) {
        if (write)
            m_redist[rd].asleep = v & k_waker_sleep;
        r = m_redist[rd].asleep ? k_waker_sleep | k_waker_children : 0;
    } else if (off >= k_id_base) {
        r = k_gicr_id[(off - k_id_base) / 4];
    }
    // CTLR (EnableLPIs cannot be set, RWP/UWP never busy), STATUSR, SYNCR (never
    // busy), the LPI registers and reserved offsets: RAZ/WI.
    if (!write)
        v = r;
    return true;
}

bool Vgic::gicr_access(u64 off, unsigned size, bool write, u64& v) {
    if (!shape_ok(off, size, m_vcpus * k_gicr_stride))
        return false;
    unsigned rd = static_cast<unsigned>(off / k_gicr_stride);
    u64 in_rd = off % k_gicr_stride;
    if (in_rd < k_frame)
        return rd_frame(rd, in_rd, size, write, v);
    switch (intid_regs(static_cast<int>(rd), in_rd - k_frame, size, write, v)) {
    case Hit::Ok: return true;
    case Hit::Bad: return false;
    case Hit::No: break;
    }
    // SGI_base: IGRPMODR0, NSACR, the extended-PPI ranges and reserved offsets.
    if (size != 4)
        return false;
    if (!write)
        v = 0;
    return true;
}

bool Vgic::Redistributor::read(unsigned, u64 offset, unsigned size, u64& value) {
    tn::SpinlockGuard guard(m_v.m_lock);
    return m_v.gicr_access(offset, size, false, value);
}

bool Vgic::Redistributor::write(unsigned, u64 offset, unsigned size, u64 value) {
    tn::SpinlockGuard guard(m_v.m_lock);
    return m_v.gicr_access(offset, size, true, value);
}

}  // namespace mortise::vgic
