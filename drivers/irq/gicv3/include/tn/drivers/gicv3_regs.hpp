// GICv3 register blocks and CPU interface system registers, IHI 0069H.b
// chapter 12 "Programmers' Model". Public so that the register layout is named
// once for the driver, which programs a real GIC, and for Mortise's vGIC,
// which emulates one for its guests (hyp/vgic).
#pragma once

#include <tn/arch/sysreg.hpp>
#include <tn/drivers/gic_regs.hpp>
#include <tn/mmio.hpp>
#include <tn/register.hpp>

namespace tn::gicv3 {

// §12.9 "The GIC Distributor register descriptions": one 64 KiB frame.
struct Gicd : gic::IntidRegs<0x10000> {
    // §12.9.4. Field names of the single-security view; in the Non-secure view
    // bit 1 is EnableGrp1A and bit 4 ARE_NS (see gicv3.hpp). RWP: a write to
    // CTLR or ICENABLER is still propagating.
    // DS (bit 6): a single security state.
    struct Ctlr : Reg<0x0000, u32> {
        struct EnableGrp0 : Field<0, 1> {};
        struct EnableGrp1 : Field<1, 1> {};
        struct Are : Field<4, 1> {};
        struct Ds : Field<6, 1> {};
        struct Rwp : Field<31, 1> {};
    };
    // §12.9.38. SPIs implemented: up to 32 * (ITLinesNumber + 1) - 1;
    // CPUNumber: PEs that GICv2-style targeting can name, minus one; IDbits:
    // INTID bits supported, minus one.
    struct Typer : Reg<0x0004, u32> {
        struct ItLinesNumber : Field<0, 5> {};
        struct CpuNumber : Field<5, 3> {};
        struct IdBits : Field<19, 5> {};
    };
    // §12.9.24 (GICR_IIDR has the same layout): who implemented the GIC.
    struct Iidr : Reg<0x0008, u32> {
        struct Implementer : Field<0, 12> {};
        struct ProductId : Field<24, 8> {};
    };
    // §12.9.22. One per SPI (n >= 32); Interrupt_Routing_Mode (bit 31) 0
    // routes to the one PE named by the affinity fields.
    struct Irouter : RegArray<0x6000, u64, 1020> {
        struct Aff0 : Field<0, 8> {};
        struct Aff1 : Field<8, 8> {};
        struct Aff2 : Field<16, 8> {};
        struct Irm : Field<31, 1> {};
        struct Aff3 : Field<32, 8> {};
    };
    // GICv2 ITARGETSR<n> (§12.9.37): RAZ/WI under affinity routing.
    struct Itargetsr : RegArray<0x0800, u32, 256> {};
    // Identification block (§12.1.6 "GIC register map"): PIDR4-7, PIDR0-3, CIDR0-3.
    struct IdRegs : RegArray<0xffd0, u32, 12> {};
    // Identification register GICD_PIDR2: ArchRev 3 (GICv3) or 4 (GICv4).
    struct Pidr2 : Reg<0xffe8, u32> {
        struct ArchRev : Field<4, 4> {};
    };
    using IntidRegs::IntidRegs;
};

// §12.11 "The GIC Redistributor register descriptions": each redistributor is
// an RD_base frame for control, then an SGI_base frame holding the SGI/PPI registers of its CPU; a GICv4 with
// virtual LPIs adds two more frames (GICR_TYPER.VLPIS).
constexpr usize k_frame_size = 0x10000;
constexpr usize k_redistributor_size = 2 * k_frame_size;
constexpr usize k_redistributor_size_vlpi = 4 * k_frame_size;

struct GicrRd : Mmio<k_frame_size> {
    // §12.11.2. RWP: a write to GICR_ICENABLER0 is still propagating.
    struct Ctlr : Reg<0x0000, u32> {
        struct Rwp : Field<3, 1> {};
    };
    // §12.11.19 GICR_IIDR: the layout of GICD_IIDR.
    struct Iidr : Reg<0x0004, u32> {};
    // §12.11.37 GICR_TYPER: which CPU this redistributor serves and whether it is the last.
    struct Typer : Reg<0x0008, u64> {
        struct Vlpis : Field<1, 1> {};
        struct Last : Field<4, 1> {};
        struct ProcessorNumber : Field<8, 16> {};
        struct AffinityValue : Field<32, 32> {};  // Aff3.Aff2.Aff1.Aff0
        struct Aff0 : Field<32, 8> {};
        struct Aff1 : Field<40, 8> {};
        struct Aff2 : Field<48, 8> {};
        struct Aff3 : Field<56, 8> {};
    };
    // §12.11.42. The CPU interface is asleep after reset until ProcessorSleep
    // is cleared and the redistributor reports ChildrenAsleep == 0.
    struct Waker : Reg<0x0014, u32> {
        struct ProcessorSleep : Field<1, 1> {};
        struct ChildrenAsleep : Field<2, 1> {};
    };
    struct Pidr2 : Reg<0xffe8, u32> {
        struct ArchRev : Field<4, 4> {};
    };
    using Mmio::Mmio;
};

// SGI_base: IGROUPR0, I[SC]ENABLER0, I[SC]PENDR0, I[SC]ACTIVER0, IPRIORITYR0-7
// and ICFGR0-1 at the distributor's offsets, for INTIDs 0-31 of one CPU.
using GicrSgi = gic::IntidRegs<k_frame_size>;

// CPU interface (§12.2), by encoding so that any assembler accepts them.
TN_SYSREG(IccSreEl1, "S3_0_C12_C12_5", u64,  // §12.2.23
          struct Sre : Field<0, 1>{}; struct Dfb : Field<1, 1>{}; struct Dib : Field<2, 1>{};);
TN_SYSREG(IccPmrEl1, "S3_0_C4_C6_0", u64);   // §12.2.19
TN_SYSREG(IccBpr1El1, "S3_0_C12_C12_3", u64);  // §12.2.5
TN_SYSREG(IccCtlrEl1, "S3_0_C12_C12_4", u64,   // §12.2.6
          struct Cbpr : Field<0, 1>{}; struct EoiMode : Field<1, 1>{}; struct Rss : Field<18, 1>{};);
TN_SYSREG(IccIgrpen1El1, "S3_0_C12_C12_7", u64, struct Enable : Field<0, 1>{};);  // §12.2.16
TN_SYSREG(IccIar1El1, "S3_0_C12_C12_0", u64, struct Intid : Field<0, 24>{};);     // §12.2.14
TN_SYSREG(IccEoir1El1, "S3_0_C12_C12_1", u64);  // §12.2.10
TN_SYSREG(IccDirEl1, "S3_0_C12_C11_1", u64);    // §12.2.8
// §12.2.22 ICC_SGI1R_EL1: in arch's register catalogue, which the vGIC decodes it with too.
using arch::IccSgi1rEl1;
TN_SYSREG(IdAa64pfr0El1, "id_aa64pfr0_el1", u64, struct Gic : Field<24, 4>{};);

}  // namespace tn::gicv3
