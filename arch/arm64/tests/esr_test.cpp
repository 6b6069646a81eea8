#include <gtest/gtest.h>

#include <tn/arch/esr.hpp>

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
