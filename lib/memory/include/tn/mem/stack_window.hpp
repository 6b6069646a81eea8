/// @file
/// @brief Address-space slots for guarded kernel stacks (lib/memory).
///
/// A window of virtual address space outside the identity map, cut into
/// equal slots, one per stack: slot n spans [base + n * slot_size, +slot_size).
/// A stack of p pages occupies the top p pages of its slot; the rest below,
/// at least the slot's lowest page, stays unmapped, so running off the
/// bottom of the stack faults. The window only hands out and takes back
/// slots and computes their addresses: mapping the pages is the caller's
/// (lib/sched's stack glue maps pool pages there with the arch MMU code).
/// Plain object, no locking: the caller serialises.
#pragma once

#include <tn/types.hpp>

namespace tn::mem {

/// A window of @p Slots stack slots (see the file comment).
template <unsigned Slots>
class StackWindow {
    static_assert(Slots >= 1, "at least one slot");

public:
    /// The page size the window counts in.
    static constexpr u64 k_page = 4096;

    /// @pre @p base and @p slot_size page-aligned, slot_size >= 2 pages.
    constexpr StackWindow(u64 base, u64 slot_size) : m_base(base), m_slot_size(slot_size) {}

    /// The largest stack, in pages, a slot holds with its guard page.
    constexpr u64 max_pages() const { return m_slot_size / k_page - 1; }
    /// Lowest address of @p slot (its guard page).
    constexpr u64 slot_base(u64 slot) const { return m_base + slot * m_slot_size; }
    /// One past the top of @p slot: where a stack in it ends.
    constexpr u64 slot_top(u64 slot) const { return slot_base(slot) + m_slot_size; }
    /// Lowest address of a stack of @p pages pages in @p slot.
    constexpr u64 stack_base(u64 slot, u64 pages) const { return slot_top(slot) - pages * k_page; }

    /// Takes the lowest free slot. @return its number, or -1 when all are in use.
    int alloc() {
        for (unsigned w = 0; w < k_words; ++w) {
            if (~m_used[w] == 0)
                continue;
            unsigned bit = __builtin_ctzll(~m_used[w]);
            if (w * 64 + bit >= Slots)
                return -1;
            m_used[w] |= u64{1} << bit;
            return static_cast<int>(w * 64 + bit);
        }
        return -1;
    }
    /// Gives @p slot back. @pre alloc() returned it and it was not freed since.
    void free(u64 slot) { m_used[slot / 64] &= ~(u64{1} << (slot % 64)); }
    /// True if @p slot is handed out.
    bool used(u64 slot) const { return slot < Slots && ((m_used[slot / 64] >> (slot % 64)) & 1); }

private:
    static constexpr unsigned k_words = (Slots + 63) / 64;
    u64 m_base;
    u64 m_slot_size;
    u64 m_used[k_words] = {};
};

}  // namespace tn::mem
