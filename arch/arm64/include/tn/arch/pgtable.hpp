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

#include <tn/register.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::arch::pgtable {

constexpr unsigned k_va_bits = 39;
constexpr unsigned k_page_shift = 12;
constexpr u64 k_page = u64{1} << k_page_shift;
constexpr unsigned k_entries = 512;

/// Lowest address bit a level-@p level entry translates: L1 30, L2 21, L3 12.
constexpr unsigned shift_of(unsigned level) { return k_va_bits - 9 * level; }
/// Bytes one level-@p level entry maps: 1 GiB, 2 MiB, 4 KiB.
constexpr u64 block_size(unsigned level) { return u64{1} << shift_of(level); }

/// Descriptor fields (Arm ARM D8.3). The type bits and the output address are
/// common to every translation regime; the attribute fields are named once
/// here for each regime that Tenon and Mortise build: stage 1 at EL1 (AttrIndx,
/// AP, PXN/UXN) and stage 2 (MemAttr, S2AP, XN).
namespace desc {
struct Valid : Field<0, 1> {};        ///< The entry translates; else it faults.
struct Table : Field<1, 1> {};        ///< 1: a table (L1/L2) or a page (L3); 0: a block.
struct OutputAddr : Field<12, 36> {}; ///< Output address bits [47:12] (next table, block or page).
struct Sh : Field<8, 2> {};           ///< Shareability; k_sh_inner = inner shareable.
struct Af : Field<10, 1> {};          ///< Access flag: set, so the first access does not fault.
struct Ng : Field<11, 1> {};          ///< Not global: the TLB tags the entry with the current ASID.
constexpr u64 k_sh_inner = 3;         ///< Sh value: inner shareable.
/// The two type bits of a valid table (L1/L2) or page (L3) descriptor.
constexpr u64 k_table_or_page = Valid::bits(1) | Table::bits(1);

// Stage 1 (D8.3.2, D8.4): attributes by MAIR index, access permissions.
struct AttrIndx : Field<2, 3> {};  ///< Index into MAIR_ELx (MemType).
struct Ap1 : Field<6, 1> {};       ///< AP[1]: EL0 may access (EL1 regime); RES1 at EL2.
struct ApRo : Field<7, 1> {};      ///< AP[2]: read-only.
struct Pxn : Field<53, 1> {};      ///< Privileged execute never.
struct Uxn : Field<54, 1> {};      ///< Unprivileged execute never (XN at EL2).

// Stage 2 (D8.5.5): memory type and access permissions set by the hypervisor.
struct MemAttr : Field<2, 4> {};   ///< Stage-2 memory type.
struct S2apRead : Field<6, 1> {};  ///< S2AP[0]: the guest may read.
struct S2apWrite : Field<7, 1> {}; ///< S2AP[1]: the guest may write.
struct Xn : Field<54, 1> {};       ///< XN[1]: never executable (XN[0], bit 53, only with FEAT_XNX).
constexpr u64 k_memattr_normal_wb = 0xf;    ///< MemAttr: Normal, outer and inner write-back.
constexpr u64 k_memattr_device_ngnre = 0x1; ///< MemAttr: Device-nGnRE.
}  // namespace desc

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
/// Leaf attribute bits of a process's page (EL1 stage 1): Normal write-back,
/// EL0 accessible, tagged with the ASID (not global), never executable at
/// EL1 (PXN); executable at EL0 only when @p perms.exec; read-only (for EL1
/// too) unless @p perms.write.
u64 user_leaf_attributes(Perms perms);

}  // namespace tn::arch::pgtable
