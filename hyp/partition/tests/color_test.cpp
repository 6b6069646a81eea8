// Host tests of LLC page colouring (mortise/color.hpp): the page allocator Mortise builds a
// coloured guest's RAM with, the cache geometry read from a host tree, and the `colors`
// property's rules in the partition description. Blobs come from lib/fdt's test builder.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <mortise/color.hpp>
#include <mortise/partition.hpp>
#include <tn/plat/mortise_qemu_virt.hpp>

#include "dtb_builder.hpp"

namespace mortise {
namespace {

using color::ColorSet;
using color::PageRuns;
using color::Region;
using tn::PhysAddr;
using tn::fdt::test::Buffer;
using tn::fdt::test::DtbBuilder;
using Bytes = std::vector<u8>;

constexpr u64 k_page = color::k_page;

/// Every page PageRuns gives, in order, runs of at most @p max bytes.
std::vector<u64> pages(PageRuns runs, u64 max = ~u64{0} & ~(k_page - 1)) {
    std::vector<u64> out;
    for (Region r = runs.next(max); r.size != 0; r = runs.next(max)) {
        EXPECT_EQ(r.base.value() % k_page, 0u);
        EXPECT_EQ(r.size % k_page, 0u);
        EXPECT_LE(r.size, max);
        for (u64 at = 0; at < r.size; at += k_page)
            out.push_back(r.base.value() + at);
    }
    return out;
}

TEST(ColorMath, ColourOfAPage) {
    EXPECT_TRUE(color::valid_count(1));
    EXPECT_TRUE(color::valid_count(16));
    EXPECT_TRUE(color::valid_count(64));
    EXPECT_FALSE(color::valid_count(0));
    EXPECT_FALSE(color::valid_count(12));
    EXPECT_FALSE(color::valid_count(128));
    EXPECT_EQ(color::color_of(PhysAddr{0x4000'0000}, 16), 0u);
    EXPECT_EQ(color::color_of(PhysAddr{0x4000'1fff}, 16), 1u);
    EXPECT_EQ(color::color_of(PhysAddr{0x4000'f000}, 16), 15u);
    EXPECT_EQ(color::color_of(PhysAddr{0x4001'0000}, 16), 0u);
    EXPECT_EQ(color::all(16), 0xffffu);
    EXPECT_EQ(color::all(64), ~u64{0});
}

// One 1 MiB bank, 16 colours, colours {1, 2}: two adjacent pages out of every 16, ascending.
TEST(ColorAllocator, GivesOnlyPagesOfTheSetInAddressOrder) {
    const Region ram[] = {{PhysAddr{0x4000'0000}, 0x10'0000}};
    std::vector<u64> got = pages(PageRuns(ram, 1, nullptr, 0, 0b110, 16));
    ASSERT_EQ(got.size(), 0x10'0000 / k_page / 16 * 2);
    for (size_t i = 0; i < got.size(); ++i) {
        const unsigned c = color::color_of(PhysAddr{got[i]}, 16);
        EXPECT_TRUE(c == 1 || c == 2) << std::hex << got[i];
        if (i) {
            EXPECT_GT(got[i], got[i - 1]);
        }
    }
    EXPECT_EQ(got.front(), 0x4000'1000u);
    // Runs: pages 1-2 of each 64 KiB are adjacent, so they come as one 8 KiB run.
    PageRuns runs(ram, 1, nullptr, 0, 0b110, 16);
    Region r = runs.next(0x10'0000);
    EXPECT_EQ(r.base.value(), 0x4000'1000u);
    EXPECT_EQ(r.size, 2 * k_page);
    // max cuts a run; the rest follows.
    PageRuns cut(ram, 1, nullptr, 0, 0b110, 16);
    EXPECT_EQ(cut.next(k_page).size, k_page);
    EXPECT_EQ(cut.next(k_page).base.value(), 0x4000'2000u);
}

// Taken regions (Mortise, the host tree, guests in one piece) are never given, also when they
// are not page aligned or overlap each other, and the banks are walked in address order.
TEST(ColorAllocator, SkipsTakenRegionsAndSortsBanks) {
    const Region ram[] = {{PhysAddr{0x8000'0000}, 0x20'0000}, {PhysAddr{0x4000'0000}, 0x40'0000}};
    const Region taken[] = {{PhysAddr{0x4000'0800}, 0x1'0000},   // unaligned: pages 0-16 of bank 0
                            {PhysAddr{0x4010'0000}, 0x8'0000},
                            {PhysAddr{0x4012'0000}, 0x10'0000},  // overlaps the previous one
                            {PhysAddr{0x8000'0000}, 0x1000}};
    std::vector<u64> got = pages(PageRuns(ram, 2, taken, 4, color::all(16), 16));
    std::set<u64> seen;
    for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_TRUE(seen.insert(got[i]).second) << "page given twice: " << std::hex << got[i];
        for (const Region& t : taken)
            EXPECT_FALSE(t.overlaps({PhysAddr{got[i]}, k_page})) << std::hex << got[i];
        if (i) {
            EXPECT_GT(got[i], got[i - 1]);
        }
    }
    const u64 free_bytes = 0x60'0000 - 0x1'1000 - 0x12'0000 - 0x1000;
    EXPECT_EQ(got.size() * k_page, free_bytes);
    EXPECT_EQ(PageRuns(ram, 2, taken, 4, color::all(16), 16).count(), free_bytes);
    EXPECT_EQ(got.front(), 0x4001'1000u);
    EXPECT_EQ(got.back(), 0x801f'f000u);
}

// Two guests with disjoint sets from the same free RAM get disjoint pages, and together with a
// third set covering the rest, every free page exactly once: nothing is lost or given twice.
TEST(ColorAllocator, DisjointSetsPartitionTheFreePages) {
    const Region ram[] = {{PhysAddr{0x4000'0000}, 0x80'0000}};
    const Region taken[] = {{PhysAddr{0x4000'0000}, 0x23'4000}};
    const ColorSet sets[] = {0x000f, 0x00f0, 0xff00};
    std::set<u64> all;
    size_t total = 0;
    for (ColorSet s : sets) {
        std::vector<u64> got = pages(PageRuns(ram, 1, taken, 1, s, 16));
        for (u64 p : got) {
            EXPECT_TRUE((s >> color::color_of(PhysAddr{p}, 16)) & 1);
            all.insert(p);
        }
        total += got.size();
    }
    EXPECT_EQ(all.size(), total);
    EXPECT_EQ(total * k_page, 0x80'0000u - 0x23'4000u);
}

// The same inputs give the same pages (boot and the build-time check agree; a restart too).
TEST(ColorAllocator, Deterministic) {
    const Region ram[] = {{PhysAddr{0x4000'0000}, 0x100'0000}};
    const Region taken[] = {{PhysAddr{0x4050'0000}, 0x3000}};
    EXPECT_EQ(pages(PageRuns(ram, 1, taken, 1, 0x8421, 16), 0x3000),
              pages(PageRuns(ram, 1, taken, 1, 0x8421, 16), 0x3000));
}

TEST(ColorAllocator, NothingFromAnEmptySetOrABadCount) {
    const Region ram[] = {{PhysAddr{0x4000'0000}, 0x10'0000}};
    EXPECT_EQ(PageRuns(ram, 1, nullptr, 0, 0, 16).count(), 0u);
    EXPECT_EQ(PageRuns(ram, 1, nullptr, 0, 0xff, 12).count(), 0u);
    EXPECT_EQ(PageRuns(ram, 1, nullptr, 0, 0x10000, 16).count(), 0u);  // colour 16 of 16 does not exist
    const Region tiny[] = {{PhysAddr{0x4000'0800}, 0x1000}};             // no whole page
    EXPECT_EQ(PageRuns(tiny, 1, nullptr, 0, 0xffff, 16).count(), 0u);
    // All taken.
    const Region taken[] = {{PhysAddr{0x3000'0000}, 0x2000'0000}};
    EXPECT_EQ(PageRuns(ram, 1, taken, 1, 0xffff, 16).count(), 0u);
}

// ---- The host tree's last-level cache ----

/// A host tree: two CPUs naming an L2 that names an L3 (when @p l3), with the given properties.
Bytes cache_tree(bool l3, std::vector<std::pair<std::string, u32>> llc) {
    DtbBuilder b;
    b.begin("");
    b.begin("cpus").prop_u32("#address-cells", 1).prop_u32("#size-cells", 0);
    for (int i = 0; i < 2; ++i) {
        b.begin("cpu@" + std::to_string(i)).prop("device_type", {'c', 'p', 'u', 0}).prop_u32("reg", i);
        b.prop_u32("next-level-cache", 1).end();
    }
    b.begin("l2-cache").prop_u32("phandle", 1).prop_u32("cache-level", 2);
    if (l3)
        b.prop_u32("next-level-cache", 2).prop_u32("cache-size", 0x2'0000).prop_u32("cache-sets", 256)
            .prop_u32("cache-line-size", 64);
    else
        for (const auto& [k, v] : llc)
            b.prop_u32(k, v);
    b.end();
    b.end();
    if (l3) {
        b.begin("l3-cache").prop_u32("phandle", 2).prop_u32("cache-level", 3);
        for (const auto& [k, v] : llc)
            b.prop_u32(k, v);
        b.end();
    }
    b.end();
    return b.build();
}

color::CacheGeometry geometry(const Bytes& tree) {
    Buffer buf(tree);
    auto fdt = tn::fdt::Fdt::try_open(buf.data(), buf.size());
    EXPECT_TRUE(fdt.ok());
    return color::cache_geometry(fdt.value());
}

TEST(ColorGeometry, FromTheLastLevelCacheNode) {
    using S = color::CacheGeometry::Status;
    // 1 MiB, 16-way: 1024 sets of 64-byte lines, 64 KiB ways = 16 colours.
    color::CacheGeometry g = geometry(cache_tree(false, {{"cache-size", 0x10'0000}, {"cache-sets", 1024},
                                                         {"cache-line-size", 64}}));
    EXPECT_EQ(g.status, S::Found);
    EXPECT_EQ(g.level, 2u);
    EXPECT_EQ(g.colors, 16u);
    // Through the L2 to a 2 MiB 16-way L3 (cache-block-size instead of cache-line-size): 32 colours.
    g = geometry(cache_tree(true, {{"cache-size", 0x20'0000}, {"cache-sets", 2048}, {"cache-block-size", 64}}));
    EXPECT_EQ(g.status, S::Found);
    EXPECT_EQ(g.level, 3u);
    EXPECT_EQ(g.size, 0x20'0000u);
    EXPECT_EQ(g.colors, 32u);
    // Without cache-sets the ways are unknown.
    EXPECT_EQ(geometry(cache_tree(false, {{"cache-size", 0x10'0000}, {"cache-line-size", 64}})).status,
              S::Incomplete);
    // A size that is not a whole number of ways.
    EXPECT_EQ(geometry(cache_tree(false, {{"cache-size", 0x10'1000}, {"cache-sets", 1024},
                                          {"cache-line-size", 64}})).status, S::Incomplete);
    // QEMU virt's tree: CPUs without next-level-cache.
    DtbBuilder b;
    b.begin("").begin("cpus").begin("cpu@0").prop("device_type", {'c', 'p', 'u', 0}).end().end().end();
    EXPECT_EQ(geometry(b.build()).status, S::NoCache);
}

// /memreserve/ entries and /reserved-memory children (a board's secure firmware) are kept from
// coloured RAM.
TEST(ColorGeometry, FirmwareRegionsOfTheHostTree) {
    DtbBuilder b;
    b.reserve(0x4000'0000, 0x1'0000);
    b.begin("").prop_u32("#address-cells", 2).prop_u32("#size-cells", 2);
    b.begin("reserved-memory").prop_u32("#address-cells", 2).prop_u32("#size-cells", 2).prop_empty("ranges");
    b.begin("bl31@40040000").prop_cells("reg", {0, 0x4004'0000, 0, 0x2'0000}).prop_empty("no-map").end();
    b.begin("optee@48400000").prop_cells("reg", {0, 0x4840'0000, 0, 0x100'0000, 0, 0x5000'0000, 0, 0x1000}).end();
    b.end().end();
    Buffer buf(b.build());
    auto fdt = tn::fdt::Fdt::try_open(buf.data(), buf.size());
    ASSERT_TRUE(fdt.ok());
    Region out[8];
    ASSERT_EQ(color::firmware_regions(fdt.value(), out, 8), 4u);
    EXPECT_EQ(out[0], (Region{PhysAddr{0x4000'0000}, 0x1'0000}));
    EXPECT_EQ(out[1], (Region{PhysAddr{0x4004'0000}, 0x2'0000}));
    EXPECT_EQ(out[2], (Region{PhysAddr{0x4840'0000}, 0x100'0000}));
    EXPECT_EQ(out[3], (Region{PhysAddr{0x5000'0000}, 0x1000}));
    EXPECT_EQ(color::firmware_regions(fdt.value(), out, 2), 4u);  // counts what did not fit
    // Given as taken regions, no page of theirs is handed out.
    const Region ram[] = {{PhysAddr{0x4000'0000}, 0x1000'0000}};
    PageRuns runs(ram, 1, out, 2, color::all(16), 16);
    EXPECT_EQ(runs.next(0x1000'0000).base.value(), 0x4001'0000u);
    EXPECT_EQ(runs.next(0x1000'0000).base.value(), 0x4006'0000u);
}

// ---- The `colors` property of the partition description ----

Bytes cells(std::initializer_list<u32> list) {
    Bytes v;
    for (u32 c : list)
        for (int s = 24; s >= 0; s -= 8)
            v.push_back(static_cast<u8>(c >> s));
    return v;
}

struct Guest {
    std::string name;
    u32 cpu;
    u64 mem;
    Bytes colors;  // empty: no property; {0}-sized marker below for an empty property
    bool has_colors = true;
    std::vector<std::pair<std::string, Bytes>> extra = {};
};

Bytes description(const std::vector<Guest>& guests) {
    DtbBuilder b;
    b.begin("").begin("mortise");
    for (const Guest& g : guests) {
        b.begin(g.name).prop("image", {'a', 'p', 'p', 0}).prop_u32("cpus", g.cpu);
        b.prop_cells("memory-size", {static_cast<u32>(g.mem >> 32), static_cast<u32>(g.mem)});
        if (g.has_colors)
            b.prop("colors", g.colors);
        for (const auto& [k, v] : g.extra)
            b.prop(k, v);
        b.end();
    }
    b.end().end();
    return b.build();
}

/// QEMU virt with 256 MiB of RAM, Mortise reserving the first 16 MiB, 16 colours.
partition::Platform platform(unsigned colors = 16) {
    partition::Platform p = tn::plat::mortise_qemu_virt::partition_platform(0x1000'0000, 4);
    p.reserved[0] = {p.ram[0].base, 0x100'0000};
    p.reserved_count = 1;
    p.dma_mmio_count = 0;
    p.colors = colors;
    return p;
}

struct Parsed {
    partition::Description d;
    partition::Diagnostics diag;
    std::string text;
};

Parsed parse(const std::vector<Guest>& guests, const partition::Platform& plat = platform()) {
    Bytes blob = description(guests);
    Buffer buf(blob);
    Parsed p{};
    EXPECT_TRUE(partition::parse(buf.data(), buf.size(), plat, p.d, p.diag));
    for (unsigned i = 0; i < p.diag.count; ++i)
        p.text += std::string(p.diag.items[i].node) + ": " + p.diag.items[i].reason + "\n";
    return p;
}

TEST(ColorDescription, DisjointColoursPass) {
    Parsed p = parse({{"alpha", 1, 0x200'0000, cells({0, 1, 2, 3})}, {"beta", 2, 0x200'0000, cells({4, 5, 6, 7})},
                      {"plain", 3, 0x200'0000, {}, false}});
    EXPECT_EQ(p.text, "");
    EXPECT_TRUE(p.d.guests[0].valid && p.d.guests[1].valid && p.d.guests[2].valid);
    EXPECT_EQ(p.d.guests[0].colors, 0xfu);
    EXPECT_EQ(p.d.guests[1].colors, 0xf0u);
    EXPECT_EQ(p.d.guests[2].colors, 0u);
}

TEST(ColorDescription, OverlapBetweenGuestsIsRefused) {
    Parsed p = parse({{"alpha", 1, 0x200'0000, cells({0, 1, 2, 3})}, {"beta", 2, 0x200'0000, cells({7, 3})}});
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_NE(p.text.find("/mortise/beta: colour 3 is already given to guest \"alpha\""), std::string::npos)
        << p.text;
}

TEST(ColorDescription, BadListsAreRefused) {
    auto says = [](Guest g, const std::string& why, const partition::Platform& plat = platform()) {
        Parsed p = parse({g}, plat);
        EXPECT_FALSE(p.d.guests[0].valid) << why;
        EXPECT_NE(p.text.find(why), std::string::npos) << "wanted: " << why << "\ngot: " << p.text;
    };
    says({"a", 1, 0x200'0000, cells({16})}, "colour 16 does not exist: the last-level cache has 16 colours (0-15)");
    says({"a", 1, 0x200'0000, {}}, "'colors' must list one or more colour indices 0-15");
    says({"a", 1, 0x200'0000, {1, 2}}, "'colors' must list one or more colour indices");
    says({"a", 1, 0x200'0000, cells({2, 5, 2})}, "'colors' lists colour 2 twice");
    says({"a", 1, 0x200'0000, cells({0})}, "CONFIG_MORTISE_LLC_COLORS=0", platform(0));
    says({"a", 1, 0x200'0000, cells({0})}, "is not a power of two", platform(12));
    partition::Platform off = platform(0);
    off.colors_off = "the host tree's L2 has 32 colours; set CONFIG_MORTISE_LLC_COLORS=32";
    says({"a", 1, 0x200'0000, cells({0})}, "'colors': the host tree's L2 has 32 colours", off);
    // A fixed or identity-mapped placement is every colour.
    says({"a", 1, 0x200'0000, cells({0}), true, {{"memory-base", cells({0, 0x4800'0000})}}},
         "'colors' and 'memory-base' exclude each other");
    Guest dma{"a", 1, 0x200'0000, cells({0}), true,
              {{"kernel", {'l', 'i', 'n', 'u', 'x', 0}}, {"memory-base", cells({0, 0x4800'0000})},
               {"identity-mapped", {}}}};
    says(dma, "'colors' and 'identity-mapped' exclude each other");
}

// 256 MiB less Mortise's 16 MiB: 240 MiB, 15 MiB per colour. Four colours hold 60 MiB.
TEST(ColorDescription, MemoryMustFitInTheColours) {
    Parsed p = parse({{"a", 1, 0x3c0'0000, cells({0, 1, 2, 3})}});
    EXPECT_EQ(p.text, "");
    p = parse({{"a", 1, 0x3e0'0000, cells({0, 1, 2, 3})}});
    EXPECT_FALSE(p.d.guests[0].valid);
    EXPECT_NE(p.text.find("memory-size 0x3e00000 cannot be built from its 4 colours: the free RAM holds 0x3c00000 "
                          "bytes of them; give it more colours or less memory"), std::string::npos) << p.text;
    // A guest in one piece before it takes its share of every colour: 32 MiB = 2 MiB of each of 16.
    p = parse({{"plain", 2, 0x200'0000, {}, false}, {"a", 1, 0x3c0'0000, cells({0, 1, 2, 3})}});
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_NE(p.text.find("holds 0x3400000 bytes of them after the guests placed in one piece"), std::string::npos)
        << p.text;
}

}  // namespace
}  // namespace mortise
