/// @file
/// @brief One physically contiguous run of 4 KiB page frames managed by a binary buddy
/// system: the building block of PageAllocator (one zone per memory region).
///
/// Algorithm: binary buddy allocation (Knowlton, "A fast storage allocator",
/// CACM 8(10), 1965; Knuth, TAOCP vol. 1, 2.5). A block of order k is 2^k pages
/// whose first page frame number (PFN) is a multiple of 2^k, so its buddy is the
/// block whose PFN differs only in bit k. Alignment is by *physical* PFN, not by
/// offset in the zone, so an order-9 block is a 2 MiB-aligned 2 MiB block that a
/// page table can map with one block descriptor.
///
/// Metadata lives out of band: one 12-byte PageMeta per page in a caller buffer
/// (0.29% of the managed memory). Free-list links are PageMeta indices, so the
/// zone never reads or writes the memory it manages. That keeps it usable before
/// the memory is mapped, at EL2 for guest memory the hypervisor never maps, and
/// behind any phys-to-virt translation, and a stray write into a freed page cannot
/// corrupt the allocator. Only the first page of a block (its head) carries a
/// state; every other page of a block is Tail, reserved pages are Reserved.
///
/// Bounds, with K = k_max_order and n = pages in the zone:
///   alloc        O(K): one bitmap scan (count-trailing-zeros) + at most K splits
///   release      O(K): at most K merges, each O(1) (doubly linked free lists)
///   check_used   O(K): finding the block around an interior page walks K heads
///   init         O(n); check_reservable/reserve O(pages in the range)
/// No function allocates, blocks, or touches global state. Not thread-safe: the
/// owner serializes all calls.
#pragma once

#include <tn/mem/config.hpp>
#include <tn/mem/error.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::mem {

/// A buddy allocator over one run of page frames (see the file comment).
/// Context: any; never blocks; the owner serialises calls.
class BuddyZone {
public:
    static constexpr unsigned k_page_shift = 12;                ///< log2 of the page size.
    static constexpr u64 k_page_size = u64{1} << k_page_shift;  ///< 4 KiB.
    /// Largest block: 2^k_max_order pages (CONFIG_LIBMEMORY_PAGE_MAX_ORDER).
    static constexpr unsigned k_max_order = CONFIG_LIBMEMORY_PAGE_MAX_ORDER;
    static constexpr unsigned k_order_count = k_max_order + 1;  ///< Orders 0 to k_max_order.
    /// Largest number of pages one zone can index (links are 32-bit).
    static constexpr u64 k_max_pages = 0xFFFF'FFF0;

    /// Per-page metadata. Opaque to callers; public so they can size buffers.
    struct PageMeta {
        u32 next;      ///< Free-list link (page index).
        u32 prev;      ///< Free-list link (page index).
        u8 state;      ///< Free, used, tail or reserved.
        u8 order;      ///< Block order of a head page.
        u16 reserved;  ///< Padding.
    };
    static_assert(sizeof(PageMeta) == 12);

    /// Metadata bytes needed for @p pages pages.
    static constexpr u64 metadata_bytes(u64 pages) { return pages * sizeof(PageMeta); }

    /// Order of the first block when [pfn, pfn + count) is cut greedily into the
    /// largest naturally aligned blocks. alloc_pages and free_pages both cut a run
    /// this way, so they always agree on its blocks. @pre count > 0
    static constexpr unsigned greedy_order(u64 pfn, u64 count) {
        unsigned order = 0;
        while (order < k_max_order && (pfn & (u64{1} << order)) == 0 && (u64{2} << order) <= count)
            ++order;
        return order;
    }

    constexpr BuddyZone() = default;

    /// Takes over [base_pfn, base_pfn + pages) with every page free.
    /// @pre 0 < pages <= k_max_pages, @p meta holds metadata_bytes(pages) bytes
    ///      aligned to alignof(PageMeta), and the PFN range does not wrap.
    void init(u64 base_pfn, u64 pages, PageMeta* meta);

    /// True if page frame @p pfn is in the zone.
    constexpr bool contains(u64 pfn) const { return pfn - m_base_pfn < m_pages; }
    /// First page frame.
    constexpr u64 base_pfn() const { return m_base_pfn; }
    /// One past the last page frame.
    constexpr u64 end_pfn() const { return m_base_pfn + m_pages; }
    /// Pages in the zone.
    constexpr u64 page_count() const { return m_pages; }
    /// Free pages.
    constexpr u64 free_count() const { return m_free; }
    /// Reserved pages.
    constexpr u64 reserved_count() const { return m_reserved; }

    /// Smallest order >= @p order that has a free block, or -1. O(1).
    int fit_order(unsigned order) const;
    /// Order of the largest free block, or -1 when nothing is free. O(1).
    int largest_order() const;

    /// Allocates one block of 2^order pages and returns its PFN.
    /// @pre order <= k_max_order and fit_order(order) >= 0
    u64 alloc(unsigned order);
    /// Keeps the first @p keep pages of the just-allocated block at @p pfn (cut
    /// as by greedy_order) and frees the rest. @pre 0 < keep <= 2^order
    void trim(u64 pfn, unsigned order, u64 keep);

    /// Succeeds when [pfn, pfn + 2^order) is exactly one allocated block.
    /// @retval NotOwned   pfn is outside the zone or reserved
    /// @retval DoubleFree the block containing pfn is free
    /// @retval BadPointer pfn is inside a block, or the block has another order
    Result<void, Error> check_used(u64 pfn, unsigned order) const;
    /// Frees the block and merges it with free buddies. @pre check_used() succeeded
    void release(u64 pfn, unsigned order);

    /// Succeeds when no page of [begin, end) ∩ zone is allocated.
    /// @retval Busy some page in the range is allocated
    Result<void, Error> check_reservable(u64 begin, u64 end) const;
    /// Removes [begin, end) ∩ zone from use for good. @pre check_reservable() succeeded
    void reserve(u64 begin, u64 end);

private:
    struct Found {
        u32 head;
        bool found;
    };

    void push(u32 index, unsigned order);
    void unlink(u32 index);
    void free_block(u32 index, unsigned order);
    void free_range(u32 begin, u32 end);
    Found find_head(u32 index) const;
    u32 block_end(u32 head) const;

    u64 m_base_pfn = 0;
    u64 m_pages = 0;
    PageMeta* m_meta = nullptr;
    u32 m_heads[k_order_count] = {};
    u32 m_nonempty = 0;  // bit k set <=> m_heads[k] is not empty
    u64 m_free = 0;
    u64 m_reserved = 0;
};

}  // namespace tn::mem
