// Physical page allocator: routes requests to per-region buddy zones and keeps
// the reservation table (see tn/mem/page_alloc.hpp).
//
// Every public function validates its whole request before changing anything
// (validate, then commit), so an error never leaves a half-done operation.
#include <tn/mem/page_alloc.hpp>

#include "bits.hpp"

namespace tn::mem {

namespace {

constexpr u64 k_page_mask = PageAllocator::k_page_size - 1;

}  // namespace

Result<void, Error> PageAllocator::add_region(PhysAddr base, u64 bytes, void* metadata,
                                              usize metadata_size) {
    u64 start = base.value();
    if (bytes == 0 || start + bytes < start || start > ~u64{0} - k_page_mask)
        return err(Error::InvalidArgument);
    u64 begin = align_up(start, k_page_size) >> k_page_shift;
    u64 end = (start + bytes) >> k_page_shift;
    if (end <= begin || end - begin > BuddyZone::k_max_pages)
        return err(Error::InvalidArgument);
    u64 pages = end - begin;
    if (metadata == nullptr || !is_aligned(reinterpret_cast<uptr>(metadata), k_metadata_align) ||
        metadata_size < BuddyZone::metadata_bytes(pages))
        return err(Error::InvalidArgument);
    for (usize z = 0; z < m_zone_count; ++z) {
        if (begin < m_zones[z].end_pfn() && m_zones[z].base_pfn() < end)
            return err(Error::Overlap);
    }
    if (m_zone_count == k_max_regions)
        return err(Error::TableFull);

    BuddyZone& zone = m_zones[m_zone_count++];
    zone.init(begin, pages, static_cast<BuddyZone::PageMeta*>(metadata));
    // A fresh zone has nothing allocated, so every reservation applies cleanly.
    for (usize r = 0; r < m_reserved_count; ++r)
        zone.reserve(m_reserved[r].begin, m_reserved[r].end);
    return {};
}

Result<void, Error> PageAllocator::reserve(PhysAddr base, u64 bytes) {
    u64 start = base.value();
    if (bytes == 0 || start + bytes < start || start + bytes > ~u64{0} - k_page_mask)
        return err(Error::InvalidArgument);
    u64 begin = start >> k_page_shift;
    u64 end = align_up(start + bytes, k_page_size) >> k_page_shift;
    for (usize z = 0; z < m_zone_count; ++z) {
        if (auto r = m_zones[z].check_reservable(begin, end); !r)
            return r;
    }
    if (m_reserved_count == k_max_reserved)
        return err(Error::TableFull);

    m_reserved[m_reserved_count++] = PfnRange{begin, end};
    for (usize z = 0; z < m_zone_count; ++z)
        m_zones[z].reserve(begin, end);
    return {};
}

Result<PhysAddr, Error> PageAllocator::alloc(unsigned order) {
    if (order > k_max_order)
        return err(Error::InvalidArgument);
    BuddyZone* zone = best_zone(order);
    if (zone == nullptr)
        return err(Error::OutOfMemory);
    return PhysAddr{zone->alloc(order) << k_page_shift};
}

Result<PhysAddr, Error> PageAllocator::alloc_pages(u64 count) {
    if (count == 0 || count > (u64{1} << k_max_order))
        return err(Error::InvalidArgument);
    unsigned order = bits::ceil_log2(count);
    BuddyZone* zone = best_zone(order);
    if (zone == nullptr)
        return err(Error::OutOfMemory);
    u64 pfn = zone->alloc(order);
    if (count < (u64{1} << order))
        zone->trim(pfn, order, count);
    return PhysAddr{pfn << k_page_shift};
}

Result<void, Error> PageAllocator::free(PhysAddr addr, unsigned order) {
    if (order > k_max_order)
        return err(Error::InvalidArgument);
    u64 pfn = addr.value() >> k_page_shift;
    BuddyZone* zone = zone_for(pfn);
    if (zone == nullptr)
        return err(Error::NotOwned);
    if ((addr.value() & k_page_mask) != 0)
        return err(Error::BadPointer);
    if (auto r = zone->check_used(pfn, order); !r)
        return r;
    zone->release(pfn, order);
    return {};
}

Result<void, Error> PageAllocator::free_pages(PhysAddr addr, u64 count) {
    if (count == 0)
        return err(Error::InvalidArgument);
    u64 pfn = addr.value() >> k_page_shift;
    BuddyZone* zone = zone_for(pfn);
    if (zone == nullptr)
        return err(Error::NotOwned);
    if ((addr.value() & k_page_mask) != 0)
        return err(Error::BadPointer);
    if (auto r = check_run(pfn, count); !r)
        return r;
    for (u64 p = pfn, end = pfn + count; p < end;) {
        unsigned order = BuddyZone::greedy_order(p, end - p);
        zone->release(p, order);
        p += u64{1} << order;
    }
    return {};
}

u64 PageAllocator::free_page_count() const {
    u64 n = 0;
    for (usize z = 0; z < m_zone_count; ++z)
        n += m_zones[z].free_count();
    return n;
}

u64 PageAllocator::total_page_count() const {
    u64 n = 0;
    for (usize z = 0; z < m_zone_count; ++z)
        n += m_zones[z].page_count();
    return n;
}

u64 PageAllocator::reserved_page_count() const {
    u64 n = 0;
    for (usize z = 0; z < m_zone_count; ++z)
        n += m_zones[z].reserved_count();
    return n;
}

u64 PageAllocator::largest_free_block() const {
    int best = -1;
    for (usize z = 0; z < m_zone_count; ++z) {
        int order = m_zones[z].largest_order();
        best = order > best ? order : best;
    }
    return best < 0 ? 0 : k_page_size << best;
}

BuddyZone* PageAllocator::zone_for(u64 pfn) {
    for (usize z = 0; z < m_zone_count; ++z) {
        if (m_zones[z].contains(pfn))
            return &m_zones[z];
    }
    return nullptr;
}

BuddyZone* PageAllocator::best_zone(unsigned order) {
    BuddyZone* best = nullptr;
    int best_fit = -1;
    for (usize z = 0; z < m_zone_count; ++z) {
        int fit = m_zones[z].fit_order(order);
        if (fit >= 0 && (best == nullptr || fit < best_fit)) {
            best = &m_zones[z];
            best_fit = fit;
        }
    }
    return best;
}

// Checks every block of the greedy cut of [pfn, pfn + count) before any is freed.
Result<void, Error> PageAllocator::check_run(u64 pfn, u64 count) {
    BuddyZone* zone = zone_for(pfn);
    if (count > zone->end_pfn() - pfn)
        return err(Error::BadPointer);
    for (u64 p = pfn, end = pfn + count; p < end;) {
        unsigned order = BuddyZone::greedy_order(p, end - p);
        if (auto r = zone->check_used(p, order); !r)
            return r;
        p += u64{1} << order;
    }
    return {};
}

}  // namespace tn::mem
