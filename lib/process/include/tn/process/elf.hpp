/// @file
/// @brief ELF loader for EL0 programs (lib/process): validates an embedded ELF
/// executable and applies its relocations, without touching memory itself.
///
/// What version 1 loads: a 64-bit little-endian AArch64 ELF file of type
/// ET_DYN linked at address 0 (a static position-independent executable,
/// `-static-pie`): no PT_INTERP, no DT_NEEDED, at most k_max_segments PT_LOAD
/// segments, and relocations only of type R_AARCH64_RELATIVE in one DT_RELA
/// table. ET_EXEC files are refused: every program is placed at the same
/// address today (TN_USER_LOAD), but a fixed-address executable would tie the
/// layout of the user window to the link, so only position-independent files
/// are accepted.
///
/// Two steps, both portable (no allocation, no MMU access, host-tested):
///  1. parse() checks the whole file: header, program headers, every PT_LOAD
///     segment (inside the file, page-congruent, ascending, no two in one
///     page, W^X), the entry point (inside an executable segment), the span
///     against the caller's window, the dynamic section, and every relocation
///     entry (type, target, value). It returns an Image: what to map and
///     where, relative to the load base.
///  2. The kernel maps span bytes at a page-aligned base, copies each
///     segment's file bytes, zeroes the rest, and calls relocate(), which
///     writes each relocated pointer through the caller's Writer (the kernel
///     writes through its own mapping of the process's pages). The kernel
///     then applies the final permissions (text read-only and executable,
///     data writable and never executable, Image::relro read-only).
///
/// Every read is bounds-checked against the file's size with overflow-safe
/// arithmetic and done bytewise (the file need not be aligned): arbitrary
/// bytes never make parse() read outside [file, file + size) (fuzzed under
/// ASan and UBSan: test/fuzz/elf_fuzz.cpp).
///
/// Context: any (thread or boot context); no locks, no allocation. The file
/// must not change between parse() and relocate().
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

