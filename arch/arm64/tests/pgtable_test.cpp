// The builder against a reference model: random mappings and unmappings,
// then every page compared with what the model says it should translate to.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <vector>

#include <tn/arch/mmu.hpp>
#include <tn/arch/pgtable.hpp>

using namespace tn::arch::pgtable;
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

struct Expect {
    u64 pa;
    MemType type;
    bool write, exec;
};

TEST(Pgtable, BlocksWhereAlignedPagesElsewhere) {
    Pool pool;
    Builder b(Pool::alloc(&pool), Pool::alloc, &pool);
    ASSERT_TRUE(b.map(0x40000000, 0x40000000, 1ull << 30, MemType::Normal, {true, false}).ok());
    EXPECT_EQ(b.translate(0x40001234).value().level, 1u);
    // A 4 KiB read-only executable page inside splits the 1 GiB block twice.
    ASSERT_TRUE(b.map(0x40201000, 0x40201000, 0x1000, MemType::Normal, {false, true}).ok());
    auto t = b.translate(0x40201ff8).value();
    EXPECT_EQ(t.level, 3u);
    EXPECT_EQ(t.pa, 0x40201ff8u);
    EXPECT_FALSE(t.perms.write);
    EXPECT_TRUE(t.perms.exec);
    auto n = b.translate(0x40202000).value();  // neighbour keeps the block's attributes
    EXPECT_TRUE(n.perms.write);
    EXPECT_FALSE(n.perms.exec);
    EXPECT_EQ(b.translate(0x40400000).value().level, 2u);
}

TEST(Pgtable, DeviceMemoryIsNeverExecutable) {
    Pool pool;
    Builder b(Pool::alloc(&pool), Pool::alloc, &pool);
    ASSERT_TRUE(b.map(0x09000000, 0x09000000, 0x1000, MemType::Device, {true, true}).ok());
    auto t = b.translate(0x09000000).value();
    EXPECT_EQ(t.type, MemType::Device);
    EXPECT_FALSE(t.perms.exec);
}

TEST(Pgtable, RejectsBadRequests) {
    Pool pool;
    Builder b(Pool::alloc(&pool), Pool::alloc, &pool);
    EXPECT_EQ(b.map(0x1001, 0x1000, 0x1000, MemType::Normal, {}).error(), Error::Misaligned);
    EXPECT_EQ(b.map(1ull << 39, 0, 0x1000, MemType::Normal, {}).error(), Error::OutOfRange);
    EXPECT_EQ(b.map(~0xfffull, 0, 0x2000, MemType::Normal, {}).error(), Error::OutOfRange);
    EXPECT_FALSE(b.translate(0x1000).ok());
    pool.limit = pool.tables.size();  // no tables left
    EXPECT_EQ(b.map(0x1000, 0x1000, 0x1000, MemType::Normal, {}).error(), Error::OutOfTables);
}

TEST(Pgtable, LongRangesCrossTableBoundaries) {
    // 2 MiB below a 1 GiB boundary, a whole aligned GiB, 2 MiB above: an L2 block at
    // the last entry of one L2 table, an L1 block, an L2 block in another L2 table.
    Pool pool;
    Builder b(Pool::alloc(&pool), Pool::alloc, &pool);
    const u64 mib2 = 2ull << 20, gib = 1ull << 30;
    const u64 va = 0x3fe00000, pa = 0x13fe00000, size = gib + 2 * mib2;
    ASSERT_TRUE(b.map(va, pa, size, MemType::Normal, {true, false}).ok());
    for (u64 off : {u64{0}, mib2 - 8, mib2, gib + mib2 - 8, gib + mib2, size - 8}) {
        auto t = b.translate(va + off);
        ASSERT_TRUE(t.ok()) << std::hex << off;
        EXPECT_EQ(t.value().pa, pa + off) << std::hex << off;
        bool in_gib = off >= mib2 && off < gib + mib2;
        EXPECT_EQ(t.value().level, in_gib ? 1u : 2u) << std::hex << off;
    }
    EXPECT_FALSE(b.translate(va - 8).ok());
    EXPECT_FALSE(b.translate(va + size).ok());
    // Pages whose PA is not block aligned, across the boundary of two L3 tables.
    ASSERT_TRUE(b.map(0x7ff00000, 0x1000, mib2, MemType::Device, {true, false}).ok());
    for (u64 off = 0; off < mib2; off += 0x1000) {
        auto t = b.translate(0x7ff00000 + off);
        ASSERT_TRUE(t.ok()) << std::hex << off;
        EXPECT_EQ(t.value().pa, 0x1000 + off);
        EXPECT_EQ(t.value().level, 3u);
    }
    // The rest of the L2 block split for those pages keeps the first mapping.
    EXPECT_EQ(b.translate(0x80100000).value().pa, pa + (0x80100000 - va));
    EXPECT_EQ(b.translate(0x80100000).value().type, MemType::Normal);
}

