// Host tests of the buddy page allocator. "Physical memory" is either an aligned
// host buffer (when the test writes patterns into allocated pages) or a made-up
// address range (the allocator never touches managed memory, so it need not exist).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iterator>
#include <map>
#include <random>
#include <vector>

#include <tn/mem/page_alloc.hpp>

namespace {

using namespace tn;
using namespace tn::mem;

constexpr u64 k_page = PageAllocator::k_page_size;

// Metadata buffer for a region of the given size.
struct Meta {
    explicit Meta(u64 region_bytes) : entries(PageAllocator::metadata_bytes(region_bytes) / sizeof(BuddyZone::PageMeta) + 1) {}
    void* data() { return entries.data(); }
    usize size() const { return entries.size() * sizeof(BuddyZone::PageMeta); }
    std::vector<BuddyZone::PageMeta> entries;
};

// An aligned host buffer standing in for physical memory.
class HostRam {
public:
    HostRam(u64 bytes, u64 align) : m_ptr(static_cast<u8*>(std::aligned_alloc(align, bytes))), m_bytes(bytes) {}
    ~HostRam() { std::free(m_ptr); }
    HostRam(const HostRam&) = delete;
    HostRam& operator=(const HostRam&) = delete;
    u64 base() const { return reinterpret_cast<uptr>(m_ptr); }
    u64 bytes() const { return m_bytes; }

private:
    u8* m_ptr;
    u64 m_bytes;
};

u64 addr_of(const Result<PhysAddr, Error>& r) { return r.value().value(); }

// Smallest power of two >= n.
u64 pow2_ceil(u64 n) {
    u64 p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

// Tests written for the default configuration skip themselves when a
// non-default one makes their expectations meaningless.
#define REQUIRE_MAX_ORDER(n)                                         \
    if (PageAllocator::k_max_order < (n))                            \
    GTEST_SKIP() << "needs CONFIG_LIBMEMORY_PAGE_MAX_ORDER >= " << (n)

void add(PageAllocator& pa, Meta& meta, u64 base, u64 bytes) {
    ASSERT_TRUE(pa.add_region(PhysAddr{base}, bytes, meta.data(), meta.size()).ok());
}

TEST(PageAlloc, FreshRegionIsAllFreeInMaximalBlocks) {
    REQUIRE_MAX_ORDER(14);
    PageAllocator pa;
    Meta meta(64 * MiB);
    add(pa, meta, 0x4000'0000, 64 * MiB);  // 1 GiB-aligned base
    EXPECT_EQ(pa.total_page_count(), 64 * MiB / k_page);
    EXPECT_EQ(pa.free_page_count(), 64 * MiB / k_page);
    EXPECT_EQ(pa.largest_free_block(), 64 * MiB);
    EXPECT_EQ(pa.region_count(), 1u);
}

TEST(PageAlloc, BlocksAreNaturallyAligned) {
    REQUIRE_MAX_ORDER(12);
    PageAllocator pa;
    Meta meta(64 * MiB);
    add(pa, meta, 0x4000'0000 + 3 * k_page, 64 * MiB - 3 * k_page);  // unaligned start
    for (unsigned order = 0; order <= 12; ++order) {
        auto r = pa.alloc(order);
        ASSERT_TRUE(r.ok()) << order;
        EXPECT_TRUE(is_aligned(addr_of(r), k_page << order)) << order;
    }
}

TEST(PageAlloc, RegionIsRoundedInwardsToPages) {
    PageAllocator pa;
    Meta meta(16 * k_page);
    add(pa, meta, 0x8000'0100, 16 * k_page);  // 15 whole pages inside
    EXPECT_EQ(pa.total_page_count(), 15u);
    EXPECT_EQ(addr_of(pa.alloc(0)) % k_page, 0u);
}

TEST(PageAlloc, BadRegionsAreRejected) {
    PageAllocator pa;
    Meta meta(64 * MiB);
    EXPECT_EQ(pa.add_region(PhysAddr{0x1000}, k_page - 1, meta.data(), meta.size()).error(), Error::InvalidArgument);
    EXPECT_EQ(pa.add_region(PhysAddr{0x1000}, 64 * MiB, meta.data(), 16).error(), Error::InvalidArgument);
    EXPECT_EQ(pa.add_region(PhysAddr{0x1000}, 64 * MiB, nullptr, meta.size()).error(), Error::InvalidArgument);
    auto* odd = static_cast<u8*>(meta.data()) + 1;
    EXPECT_EQ(pa.add_region(PhysAddr{0x1000}, k_page, odd, meta.size() - 1).error(), Error::InvalidArgument);
    EXPECT_EQ(pa.add_region(PhysAddr{~u64{0} - k_page}, 4 * k_page, meta.data(), meta.size()).error(),
              Error::InvalidArgument);
    add(pa, meta, 0x4000'0000, 16 * MiB);
    Meta meta2(16 * MiB);
    EXPECT_EQ(pa.add_region(PhysAddr{0x40ff'f000}, 16 * MiB, meta2.data(), meta2.size()).error(), Error::Overlap);
    EXPECT_EQ(pa.region_count(), 1u);
}

TEST(PageAlloc, RegionTableFull) {
    PageAllocator pa;
    std::vector<Meta> metas;
    for (usize i = 0; i <= PageAllocator::k_max_regions; ++i)
        metas.emplace_back(k_page);
    for (usize i = 0; i < PageAllocator::k_max_regions; ++i)
        add(pa, metas[i], 0x1000'0000 + i * 0x10'0000, k_page);
    auto& last = metas.back();
    EXPECT_EQ(pa.add_region(PhysAddr{0x2000'0000}, k_page, last.data(), last.size()).error(), Error::TableFull);
}

TEST(PageAlloc, ExhaustionReturnsErrorAndRecovers) {
    REQUIRE_MAX_ORDER(8);
    PageAllocator pa;
    Meta meta(1 * MiB);
    add(pa, meta, 0x4010'0000, 1 * MiB);
    std::vector<u64> pages;
    for (;;) {
        auto r = pa.alloc(0);
        if (!r) {
            EXPECT_EQ(r.error(), Error::OutOfMemory);
            break;
        }
        pages.push_back(addr_of(r));
    }
    EXPECT_EQ(pages.size(), 256u);
    EXPECT_EQ(pa.free_page_count(), 0u);
    EXPECT_EQ(pa.largest_free_block(), 0u);
    EXPECT_EQ(pa.alloc(3).error(), Error::OutOfMemory);
    ASSERT_TRUE(pa.free(PhysAddr{pages[7]}, 0).ok());
    EXPECT_EQ(addr_of(pa.alloc(0)), pages[7]);
    for (u64 p : pages)
        ASSERT_TRUE(pa.free(PhysAddr{p}, 0).ok());
    EXPECT_EQ(pa.free_page_count(), 256u);
    EXPECT_EQ(pa.largest_free_block(), 1 * MiB);  // fully merged again
}

TEST(PageAlloc, FragmentationThenCoalescing) {
    REQUIRE_MAX_ORDER(9);
    PageAllocator pa;
    Meta meta(2 * MiB);
    add(pa, meta, 0x4020'0000, 2 * MiB);
    std::vector<u64> pages;
    while (auto r = pa.alloc(0))
        pages.push_back(addr_of(r));
    for (usize i = 0; i < pages.size(); i += 2)  // free every other page
        ASSERT_TRUE(pa.free(PhysAddr{pages[i]}, 0).ok());
    EXPECT_EQ(pa.free_page_count(), 256u);
    EXPECT_EQ(pa.largest_free_block(), k_page);
    EXPECT_EQ(pa.alloc(1).error(), Error::OutOfMemory);  // half free, nothing contiguous
    for (usize i = 1; i < pages.size(); i += 2)
        ASSERT_TRUE(pa.free(PhysAddr{pages[i]}, 0).ok());
    EXPECT_EQ(pa.largest_free_block(), 2 * MiB);
    EXPECT_TRUE(pa.alloc(9).ok());
}

TEST(PageAlloc, BadFreesAreErrorsAndChangeNothing) {
    PageAllocator pa;
    Meta meta(4 * MiB);
    add(pa, meta, 0x4000'0000, 4 * MiB);
    ASSERT_TRUE(pa.reserve(PhysAddr{0x4000'0000}, k_page).ok());
    u64 a = addr_of(pa.alloc(2));  // 4 pages
    u64 b = addr_of(pa.alloc(0));
    u64 free_before = pa.free_page_count();

    EXPECT_EQ(pa.free(PhysAddr{0x1000}, 0).error(), Error::NotOwned);            // outside every region
    EXPECT_EQ(pa.free(PhysAddr{0x4000'0000}, 0).error(), Error::NotOwned);       // reserved
    EXPECT_EQ(pa.free(PhysAddr{a + 8}, 2).error(), Error::BadPointer);           // not page aligned
    EXPECT_EQ(pa.free(PhysAddr{a + k_page}, 0).error(), Error::BadPointer);      // interior page
    EXPECT_EQ(pa.free(PhysAddr{a}, 1).error(), Error::BadPointer);               // wrong order
    EXPECT_EQ(pa.free(PhysAddr{a}, 99).error(), Error::InvalidArgument);
    EXPECT_EQ(pa.free(PhysAddr{0x4030'0000}, 0).error(), Error::DoubleFree);     // never allocated
    EXPECT_EQ(pa.free_pages(PhysAddr{a}, 3).error(), Error::BadPointer);         // wrong count
    EXPECT_EQ(pa.free_pages(PhysAddr{a}, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(pa.free_page_count(), free_before);

    ASSERT_TRUE(pa.free(PhysAddr{a}, 2).ok());
    EXPECT_EQ(pa.free(PhysAddr{a}, 2).error(), Error::DoubleFree);
    EXPECT_EQ(pa.free(PhysAddr{a + k_page}, 0).error(), Error::DoubleFree);  // inside a free block
    ASSERT_TRUE(pa.free(PhysAddr{b}, 0).ok());
    EXPECT_EQ(pa.free(PhysAddr{b}, 0).error(), Error::DoubleFree);  // after merging with its buddy
    EXPECT_EQ(pa.free_page_count(), 1023u);
}

TEST(PageAlloc, FreePagesValidatesWholeRunFirst) {
    REQUIRE_MAX_ORDER(10);
    PageAllocator pa;
    Meta meta(4 * MiB);
    add(pa, meta, 0x4000'0000, 4 * MiB);
    u64 a = addr_of(pa.alloc_pages(6));  // cut as 4 + 2
    u64 free_before = pa.free_page_count();
    ASSERT_TRUE(pa.free(PhysAddr{a + 4 * k_page}, 1).ok());  // free the tail block alone
    // Now the run's second block is free: the whole call must fail and change nothing.
    EXPECT_EQ(pa.free_pages(PhysAddr{a}, 6).error(), Error::DoubleFree);
    EXPECT_EQ(pa.free_page_count(), free_before + 2);
    ASSERT_TRUE(pa.free_pages(PhysAddr{a}, 4).ok());
    EXPECT_EQ(pa.largest_free_block(), 4 * MiB);
}

TEST(PageAlloc, AllocPagesTakesExactlyCount) {
    REQUIRE_MAX_ORDER(10);
    PageAllocator pa;
    Meta meta(4 * MiB);
    add(pa, meta, 0x4000'0000, 4 * MiB);
    for (u64 count : {1u, 2u, 3u, 5u, 7u, 100u, 257u, 1000u}) {
        u64 before = pa.free_page_count();
        auto r = pa.alloc_pages(count);
        ASSERT_TRUE(r.ok()) << count;
        EXPECT_EQ(pa.free_page_count(), before - count) << count;
        EXPECT_TRUE(is_aligned(addr_of(r), k_page * pow2_ceil(count))) << count;
        ASSERT_TRUE(pa.free_pages(r.value(), count).ok()) << count;
        EXPECT_EQ(pa.free_page_count(), before) << count;
    }
    EXPECT_EQ(pa.largest_free_block(), 4 * MiB);
    EXPECT_EQ(pa.alloc_pages(0).error(), Error::InvalidArgument);
    EXPECT_EQ(pa.alloc_pages((u64{1} << PageAllocator::k_max_order) + 1).error(), Error::InvalidArgument);
    EXPECT_EQ(pa.alloc(PageAllocator::k_max_order + 1).error(), Error::InvalidArgument);
    EXPECT_EQ(pa.alloc_pages(1025).error(), Error::OutOfMemory);
}

TEST(PageAlloc, ReservedRangesAreNeverHandedOut) {
    if (PageAllocator::k_max_reserved < 5)
        GTEST_SKIP() << "needs CONFIG_LIBMEMORY_PAGE_MAX_RESERVED >= 5";
    PageAllocator pa;
    // Recorded before the region exists (e.g. the DTB found first) and after it.
    ASSERT_TRUE(pa.reserve(PhysAddr{0x4012'3456}, 5000).ok());  // pages 0x123, 0x124
    Meta meta(4 * MiB);
    add(pa, meta, 0x4000'0000, 4 * MiB);
    ASSERT_TRUE(pa.reserve(PhysAddr{0x4008'0000}, 37 * k_page).ok());     // "kernel image"
    ASSERT_TRUE(pa.reserve(PhysAddr{0x4008'0000}, 2 * k_page).ok());      // overlapping is fine
    ASSERT_TRUE(pa.reserve(PhysAddr{0x403f'f000}, 16 * k_page).ok());     // runs past the end
    ASSERT_TRUE(pa.reserve(PhysAddr{0x9000'0000}, k_page).ok());          // outside: recorded only
    EXPECT_EQ(pa.reserved_page_count(), 2u + 37u + 1u);
    EXPECT_EQ(pa.free_page_count(), 1024u - 40u);
    auto reserved = [](u64 a) {
        return (a >= 0x4012'3000 && a < 0x4012'5000) || (a >= 0x4008'0000 && a < 0x4008'0000 + 37 * k_page) ||
               a >= 0x403f'f000;
    };
    std::vector<u64> pages;
    while (auto r = pa.alloc(0)) {
        EXPECT_FALSE(reserved(addr_of(r))) << std::hex << addr_of(r);
        pages.push_back(addr_of(r));
    }
    EXPECT_EQ(pages.size(), 1024u - 40u);
    EXPECT_EQ(pa.reserve(PhysAddr{pages[10]}, k_page).error(), Error::Busy);
    for (u64 p : pages)
        ASSERT_TRUE(pa.free(PhysAddr{p}, 0).ok());
    EXPECT_EQ(pa.free_page_count(), 1024u - 40u);
    EXPECT_EQ(pa.reserve(PhysAddr{0x4000'0000}, 0).error(), Error::InvalidArgument);
}

TEST(PageAlloc, ReservationTableFull) {
    PageAllocator pa;
    for (usize i = 0; i < PageAllocator::k_max_reserved; ++i)
        ASSERT_TRUE(pa.reserve(PhysAddr{0x1000 * (i + 1)}, 1).ok());
    EXPECT_EQ(pa.reserve(PhysAddr{0x100'0000}, 1).error(), Error::TableFull);
}

TEST(PageAlloc, MultipleRegionsBestFit) {
    REQUIRE_MAX_ORDER(11);
    if (PageAllocator::k_max_regions < 3)
        GTEST_SKIP() << "needs CONFIG_LIBMEMORY_PAGE_MAX_REGIONS >= 3";
    PageAllocator pa;
    Meta m1(64 * k_page), m2(8 * MiB), m3(3 * k_page);
    add(pa, m1, 0x4000'0000, 64 * k_page);
    add(pa, m2, 0x8000'0000, 8 * MiB);
    add(pa, m3, 0x1'0000'0000, 3 * k_page);
    EXPECT_EQ(pa.total_page_count(), 64u + 2048u + 3u);
    // Single pages come from the region whose smallest fitting block is smallest:
    // the 3-page region is cut into 2 + 1 pages, and the single page is taken.
    EXPECT_EQ(addr_of(pa.alloc(0)), 0x1'0000'2000u);
    // A block larger than the small regions comes from the large one.
    EXPECT_EQ(addr_of(pa.alloc(10)) >> 32, 0u);
    EXPECT_EQ(pa.largest_free_block(), 4 * MiB);
    u64 total = 0;
    while (pa.alloc(0))
        ++total;
    EXPECT_EQ(total, 64u + 2048u + 3u - 1u - 1024u);
}

// Randomized sequences against a reference model of live allocations: no
// overlap, all inside a region, never in a reserved range, aligned, and the
// patterns written into each page survive until the page is freed.
class PageAllocRandom : public ::testing::TestWithParam<u32> {};

struct Live {
    u64 pages;
    unsigned order;  // ~0u: from alloc_pages
};

void fill(u64 addr, u64 pages, u64 tag) {
    for (u64 p = 0; p < pages; ++p) {
        auto* w = reinterpret_cast<u64*>(addr + p * k_page);
        w[0] = tag ^ p;
        w[k_page / 8 - 1] = ~(tag ^ p);
    }
}

bool intact(u64 addr, u64 pages, u64 tag) {
    for (u64 p = 0; p < pages; ++p) {
        auto* w = reinterpret_cast<u64*>(addr + p * k_page);
        if (w[0] != (tag ^ p) || w[k_page / 8 - 1] != ~(tag ^ p))
            return false;
    }
    return true;
}

TEST_P(PageAllocRandom, MatchesReferenceModel) {
    if (PageAllocator::k_max_regions < 2)
        GTEST_SKIP() << "needs CONFIG_LIBMEMORY_PAGE_MAX_REGIONS >= 2";
    std::mt19937_64 rng(GetParam());
    HostRam ram1(8 * MiB, 2 * MiB), ram2(2 * MiB, 64 * KiB);
    // Region 1 starts 3 pages into its buffer; region 2 is a 1.5 MiB tail.
    u64 r1 = ram1.base() + 3 * k_page, r1_end = ram1.base() + ram1.bytes();
    u64 r2 = ram2.base() + 512 * KiB, r2_end = ram2.base() + ram2.bytes();
    Meta m1(r1_end - r1), m2(r2_end - r2);
    PageAllocator pa;
    add(pa, m1, r1, r1_end - r1);
    add(pa, m2, r2, r2_end - r2);
    u64 k1 = r1 + 100 * k_page, k2 = r2 + 17 * k_page + 5;  // "kernel image", "DTB"
    ASSERT_TRUE(pa.reserve(PhysAddr{k1}, 300 * k_page).ok());
    ASSERT_TRUE(pa.reserve(PhysAddr{k2}, 2 * k_page).ok());
    const u64 usable = pa.free_page_count();
    const u64 largest = pa.largest_free_block();
    ASSERT_EQ(usable, pa.total_page_count() - 300 - 3);

    std::map<u64, Live> live;  // address -> allocation
    u64 live_pages = 0, ooms = 0;
    auto in_region = [&](u64 a, u64 n) {
        return (a >= r1 && a + n * k_page <= r1_end) || (a >= r2 && a + n * k_page <= r2_end);
    };
    auto overlaps_reserved = [&](u64 a, u64 n) {
        u64 e = a + n * k_page;
        return (a < k1 + 300 * k_page && k1 < e) || (a < align_up(k2 + 2 * k_page, k_page) && align_down(k2, k_page) < e);
    };
    auto release = [&](std::map<u64, Live>::iterator it) {
        ASSERT_TRUE(intact(it->first, it->second.pages, it->first)) << std::hex << it->first;
        auto r = it->second.order == ~0u ? pa.free_pages(PhysAddr{it->first}, it->second.pages)
                                         : pa.free(PhysAddr{it->first}, it->second.order);
        ASSERT_TRUE(r.ok()) << to_string(r.error());
        live_pages -= it->second.pages;
        live.erase(it);
    };
    for (int step = 0; step < 50000; ++step) {
        bool do_alloc = live.empty() || rng() % 100 < 55;
        if (do_alloc) {
            bool by_order = rng() % 2;
            unsigned order = static_cast<unsigned>(rng() % 100 < 80 ? rng() % 3 : rng() % 9);
            u64 count = by_order ? (u64{1} << order) : 1 + rng() % (rng() % 8 == 0 ? 300 : 12);
            auto r = by_order ? pa.alloc(order) : pa.alloc_pages(count);
            if (!r) {
                ASSERT_EQ(r.error(), Error::OutOfMemory);
                ++ooms;
                continue;
            }
            u64 a = addr_of(r);
            ASSERT_TRUE(in_region(a, count)) << std::hex << a;
            ASSERT_FALSE(overlaps_reserved(a, count)) << std::hex << a;
            ASSERT_TRUE(is_aligned(a, pow2_ceil(count) * k_page));
            auto next = live.lower_bound(a);
            ASSERT_TRUE(next == live.end() || next->first >= a + count * k_page);
            if (next != live.begin()) {
                auto prev = std::prev(next);
                ASSERT_LE(prev->first + prev->second.pages * k_page, a);
            }
            fill(a, count, a);
            live[a] = Live{count, by_order ? order : ~0u};
            live_pages += count;
        } else {
            auto it = live.begin();
            std::advance(it, static_cast<long>(rng() % live.size()));
            release(it);
        }
        ASSERT_EQ(pa.free_page_count(), usable - live_pages);
    }
    EXPECT_GT(ooms, 0u) << "the sequence should reach exhaustion at least once";
    while (!live.empty())
        release(live.begin());
    EXPECT_EQ(pa.free_page_count(), usable);
    EXPECT_EQ(pa.largest_free_block(), largest);
}

INSTANTIATE_TEST_SUITE_P(Seeds, PageAllocRandom, ::testing::Values(1u, 2u, 3u, 0xC0FFEEu, 20240611u));

}  // namespace
