// Stage-2 translation of one guest (Arm ARM DDI 0487 D8.3 descriptor formats,
// D8.5.5 stage-2 memory attributes, D17 VTCR_EL2/VTTBR_EL2).
//
// A guest's intermediate physical addresses (IPAs) map to host physical
// addresses through a 39-bit, 4 KiB-granule table that starts at level 1
// (VTCR_EL2.T0SZ = 25, SL0 = 1): the same table shape as arch/arm64's stage-1
// builder, which therefore does the walking and block splitting here; this
// layer only encodes stage-2 attributes (MemAttr, S2AP, SH, AF, XN) and the
// VMID. Portable: tables come from an allocator callback, so it is tested on
// the host (tests/stage2_test.cpp) and used unchanged at EL2. Guest-physical
// addresses are tn::Ipa and host-physical ones tn::PhysAddr: passing one for
// the other does not compile.
#pragma once

#include <tn/addr.hpp>
#include <tn/arch/pgtable.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace mortise::stage2 {

using tn::Ipa;
using tn::PhysAddr;
using tn::Result;
using tn::u16;
using tn::u64;

constexpr unsigned k_ipa_bits = tn::arch::pgtable::k_va_bits;
constexpr u64 k_page = tn::arch::pgtable::k_page;

/// Memory type of a mapping: Normal write-back, Device-nGnRE, or Normal non-cacheable
/// (inter-VM channels with a Linux member, whose uio maps them uncached: every member
/// maps them alike, so no member sees mismatched attributes).
enum class Mem : tn::u8 { Normal, Device, NormalNc };

struct Perms {
    bool read;
    bool write;
    bool exec;
};

enum class Error : tn::u8 {
    Misaligned,   ///< IPA, PA or size not a multiple of 4 KiB.
    OutOfRange,   ///< Beyond the 39-bit IPA space (or wraps), or not mapped (translate()).
    OutOfTables,  ///< The allocator returned no table.
};

const char* error_name(Error e);

/// What translate() found for one IPA.
struct Translation {
    PhysAddr pa;
    Mem mem;
    Perms perms;
    unsigned level;  ///< 1: 1 GiB block, 2: 2 MiB block, 3: 4 KiB page.
};

/// Leaf descriptor attribute bits for a stage-2 mapping.
u64 leaf_attributes(Mem mem, Perms perms);

/// VTCR_EL2 for the tables built here: 39-bit IPA, start level 1, 4 KiB
/// granule, inner-shareable write-back walks, 8-bit VMID, output size from
/// @p pa_range (ID_AA64MMFR0_EL1.PARange; values above 5 are capped at 48 bits).
u64 vtcr(unsigned pa_range);

class Table {
public:
    /// @p root: a zeroed, 4 KiB-aligned level-1 table (its address doubles as
    /// its physical address); @p alloc supplies the lower-level tables.
    Table(u64* root, tn::arch::pgtable::AllocTable alloc, void* ctx, u16 vmid)
        : m_builder(root, alloc, ctx), m_vmid(vmid) {}

    /// Maps [ipa, ipa + size) to [pa, pa + size) with the largest blocks that
    /// fit; later mappings override earlier ones (splitting blocks).
    /// Errors: Misaligned, OutOfRange, OutOfTables.
    Result<void, Error> map(Ipa ipa, PhysAddr pa, u64 size, Mem mem, Perms perms);
    /// Removes any mapping of [ipa, ipa + size): guest accesses there trap.
    Result<void, Error> unmap(Ipa ipa, u64 size);
    /// Walks the tables for @p ipa. Error: OutOfRange when it is not mapped.
    Result<Translation, Error> translate(Ipa ipa) const;

    /// VTTBR_EL2: the root table and the VMID.
    u64 vttbr() const;
    u16 vmid() const { return m_vmid; }
    u64* root() const { return m_builder.root(); }

private:
    tn::arch::pgtable::Builder m_builder;
    u16 m_vmid;
};

}  // namespace mortise::stage2
