/// @file
/// @brief Physical page allocator: 4 KiB page frames from one or more memory regions
/// (e.g. the device tree's /memory nodes), with reserved ranges (the kernel
/// image, the DTB, /reserved-memory) carved out so they are never handed out.
///
/// Algorithm: a binary buddy system per region (BuddyZone; Knowlton 1965, Knuth
/// TAOCP 2.5). Buddy rather than a bitmap because callers need 2^k contiguous,
/// naturally aligned blocks (page tables, 2 MiB block mappings, stacks with guard
/// pages, DMA buffers): a buddy system finds and returns them in O(log n) and
/// merges them back eagerly, where a bitmap needs an O(n) scan for a contiguous
/// aligned run.
///
/// Metadata: the caller hands each region a metadata buffer of
/// metadata_bytes(region size) bytes (12 bytes per page, 0.29%). The allocator
/// never touches the memory it manages, so it works before that memory is mapped
/// and at EL2 for guest memory Mortise never maps, and a stray write into a freed
/// page cannot corrupt it. A kernel typically carves the buffer from the top of
/// the region itself and then reserve()s those pages.
///
/// Bounds, with K = k_max_order (CONFIG_LIBMEMORY_PAGE_MAX_ORDER) and R the
/// number of regions (<= CONFIG_LIBMEMORY_PAGE_MAX_REGIONS):
///   alloc, free                 O(R + K) worst case
///   alloc_pages, free_pages     O(R + K^2) worst case (at most 2K blocks)
///   add_region                  O(pages in the region + reservations)
///   reserve                     O(R * pages in the range); boot-time only
/// Allocation picks, over all regions, the smallest free block that fits (best
/// fit across regions, first region on ties) so large blocks stay intact.
///
/// Thread safety: none. Every instance is a plain object with no global state;
/// the caller serializes all calls on one instance (the kernel wraps it in its
/// own lock). No function blocks or allocates, so all may run with IRQs masked.
#pragma once

#include <tn/addr.hpp>
#include <tn/mem/buddy_zone.hpp>
#include <tn/mem/config.hpp>
#include <tn/mem/error.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::mem {

/// The physical page allocator (see the file comment). The kernel's instance
/// is tn::plat::page_allocator(). Context: any; never blocks; the owner
/// serialises calls.
class PageAllocator {
public:
    static constexpr unsigned k_page_shift = BuddyZone::k_page_shift;  ///< log2 of the page size.
    static constexpr u64 k_page_size = BuddyZone::k_page_size;         ///< 4 KiB.
    /// The largest block is 2^k_max_order pages (18: 1 GiB).
    static constexpr unsigned k_max_order = BuddyZone::k_max_order;
    static constexpr usize k_max_regions = CONFIG_LIBMEMORY_PAGE_MAX_REGIONS;    ///< Regions add_region() takes.
    static constexpr usize k_max_reserved = CONFIG_LIBMEMORY_PAGE_MAX_RESERVED;  ///< Ranges reserve() records.
    /// Required alignment of a metadata buffer.
    static constexpr usize k_metadata_align = alignof(BuddyZone::PageMeta);

    /// Metadata bytes add_region() needs for a region of @p region_bytes bytes,
    /// whatever its base alignment.
    static constexpr u64 metadata_bytes(u64 region_bytes) {
        return BuddyZone::metadata_bytes(region_bytes >> k_page_shift);
    }

    constexpr PageAllocator() = default;
    PageAllocator(const PageAllocator&) = delete;
    PageAllocator& operator=(const PageAllocator&) = delete;

    /// Adds the pages wholly inside [base, base + bytes) (the range is rounded
    /// inwards to pages). Ranges already passed to reserve() stay reserved.
    /// @param base physical start of the region.
    /// @param bytes its size.
    /// @param metadata buffer for the per-page metadata, owned by the allocator
    ///        from now on; must hold metadata_bytes(bytes) bytes and be aligned
    ///        to k_metadata_align.
    /// @param metadata_size bytes at @p metadata.
    /// @retval InvalidArgument no whole page, more than BuddyZone::k_max_pages,
    ///         the range wraps, or the metadata buffer is null/small/misaligned
    /// @retval Overlap  the range overlaps a region already added
    /// @retval TableFull k_max_regions regions are already added
    Result<void, Error> add_region(PhysAddr base, u64 bytes, void* metadata, usize metadata_size);

    /// Keeps every page that intersects [base, base + bytes) out of use for
    /// good, in regions added before or after this call. Pages outside every
    /// region are recorded and honoured if a later region covers them.
    /// Overlapping or repeated reservations are fine.
    /// @retval InvalidArgument bytes == 0 or the range wraps
    /// @retval Busy      a page in the range is allocated (nothing changed)
    /// @retval TableFull k_max_reserved reservations are already recorded
    Result<void, Error> reserve(PhysAddr base, u64 bytes);

    /// Allocates 2^order contiguous pages aligned to 2^order pages.
    /// @retval InvalidArgument order > k_max_order
    /// @retval OutOfMemory     no free block of that order or larger
    Result<PhysAddr, Error> alloc(unsigned order);

    /// Allocates exactly @p count contiguous pages, aligned to the next power of
    /// two >= count pages; the rest of that power-of-two block is given back.
    /// Free with free_pages(addr, count).
    /// @retval InvalidArgument count == 0 or count > 2^k_max_order
    /// @retval OutOfMemory     no free block of 2^ceil(log2(count)) pages
    Result<PhysAddr, Error> alloc_pages(u64 count);

    /// Frees a block returned by alloc(order), merging it with free buddies.
    /// Validates first: on error nothing changes.
    /// @retval InvalidArgument order > k_max_order
    /// @retval NotOwned   addr is in no region, or in a reserved range
    /// @retval BadPointer addr is not the start of an allocated block of this order
    /// @retval DoubleFree the block is already free
    Result<void, Error> free(PhysAddr addr, unsigned order);

    /// Frees @p count pages from alloc_pages(count) (or any run of whole blocks
    /// that alloc/alloc_pages returned, cut the same greedy way). Validates all
    /// of them first: on error nothing changes. Errors as for free(), plus
    /// InvalidArgument for count == 0 and BadPointer for a run leaving the region.
    Result<void, Error> free_pages(PhysAddr addr, u64 count);

    /// Pages currently free, over all regions.
    u64 free_page_count() const;
    /// Pages managed (in all regions, reserved pages included).
    u64 total_page_count() const;
    /// Pages removed by reservations.
    u64 reserved_page_count() const;
    /// Bytes in the largest free block (what alloc() can still return), 0 if none.
    u64 largest_free_block() const;
    /// Regions added.
    usize region_count() const { return m_zone_count; }

private:
    struct PfnRange {
        u64 begin;
        u64 end;
    };

    BuddyZone* zone_for(u64 pfn);
    BuddyZone* best_zone(unsigned order);
    Result<void, Error> check_run(u64 pfn, u64 count);

    BuddyZone m_zones[k_max_regions];
    usize m_zone_count = 0;
    PfnRange m_reserved[k_max_reserved] = {};
    usize m_reserved_count = 0;
};

}  // namespace tn::mem
