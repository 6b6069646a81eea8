// The shared GIC register helpers against plain memory standing in for a
// distributor: every INTID lands on the bit, byte or field the architecture
// gives it.
#include <gtest/gtest.h>

#include <cstring>

#include <tn/drivers/gic_regs.hpp>

namespace tn::gic {
namespace {

struct Fixture : ::testing::Test {
    alignas(8) u8 mem[0x1000] = {};
    IntidRegs<0x1000> regs{reinterpret_cast<uptr>(mem)};

    u32 word_at(usize offset) const {
        u32 v;
        std::memcpy(&v, mem + offset, sizeof v);
        return v;
    }
    void set_word(usize offset, u32 v) { std::memcpy(mem + offset, &v, sizeof v); }
};

TEST_F(Fixture, EnableAndDisableUseTheIntidsBit) {
    enable(regs, 40);
    EXPECT_EQ(word_at(0x104), 1u << 8);
    disable(regs, 40);
    EXPECT_EQ(word_at(0x184), 1u << 8);
    enable(regs, 31);
    EXPECT_EQ(word_at(0x100), 1u << 31);
    EXPECT_TRUE(enabled(regs, 31));
    EXPECT_FALSE(enabled(regs, 30));
}

TEST_F(Fixture, PendingAndPriority) {
    set_pending(regs, 27);
    EXPECT_EQ(word_at(0x200), 1u << 27);
    set_priority(regs, 41, 0xa0);
    EXPECT_EQ(mem[0x400 + 41], 0xa0);
    EXPECT_EQ(mem[0x400 + 40], 0);
    EXPECT_EQ(mem[0x400 + 42], 0);
}

TEST_F(Fixture, TriggerIsTheUpperBitOfTheIntidsField) {
    set_word(0xc08, 0x55555555);  // INTIDs 32-47: odd bits clear, even (reserved) set
    EXPECT_TRUE(write_trigger(regs, 40, irq::Trigger::Edge));
    EXPECT_EQ(word_at(0xc08), 0x55555555u | (1u << 17));
    EXPECT_TRUE(write_trigger(regs, 40, irq::Trigger::Level));
    EXPECT_EQ(word_at(0xc08), 0x55555555u);
    EXPECT_TRUE(write_trigger(regs, 47, irq::Trigger::Edge));
    EXPECT_EQ(word_at(0xc08), 0x55555555u | (1u << 31));
    EXPECT_TRUE(write_trigger(regs, 16, irq::Trigger::Edge));
    EXPECT_EQ(word_at(0xc04), 1u << 1);
}

TEST_F(Fixture, ResetRangeClearsStateAndSetsSpisLevel) {
    std::memset(mem, 0xff, sizeof mem);
    reset_range(regs, 32, 95, 0xa0);
    for (usize w = 1; w <= 2; ++w) {
        EXPECT_EQ(word_at(0x180 + 4 * w), ~0u);
        EXPECT_EQ(word_at(0x280 + 4 * w), ~0u);
        EXPECT_EQ(word_at(0x380 + 4 * w), ~0u);
    }
    EXPECT_EQ(word_at(0x180), ~0u);  // Untouched (was all ones).
    EXPECT_EQ(mem[0x400 + 31], 0xff);
    EXPECT_EQ(mem[0x400 + 32], 0xa0);
    EXPECT_EQ(mem[0x400 + 95], 0xa0);
    EXPECT_EQ(mem[0x400 + 96], 0xff);
    EXPECT_EQ(word_at(0xc04), ~0u);  // PPI configuration left alone.
    for (usize w = 2; w <= 5; ++w)
        EXPECT_EQ(word_at(0xc00 + 4 * w), 0u);
    EXPECT_EQ(word_at(0xc18), ~0u);
}

TEST_F(Fixture, ResetUpToTheLastSpiStopsAtIntid1019) {
    std::memset(mem, 0xff, sizeof mem);
    reset_range(regs, 32, irq::k_spi_last, 0xa0);
    EXPECT_EQ(mem[0x400 + 31], 0xff);
    for (usize id = 32; id <= irq::k_spi_last; ++id)
        ASSERT_EQ(mem[0x400 + id], 0xa0) << id;
    EXPECT_EQ(word_at(0x400 + 1020), ~0u);  // Reserved IPRIORITYR255 untouched.
    EXPECT_EQ(word_at(0x180 + 4 * 31), ~0u);
}

TEST_F(Fixture, ResetOfPrivateIntidsKeepsTheirTriggers) {
    std::memset(mem, 0xff, sizeof mem);
    reset_range(regs, 0, 31, 0x80);
    EXPECT_EQ(word_at(0x180), ~0u);
    EXPECT_EQ(mem[0x400], 0x80);
    EXPECT_EQ(mem[0x400 + 31], 0x80);
    EXPECT_EQ(word_at(0xc00), ~0u);
    EXPECT_EQ(word_at(0xc04), ~0u);
}

TEST_F(Fixture, Group1Range) {
    set_group1(regs, 0, 63);
    EXPECT_EQ(word_at(0x80), ~0u);
    EXPECT_EQ(word_at(0x84), ~0u);
    EXPECT_EQ(word_at(0x88), 0u);
}

}  // namespace
}  // namespace tn::gic
