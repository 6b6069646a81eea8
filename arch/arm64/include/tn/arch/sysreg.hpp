// Typed system-register access and the catalogue of the system registers and
// fields that arch, drivers and Mortise use: each register and each field is
// named here once. One macro, because mrs/msr need the register name as a
// string literal; fields are tn::Field types nested in the register:
//
//   TN_SYSREG(CurrentEl, "CurrentEL", u64, struct El : tn::Field<2, 2> {};)
//   if (CurrentEl::El::get(CurrentEl::read()) == 2) ...
//
// Field positions follow the Arm ARM (DDI 0487, chapter D17 for the AArch64
// system registers) and the GICv3 architecture (IHI 0069H.b, chapter 12). The
// header is portable: nothing here emits an instruction unless read() or
// write() is called, so host tests use the field definitions too, and with
// arch/fake's accessors they also read and write the registers (a
// per-thread register file: one host thread is one CPU).
#pragma once

#include <tn/arch/sysreg_access.hpp>
#include <tn/register.hpp>
#include <tn/types.hpp>

// read()/write() come from TN_SYSREG_ACCESSORS (tn/arch/sysreg_access.hpp):
// mrs/msr here, a per-thread register file in arch/fake for host tests.
#define TN_SYSREG(Name, asm_name, T, ...)          \
    struct Name {                                  \
        using Access = T;                          \
        __VA_ARGS__                                \
        TN_SYSREG_ACCESSORS(Name, asm_name, T)     \
    }

