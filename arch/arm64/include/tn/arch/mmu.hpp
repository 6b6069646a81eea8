// Stage-1 MMU of the running image: an identity map with W^X, at EL1 (Tenon)
// or, in hypervisor images (CONFIG_TN_HYPERVISOR), at EL2 (Mortise).
//
// RAM is Normal write-back memory, read/write, never executable; the image is
// then refined per 4 KiB page: text read-only executable, rodata (and the
// relocation and init tables) read-only, data and BSS read/write; a guard page
// below the boot stack is unmapped. Devices are Device-nGnRE, never executable.
// SCTLR_EL1.WXN additionally makes every writable page non-executable.
#pragma once

#include <tn/arch/pgtable.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::arch::mmu {

struct Range {
    u64 base;
    u64 size;
};

enum class Error { TooManyTables, BadRange, ImageOutsideRam };

/// An upper bound, usable at build time, on the translation tables enable()
/// takes from the ARCH_ARM64_MMU_TABLES pool: the root; for RAM starting at
/// @p ram_base (of any size, so its last gigabyte may be partial) a level-2
/// table for its first and last gigabyte and for the image's gigabyte (whose
/// 2 MiB blocks are refined to pages), and a level-3 table for each 2 MiB block
/// an image of @p image_max bytes loaded at a 2 MiB boundary spans; for the
/// @p count device ranges (each rounded out to pages, none in a gigabyte RAM
/// touches) a level-2 table for each gigabyte and a level-3 table for each
/// 2 MiB block they map only in part, shared ones counted once.
constexpr usize boot_tables(u64 ram_base, u64 image_max, const Range* devices, usize count) {
    constexpr u64 k_gib = u64{1} << 30, k_block = u64{2} << 20;
    usize n = 1 + (ram_base % k_gib ? 3 : 2) + static_cast<usize>(align_up(image_max, k_block) / k_block);
    // The gigabytes and 2 MiB blocks mapped in part: at most the first and
    // last of each range at each level.
    u64 seen[2][16] = {};
    usize seen_count[2] = {};
    auto add = [&](unsigned level, u64 key) {
        for (usize i = 0; i < seen_count[level]; ++i)
            if (seen[level][i] == key)
                return;
        if (seen_count[level] < 16)
            seen[level][seen_count[level]++] = key;
        ++n;
    };
    const u64 sizes[2] = {k_gib, k_block};
    for (usize i = 0; i < count; ++i) {
        u64 base = align_down(devices[i].base, 4096), end = align_up(devices[i].base + devices[i].size, 4096);
        for (unsigned level = 0; level < 2; ++level) {
            u64 first = align_down(base, sizes[level]), last = align_down(end - 1, sizes[level]);
            if (base != first || (first == last && end - first != sizes[level]))
                add(level, first);
            if (last != first && end - last != sizes[level])
                add(level, last);
        }
    }
    return n;
}

/// Builds the tables and turns the MMU and caches on. Called once on the boot
/// CPU with the MMU off and IRQs masked. @p ram: the RAM the image and its
/// data live in; @p devices: MMIO ranges (rounded out to pages).
Result<void, Error> enable(Range ram, const Range* devices, usize device_count);

/// Maps [va, va + size) to [pa, pa + size) as normal write-back read/write,
/// never executable memory, in the running tables; @p alloc supplies zeroed
/// page-aligned tables for new levels. For kernel windows outside the
/// identity map (thread stacks): @pre nothing mapped there yet. The caller
/// serialises calls. Errors: TooManyTables (alloc failed), BadRange.
Result<void, Error> map_kernel_pages(u64 va, u64 pa, u64 size, pgtable::AllocTable alloc, void* ctx);
/// Removes a mapping made by map_kernel_pages() and flushes it from every
/// CPU's TLB. Intermediate tables stay (for the next mapping there).
void unmap_kernel_pages(u64 va, u64 size);

/// Maps the device registers [pa, pa + size), rounded out to pages, at the
/// same address as Device-nGnRE, read/write, never executable, in the running
/// tables (tables come from the ARCH_ARM64_MMU_TABLES pool). Pages already
/// mapped as a device are left as they are. Errors: BadRange when the range
/// is empty, wraps, lies beyond the VA space or touches a page mapped as
/// memory (RAM, the image); TooManyTables when the pool ran out (pages mapped
/// up to then stay mapped). Thread context; safe against concurrent callers.
Result<void, Error> map_device(u64 pa, u64 size);

/// Maps memory shared with another guest or device, [pa, pa + size) rounded
/// out to pages, at the same address as Normal Inner Shareable memory:
/// Write-Back cacheable when @p cacheable, else Non-cacheable; read/write
/// when @p writable, else read-only; never executable. Pages already mapped
/// with exactly these attributes are left as they are. Errors: BadRange when
/// the range is empty, wraps, lies beyond the VA space or touches a page
/// mapped otherwise (RAM, the image, a device, the other memory type);
/// TooManyTables as map_device(). Thread context; safe against concurrent
/// callers (it shares map_device()'s lock).
Result<void, Error> map_shared(u64 pa, u64 size, bool cacheable, bool writable);

/// What the EL2 identity map holds besides the image: RAM banks (normal
/// write-back, read/write, never executable) and device ranges (rounded out
/// to pages, Device-nGnRE).
struct El2Map {
    const Range* ram;
    usize ram_count;
    const Range* devices;
    usize device_count;
};

/// enable() for EL2 (hypervisor images only): builds the EL2 stage-1 tables
/// for @p m from @p tables (@p table_count zeroed, page-aligned tables the
/// caller reserves), writes VTCR_EL2 = @p vtcr (the stage-2 control every CPU
/// uses) and turns the MMU and caches on; publishes MAIR, TCR, TTBR0, SCTLR
/// and VTCR for the secondary CPUs (el2/entry.S). Boot CPU, MMU off, IRQs
/// masked. Errors: TooManyTables, BadRange.
Result<void, Error> enable_el2(const El2Map& m, u64 (*tables)[pgtable::k_entries], usize table_count, u64 vtcr);

/// ID_AA64MMFR0_EL1.PARange: the physical address size the CPU supports, in
/// the encoding TCR_ELx.IPS/PS and VTCR_EL2.PS use (0: 32 bits ... 6: 52 bits).
unsigned pa_range();

/// Makes [base, base + size) visible to an observer with the MMU or caches
/// off (clean and invalidate by VA to the point of coherency). Any context.
void clean_to_poc(u64 base, u64 size);

}  // namespace tn::arch::mmu
