#include <gtest/gtest.h>

#include <tn/mem/stack_window.hpp>

using tn::mem::StackWindow;

namespace {

constexpr tn::u64 k_base = 0x40'0000'0000;
constexpr tn::u64 k_slot = 16 * 4096;

TEST(StackWindow, SlotAddresses) {
    StackWindow<4> w(k_base, k_slot);
    EXPECT_EQ(w.max_pages(), 15u);
    EXPECT_EQ(w.slot_base(0), k_base);
    EXPECT_EQ(w.slot_top(0), k_base + k_slot);
    EXPECT_EQ(w.slot_base(3), k_base + 3 * k_slot);
    EXPECT_EQ(w.stack_base(1, 4), k_base + 2 * k_slot - 4 * 4096);
    // The largest stack still leaves the slot's lowest page unmapped.
    EXPECT_EQ(w.stack_base(2, w.max_pages()), w.slot_base(2) + 4096);
}

TEST(StackWindow, HandsOutLowestFreeSlotUntilFull) {
    StackWindow<3> w(k_base, k_slot);
    EXPECT_EQ(w.alloc(), 0);
    EXPECT_EQ(w.alloc(), 1);
    EXPECT_EQ(w.alloc(), 2);
    EXPECT_EQ(w.alloc(), -1);
    EXPECT_TRUE(w.used(1));
    w.free(1);
    EXPECT_FALSE(w.used(1));
    EXPECT_EQ(w.alloc(), 1);
    EXPECT_EQ(w.alloc(), -1);
}

TEST(StackWindow, CountsAcrossBitmapWords) {
    StackWindow<130> w(k_base, k_slot);
    for (int i = 0; i < 130; ++i)
        ASSERT_EQ(w.alloc(), i);
    EXPECT_EQ(w.alloc(), -1);
    w.free(64);
    w.free(129);
    EXPECT_EQ(w.alloc(), 64);
    EXPECT_EQ(w.alloc(), 129);
    EXPECT_FALSE(w.used(130));
}

TEST(StackWindow, ExactlyOneWordOfSlots) {
    StackWindow<64> w(k_base, k_slot);
    for (int i = 0; i < 64; ++i)
        ASSERT_EQ(w.alloc(), i);
    EXPECT_EQ(w.alloc(), -1);
}

}  // namespace
