/// @file
/// @brief General-purpose heap with O(1), bounded worst-case malloc/free: Two-Level
/// Segregated Fit.
///
/// Reference: M. Masmano, I. Ripoll, A. Crespo, J. Real, "TLSF: a New Dynamic
/// Memory Allocator for Real-Time Systems", ECRTS 2004. Free blocks sit in
/// segregated lists indexed by a first level (the power of two of the size) and a
/// second level (2^SL linear subdivisions of that power of two). Two bitmaps
/// record which lists are non-empty, so finding a fitting list is two
/// find-first-set instructions. Every block carries a boundary tag (its size,
/// a free flag and a pointer to its physical predecessor), so a freed block is
/// merged with both neighbours immediately.
///
/// Bounds: alloc, free and realloc are O(1); the worst case does not depend on
/// the number of live or free blocks. alloc does one two-level bitmap search
/// (at most two find-first-set instructions), one list removal, and at most two
/// splits and two list insertions (one of each for alignment). free looks the
/// pointer up in the pool table (<= k_max_pools comparisons), does at most two
/// merges (each one list removal) and one insertion. With one pool that is at
/// most 6 steps per alloc and per free; the host test counts them and asserts
/// it. realloc is at most a free plus an alloc, and copies min(old, new) bytes
/// when it must move. stats().largest_free walks one list: O(blocks in it).
///
/// Fragmentation: the search rounds a request up to the next list class (good
/// fit, not best fit), so a free block less than 1/2^SL larger than the request
/// can be passed over (SL = CONFIG_LIBMEMORY_TLSF_SL_LOG2; 5: 3.1%). The block
/// found is trimmed back, so an allocation wastes under 32 bytes plus its
/// 16-byte header. Payloads are 16-byte aligned; alloc() takes a larger
/// power-of-two alignment up to k_max_align.
///
/// Pools: the heap manages caller memory given with add_pool(); the Tlsf object
/// itself is the control block (6.2 KiB with SL = 5; constant-initialized,
/// so a static instance costs no boot code). Pools are never merged with each
/// other; one pool is limited to 4 GiB.
///
/// Bad frees: a pointer outside every pool, not 16-byte aligned, or whose
/// header fails the boundary-tag consistency checks returns NotOwned or
/// BadPointer; a block whose header says it is free returns DoubleFree. These
/// checks only read pool memory and catch every double free of a block whose
/// header was not since overwritten by a newer allocation.
///
/// Thread safety: none; the caller serializes all calls on one instance (the
/// kernel wraps it in its own lock). No global state: any number of instances.
#pragma once

#include <tn/mem/config.hpp>
#include <tn/mem/error.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::mem {

static_assert(sizeof(usize) == 8, "Tlsf assumes a 64-bit address space");

/// A TLSF heap over caller-given pools (see the file comment). Context: any;
/// never blocks; O(1); the owner serialises calls (a lock of its own).
class Tlsf {
public:
    /// Alignment of every payload.
    static constexpr usize k_align = 16;
    /// Largest alignment alloc() accepts (one page).
    static constexpr usize k_max_align = 4096;
    /// Bytes of header before every payload.
    static constexpr usize k_header_bytes = 16;
    /// Smallest payload of a block (a free block keeps two list links in it).
    static constexpr usize k_min_payload = 16;
    static constexpr unsigned k_sl_log2 = CONFIG_LIBMEMORY_TLSF_SL_LOG2;  ///< Second-level subdivisions, log2.
    static constexpr usize k_max_pools = CONFIG_LIBMEMORY_TLSF_MAX_POOLS;  ///< Pools add_pool() takes.
    /// Block payloads are below 2^k_max_log2 bytes.
    static constexpr unsigned k_max_log2 = 32;
    /// Smallest pool add_pool() accepts (before aligning its ends to 16 bytes).
    static constexpr usize k_min_pool_bytes = 2 * k_header_bytes + k_min_payload + 2 * (k_align - 1);
    /// Largest pool add_pool() accepts.
    static constexpr usize k_max_pool_bytes = (usize{1} << k_max_log2) - k_align;

