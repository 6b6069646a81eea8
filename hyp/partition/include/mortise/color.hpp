// Last-level-cache page colouring (docs/mortise.md, "LLC page colouring").
//
// A physically indexed cache with ways of W bytes puts the 4 KiB page at PA into one of
// W / 4 KiB groups of sets: the page's colour, (PA >> 12) mod colours. Pages of different
// colours never compete for the same cache sets, so guests given disjoint colours cannot
// evict each other's lines. A coloured guest's RAM is built from free pages of its colours
// only (PageRuns below) and stage 2 maps them as one contiguous IPA range.
//
// Portable: the same code sizes the description's checks at build time (support/tools/partcheck),
// allocates at boot in Mortise, and is tested on the host (tests/color_test.cpp).
#pragma once

#include <tn/addr.hpp>
#include <tn/fdt.hpp>
#include <tn/types.hpp>

namespace mortise::color {

using tn::u64;
using Region = tn::PhysRange;

/// Colouring granule: one page.
constexpr u64 k_page = 0x1000;
/// Most colours a set can name (a ColorSet is a 64-bit mask).
constexpr unsigned k_max_colors = 64;
/// A set of colours: bit c is colour c.
using ColorSet = u64;
/// Most taken regions PageRuns looks at.
constexpr unsigned k_max_taken = 64;

/// A colour count Mortise can use: a power of two from 1 to k_max_colors.
constexpr bool valid_count(unsigned colors) {
    return colors != 0 && colors <= k_max_colors && (colors & (colors - 1)) == 0;
}
/// Colour of the page holding @p pa with @p colors colours. @pre valid_count(colors).
constexpr unsigned color_of(tn::PhysAddr pa, unsigned colors) {
    return static_cast<unsigned>((pa.value() / k_page) & (colors - 1));
}
/// Every colour of @p colors. @pre valid_count(colors).
constexpr ColorSet all(unsigned colors) { return colors == 64 ? ~ColorSet{0} : (ColorSet{1} << colors) - 1; }

/// The free pages of a colour set, lowest address first, as runs of adjacent pages.
///
/// Free means: inside one of the RAM banks and outside every taken region (Mortise's image,
/// the host tree, boot modules, other guests' contiguous RAM, the channels' pool). Pages of
/// other colours are not looked at, so guests with disjoint sets need not exclude each
/// other. Deterministic: the same banks, taken regions and set give the same pages, in the
/// same order; a page is given at most once by one PageRuns, and every page given has a
/// colour of the set. Runs come in increasing address order (banks sorted by base), so a
/// guest's IPA order is its PA order.
class PageRuns {
public:
    /// Up to 4 banks and k_max_taken taken regions are looked at (more are ignored: the
    /// callers' tables are no larger, which Mortise asserts). Neither list needs to be sorted; the pointers must stay valid.
    PageRuns(const Region* ram, unsigned ram_count, const Region* taken, unsigned taken_count, ColorSet set,
             unsigned colors);
    /// The next run, at most @p max bytes (@p max a multiple of k_page); size 0 once none is left.
    Region next(u64 max);
    /// Bytes in all the runs left (consumes them).
    u64 count();

private:
    /// The lowest taken region overlapping [at, end) or starting in it, or nullptr.
    const Region* first_taken(u64 at, u64 end) const;

    Region m_ram[4] = {};
    unsigned m_ram_count = 0;
    const Region* m_taken;
    unsigned m_taken_count;
    ColorSet m_set;
    unsigned m_colors;
    unsigned m_bank = 0;
    u64 m_at = 0;
};

/// Memory the host tree keeps from any OS: its /memreserve/ entries and the `reg` ranges of the
/// children of /reserved-memory (firmware such as a secure monitor, on boards). Coloured guests,
/// allocated from the low end of RAM where boards keep firmware, avoid them. Writes at most
/// @p cap to @p out; returns how many there are (more than @p cap: the caller ignores the rest
/// at its peril, Mortise refuses coloured guests then).
unsigned firmware_regions(const tn::fdt::Fdt& host, Region* out, unsigned cap);

/// What the host device tree says about the last-level cache.
struct CacheGeometry {
    enum class Status : tn::u8 {
        Found,       ///< size, sets and line size read; colors computed
        NoCache,     ///< the first CPU names no next-level-cache (QEMU virt's tree)
        Incomplete,  ///< a cache node lacks cache-size, cache-sets or cache-line-size, or they disagree
    } status;         ///< what was found
    unsigned level;   ///< cache-level of the node (2 when not given), or 0
    u64 size;         ///< cache-size, bytes
    u64 sets;         ///< cache-sets
    u64 line;         ///< cache-line-size (or cache-block-size), bytes
    unsigned colors;  ///< way size / 4 KiB = sets * line / 4 KiB (0 unless Found)
};

/// Follows the first CPU's `next-level-cache` chain to its last cache node (Devicetree spec
/// 3.8, "Multi-level and Shared Cache Nodes") and reads its geometry.
CacheGeometry cache_geometry(const tn::fdt::Fdt& host);

}  // namespace mortise::color
