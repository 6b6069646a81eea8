// AArch64 translation-table construction (VMSAv8-64, 4 KiB granule, 39-bit
// input addresses: three levels, L1 entries map 1 GiB, L2 2 MiB, L3 4 KiB).
// Arm ARM D8.3 (translation table descriptor formats).
//
// Portable: the builder only writes descriptors into tables it gets from an
// allocator callback, so it runs on the host under unit tests and at EL1/EL2.
// Each map() uses the largest block that fits alignment and size, splitting an
// existing block into a next-level table when a smaller mapping overrides part
// of it. Time per map(): O(pages of the region) worst case, O(blocks) typical.
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::arch::pgtable {

constexpr unsigned k_va_bits = 39;
constexpr u64 k_page = 4096;
constexpr unsigned k_entries = 512;

/// Memory type: an index into MAIR_EL1 as programmed by arch code.
enum class MemType : u8 { Device = 0, Normal = 1, NormalNonCacheable = 2 };

struct Perms {
    bool write;
    bool exec;
};

enum class Error { Misaligned, OutOfRange, OutOfTables };

/// Supplies one zeroed, 4 KiB-aligned table; nullptr when none is left. The
/// returned pointer doubles as the table's physical address (identity mapping).
using AllocTable = u64* (*)(void* ctx);

struct Translation {
    u64 pa;
    MemType type;
    Perms perms;
    unsigned level;  // 1, 2 or 3: the level of the leaf descriptor
};

struct Leaf {
    u64 descriptor;
    unsigned level;
};

class Builder {
public:
    Builder(u64* root, AllocTable alloc, void* ctx) : m_root(root), m_alloc(alloc), m_ctx(ctx) {}

    /// Maps [va, va + size) to [pa, pa + size). Later mappings override earlier ones.
    Result<void, Error> map(u64 va, u64 pa, u64 size, MemType type, Perms perms);
    /// Like map(), with the leaf descriptors' attribute bits given by the
    /// caller: for translation regimes whose attribute encoding differs from
    /// EL1 stage 1 (EL2 stage 1, stage 2). @p leaf_attrs must not have bits in
    /// the output-address field or the two descriptor-type bits.
    Result<void, Error> map_attributes(u64 va, u64 pa, u64 size, u64 leaf_attrs);
    /// Removes any mapping of [va, va + size): accesses there fault.
    Result<void, Error> unmap(u64 va, u64 size);
    /// Walks the tables for @p va; an error when it is not mapped.
    Result<Translation, Error> translate(u64 va) const;

    /// The raw leaf descriptor mapping @p va and its level (1-3); an error
    /// when @p va is not mapped. For callers with their own attribute encoding.
    Result<Leaf, Error> leaf(u64 va) const;

    u64* root() const { return m_root; }

private:
    Result<void, Error> set_range(u64 va, u64 pa, u64 size, u64 leaf_attrs, bool valid);
    Result<u64*, Error> next_table(u64* entry, unsigned level);

    u64* m_root;
    AllocTable m_alloc;
    void* m_ctx;
};

/// Descriptor attribute bits (lower and upper attributes) for a leaf mapping.
u64 leaf_attributes(MemType type, Perms perms);

}  // namespace tn::arch::pgtable