    /// What the heap holds (stats()).
    struct Stats {
        usize used_bytes;    ///< payload bytes of allocated blocks
        usize free_bytes;    ///< payload bytes of free blocks
        usize largest_free;  ///< payload bytes of the largest free block
        usize used_blocks;   ///< allocated blocks
        usize free_blocks;   ///< free blocks
        usize pool_bytes;    ///< bytes of all pools, headers included
    };

    constexpr Tlsf() = default;
    Tlsf(const Tlsf&) = delete;
    Tlsf& operator=(const Tlsf&) = delete;

    /// Adds [mem, mem + bytes) to the heap; the heap owns it until the Tlsf dies.
    /// @retval InvalidArgument null, fewer than k_min_pool_bytes or more than
    ///         k_max_pool_bytes bytes, or the range wraps
    /// @retval Overlap   the range overlaps a pool already added
    /// @retval TableFull k_max_pools pools are already added
    Result<void, Error> add_pool(void* mem, usize bytes);

    /// Allocates @p size bytes aligned to @p align (a power of two; values below
    /// k_align mean k_align).
    /// @retval InvalidArgument size == 0, align not a power of two or > k_max_align
    /// @retval OutOfMemory     no free block can hold the request
    Result<void*, Error> alloc(usize size, usize align = k_align);

    /// Returns an allocation to the heap, merging it with free neighbours.
    /// @retval NotOwned   ptr is null or outside every pool
    /// @retval BadPointer ptr is not the payload of a block
    /// @retval DoubleFree the block is already free
    Result<void, Error> free(void* ptr);

    /// Resizes an allocation, in place when the block or its free successor is
    /// large enough, otherwise by alloc + copy + free; the result is then only
    /// k_align-aligned. realloc(nullptr, n) is alloc(n). On error the original
    /// allocation is untouched.
    /// @retval InvalidArgument size == 0 (use free())
    /// Otherwise the errors of free() (for ptr) and of alloc() (for size).
    Result<void*, Error> realloc(void* ptr, usize size);

    /// Usable payload bytes of an allocation (>= the size requested).
    /// Errors as for free().
    Result<usize, Error> usable_size(const void* ptr) const;

    /// Bytes and blocks used and free. O(blocks in the largest free list).
    Stats stats() const;
    /// Pools added.
    usize pool_count() const { return m_pool_count; }

#ifdef TN_HOST_TEST
    /// Host tests only: steps (bitmap searches, list operations, splits, merges,
    /// pool comparisons) done so far; the bounded-worst-case test reads it.
    u64 step_count() const { return m_steps; }
#endif

private:
    struct Block;
    struct Pool {
        uptr first;     // header of the first block
        uptr sentinel;  // header of the zero-size used block that ends the pool
    };

    static constexpr unsigned k_small_log2 = k_sl_log2 + 4;  // sizes < 2^this: fl 0
    static constexpr unsigned k_fl_count = k_max_log2 - k_small_log2 + 1;
    static constexpr unsigned k_sl_count = 1u << k_sl_log2;

    Result<Block*, Error> checked_block(const void* ptr) const;
    const Pool* pool_of(uptr addr) const;
    Block* take_fitting(usize search);
    Block* split(Block* b, usize payload);
    Block* merge_prev(Block* b);
    Block* merge_next(Block* b);
    void trim_tail(Block* b, usize payload);
    void insert_free(Block* b);
    void remove_free(Block* b);
    void mark_used(Block* b);
    void release(Block* b);
    bool resize_in_place(Block* b, usize payload);
    Block* align_block(Block* b, usize align);
    void count_step() const;

    Block* m_heads[k_fl_count][k_sl_count] = {};
    u32 m_fl_bitmap = 0;
    u32 m_sl_bitmap[k_fl_count] = {};
    Pool m_pools[k_max_pools] = {};
    usize m_pool_count = 0;
    usize m_pool_bytes = 0;
    usize m_used_bytes = 0;
    usize m_free_bytes = 0;
    usize m_used_blocks = 0;
    usize m_free_blocks = 0;
#ifdef TN_HOST_TEST
    mutable u64 m_steps = 0;
#endif
};

}  // namespace tn::mem