TEST(Pgtable, RandomAgainstModel) {
    std::mt19937_64 rng(7);
    Pool pool;
    pool.limit = 4096;
    Builder b(Pool::alloc(&pool), Pool::alloc, &pool);
    std::map<u64, Expect> model;  // page VA -> expectation; absent = unmapped
    const u64 base = 0x40000000, span = 8ull << 21;  // 16 MiB window
    for (int op = 0; op < 300; ++op) {
        u64 pages_total = span / 4096;
        u64 first = rng() % pages_total;
        u64 count = 1 + rng() % (op % 10 == 0 ? pages_total - first : 64);
        if (first + count > pages_total)
            count = pages_total - first;
        if (op % 20 == 5) {  // occasionally an aligned 2 MiB block
            first = (rng() % 8) * 512;
            count = 512;
        }
        u64 va = base + first * 4096;
        if (rng() % 5 == 0) {
            ASSERT_TRUE(b.unmap(va, count * 4096).ok());
            for (u64 i = 0; i < count; ++i)
                model.erase(va + i * 4096);
        } else {
            u64 pa = 0x80000000 + (rng() % 4) * (2ull << 20) + first * 4096;
            Expect e{pa, static_cast<MemType>(rng() % 3), bool(rng() & 1), bool(rng() & 1)};
            ASSERT_TRUE(b.map(va, pa, count * 4096, e.type, {e.write, e.exec}).ok());
            for (u64 i = 0; i < count; ++i)
                model[va + i * 4096] = {pa + i * 4096, e.type, e.write, e.exec && e.type != MemType::Device};
        }
    }
    for (u64 va = base; va < base + span; va += 4096) {
        auto t = b.translate(va + 8);
        auto it = model.find(va);
        if (it == model.end()) {
            ASSERT_FALSE(t.ok()) << std::hex << va;
            continue;
        }
        ASSERT_TRUE(t.ok()) << std::hex << va;
        EXPECT_EQ(t.value().pa, it->second.pa + 8) << std::hex << va;
        EXPECT_EQ(t.value().type, it->second.type);
        EXPECT_EQ(t.value().perms.write, it->second.write);
        EXPECT_EQ(t.value().perms.exec, it->second.exec);
    }
}

}  // namespace

// tn::arch::mmu::boot_tables() against the builder: the boot map as mmu.cpp
// builds it (RAM, the image's text and rodata remapped, guard pages unmapped,
// the devices) takes no more tables than the bound, for RAM sizes that end in
// a partial or whole gigabyte and images at the start, middle and end of RAM.
TEST(Pgtable, BootTablesBoundsTheBootMap) {
    const tn::arch::mmu::Range devices[] = {{0x08000000, 0x01000000}, {0x09000000, 0x1000}};
    constexpr u64 k_image = 2ull << 20;  // the bound's image size: 2 MiB, at a 2 MiB boundary
    const size_t bound = tn::arch::mmu::boot_tables(0x40000000, k_image, devices, 2);
    EXPECT_EQ(bound, 6u);  // QEMU virt's, as plat/qemu-virt checks ARCH_ARM64_MMU_TABLES against it
    size_t most = 0;
    for (u64 ram_size : {128ull << 20, 1ull << 30, 1536ull << 20, 3ull << 30, 5ull << 30 | 2ull << 20})
        for (u64 image : {0x40200000ull, 0x40000000ull + ram_size / 2 - (ram_size / 2) % k_image,
                          0x40000000ull + ram_size - k_image}) {
            Pool pool;
            Builder b(Pool::alloc(&pool), Pool::alloc, &pool);
            ASSERT_TRUE(b.map(0x40000000, 0x40000000, ram_size, MemType::Normal, {true, false}).ok());
            ASSERT_TRUE(b.map(image, image, 0x6000, MemType::Normal, {false, true}).ok());
            ASSERT_TRUE(b.map(image + 0x6000, image + 0x6000, 0x2000, MemType::Normal, {false, false}).ok());
            ASSERT_TRUE(b.unmap(image + 0x12000, 0x1000).ok());
            ASSERT_TRUE(b.unmap(image + 0x17000, 0x1000).ok());
            for (const auto& d : devices)
                ASSERT_TRUE(b.map(d.base, d.base, d.size, MemType::Device, {true, false}).ok());
            EXPECT_LE(pool.tables.size(), bound) << "RAM " << ram_size << " image at " << image;
            most = std::max(most, pool.tables.size());
        }
    EXPECT_EQ(most, bound);  // the bound is reached: not looser than it needs to be
    // Device ranges sharing a gigabyte or a 2 MiB block count once; a range
    // that is whole 2 MiB blocks needs no level-3 table.
    const tn::arch::mmu::Range shared[] = {{0x09000000, 0x1000}, {0x09010000, 0x1000}};
    EXPECT_EQ(tn::arch::mmu::boot_tables(0x40000000, k_image, shared, 2), 1u + 2u + 1u + 2u);
    const tn::arch::mmu::Range blocks[] = {{0x08000000, 0x01000000}};
    EXPECT_EQ(tn::arch::mmu::boot_tables(0x40000000, k_image, blocks, 1), 1u + 2u + 1u + 1u);
    // RAM not at a gigabyte boundary: a partial first gigabyte as well.
    EXPECT_EQ(tn::arch::mmu::boot_tables(0x40100000, k_image, shared, 2), 1u + 3u + 1u + 2u);
}

// A process's pages (tn/arch/uspace.hpp): EL0 may reach them, the TLB tags
// them with the ASID, EL1 never executes them, and EL0 executes only code.
TEST(Pgtable, UserPagesAreEl0NotGlobalNeverKernelExecutable) {
    namespace d = desc;
    for (bool write : {false, true})
        for (bool exec : {false, true}) {
            u64 a = user_leaf_attributes({write, exec});
            EXPECT_EQ(d::Ap1::get(a), 1u);
            EXPECT_EQ(d::Ng::get(a), 1u);
            EXPECT_EQ(d::Pxn::get(a), 1u);
            EXPECT_EQ(d::Uxn::get(a), exec ? 0u : 1u);
            EXPECT_EQ(d::ApRo::get(a), write ? 0u : 1u);
            EXPECT_EQ(d::AttrIndx::get(a), static_cast<u64>(MemType::Normal));
            EXPECT_EQ(d::Af::get(a), 1u);
        }
    // The kernel's own pages stay EL1-only and global.
    u64 k = leaf_attributes(MemType::Normal, {true, false});
    EXPECT_EQ(d::Ap1::get(k), 0u);
    EXPECT_EQ(d::Ng::get(k), 0u);
}
