// Two-Level Segregated Fit heap (see tn/mem/tlsf.hpp for the algorithm,
// reference and bounds).
//
// Memory layout of a pool (every address 16-byte aligned):
//
//   first                                                      sentinel
//   [hdr|payload ...][hdr|payload ...] ... [hdr|payload ...]   [hdr size 0, used]
//
// A header is {prev_phys, size | flags}; the next block starts right after the
// payload. A free block keeps its list links {next, prev} in its payload.
//
// Invariants, which every public function preserves:
//  * Blocks tile each pool exactly; prev_phys of every block (and of the
//    sentinel) points at its physical predecessor, nullptr for the first block.
//  * No two free blocks are physically adjacent (immediate coalescing), so
//    splitting a free block never has to merge the remainder with a neighbour.
//  * A block is on list (fl, sl) = mapping(size) exactly when its free flag is
//    set; bitmaps mirror which lists are non-empty.
//  * m_used_bytes + m_free_bytes + 16 * (blocks + pools) == m_pool_bytes.
#include <tn/mem/tlsf.hpp>

#include <new>

#include "bits.hpp"

namespace tn::mem {

struct Tlsf::Block {
    struct Links {
        Block* next;
        Block* prev;
    };

    static constexpr usize k_free = 1;
    static constexpr usize k_flag_mask = k_align - 1;

    Block* prev_phys;
    usize size_flags;

    static Block* make(uptr at, Block* prev, usize size) { return new (reinterpret_cast<void*>(at)) Block{prev, size}; }
    static Block* from_payload(uptr p) { return reinterpret_cast<Block*>(p - k_header_bytes); }

