#include <gtest/gtest.h>
#include <tn/mmio.hpp>
#include <tn/register.hpp>

namespace {

using tn::u32;
using tn::u64;

struct Block : tn::Mmio<0x10> {
    struct Ctl : tn::Reg<0x0, u32> {
        struct Enable : tn::Field<0, 1> {};
        struct Mode : tn::Field<4, 3> {};
    };
    struct Data : tn::RegArray<0x4, u32, 3> {};
    using Mmio::Mmio;
};

TEST(Field, BitsGetSet) {
    using M = Block::Ctl::Mode;
    EXPECT_EQ(M::mask, 0x70u);
    EXPECT_EQ(M::bits(5), 0x50u);
    EXPECT_EQ(M::bits(0xf), 0x70u);  // excess bits dropped
    EXPECT_EQ(M::get(0xffu), 7u);
    EXPECT_EQ(M::set(0xffu, 2), 0xafu);
    EXPECT_EQ((tn::Field<0, 64>::mask), ~u64{0});
}

TEST(Mmio, ReadWriteThroughDeclaredOffsets) {
    u32 mem[4] = {};
    Block b{reinterpret_cast<tn::uptr>(mem)};
    b.write<Block::Ctl>(Block::Ctl::Enable::bits(1) | Block::Ctl::Mode::bits(3));
    b.write<Block::Data>(2, 0xabcd);
    EXPECT_EQ(mem[0], 0x31u);
    EXPECT_EQ(mem[3], 0xabcdu);
    EXPECT_EQ(b.read<Block::Data>(2), 0xabcdu);
}

TEST(Align, Helpers) {
    EXPECT_EQ(tn::align_up(0x1001, 0x1000), 0x2000u);
    EXPECT_EQ(tn::align_down(0x1fff, 0x1000), 0x1000u);
    EXPECT_TRUE(tn::is_pow2(64));
    EXPECT_FALSE(tn::is_pow2(0));
}

}  // namespace
