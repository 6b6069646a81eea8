// Stage-2 tables built on the host: block sizes chosen by alignment, the
// stage-2 attribute encoding (read back from the raw descriptors, not only
// through translate()), permission overrides splitting blocks, VMID in
// VTTBR_EL2, VTCR_EL2 fields, and refusals (misaligned, out of range, out of
// tables) that leave earlier mappings intact.
#include <gtest/gtest.h>

#include <cstdlib>
#include <type_traits>
#include <vector>

#include <mortise/stage2.hpp>

using namespace mortise::stage2;
using tn::Ipa;
using tn::PhysAddr;
using tn::u64;

namespace {

struct Pool {
    std::vector<u64*> tables;
    size_t limit = 64;
    ~Pool() {
        for (auto* t : tables)
            std::free(t);
    }
    static u64* alloc(void* ctx) {
        auto* p = static_cast<Pool*>(ctx);
        if (p->tables.size() >= p->limit)
            return nullptr;
        auto* t = static_cast<u64*>(std::aligned_alloc(4096, 4096));
        std::fill(t, t + 512, 0);
        p->tables.push_back(t);
        return t;
    }
};

// The API takes guest-physical and host-physical addresses as distinct types:
// swapped, or given as plain integers, the calls do not compile.
template <class I, class P>
constexpr bool k_maps = requires(Table t, I ipa, P pa) { t.map(ipa, pa, k_page, Mem::Normal, Perms{}); };
template <class I>
constexpr bool k_translates = requires(const Table t, I ipa) { t.translate(ipa); };
template <class I>
constexpr bool k_unmaps = requires(Table t, I ipa) { t.unmap(ipa, k_page); };
static_assert(k_maps<Ipa, PhysAddr>);
static_assert(!k_maps<PhysAddr, Ipa>, "map(PhysAddr, Ipa) swapped must not compile");
static_assert(!k_maps<u64, u64> && !k_maps<Ipa, u64> && !k_maps<Ipa, Ipa> && !k_maps<tn::VirtAddr, PhysAddr>);
static_assert(k_translates<Ipa> && !k_translates<PhysAddr> && !k_translates<u64>);
static_assert(k_unmaps<Ipa> && !k_unmaps<PhysAddr> && !k_unmaps<u64>);
static_assert(std::is_same_v<decltype(Translation::pa), PhysAddr>);

constexpr u64 MiB = 1 << 20, GiB = u64{1} << 30;
constexpr Perms rwx{true, true, true}, rw{true, true, false}, ro{true, false, false};

struct Fixture : ::testing::Test {
    Pool pool;
    u64* root = Pool::alloc(&pool);
    Table t{root, Pool::alloc, &pool, 5};
};

using Stage2 = Fixture;

TEST_F(Stage2, RamIn2MiBBlocks) {
    ASSERT_TRUE(t.map(Ipa{0x4000'0000}, PhysAddr{0x5000'0000}, 64 * MiB, Mem::Normal, rwx).ok());
    auto tr = t.translate(Ipa{0x4123'4567});
    ASSERT_TRUE(tr.ok());
    EXPECT_EQ(tr.value().pa.value(), 0x5123'4567u);
    EXPECT_EQ(tr.value().level, 2u);
    EXPECT_EQ(tr.value().mem, Mem::Normal);
    EXPECT_TRUE(tr.value().perms.read && tr.value().perms.write && tr.value().perms.exec);
    EXPECT_FALSE(t.translate(Ipa{0x4000'0000 + 64 * MiB}).ok());
    EXPECT_FALSE(t.translate(Ipa{0x3fff'f000}).ok());
    EXPECT_EQ(pool.tables.size(), 2u);  // root + one level-2 table
}

TEST_F(Stage2, GiBAlignedUses1GiBBlocks) {
    ASSERT_TRUE(t.map(Ipa{GiB}, PhysAddr{2 * GiB}, 2 * GiB, Mem::Normal, rw).ok());
    auto tr = t.translate(Ipa{GiB + 12345});
    ASSERT_TRUE(tr.ok());
    EXPECT_EQ(tr.value().level, 1u);
    EXPECT_EQ(tr.value().pa.value(), 2 * GiB + 12345);
    EXPECT_FALSE(tr.value().perms.exec);
    EXPECT_EQ(pool.tables.size(), 1u);
}

TEST_F(Stage2, PagesForUnalignedRegions) {
    ASSERT_TRUE(t.map(Ipa{0x0c00'0000}, PhysAddr{0x0c00'0000}, 0x1000, Mem::Device, rw).ok());
    auto tr = t.translate(Ipa{0x0c00'0ff8});
    ASSERT_TRUE(tr.ok());
    EXPECT_EQ(tr.value().level, 3u);
    EXPECT_EQ(tr.value().mem, Mem::Device);
    EXPECT_FALSE(tr.value().perms.exec);  // device memory is never executable
    EXPECT_FALSE(t.translate(Ipa{0x0c00'1000}).ok());
}

TEST_F(Stage2, RawDescriptorEncoding) {
    ASSERT_TRUE(t.map(Ipa{0x4000'0000}, PhysAddr{0x8000'0000}, 2 * MiB, Mem::Normal, ro).ok());
    ASSERT_TRUE(t.map(Ipa{0x0800'0000}, PhysAddr{0x0800'0000}, 0x1000, Mem::Device, rw).ok());
    // Walk by hand: L1 index 1 -> L2 index 0 is a block.
    u64 l1 = root[1];
    ASSERT_EQ(l1 & 3, 3u);  // table
    u64* l2 = reinterpret_cast<u64*>(l1 & 0x0000'ffff'ffff'f000ull);
    u64 d = l2[0];
    EXPECT_EQ(d & 3, 1u);                      // block
    EXPECT_EQ(d & 0x0000'ffff'ffff'f000ull, 0x8000'0000u);
    EXPECT_EQ((d >> 2) & 0xf, 0xfu);           // MemAttr: Normal write-back
    EXPECT_EQ((d >> 6) & 3, 1u);               // S2AP: read-only
    EXPECT_EQ((d >> 8) & 3, 3u);               // inner shareable
    EXPECT_EQ((d >> 10) & 1, 1u);              // AF
    EXPECT_EQ((d >> 54) & 1, 1u);              // XN
    EXPECT_EQ(leaf_attributes(Mem::Device, rw) & 0x7fc, (1u << 2) | (3u << 6) | (1u << 10));  // no SH for Device
    EXPECT_EQ(leaf_attributes(Mem::Device, rwx) >> 54 & 1, 1u);
    EXPECT_EQ(leaf_attributes(Mem::Normal, {false, false, true}) & (3u << 6), 0u);  // execute-only: no S2AP
}

// Inter-VM channel memory with a Linux member: Normal Non-cacheable (MemAttr 0b0101), inner
// shareable like all Normal memory, and it reads back as such.
TEST_F(Stage2, NormalNonCacheable) {
    ASSERT_TRUE(t.map(Ipa{0x2001'0000}, PhysAddr{0x7000'0000}, 0x10000, Mem::NormalNc, {true, true, false}).ok());
    auto tr = t.translate(Ipa{0x2001'0040});
    ASSERT_TRUE(tr.ok());
    EXPECT_EQ(tr.value().mem, Mem::NormalNc);
    EXPECT_EQ(tr.value().pa, PhysAddr{0x7000'0040});
    EXPECT_TRUE(tr.value().perms.write);
    EXPECT_FALSE(tr.value().perms.exec);
    const u64 a = leaf_attributes(Mem::NormalNc, {true, false, false});
    EXPECT_EQ((a >> 2) & 0xf, 0x5u);  // MemAttr: Normal, outer and inner non-cacheable
    EXPECT_EQ((a >> 6) & 3, 1u);      // S2AP: read-only
    EXPECT_EQ((a >> 8) & 3, 3u);      // inner shareable
    EXPECT_EQ((a >> 54) & 1, 1u);     // XN
}

TEST_F(Stage2, OverrideSplitsBlock) {
    ASSERT_TRUE(t.map(Ipa{0x4000'0000}, PhysAddr{0x6000'0000}, 4 * MiB, Mem::Normal, rwx).ok());
    ASSERT_TRUE(t.map(Ipa{0x4010'0000}, PhysAddr{0x6010'0000}, 0x1000, Mem::Normal, ro).ok());
    auto a = t.translate(Ipa{0x4010'0010});
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a.value().level, 3u);
    EXPECT_FALSE(a.value().perms.write);
    auto b = t.translate(Ipa{0x4010'1000});  // the rest of the split block keeps its mapping
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.value().level, 3u);
    EXPECT_EQ(b.value().pa.value(), 0x6010'1000u);
    EXPECT_TRUE(b.value().perms.write);
    auto c = t.translate(Ipa{0x4020'0000});  // the next block is untouched
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.value().level, 2u);
}

TEST_F(Stage2, UnmapLeavesHole) {
    ASSERT_TRUE(t.map(Ipa{0x4000'0000}, PhysAddr{0x6000'0000}, 2 * MiB, Mem::Normal, rwx).ok());
    ASSERT_TRUE(t.unmap(Ipa{0x4000'2000}, 0x1000).ok());
    EXPECT_FALSE(t.translate(Ipa{0x4000'2000}).ok());
    EXPECT_TRUE(t.translate(Ipa{0x4000'1000}).ok());
    EXPECT_TRUE(t.translate(Ipa{0x4000'3000}).ok());
}

TEST_F(Stage2, Refusals) {
    ASSERT_TRUE(t.map(Ipa{0x4000'0000}, PhysAddr{0x6000'0000}, 2 * MiB, Mem::Normal, rwx).ok());
    auto r = t.map(Ipa{0x4000'0800}, PhysAddr{0x6000'0000}, 0x1000, Mem::Normal, rwx);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), Error::Misaligned);
    r = t.map(Ipa{(u64{1} << 39) - 0x1000}, PhysAddr{0}, 0x2000, Mem::Normal, rwx);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), Error::OutOfRange);
    EXPECT_EQ(t.translate(Ipa{u64{1} << 39}).error(), Error::OutOfRange);
    pool.limit = pool.tables.size();
    r = t.map(Ipa{0x0c00'0000}, PhysAddr{0x0c00'0000}, 0x1000, Mem::Device, rw);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), Error::OutOfTables);
    EXPECT_STREQ(error_name(r.error()), "OutOfTables");
    EXPECT_TRUE(t.translate(Ipa{0x4000'0000}).ok());
}

TEST_F(Stage2, VttbrAndVtcr) {
    EXPECT_EQ(t.vttbr() & 0x0000'ffff'ffff'ffffull, reinterpret_cast<u64>(root));
    EXPECT_EQ(t.vttbr() >> 48, 5u);
    u64 v = vtcr(2);                 // 40-bit PA
    EXPECT_EQ(v & 0x3f, 25u);        // T0SZ: 39-bit IPA
    EXPECT_EQ((v >> 6) & 3, 1u);     // SL0: start at level 1
    EXPECT_EQ((v >> 14) & 3, 0u);    // TG0: 4 KiB
    EXPECT_EQ((v >> 16) & 7, 2u);    // PS
    EXPECT_EQ((v >> 31) & 1, 1u);    // RES1
    EXPECT_EQ((vtcr(6) >> 16) & 7, 5u);
}

// Two guests' tables never share a table page, and each maps only its own RAM.
TEST(Stage2Isolation, SeparateTables) {
    Pool pool;
    Table a{Pool::alloc(&pool), Pool::alloc, &pool, 1};
    Table b{Pool::alloc(&pool), Pool::alloc, &pool, 2};
    ASSERT_TRUE(a.map(Ipa{0x4000'0000}, PhysAddr{0x4400'0000}, 32 * MiB, Mem::Normal, rwx).ok());
    ASSERT_TRUE(b.map(Ipa{0x4000'0000}, PhysAddr{0x4600'0000}, 32 * MiB, Mem::Normal, rwx).ok());
    EXPECT_EQ(a.translate(Ipa{0x4000'0000}).value().pa.value(), 0x4400'0000u);
    EXPECT_EQ(b.translate(Ipa{0x4000'0000}).value().pa.value(), 0x4600'0000u);
    EXPECT_FALSE(a.translate(Ipa{0x4200'0000}).ok());
    EXPECT_NE(a.vttbr() >> 48, b.vttbr() >> 48);
}

}  // namespace
