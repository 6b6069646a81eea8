#include <gtest/gtest.h>

#include <tn/arch/esr.hpp>
#include <tn/arch/sysreg.hpp>

using namespace tn::arch;

TEST(Esr, Fields) {
    // A write to a read-only page at EL1: EC 0x25, IL, WnR, DFSC 0x0f.
    tn::u64 v = (0x25ull << 26) | (1ull << 25) | (1 << 6) | 0x0f;
    EXPECT_EQ(esr::ec(v), 0x25u);
    EXPECT_TRUE(esr::il(v));
    EXPECT_TRUE(esr::is_abort(esr::ec(v)));
    EXPECT_TRUE(esr::write_not_read(v));
    EXPECT_EQ(esr::fsc(v), 0x0fu);
    EXPECT_FALSE(esr::far_not_valid(v));
    EXPECT_STREQ(esr::ec_name(esr::ec(v)), "data abort (same EL)");
}

TEST(Esr, FaultStatusDescriptions) {
    char buf[48];
    EXPECT_STREQ(esr::fsc_describe(0x07, buf, sizeof buf), "translation fault, level 3");
    EXPECT_STREQ(esr::fsc_describe(0x0d, buf, sizeof buf), "permission fault, level 1");
    EXPECT_STREQ(esr::fsc_describe(0x21, buf, sizeof buf), "alignment fault");
    EXPECT_STREQ(esr::fsc_describe(0x3f, buf, sizeof buf), "other fault");
    char tiny[6];
    EXPECT_STREQ(esr::fsc_describe(0x04, tiny, sizeof tiny), "trans");
}

TEST(Esr, NamesEveryClassOrReserved) {
    EXPECT_STREQ(esr::ec_name(0x00), "unknown reason (undefined instruction)");
    EXPECT_STREQ(esr::ec_name(0x21), "instruction abort (same EL)");
    EXPECT_STREQ(esr::ec_name(0x3f), "reserved");
}

TEST(Esr, DataAbortSyndromeFields) {
    // str w1, [x0] from EL1 to an unmapped IPA, as taken to EL2: EC 0x24, IL,
    // ISV, SAS 2 (a word), SRT 1, WnR, DFSC 0x06 (translation fault, level 2).
    const tn::u64 v = 0x9381'0046;
    namespace a = esr::abort_iss;
    EXPECT_EQ(esr::ec(v), esr::ec_code::data_abort_lower);
    EXPECT_TRUE(esr::il(v));
    EXPECT_EQ(a::Isv::get(v), 1u);
    EXPECT_EQ(a::Sas::get(v), 2u);
    EXPECT_EQ(a::Sse::get(v), 0u);
    EXPECT_EQ(a::Srt::get(v), 1u);
    EXPECT_EQ(a::Sf::get(v), 0u);
    EXPECT_TRUE(esr::write_not_read(v));
    EXPECT_EQ(esr::fsc(v), 0x06u);
    // ldrsh x5, [x2]: SSE and SF set, a read of half a word into x5.
    const tn::u64 r = esr::Ec::bits(esr::ec_code::data_abort_lower) | a::Isv::bits(1) | a::Sas::bits(1) |
                      a::Sse::bits(1) | a::Srt::bits(5) | a::Sf::bits(1);
    EXPECT_EQ(r, 0x9165'8000u);
    EXPECT_FALSE(esr::write_not_read(r));
}

TEST(Esr, SystemRegisterTrapNamesIccSgi1r) {
    // msr ICC_SGI1R_EL1, x3 trapped to EL2 (EC 0x18): S3_0_C12_C11_5, Rt 3, a write.
    const tn::u64 v = 0x623a'3076;
    namespace s = esr::sysreg_iss;
    EXPECT_EQ(esr::ec(v), esr::ec_code::sysreg);
    EXPECT_EQ(s::Op0::get(v), IccSgi1rEl1::op0);
    EXPECT_EQ(s::Op1::get(v), IccSgi1rEl1::op1);
    EXPECT_EQ(s::Crn::get(v), IccSgi1rEl1::crn);
    EXPECT_EQ(s::Crm::get(v), IccSgi1rEl1::crm);
    EXPECT_EQ(s::Op2::get(v), IccSgi1rEl1::op2);
    EXPECT_EQ(s::Rt::get(v), 3u);
    EXPECT_EQ(s::Read::get(v), 0u);
}

TEST(SysregCatalogue, KnownValues) {
    EXPECT_EQ(MpidrEl1::affinity_mask, 0xff'00ff'ffffull);
    // SGI 1 to the CPU with affinity 1.2.3.3 (RS 0, TargetList bit 3).
    const tn::u64 sgi = IccSgi1rEl1::Intid::bits(1) | IccSgi1rEl1::TargetList::bits(1u << 3) |
                        IccSgi1rEl1::Aff1::bits(3) | IccSgi1rEl1::Aff2::bits(2) | IccSgi1rEl1::Aff3::bits(1);
    EXPECT_EQ(sgi, 0x0001'0002'0103'0008ull);
    EXPECT_EQ(VttbrEl2::Vmid::bits(5), 5ull << 48);
    EXPECT_EQ(HpfarEl2::Fipa::get(0x0000'0000'0123'4560ull) << 12, 0x1'2345'6000ull);
}
