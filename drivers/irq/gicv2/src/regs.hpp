// GICv2 register blocks, IHI 0048B.b chapter 4 "Programmers' Model".
#pragma once

#include <tn/drivers/gic_regs.hpp>
#include <tn/mmio.hpp>
#include <tn/register.hpp>

namespace tn::gicv2 {

// §4.3 "Distributor register descriptions": one 4 KiB block.
struct Gicd : gic::IntidRegs<0x1000> {
    // §4.3.1. Bit 0 is EnableGrp0 in the Secure (or only) view and EnableGrp1
    // in the Non-secure view: either way, "our" interrupts.
    struct Ctlr : Reg<0x000, u32> {
        struct Enable : Field<0, 1> {};
    };
    // §4.3.2. Lines implemented: 32 * (ITLinesNumber + 1), at most 1020.
    struct Typer : Reg<0x004, u32> {
        struct ItLinesNumber : Field<0, 5> {};
        struct CpuNumber : Field<5, 3> {};
    };
    // §4.3.12. One byte per INTID, bit n = CPU interface n. Bytes 0-31 are
    // read-only and read as the reading CPU's own interface bit (RAZ on a
    // uniprocessor GIC).
    struct Itargetsr : RegArray<0x800, u8, 1020> {};
    struct ItargetsrWords : RegArray<0x800, u32, 255> {};  // word-accessible too: 4 INTIDs each
    // §4.3.15.
    struct Sgir : Reg<0xf00, u32> {
        struct SgiIntid : Field<0, 4> {};
        struct CpuTargetList : Field<16, 8> {};
        struct TargetListFilter : Field<24, 2> {};
    };
    // Identification registers (§4.3, "Identification registers"): ICPIDR2.
    struct Pidr2 : Reg<0xfe8, u32> {
        struct ArchRev : Field<4, 4> {};
    };
    using IntidRegs::IntidRegs;
};

// TargetListFilter values (§4.3.15).
constexpr u32 k_sgi_to_list = 0;
constexpr u32 k_sgi_to_others = 1;
constexpr u32 k_sgi_to_self = 2;

// §4.4 "CPU interface register descriptions": 8 KiB, GICC_DIR in the second page.
struct Gicc : Mmio<0x2000> {
    // §4.4.1. Bit 0 enables the view's group, bit 9 is EOImodeS (Secure or
    // only view) / EOImodeNS (Non-secure view): EOIR then only drops priority
    // and GICC_DIR deactivates.
    struct Ctlr : Reg<0x0000, u32> {
        struct Enable : Field<0, 1> {};
        struct EoiMode : Field<9, 1> {};
    };
    struct Pmr : Reg<0x0004, u32> {};   // §4.4.2: priority mask
    struct Iar : Reg<0x000c, u32> {     // §4.4.4
        struct InterruptId : Field<0, 10> {};
        struct CpuId : Field<10, 3> {};  // SGIs: the requesting CPU
    };
    struct Eoir : Reg<0x0010, u32> {};  // §4.4.5: priority drop (EOImode 1)
    struct Dir : Reg<0x1000, u32> {};   // §4.4.15: deactivation
    using Mmio::Mmio;
};

}  // namespace tn::gicv2