/// ELF loading for EL0 programs (lib/process).
namespace tn::process::elf {

/// Why a file was refused. parse() reports the first check that fails (the
/// header's, then each program header's in table order, then the dynamic
/// section's and the relocations'); relocate() only relocation errors.
enum class Error : u8 {
    Truncated,               ///< The file is shorter than the 64-byte ELF header.
    BadMagic,                ///< The file does not start with "\x7fELF".
    NotElf64LittleEndian,    ///< Not ELFCLASS64, not ELFDATA2LSB, or ELF version not 1.
    NotAArch64,              ///< e_machine is not EM_AARCH64 (183).
    NotPositionIndependent,  ///< e_type is not ET_DYN (ET_EXEC included: version 1 loads PIE only).
    Dynamic,                 ///< Needs a dynamic linker or shared libraries (PT_INTERP, DT_NEEDED).
    BadProgramHeaders,       ///< e_phentsize not 56, no headers, or the table outside the file.
    NoLoadableSegment,       ///< No PT_LOAD segment with a non-zero memory size.
    TooManySegments,         ///< More than k_max_segments non-empty PT_LOAD segments.
    SegmentOutsideFile,      ///< A segment's file range [p_offset, p_offset + p_filesz) leaves the file.
    FileSizeExceedsMemSize,  ///< A PT_LOAD segment has p_filesz > p_memsz.
    MisalignedSegment,       ///< p_vaddr and p_offset differ modulo the page, or p_align is not 0 or a power of two.
    SegmentOrder,            ///< PT_LOAD segments not in ascending order, or two share a page.
    ImageTooLarge,           ///< The page-rounded end of the last segment exceeds the window (or overflows).
    WritableAndExecutable,   ///< A segment is both writable and executable (W^X).
    BadEntry,                ///< e_entry is not inside the file bytes of an executable PT_LOAD segment.
    BadDynamic,              ///< PT_DYNAMIC outside the file, without DT_NULL, or inconsistent DT_RELA* tags.
    TextRelocations,         ///< DT_TEXTREL or DF_TEXTREL: relocations against read-only text.
    RelocationsOutsideFile,  ///< The DT_RELA table is not inside the file bytes of one PT_LOAD segment.
    UnsupportedRelocation,   ///< DT_REL, DT_JMPREL, DT_RELR, or a type other than RELATIVE and NONE.
    BadRelocationTarget,     ///< A target is not 8-byte aligned inside a writable segment's memory.
    BadRelocationValue,      ///< A RELATIVE addend points outside the image [0, span].
    WriteFailed,             ///< The Writer refused a write (relocate() only).
};

/// A short human-readable text for @p e (the kernel's report prints it).
const char* error_name(Error e);

/// Most PT_LOAD segments a program may have (text, rodata, data, plus room).
constexpr unsigned k_max_segments = 8;
/// The page size segments are laid out with.
constexpr u64 k_page = 4096;
/// R_AARCH64_NONE: skipped by relocate() (linkers may leave such padding entries).
constexpr u32 k_r_aarch64_none = 0;
/// R_AARCH64_RELATIVE: *(base + r_offset) = base + r_addend.
constexpr u32 k_r_aarch64_relative = 1027;

/// One PT_LOAD segment. Addresses are relative to the load base (the file is
/// linked at 0). Bytes [vaddr, vaddr + filesz) come from the file at offset;
/// [vaddr + filesz, vaddr + memsz) are zero.
struct Segment {
    u64 vaddr;   ///< First byte's address, relative to the load base.
    u64 memsz;   ///< Bytes in memory (> 0).
    u64 filesz;  ///< Bytes from the file (<= memsz).
    u64 offset;  ///< File offset of the first byte; offset % k_page == vaddr % k_page.
    bool write;  ///< PF_W: writable (then never executable).
    bool exec;   ///< PF_X: executable (then never writable).
};

/// What parse() found: everything the kernel needs to map and relocate.
struct Image {
    u64 entry;  ///< Entry point, relative to the load base; inside an executable segment.
    u64 span;   ///< Page-rounded end of the highest segment: bytes to reserve from the base.
    Segment seg[k_max_segments];  ///< The PT_LOAD segments, ascending, no two in one page.
    unsigned count;               ///< Valid entries of seg (1..k_max_segments).
    u64 rela_offset;  ///< File offset of the Elf64_Rela table (0 when rela_count is 0).
    u64 rela_count;   ///< Entries in the table (0: nothing to relocate).
    u64 relro_vaddr;  ///< PT_GNU_RELRO start (relative); 0 with relro_memsz 0.
    /// PT_GNU_RELRO size, 0 if none or not inside one writable segment's
    /// pages. Pages wholly inside may be made read-only after relocate().
    u64 relro_memsz;
};

/// Where relocate() writes: write64(ctx, vaddr, value) stores the 8-byte
/// @p value at @p vaddr (relative to the load base; 8-byte aligned, inside a
/// writable segment, so within one page) and returns false to abort.
struct Writer {
    bool (*write64)(void* ctx, u64 vaddr, u64 value);  ///< The store; false fails relocate().
    void* ctx;  ///< Passed to write64 unchanged.
};

/// Validates the ELF file [@p file, @p file + @p size) as described in the
/// file comment and describes it. @p max_span is the most bytes the image may
/// occupy from its load base (the caller's window); the image's span, which
/// starts at address 0, must not exceed it. Every relocation entry is checked
/// here, so relocate() on the result fails only if the Writer does.
Result<Image, Error> parse(const u8* file, usize size, u64 max_span);

/// Applies @p img's relocations for a load at @p base: for each
/// R_AARCH64_RELATIVE entry, writes base + r_addend at r_offset through
/// @p w; R_AARCH64_NONE entries are skipped. Rechecks each entry as parse()
/// did. @pre @p img is parse()'s result for the same, unchanged @p file.
Result<void, Error> relocate(const u8* file, const Image& img, u64 base, const Writer& w);

}  // namespace tn::process::elf
