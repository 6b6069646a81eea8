// Host tests of the trapped system register classification: every PMU and
// debug register a guest can name is emulated (and nothing else is), OSLSR_EL1
// models an unlocked OS lock, implementation-defined and trace registers are
// refused, and reports name the register by its encoding.
#include <gtest/gtest.h>

#include <mortise/sysreg_trap.hpp>

using namespace mortise::vcpu;

namespace {

// ESR_EL2 of an MSR/MRS trap (EC 0x18, IL) for S<op0>_<op1>_C<crn>_C<crm>_<op2>.
u64 esr(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2, bool read, unsigned rt = 3) {
    return (u64{0x18} << 26) | (u64{1} << 25) | (u64{op0} << 20) | (u64{op2} << 17) | (u64{op1} << 14) |
           (u64{crn} << 10) | (u64{rt} << 5) | (u64{crm} << 1) | (read ? 1u : 0u);
}

SysregClass cls(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2, bool read = true) {
    return classify(decode_sysreg(esr(op0, op1, crn, crm, op2, read)));
}

TEST(SysregTrap, DecodesTheSyndrome) {
    SysregAccess a = decode_sysreg(esr(3, 1, 15, 2, 1, false, 7));
    EXPECT_EQ(a.op0, 3u);
    EXPECT_EQ(a.op1, 1u);
    EXPECT_EQ(a.crn, 15u);
    EXPECT_EQ(a.crm, 2u);
    EXPECT_EQ(a.op2, 1u);
    EXPECT_EQ(a.rt, 7u);
    EXPECT_FALSE(a.read);
    EXPECT_TRUE(decode_sysreg(esr(3, 1, 15, 2, 1, true)).read);
}

TEST(SysregTrap, EveryPmuRegisterReadsZero) {
    for (unsigned crm = 12; crm <= 14; ++crm)
        for (unsigned op2 = 0; op2 < 8; ++op2)
            EXPECT_EQ(cls(3, 3, 9, crm, op2), SysregClass::Pmu) << crm << " " << op2;  // PMCR_EL0 .. PMOVSSET_EL0
    EXPECT_EQ(cls(3, 0, 9, 14, 1), SysregClass::Pmu);  // PMINTENSET_EL1
    EXPECT_EQ(cls(3, 0, 9, 14, 2), SysregClass::Pmu);  // PMINTENCLR_EL1
    for (unsigned crm = 8; crm <= 15; ++crm)
        EXPECT_EQ(cls(3, 3, 14, crm, 5, false), SysregClass::Pmu);  // PMEVCNTRn, PMEVTYPERn, PMCCFILTR_EL0
    EXPECT_TRUE(emulated(SysregClass::Pmu));
    EXPECT_EQ(emulated_read(SysregClass::Pmu), 0u);
}

TEST(SysregTrap, TimersAndOtherCrn9And14RegistersAreNotPmu) {
    EXPECT_EQ(cls(3, 3, 14, 2, 1), SysregClass::Other);  // CNTP_CTL_EL0: the physical timer is Mortise's
    EXPECT_EQ(cls(3, 3, 14, 0, 1), SysregClass::Other);  // CNTPCT_EL0
    EXPECT_EQ(cls(3, 0, 9, 9, 0), SysregClass::Other);   // PMSCR_EL1 (statistical profiling)
    EXPECT_FALSE(emulated(SysregClass::Other));
}

TEST(SysregTrap, DebugRegistersReadZeroAndTheOsLockIsUnlocked) {
    EXPECT_EQ(cls(2, 0, 0, 2, 2), SysregClass::Mdscr);          // MDSCR_EL1: the guest's, masked
    EXPECT_TRUE(emulated(SysregClass::Mdscr));
    EXPECT_EQ(k_mdscr_guest_bits & (u64{1} << 14), 0u);  // never HDE: no halting debug for guests
    EXPECT_EQ(cls(2, 0, 0, 0, 4, false), SysregClass::Debug);   // DBGBVR0_EL1
    EXPECT_EQ(cls(2, 0, 0, 15, 7, false), SysregClass::Debug);  // DBGWCR15_EL1
    EXPECT_EQ(cls(2, 0, 1, 0, 4, false), SysregClass::Debug);   // OSLAR_EL1 (Linux clears the lock at boot)
    EXPECT_EQ(cls(2, 0, 1, 3, 4, false), SysregClass::Debug);   // OSDLR_EL1
    EXPECT_EQ(cls(2, 3, 0, 1, 0), SysregClass::Debug);          // MDCCSR_EL0
    EXPECT_EQ(cls(2, 0, 1, 1, 4), SysregClass::OsLockStatus);   // OSLSR_EL1
    EXPECT_EQ(emulated_read(SysregClass::OsLockStatus), 0x8u);  // OSLM 0b10, OSLK clear
    EXPECT_EQ(emulated_read(SysregClass::Debug), 0u);
}

TEST(SysregTrap, ImplementationDefinedAndTraceRegistersAreRefused) {
    EXPECT_EQ(cls(3, 1, 15, 2, 1, false), SysregClass::ImpDef);  // CPUECTLR_EL1 (Cortex-A53/A55)
    EXPECT_EQ(cls(3, 1, 15, 2, 0), SysregClass::ImpDef);         // CPUACTLR_EL1
    EXPECT_EQ(cls(3, 1, 11, 0, 2, false), SysregClass::ImpDef);  // L2CTLR_EL1
    EXPECT_EQ(cls(3, 0, 15, 0, 0), SysregClass::ImpDef);
    EXPECT_EQ(cls(2, 1, 0, 1, 0, false), SysregClass::Trace);  // TRCPRGCTLR
    EXPECT_FALSE(emulated(SysregClass::ImpDef));
    EXPECT_FALSE(emulated(SysregClass::Trace));
    EXPECT_STREQ(class_description(SysregClass::ImpDef), "an implementation-defined system register");
}

TEST(SysregTrap, ActlrEl1ReadsZeroButSctlrEl1IsNotEmulated) {
    EXPECT_EQ(cls(3, 0, 1, 0, 1, false), SysregClass::Actlr);
    EXPECT_TRUE(emulated(SysregClass::Actlr));
    EXPECT_EQ(emulated_read(SysregClass::Actlr), 0u);
    EXPECT_EQ(cls(3, 0, 1, 0, 0), SysregClass::Other);  // SCTLR_EL1 never traps; if it did, refused
}

TEST(SysregTrap, RasRecordsAndLoRegionsReadZero) {
    EXPECT_EQ(cls(3, 0, 5, 3, 0), SysregClass::RasRecord);         // ERRIDR_EL1: no records
    EXPECT_EQ(cls(3, 0, 5, 3, 1, false), SysregClass::RasRecord);  // ERRSELR_EL1
    EXPECT_EQ(cls(3, 0, 5, 4, 1, false), SysregClass::RasRecord);  // ERXCTLR_EL1: cannot turn detection off
    EXPECT_EQ(cls(3, 0, 5, 5, 3), SysregClass::RasRecord);         // ERXMISC3_EL1
    EXPECT_EQ(cls(3, 0, 5, 2, 0), SysregClass::Other);             // AFSR0_EL1: not a record
    EXPECT_EQ(cls(3, 0, 10, 4, 7), SysregClass::LoRegion);         // LORID_EL1: no LORegions
    EXPECT_EQ(cls(3, 0, 10, 4, 3, false), SysregClass::LoRegion);  // LORC_EL1
    EXPECT_EQ(cls(3, 0, 10, 4, 4), SysregClass::Other);
    EXPECT_TRUE(emulated(SysregClass::RasRecord));
    EXPECT_TRUE(emulated(SysregClass::LoRegion));
    EXPECT_EQ(emulated_read(SysregClass::LoRegion), 0u);
}

TEST(SysregTrap, NamesTheEncoding) {
    char buf[24];
    EXPECT_STREQ(sysreg_name(decode_sysreg(esr(3, 1, 15, 2, 1, false)), buf, sizeof buf), "S3_1_C15_C2_1");
    char tiny[6];
    EXPECT_STREQ(sysreg_name(decode_sysreg(esr(3, 1, 15, 2, 1, false)), tiny, sizeof tiny), "S3_1_");
}

}  // namespace
