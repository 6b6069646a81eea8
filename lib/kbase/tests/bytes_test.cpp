// tn/bytes.hpp: little-endian loads and stores at any alignment, each store
// read back by the matching load, and nothing written past its width.
#include <gtest/gtest.h>

#include <tn/bytes.hpp>

namespace {

TEST(Bytes, LoadsReadLittleEndianAtAnyOffset) {
    const tn::u8 buf[] = {0xff, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    EXPECT_EQ(tn::load_le16(buf + 1), 0x0201u);
    EXPECT_EQ(tn::load_le32(buf + 1), 0x04030201u);
    EXPECT_EQ(tn::load_le64(buf + 1), 0x0807060504030201ull);
    EXPECT_EQ(tn::load_le(buf, 3), 0x0201ffu);
}

TEST(Bytes, StoresWriteLittleEndianAndOnlyTheirWidth) {
    tn::u8 buf[6] = {0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa};
    tn::store_le32(buf + 1, 0x12345678u);
    const tn::u8 want[6] = {0xaa, 0x78, 0x56, 0x34, 0x12, 0xaa};
    for (unsigned i = 0; i < 6; ++i)
        EXPECT_EQ(buf[i], want[i]) << "byte " << i;
    EXPECT_EQ(tn::load_le32(buf + 1), 0x12345678u);
    tn::store_le(buf, 0x0102030405ull, 2);
    EXPECT_EQ(buf[0], 0x05);
    EXPECT_EQ(buf[1], 0x04);
    EXPECT_EQ(buf[2], 0x56) << "a 2-byte store leaves the third";
}

}  // namespace