    usize size() const { return size_flags & ~k_flag_mask; }
    bool free() const { return (size_flags & k_free) != 0; }
    void set_size(usize s) { size_flags = s | (size_flags & k_flag_mask); }
    void set_free(bool f) { size_flags = f ? (size_flags | k_free) : (size_flags & ~k_free); }
    uptr payload() const { return reinterpret_cast<uptr>(this) + k_header_bytes; }
    Block* next_phys() const { return reinterpret_cast<Block*>(payload() + size()); }
    Links& links() { return *reinterpret_cast<Links*>(payload()); }
};

namespace {

constexpr unsigned k_small_log2 = Tlsf::k_sl_log2 + 4;
constexpr usize k_small = usize{1} << k_small_log2;
constexpr unsigned k_sl_count = 1u << Tlsf::k_sl_log2;
constexpr usize k_min_block = Tlsf::k_header_bytes + Tlsf::k_min_payload;
static_assert(Tlsf::k_align == 16, "mapping() assumes 16-byte classes below k_small");
static_assert(Tlsf::k_max_log2 - k_small_log2 + 1 < 32, "first-level bitmap is 32 bits");

struct Index {
    unsigned fl;
    unsigned sl;
};

// The list a free block of payload @p size belongs on (the paper's mapping
// function, with the small sizes kept in one linear first-level row).
// Below k_small, classes are exact multiples of 16; above, class (fl, sl)
// holds [2^f + sl * 2^(f - SL), 2^f + (sl + 1) * 2^(f - SL)) with f = fl + small - 1.
constexpr Index mapping(usize size) {
    if (size < k_small)
        return Index{0, static_cast<unsigned>(size >> 4)};
    unsigned f = bits::floor_log2(size);
    return Index{f - k_small_log2 + 1, static_cast<unsigned>(size >> (f - Tlsf::k_sl_log2)) ^ k_sl_count};
}

// Rounds a request up to the next class boundary so that every block on the
// list it maps to is large enough: good-fit instead of best-fit, trading
// <= 1/2^SL internal fragmentation for never walking a list.
constexpr usize round_request(usize size) {
    if (size < k_small)
        return size;
    return size + (usize{1} << (bits::floor_log2(size) - Tlsf::k_sl_log2)) - 1;
}

constexpr usize payload_for(usize size) {
    usize p = align_up(size, Tlsf::k_align);
    return p < Tlsf::k_min_payload ? Tlsf::k_min_payload : p;
}

// Both ranges are 16-byte aligned and n is a multiple of 16.
void copy_words(void* dst, const void* src, usize n) {
    u64* d = static_cast<u64*>(dst);
    const u64* s = static_cast<const u64*>(src);
    for (usize i = 0; i < n / sizeof(u64); ++i)
        d[i] = s[i];
}

}  // namespace

inline void Tlsf::count_step() const {
#ifdef TN_HOST_TEST
    ++m_steps;
#endif
}

Result<void, Error> Tlsf::add_pool(void* mem, usize bytes) {
    uptr start = reinterpret_cast<uptr>(mem);
    if (mem == nullptr || bytes < k_min_pool_bytes || bytes > k_max_pool_bytes || start + bytes < start)
        return err(Error::InvalidArgument);
    uptr first = align_up(start, k_align);
    uptr end = align_down(start + bytes, k_align);
    for (usize i = 0; i < m_pool_count; ++i) {
        if (first < m_pools[i].sentinel + k_header_bytes && m_pools[i].first < end)
            return err(Error::Overlap);
    }
    if (m_pool_count == k_max_pools)
        return err(Error::TableFull);

    uptr sentinel = end - k_header_bytes;
    Block* block = Block::make(first, nullptr, sentinel - first - k_header_bytes);
    Block::make(sentinel, block, 0);
    m_pools[m_pool_count++] = Pool{first, sentinel};
    m_pool_bytes += end - first;
    insert_free(block);
    return {};
}

Result<void*, Error> Tlsf::alloc(usize size, usize align) {
    if (size == 0 || size > k_max_pool_bytes || !is_pow2(align) || align > k_max_align)
        return err(Error::InvalidArgument);
    usize payload = payload_for(size);
    bool over_aligned = align > k_align;
    // An over-aligned request needs room to cut off a leading free block of at
    // least k_min_block bytes: the gap is at most align + 16 (see align_block).
    Block* b = take_fitting(over_aligned ? payload + align + k_header_bytes : payload);
    if (b == nullptr)
        return err(Error::OutOfMemory);
    if (over_aligned)
        b = align_block(b, align);
    trim_tail(b, payload);
    mark_used(b);
    return reinterpret_cast<void*>(b->payload());
}

Result<void, Error> Tlsf::free(void* ptr) {
    Block* b = TN_TRY(checked_block(ptr));
    release(b);
    return {};
}

Result<void*, Error> Tlsf::realloc(void* ptr, usize size) {
    if (ptr == nullptr)
        return alloc(size);
    Block* b = TN_TRY(checked_block(ptr));
    if (size == 0 || size > k_max_pool_bytes)
        return err(Error::InvalidArgument);
    usize payload = payload_for(size);
    if (resize_in_place(b, payload))
        return ptr;
    void* moved = TN_TRY(alloc(size));
    copy_words(moved, ptr, b->size() < payload ? b->size() : payload);
    release(b);
    return moved;
}

Result<usize, Error> Tlsf::usable_size(const void* ptr) const {
    Block* b = TN_TRY(checked_block(ptr));
    return b->size();
}

Tlsf::Stats Tlsf::stats() const {
    Stats s{m_used_bytes, m_free_bytes, 0, m_used_blocks, m_free_blocks, m_pool_bytes};
    if (m_fl_bitmap != 0) {
        unsigned fl = bits::highest_bit(m_fl_bitmap);
        unsigned sl = bits::highest_bit(m_sl_bitmap[fl]);
        // Blocks of one class differ in size, so the top list has to be walked.
        for (Block* b = m_heads[fl][sl]; b != nullptr; b = b->links().next)
            s.largest_free = b->size() > s.largest_free ? b->size() : s.largest_free;
    }
    return s;
}

// Validates @p ptr using only reads inside the pool that contains it: the
// header must be in the pool and agree with both physical neighbours.
Result<Tlsf::Block*, Error> Tlsf::checked_block(const void* ptr) const {
    uptr p = reinterpret_cast<uptr>(ptr);
    const Pool* pool = pool_of(p);
    if (pool == nullptr)
        return err(Error::NotOwned);
    if (!is_aligned(p, k_align) || p < pool->first + k_header_bytes || p >= pool->sentinel)
        return err(Error::BadPointer);
    Block* b = Block::from_payload(p);
    if (b->free())
        return err(Error::DoubleFree);
    usize size = b->size();
    if (size < k_min_payload || size > pool->sentinel - p || b->next_phys()->prev_phys != b)
        return err(Error::BadPointer);
    uptr prev = reinterpret_cast<uptr>(b->prev_phys);
    uptr here = reinterpret_cast<uptr>(b);
    if (here == pool->first ? prev != 0
                            : (prev < pool->first || prev >= here || !is_aligned(prev, k_align) ||
                               b->prev_phys->next_phys() != b))
        return err(Error::BadPointer);
    return b;
}

const Tlsf::Pool* Tlsf::pool_of(uptr addr) const {
    for (usize i = 0; i < m_pool_count; ++i) {
        count_step();
        if (addr >= m_pools[i].first && addr < m_pools[i].sentinel + k_header_bytes)
            return &m_pools[i];
    }
    return nullptr;
}

// Finds and unlinks a block of at least @p search bytes: at most two
// find-first-set operations on the bitmaps, no loop.
Tlsf::Block* Tlsf::take_fitting(usize search) {
    usize rounded = round_request(search);
    if (rounded >= (usize{1} << k_max_log2))
        return nullptr;
    Index i = mapping(rounded);
    count_step();
    u32 sl_map = m_sl_bitmap[i.fl] & (~u32{0} << i.sl);
    if (sl_map == 0) {
        u32 fl_map = m_fl_bitmap & (~u32{0} << (i.fl + 1));
        if (fl_map == 0)
            return nullptr;
        i.fl = bits::lowest_bit(fl_map);
        sl_map = m_sl_bitmap[i.fl];
    }
    Block* b = m_heads[i.fl][bits::lowest_bit(sl_map)];
    remove_free(b);
    return b;
}

// Cuts @p b after @p payload bytes; the remainder becomes a new block (not on
// any list, free flag clear) that is returned. @pre b->size() >= payload + k_min_block
Tlsf::Block* Tlsf::split(Block* b, usize payload) {
    count_step();
    Block* rest = Block::make(b->payload() + payload, b, b->size() - payload - k_header_bytes);
    rest->next_phys()->prev_phys = rest;
    b->set_size(payload);
    return rest;
}

// Merges a just-freed @p b into its free predecessor, if any.
Tlsf::Block* Tlsf::merge_prev(Block* b) {
    Block* prev = b->prev_phys;
    if (prev == nullptr || !prev->free())
        return b;
    count_step();
    remove_free(prev);
    prev->set_size(prev->size() + k_header_bytes + b->size());
    prev->next_phys()->prev_phys = prev;
    return prev;
}

// Absorbs the free successor of @p b, if any. @p b is not on a list.
Tlsf::Block* Tlsf::merge_next(Block* b) {
    Block* next = b->next_phys();
    if (!next->free())
        return b;
    count_step();
    remove_free(next);
    b->set_size(b->size() + k_header_bytes + next->size());
    b->next_phys()->prev_phys = b;
    return b;
}

// Gives the part of @p b beyond @p payload back when it can form a block.
void Tlsf::trim_tail(Block* b, usize payload) {
    if (b->size() < payload + k_min_block)
        return;
    insert_free(merge_next(split(b, payload)));
}

// Cuts off the front of the free, unlisted @p b so that the payload of the
// returned block is aligned to @p align; the front goes back on a list. The
// front must hold a whole block (>= 32 bytes), so a 16-byte gap grows by align:
// the gap is at most align + 16. No merge is needed: b's predecessor is used.
Tlsf::Block* Tlsf::align_block(Block* b, usize align) {
    uptr p = b->payload();
    usize gap = align_up(p, align) - p;
    if (gap == 0)
        return b;
    if (gap < k_min_block)
        gap += align;
    Block* aligned = split(b, gap - k_header_bytes);
    insert_free(b);
    return aligned;
}

void Tlsf::insert_free(Block* b) {
    count_step();
    Index i = mapping(b->size());
    Block* head = m_heads[i.fl][i.sl];
    new (reinterpret_cast<void*>(b->payload())) Block::Links{head, nullptr};
    if (head != nullptr)
        head->links().prev = b;
    m_heads[i.fl][i.sl] = b;
    m_sl_bitmap[i.fl] |= u32{1} << i.sl;
    m_fl_bitmap |= u32{1} << i.fl;
    b->set_free(true);
    m_free_bytes += b->size();
    ++m_free_blocks;
}

// Unlinks free @p b from its list; its free flag stays set (callers decide).
void Tlsf::remove_free(Block* b) {
    count_step();
    Index i = mapping(b->size());
    Block::Links& l = b->links();
    if (l.prev != nullptr)
        l.prev->links().next = l.next;
    else
        m_heads[i.fl][i.sl] = l.next;
    if (l.next != nullptr)
        l.next->links().prev = l.prev;
    if (m_heads[i.fl][i.sl] == nullptr) {
        m_sl_bitmap[i.fl] &= ~(u32{1} << i.sl);
        if (m_sl_bitmap[i.fl] == 0)
            m_fl_bitmap &= ~(u32{1} << i.fl);
    }
    m_free_bytes -= b->size();
    --m_free_blocks;
}

void Tlsf::mark_used(Block* b) {
    b->set_free(false);
    m_used_bytes += b->size();
    ++m_used_blocks;
}

// @pre b is a validated used block. Its header keeps the free flag even when it
// is merged into its predecessor, so a second free() of it says DoubleFree.
void Tlsf::release(Block* b) {
    m_used_bytes -= b->size();
    --m_used_blocks;
    b->set_free(true);
    insert_free(merge_next(merge_prev(b)));
}

// Grows @p b into its free successor or shrinks it, if that suffices.
bool Tlsf::resize_in_place(Block* b, usize payload) {
    usize old_size = b->size();
    if (payload > old_size) {
        Block* next = b->next_phys();
        if (!next->free() || old_size + k_header_bytes + next->size() < payload)
            return false;
        merge_next(b);
    }
    trim_tail(b, payload);
    m_used_bytes = m_used_bytes - old_size + b->size();
    return true;
}

}  // namespace tn::mem
