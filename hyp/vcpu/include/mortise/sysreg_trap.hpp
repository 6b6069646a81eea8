// What a guest's trapped system register access (ESR_EL2.EC 0x18, MSR/MRS)
// is, and what Mortise gives for it. The traps are set by hyp/core: PMU
// registers (MDCR_EL2.TPM, TPMCR), debug registers (MDCR_EL2.TDA, TDOSA,
// TDRA), trace registers (CPTR_EL2.TTA), implementation-defined registers
// (HCR_EL2.TIDCP), ACTLR_EL1 (HCR_EL2.TACR), RAS error records (HCR_EL2.TERR)
// and LORegions (HCR_EL2.TLOR) where the CPU has them, the physical timer
// (CNTHCTL_EL2.EL1PCEN clear) and the GIC's SGI registers (ICH_HCR_EL2).
//
// Guests get no PMU and no hardware breakpoints or watchpoints: those
// registers read as zero and ignore writes (the guest device tree has no PMU
// node; an OS that resets its debug registers at boot, as Linux does, keeps
// running), so a guest can neither count events in Mortise or another guest
// nor set a breakpoint or watchpoint. MDSCR_EL1 is the guest's own (switched
// with its EL1 registers) but only its software-step and debug-enable bits
// can be set: a debugger in the guest (ptrace single-step, kgdb) works, and
// its debug exceptions are taken at the guest's EL1 (MDCR_EL2.TDE clear;
// none can be taken at EL2). ACTLR_EL1 reads as zero and ignores writes; so do
// the RAS error records (ERRIDR_EL1 0: no record to read or disable) and the
// LORegion registers (LORID_EL1 0: no LORegions).
// Everything else trapped is refused (hyp/core: a Tenon guest is stopped, a
// Linux guest gets an undefined instruction).
//
// Portable: decoding and classification only (host-tested).
#pragma once

#include <tn/types.hpp>

namespace mortise::vcpu {

using tn::u64;
using tn::usize;

/// The access an MSR/MRS trap reports (ESR_EL2.ISS, Arm ARM D17.2.37 "ISS
/// encoding for an exception from MSR, MRS or System instruction execution").
struct SysregAccess {
    unsigned op0, op1, crn, crm, op2;
    unsigned rt;  ///< the general register transferred; 31 is xzr
    bool read;    ///< MRS
};

SysregAccess decode_sysreg(u64 esr);

enum class SysregClass {
    Pmu,           ///< PMU registers: read as zero, writes ignored
    Debug,         ///< self-hosted debug registers: read as zero, writes ignored
    OsLockStatus,  ///< OSLSR_EL1: the OS lock exists and is unlocked
    Actlr,         ///< ACTLR_EL1: read as zero, writes ignored
    RasRecord,     ///< RAS error record registers (ERRIDR_EL1, ERRSELR_EL1, ERX*): read as zero, writes ignored
    LoRegion,      ///< LORegion registers (LORSA_EL1 .. LORID_EL1): read as zero, writes ignored
    Mdscr,         ///< MDSCR_EL1: the guest's own, writes limited to k_mdscr_guest_bits
    ImpDef,        ///< implementation defined (op0 3, CRn 11 or 15): refused
    Trace,         ///< trace unit registers (op0 2, op1 1): refused
    Other,         ///< anything else trapped (the physical timer, ...): refused
};

SysregClass classify(const SysregAccess& a);

/// Emulated without a report (Pmu to Mdscr).
constexpr bool emulated(SysregClass c) { return c <= SysregClass::Mdscr; }

/// MDSCR_EL1 bits a guest may set: SS (0, software step), TDCC (12, EL0's
/// debug channel traps to its EL1), KDE (13, debug exceptions at EL1), MDE
/// (15, breakpoints and watchpoints, of which guests have none). Never HDE
/// (halting debug) or the external debug channel's state.
constexpr u64 k_mdscr_guest_bits = 0xb001;

/// The value an MRS of an emulated() class other than Mdscr reads.
u64 emulated_read(SysregClass c);

/// "S3_1_C15_C2_1", the encoding any assembler accepts, into @p buf.
const char* sysreg_name(const SysregAccess& a, char* buf, usize size);

/// What a refused class is, for reports: "an implementation-defined system register".
const char* class_description(SysregClass c);

}  // namespace mortise::vcpu
