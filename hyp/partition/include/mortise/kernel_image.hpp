// The arm64 kernel Image header (Linux Documentation/arch/arm64/booting.rst, "Call the
// kernel image") and where a kernel, its initramfs and its device tree go in a guest's RAM.
// Tenon images carry the same header (arch/arm64/src/image.S), so both kinds of guest are
// decoded and placed by this code: at build time by partcheck (from the files it is given)
// and at boot by Mortise (from the embedded copies).
//
// The 64-byte header, little endian:
//   0x00 code0, code1   0x08 text_offset   0x10 image_size   0x18 flags
//   0x20 res2..res4     0x38 magic "ARM\x64"                 0x3c res5 (PE offset)
//
// Linux leaves res2 0. Tenon images (arch/arm64/src/image.S) put their file size there, so
// a loader can tell a copy that was cut short from a whole one (a boot module is given by
// address and size only; image_size counts BSS and says nothing about the file).
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

namespace mortise::kernel_image {

using tn::u64;
using tn::u8;

constexpr u64 k_header_size = 64;
/// The kernel is placed text_offset bytes above a 2 MiB-aligned base (guest RAM's base is).
constexpr u64 k_base_align = 0x20'0000;
/// Room at the top of guest RAM for the device tree (booting.rst: at most 2 MiB, 8-byte
/// aligned, in a 2 MiB region of its own).
constexpr u64 k_dt_room = 0x20'0000;
/// The initramfs is placed at a page boundary.
constexpr u64 k_initrd_align = 0x1000;

struct Header {
    u64 text_offset;
    u64 image_size;  ///< bytes from the load address the kernel uses, BSS included
    u64 flags;       ///< bit 0 big endian; bits 1-2 page size; bit 3 placement anywhere
    u64 file_size = 0;  ///< res2: the whole file's size (Tenon images); 0 when not given (Linux)
};

enum class Error {
    TooShort,    ///< fewer than 64 bytes
    Gzip,        ///< a gzip'd vmlinuz, not the Image inside it
    NoMagic,     ///< no "ARM\x64" at 0x38
    NoSize,      ///< image_size 0: a kernel before 3.17, which does not say how much it needs
    BigEndian,   ///< flags bit 0
    TextOffset,  ///< text_offset not 4 KiB aligned or not below 2 MiB
    Truncated,   ///< fewer bytes than the header's file_size: the file was cut short
    FileSize,    ///< file_size larger than image_size: not a header this tree writes
};
/// What is wrong and what to do, one sentence.
const char* explain(Error e);

/// Decodes the header of the @p size bytes at @p data (only the first 64 are read); @p size
/// is the whole file's, checked against the header's file_size when it gives one.
tn::Result<Header, Error> decode(const u8* data, u64 size);

/// The file size an EFI-stub Linux Image implies: res5 is the offset of its PE/COFF header,
/// whose section table gives each section's raw data (PointerToRawData + SizeOfRawData; the
/// last one ends where the file does). Reads at most the first @p avail bytes at @p data; 0
/// when there is no PE/COFF header or its section table lies beyond @p avail.
u64 pe_file_size(const u8* data, u64 avail);

/// Offsets from guest RAM's base.
struct Layout {
    u64 kernel;        ///< load address (text_offset)
    u64 kernel_end;    ///< kernel + max(image_size, file size): what the kernel may use
    u64 initrd;        ///< initramfs start (0 with initrd_size 0)
    u64 initrd_size;
    u64 dt;            ///< device tree (k_dt_room below the top)
};

/// Where each part goes in @p mem_size bytes of RAM: the kernel at its text_offset, the device
/// tree in the top 2 MiB, the initramfs right below the device tree's room. Error: the smallest
/// memory size (a multiple of 2 MiB) that would fit them.
struct TooSmall {
    u64 needed;
};
tn::Result<Layout, TooSmall> layout(const Header& h, u64 file_size, u64 initrd_size, u64 mem_size);

}  // namespace mortise::kernel_image
