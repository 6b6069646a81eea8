// Binary buddy system over one contiguous PFN range (see tn/mem/buddy_zone.hpp).
//
// Invariants, which every public function preserves:
//  * Each page is exactly one of: the head of a free block (FreeHead, on list
//    m_heads[order]), the head of a used block (UsedHead), a non-first page of
//    a block (Tail), or Reserved.
//  * A block of order k starts at a PFN that is a multiple of 2^k and lies
//    wholly inside the zone.
//  * Two free buddies of the same order below k_max_order never coexist: they
//    are merged as soon as the second one is freed.
//  * bit k of m_nonempty is set exactly when m_heads[k] is non-empty.
#include <tn/mem/buddy_zone.hpp>

#include "bits.hpp"

namespace tn::mem {

namespace {

constexpr u32 k_nil = 0xFFFF'FFFF;

enum : u8 { k_tail = 0, k_free_head = 1, k_used_head = 2, k_reserved = 3 };

constexpr u64 max_u64(u64 a, u64 b) { return a > b ? a : b; }
constexpr u64 min_u64(u64 a, u64 b) { return a < b ? a : b; }

}  // namespace

void BuddyZone::init(u64 base_pfn, u64 pages, PageMeta* meta) {
    m_base_pfn = base_pfn;
    m_pages = pages;
    m_meta = meta;
    m_nonempty = 0;
    m_free = 0;
    m_reserved = 0;
    for (u32& head : m_heads)
        head = k_nil;
    for (u64 i = 0; i < pages; ++i)
        meta[i] = PageMeta{k_nil, k_nil, k_tail, 0, 0};
    free_range(0, static_cast<u32>(pages));
}

int BuddyZone::fit_order(unsigned order) const {
    u32 candidates = m_nonempty & ~((u32{1} << order) - 1);
    return candidates ? static_cast<int>(bits::lowest_bit(candidates)) : -1;
}

int BuddyZone::largest_order() const {
    return m_nonempty ? static_cast<int>(bits::highest_bit(m_nonempty)) : -1;
}

u64 BuddyZone::alloc(unsigned order) {
    unsigned k = static_cast<unsigned>(fit_order(order));
    u32 index = m_heads[k];
    unlink(index);
    // Split down to the requested order; every upper half goes back as free.
    while (k > order) {
        --k;
        push(index + (u32{1} << k), k);
    }
    m_meta[index].state = k_used_head;
    m_meta[index].order = static_cast<u8>(order);
    return m_base_pfn + index;
}

void BuddyZone::trim(u64 pfn, unsigned order, u64 keep) {
    u32 begin = static_cast<u32>(pfn - m_base_pfn);
    u32 kept_end = begin + static_cast<u32>(keep);
    for (u32 i = begin; i < kept_end;) {
        unsigned k = greedy_order(m_base_pfn + i, kept_end - i);
        m_meta[i].state = k_used_head;
        m_meta[i].order = static_cast<u8>(k);
        i += u32{1} << k;
    }
    free_range(kept_end, begin + (u32{1} << order));
}

Result<void, Error> BuddyZone::check_used(u64 pfn, unsigned order) const {
    if (!contains(pfn))
        return err(Error::NotOwned);
    const PageMeta& m = m_meta[pfn - m_base_pfn];
    switch (m.state) {
    case k_reserved:
        return err(Error::NotOwned);
    case k_used_head:
        if (m.order != order)
            return err(Error::BadPointer);
        return {};
    case k_free_head:
        return err(Error::DoubleFree);
    default: {
        Found f = find_head(static_cast<u32>(pfn - m_base_pfn));
        if (f.found && m_meta[f.head].state == k_free_head)
            return err(Error::DoubleFree);
        return err(Error::BadPointer);
    }
    }
}

void BuddyZone::release(u64 pfn, unsigned order) {
    free_block(static_cast<u32>(pfn - m_base_pfn), order);
}

Result<void, Error> BuddyZone::check_reservable(u64 begin, u64 end) const {
    u64 lo = max_u64(begin, m_base_pfn);
    u64 hi = min_u64(end, end_pfn());
    if (lo >= hi)
        return {};
    u32 last = static_cast<u32>(hi - m_base_pfn);
    for (u32 i = static_cast<u32>(lo - m_base_pfn); i < last;) {
        if (m_meta[i].state == k_reserved) {
            ++i;
            continue;
        }
        Found f = find_head(i);
        if (!f.found || m_meta[f.head].state == k_used_head)
            return err(Error::Busy);
        i = block_end(f.head);
    }
    return {};
}

void BuddyZone::reserve(u64 begin, u64 end) {
    u64 lo = max_u64(begin, m_base_pfn);
    u64 hi = min_u64(end, end_pfn());
    if (lo >= hi)
        return;
    u32 last = static_cast<u32>(hi - m_base_pfn);
    for (u32 i = static_cast<u32>(lo - m_base_pfn); i < last;) {
        if (m_meta[i].state == k_reserved) {
            ++i;
            continue;
        }
        // Cut the free block around i into [head, i) + reserved + [cut, end).
        u32 head = find_head(i).head;
        u32 bend = block_end(head);
        u32 cut = bend < last ? bend : last;
        unlink(head);
        m_meta[head].state = k_tail;
        for (u32 p = i; p < cut; ++p)
            m_meta[p].state = k_reserved;
        m_reserved += cut - i;
        free_range(head, i);
        free_range(cut, bend);
        i = cut;
    }
}

void BuddyZone::push(u32 index, unsigned order) {
    PageMeta& m = m_meta[index];
    m.state = k_free_head;
    m.order = static_cast<u8>(order);
    m.prev = k_nil;
    m.next = m_heads[order];
    if (m.next != k_nil)
        m_meta[m.next].prev = index;
    m_heads[order] = index;
    m_nonempty |= u32{1} << order;
    m_free += u64{1} << order;
}

void BuddyZone::unlink(u32 index) {
    PageMeta& m = m_meta[index];
    unsigned order = m.order;
    if (m.prev != k_nil)
        m_meta[m.prev].next = m.next;
    else
        m_heads[order] = m.next;
    if (m.next != k_nil)
        m_meta[m.next].prev = m.prev;
    if (m_heads[order] == k_nil)
        m_nonempty &= ~(u32{1} << order);
    m.next = k_nil;
    m.prev = k_nil;
    m_free -= u64{1} << order;
}

void BuddyZone::free_block(u32 index, unsigned order) {
    while (order < k_max_order) {
        u64 buddy_pfn = (m_base_pfn + index) ^ (u64{1} << order);
        if (!contains(buddy_pfn))
            break;
        u32 buddy = static_cast<u32>(buddy_pfn - m_base_pfn);
        if (m_meta[buddy].state != k_free_head || m_meta[buddy].order != order)
            break;
        unlink(buddy);
        // The higher of the two heads becomes an interior page of the merged block.
        m_meta[buddy > index ? buddy : index].state = k_tail;
        index = buddy < index ? buddy : index;
        ++order;
    }
    push(index, order);
}

void BuddyZone::free_range(u32 begin, u32 end) {
    while (begin < end) {
        unsigned k = greedy_order(m_base_pfn + begin, end - begin);
        free_block(begin, k);
        begin += u32{1} << k;
    }
}

// Walks the naturally aligned candidates at and below index; the first head met
// is the block that contains index, because every candidate above that head is
// an interior (Tail) page of the same block.
BuddyZone::Found BuddyZone::find_head(u32 index) const {
    u64 pfn = m_base_pfn + index;
    for (unsigned k = 0; k <= k_max_order; ++k) {
        u64 head = pfn & ~((u64{1} << k) - 1);
        if (!contains(head))
            break;
        u8 state = m_meta[head - m_base_pfn].state;
        if (state == k_reserved)
            break;
        if (state == k_free_head || state == k_used_head)
            return Found{static_cast<u32>(head - m_base_pfn), true};
    }
    return Found{0, false};
}

u32 BuddyZone::block_end(u32 head) const { return head + (u32{1} << m_meta[head].order); }

}  // namespace tn::mem
