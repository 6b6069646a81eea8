#include <mortise/sysreg_trap.hpp>
#include <tn/arch/esr.hpp>
#include <tn/format.hpp>

namespace mortise::vcpu {

namespace {

namespace iss = tn::arch::esr::sysreg_iss;

// OSLSR_EL1.OSLM = 0b10 (bit 3 set, bit 0 clear): the OS lock is implemented;
// OSLK (bit 1) clear: unlocked (Arm ARM D17.3 OSLSR_EL1).
constexpr u64 k_oslsr_lock_implemented = 0x8;

// PMU registers (Arm ARM D17.5): PMCR_EL0 to PMOVSSET_EL0 are op0 3, op1 3,
// CRn 9, CRm 12-14; PMINTENSET/CLR_EL1 and PMMIR_EL1 op0 3, op1 0, CRn 9,
// CRm 14; PMEVCNTRn, PMEVTYPERn and PMCCFILTR_EL0 op0 3, op1 3, CRn 14, CRm 8-15.
bool is_pmu(const SysregAccess& a) {
    if (a.op0 != 3)
        return false;
    if (a.crn == 9)
        return (a.op1 == 3 && a.crm >= 12 && a.crm <= 14) || (a.op1 == 0 && a.crm == 14);
    return a.crn == 14 && a.op1 == 3 && a.crm >= 8;
}

// RAS error records (Arm ARM D17.2, RAS): ERRIDR_EL1 and ERRSELR_EL1 are
// op0 3, op1 0, CRn 5, CRm 3; ERXFR/CTLR/STATUS/ADDR_EL1 CRm 4; ERXMISCn_EL1 CRm 5.
bool is_ras_record(const SysregAccess& a) {
    return a.op0 == 3 && a.op1 == 0 && a.crn == 5 && a.crm >= 3 && a.crm <= 5;
}

// LORSA_EL1, LOREA_EL1, LORN_EL1, LORC_EL1 (op2 0-3) and LORID_EL1 (op2 7):
// op0 3, op1 0, CRn 10, CRm 4.
bool is_lor(const SysregAccess& a) {
    return a.op0 == 3 && a.op1 == 0 && a.crn == 10 && a.crm == 4 && (a.op2 <= 3 || a.op2 == 7);
}

}  // namespace

SysregAccess decode_sysreg(u64 esr) {
    return {static_cast<unsigned>(iss::Op0::get(esr)), static_cast<unsigned>(iss::Op1::get(esr)),
            static_cast<unsigned>(iss::Crn::get(esr)), static_cast<unsigned>(iss::Crm::get(esr)),
            static_cast<unsigned>(iss::Op2::get(esr)), static_cast<unsigned>(iss::Rt::get(esr)),
            iss::Read::get(esr) != 0};
}

SysregClass classify(const SysregAccess& a) {
    if (a.op0 == 2) {  // debug (op1 0 and 3) and trace (op1 1) registers
        if (a.op1 == 1)
            return SysregClass::Trace;
        if (a.op1 == 0 && a.crn == 1 && a.crm == 1 && a.op2 == 4)
            return a.read ? SysregClass::OsLockStatus : SysregClass::Debug;
        if (a.op1 == 0 && a.crn == 0 && a.crm == 2 && a.op2 == 2)
            return SysregClass::Mdscr;
        return a.op1 == 0 || a.op1 == 3 ? SysregClass::Debug : SysregClass::Other;
    }
    if (is_pmu(a))
        return SysregClass::Pmu;
    if (a.op0 == 3 && (a.crn == 11 || a.crn == 15))
        return SysregClass::ImpDef;
    if (a.op0 == 3 && a.op1 == 0 && a.crn == 1 && a.crm == 0 && a.op2 == 1)
        return SysregClass::Actlr;
    if (is_ras_record(a))
        return SysregClass::RasRecord;
    if (is_lor(a))
        return SysregClass::LoRegion;
    return SysregClass::Other;
}

u64 emulated_read(SysregClass c) { return c == SysregClass::OsLockStatus ? k_oslsr_lock_implemented : 0; }

const char* sysreg_name(const SysregAccess& a, char* buf, usize size) {
    tn::fmt::format(buf, size, "S%u_%u_C%u_C%u_%u", a.op0, a.op1, a.crn, a.crm, a.op2);
    return buf;
}

const char* class_description(SysregClass c) {
    switch (c) {
    case SysregClass::ImpDef:
        return "an implementation-defined system register";
    case SysregClass::Trace:
        return "a trace unit register";
    default:
        return "a system register Mortise does not give guests";
    }
}

}  // namespace mortise::vcpu