namespace tn::arch {

TN_SYSREG(CurrentEl, "CurrentEL", u64, struct El : Field<2, 2>{};);
// D17.2.101. Affinity fields; bit 31 is RES1. affinity_mask keeps only
// Aff3.Aff2.Aff1.Aff0 (drops U, MT and RES1): the value that names a CPU.
TN_SYSREG(MpidrEl1, "mpidr_el1", u64, struct Aff0 : Field<0, 8>{}; struct Aff1 : Field<8, 8>{};
          struct Aff2 : Field<16, 8>{}; struct Aff3 : Field<32, 8>{}; struct Res1 : Field<31, 1>{};
          static constexpr u64 affinity_mask = Aff0::mask | Aff1::mask | Aff2::mask | Aff3::mask;);
TN_SYSREG(MidrEl1, "midr_el1", u64);  // D17.2.100
TN_SYSREG(CntfrqEl0, "cntfrq_el0", u64);
TN_SYSREG(CntvctEl0, "cntvct_el0", u64);
TN_SYSREG(CntpctEl0, "cntpct_el0", u64);
TN_SYSREG(CntvCtlEl0, "cntv_ctl_el0", u64,  // D17.10.16
          struct Enable : Field<0, 1>{}; struct Imask : Field<1, 1>{}; struct Istatus : Field<2, 1>{};);
TN_SYSREG(CntvCvalEl0, "cntv_cval_el0", u64);  // D17.10.17
// D17.10.4 CNTP_CTL_EL0: the EL1 physical timer, CNTV_CTL_EL0's layout (Mortise keeps it from guests).
TN_SYSREG(CntpCtlEl0, "cntp_ctl_el0", u64,
          struct Enable : Field<0, 1>{}; struct Imask : Field<1, 1>{}; struct Istatus : Field<2, 1>{};);
TN_SYSREG(CntpCvalEl0, "cntp_cval_el0", u64);  // D17.10.5
// D17.10.7 CNTHP_CTL_EL2: the EL2 physical timer, CNTV_CTL_EL0's layout.
TN_SYSREG(CnthpCtlEl2, "cnthp_ctl_el2", u64,
          struct Enable : Field<0, 1>{}; struct Imask : Field<1, 1>{}; struct Istatus : Field<2, 1>{};);
TN_SYSREG(CnthpCvalEl2, "cnthp_cval_el2", u64);  // D17.10.8
// D17.2.64 ID_AA64MMFR0_EL1: PARange, the physical address size (TCR's IPS/PS encoding).
TN_SYSREG(IdAa64mmfr0El1, "id_aa64mmfr0_el1", u64, struct PaRange : Field<0, 4>{};);
// D17.2.61 ID_AA64ISAR0_EL1: RNDR, whether RNDR/RNDRRS exist (FEAT_RNG, Armv8.5).
TN_SYSREG(IdAa64isar0El1, "id_aa64isar0_el1", u64, struct Rndr : Field<60, 4>{};);

// ---- Stage-1 translation of the running exception level ----

// D17.2.97 MAIR_ELx: eight attribute bytes; pgtable::MemType indexes them.
struct Mair {
    static constexpr u64 device_ngnre = 0x04;       // Device-nGnRE
    static constexpr u64 normal_write_back = 0xff;  // Normal, inner/outer write-back, read/write-allocate
    static constexpr u64 normal_non_cacheable = 0x44;
    static constexpr u64 attr(unsigned index, u64 byte) { return byte << (8 * index); }
};
TN_SYSREG(MairEl1, "mair_el1", u64);
TN_SYSREG(MairEl2, "mair_el2", u64);
// D17.2.131 / D17.2.132 TCR_EL1 and (non-VHE) TCR_EL2 agree on the TTBR0 walk
// fields; EL1 adds EPD1 (no TTBR1 walks) and IPS, EL2 has PS and RES1 bits 31, 23.
struct TcrWalk {
    struct T0sz : Field<0, 6> {};
    struct Irgn0 : Field<8, 2> {};
    struct Orgn0 : Field<10, 2> {};
    struct Sh0 : Field<12, 2> {};
    static constexpr u64 cache_wbwa = 1, sh_inner = 3;
};
TN_SYSREG(TcrEl1, "tcr_el1", u64, struct Epd1 : Field<23, 1>{}; struct Ips : Field<32, 3>{};);
TN_SYSREG(TcrEl2, "tcr_el2", u64, struct Ps : Field<16, 3>{}; struct Res1Bit23 : Field<23, 1>{};
          struct Res1Bit31 : Field<31, 1>{}; static constexpr u64 res1 = Res1Bit23::mask | Res1Bit31::mask;);
TN_SYSREG(Ttbr0El1, "ttbr0_el1", u64);
// D17.2.27 CNTKCTL_EL1: EL0VCTEN lets EL0 read the virtual counter.
TN_SYSREG(CntkctlEl1, "cntkctl_el1", u64, struct El0vcten : Field<1, 1>{};);
// D17.2.141 TPIDR_EL0: the EL0 thread pointer.
TN_SYSREG(TpidrEl0, "tpidr_el0", u64);
TN_SYSREG(Ttbr0El2, "ttbr0_el2", u64);
// D17.2.118 / D17.2.119 SCTLR_EL1 and SCTLR_EL2 agree on these enable bits.
struct Sctlr {
    struct M : Field<0, 1> {};
    struct C : Field<2, 1> {};
    struct Sa : Field<3, 1> {};
    struct I : Field<12, 1> {};
    struct Wxn : Field<19, 1> {};
};
TN_SYSREG(SctlrEl1, "sctlr_el1", u64,
          struct Span : Field<23, 1>{};  // 0 = PSTATE.PAN set on exception entry to EL1
          struct Dssbs : Field<44, 1>{};);  // PSTATE.SSBS on exception entry to EL1
// Arm ARM D17.2: the EL1 exception registers, written when Mortise
// injects an exception into a guest (mortise/inject.hpp).
TN_SYSREG(EsrEl1, "esr_el1", u64);
TN_SYSREG(FarEl1, "far_el1", u64);
TN_SYSREG(ElrEl1, "elr_el1", u64);
TN_SYSREG(SpsrEl1, "spsr_el1", u64);
TN_SYSREG(VbarEl1, "vbar_el1", u64);
// ID_AA64MMFR1_EL1.PAN and ID_AA64PFR1_EL1.SSBS (Arm ARM D17.2): 0 = not implemented.
TN_SYSREG(IdAa64mmfr1El1, "id_aa64mmfr1_el1", u64, struct Lo : Field<16, 4>{}; struct Pan : Field<20, 4>{};
          struct Ecbhb : Field<60, 4>{};);
// ID_AA64PFR0_EL1.CSV2: branch targets trained in one context do not steer
// another (1, 2); 3 also covers branch history (FEAT_CSV2_3).
// ID_AA64PFR0_EL1.RAS: the RAS extension's error record registers exist (non-zero).
TN_SYSREG(IdAa64pfr0El1, "id_aa64pfr0_el1", u64, struct Ras : Field<28, 4>{}; struct Csv2 : Field<56, 4>{};);
TN_SYSREG(PmuserenrEl0, "pmuserenr_el0", u64);
TN_SYSREG(MdscrEl1, "mdscr_el1", u64);
TN_SYSREG(IdAa64pfr1El1, "id_aa64pfr1_el1", u64, struct Ssbs : Field<4, 4>{};);
TN_SYSREG(SctlrEl2, "sctlr_el2", u64);

// ---- EL2: virtualization controls (Mortise) ----

// D17.2.48 HCR_EL2. BSU (barrier shareability upgrade) is two bits; 1 = inner shareable.
TN_SYSREG(HcrEl2, "hcr_el2", u64,
          struct Vm : Field<0, 1>{}; struct Swio : Field<1, 1>{}; struct Ptw : Field<2, 1>{}; struct Fmo : Field<3, 1>{};
          struct Imo : Field<4, 1>{}; struct Amo : Field<5, 1>{}; struct Fb : Field<9, 1>{};
          struct Bsu : Field<10, 2>{}; struct Twi : Field<13, 1>{}; struct Twe : Field<14, 1>{}; struct Tsc : Field<19, 1>{}; struct Tidcp : Field<20, 1>{};
          struct Tacr : Field<21, 1>{}; struct Rw : Field<31, 1>{}; struct Tlor : Field<35, 1>{};
          struct Terr : Field<36, 1>{};
          static constexpr u64 bsu_inner_shareable = 1;);
// D17.2.108 MDCR_EL2: which PMU (TPM, TPMCR) and debug (TDA, TDOSA, TDRA)
// register accesses from EL1 and EL0 trap to EL2, where debug exceptions go
// (TDE), the counters EL1 and EL0 may use (HPMN) and whether counting is
// prohibited at EL2 (HPMD, FEAT_PMUv3p1).
TN_SYSREG(MdcrEl2, "mdcr_el2", u64,
          struct Hpmn : Field<0, 5>{}; struct Tpmcr : Field<5, 1>{}; struct Tpm : Field<6, 1>{};
          struct Tde : Field<8, 1>{}; struct Tda : Field<9, 1>{}; struct Tdosa : Field<10, 1>{};
          struct Tdra : Field<11, 1>{}; struct Hpmd : Field<17, 1>{};);
// D17.2.60 ID_AA64DFR0_EL1.PMUVer: 0 no PMU, 1 PMUv3, 4 PMUv3p1 and later, 0xf
// IMPLEMENTATION DEFINED. BRPs and WRPs: breakpoints and watchpoints, minus one.
TN_SYSREG(IdAa64dfr0El1, "id_aa64dfr0_el1", u64,
          struct PmuVer : Field<8, 4>{}; struct Brps : Field<12, 4>{}; struct Wrps : Field<20, 4>{};
          static constexpr u64 pmu_v3p1 = 4; static constexpr u64 pmu_impdef = 0xf;);
// D17.2.177 VTTBR_EL2: stage-2 translation table base and the VMID (8 or 16 bits).
TN_SYSREG(VttbrEl2, "vttbr_el2", u64, struct Baddr : Field<1, 47>{}; struct Vmid : Field<48, 16>{};);
// D17.2.176 VTCR_EL2. Cacheability 1 = write-back write-allocate; SH0 3 = inner
// shareable; SL0 with a 4 KiB granule: 1 = start at level 1; PS: PARange encoding.
TN_SYSREG(VtcrEl2, "vtcr_el2", u64,
          struct T0sz : Field<0, 6>{}; struct Sl0 : Field<6, 2>{}; struct Irgn0 : Field<8, 2>{};
          struct Orgn0 : Field<10, 2>{}; struct Sh0 : Field<12, 2>{}; struct Tg0 : Field<14, 2>{};
          struct Ps : Field<16, 3>{}; struct Res1 : Field<31, 1>{};
          static constexpr u64 sl0_level1 = 1; static constexpr u64 cache_wbwa = 1;
          static constexpr u64 sh_inner = 3;);
TN_SYSREG(VmpidrEl2, "vmpidr_el2", u64);  // D17.2.175: MPIDR_EL1 as the guest reads it
TN_SYSREG(VpidrEl2, "vpidr_el2", u64);    // D17.2.174: MIDR_EL1 as the guest reads it
TN_SYSREG(CntvoffEl2, "cntvoff_el2", u64);  // D17.10.25
// D17.2.71 HPFAR_EL2: FIPA holds bits [51:12] of the faulting IPA.
TN_SYSREG(HpfarEl2, "hpfar_el2", u64, struct Fipa : Field<4, 40>{};);
// C5.2.19 SPSR_EL2: M[4] set means the exception came from AArch32.
TN_SYSREG(SpsrEl2, "spsr_el2", u64, struct M : Field<0, 4>{}; struct Aarch32 : Field<4, 1>{};);

// ---- GICv3 CPU interface registers shared by the driver and the vGIC ----

// IHI 0069H.b §12.2.22 ICC_SGI1R_EL1 (by encoding, S3_0_C12_C11_5, so that
// any assembler accepts it): the SGI INTID and its targets, a TargetList bit n
// naming Aff0 = RS * 16 + n within cluster Aff3.Aff2.Aff1; IRM = 1 means every
// PE except the sender. ICC_ASGI1R_EL1 (op2 6) and ICC_SGI0R_EL1 (op2 7) share
// the layout.
TN_SYSREG(IccSgi1rEl1, "S3_0_C12_C11_5", u64,
          struct TargetList : Field<0, 16>{}; struct Aff1 : Field<16, 8>{}; struct Intid : Field<24, 4>{};
          struct Aff2 : Field<32, 8>{}; struct Irm : Field<40, 1>{}; struct Rs : Field<44, 4>{};
          struct Aff3 : Field<48, 8>{};
          static constexpr unsigned op0 = 3, op1 = 0, crn = 12, crm = 11, op2 = 5;
          static constexpr unsigned op2_asgi1r = 6, op2_sgi0r = 7;);

/// Masks interrupts and waits forever. Never returns.
extern "C" [[noreturn]] void tn_arch_halt();

}  // namespace tn::arch
