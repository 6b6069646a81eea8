// arm64 Image header decoding and the placement of kernel, initramfs and device tree in a
// guest's RAM (include/mortise/kernel_image.hpp). Portable: partcheck and Mortise share it.
#include <mortise/kernel_image.hpp>
#include <tn/bytes.hpp>

namespace mortise::kernel_image {

namespace {

constexpr u64 k_page = 0x1000;

using tn::load_le16;
using tn::load_le32;
using tn::load_le64;

constexpr u64 align_up(u64 v, u64 a) { return (v + a - 1) & ~(a - 1); }
constexpr u64 align_down(u64 v, u64 a) { return v & ~(a - 1); }

}  // namespace

const char* explain(Error e) {
    switch (e) {
    case Error::TooShort:
        return "is shorter than the 64-byte arm64 Image header; give the kernel's Image file";
    case Error::Gzip:
        return "is gzip-compressed (a vmlinuz); decompress it (gunzip) and give the Image inside";
    case Error::NoMagic:
        return "has no arm64 Image header (no \"ARM\\x64\" magic at offset 0x38); give an arm64 kernel Image";
    case Error::NoSize:
        return "has image_size 0 (a kernel older than 3.17 that does not say how much memory it needs); use a "
               "newer kernel";
    case Error::BigEndian:
        return "is a big-endian kernel (Image flags bit 0); Mortise runs little-endian guests only";
    case Error::TextOffset:
        return "has a text_offset that is not 4 KiB-aligned below 2 MiB; rebuild the kernel with a standard "
               "text_offset";
    case Error::Truncated:
        return "is shorter than the file size its header gives (res2 of a Tenon image, the PE/COFF sections of "
               "a Linux Image): the file was cut short; copy it again";
    case Error::FileSize:
        return "has a file size (res2) larger than its image_size: the header is damaged; rebuild the image";
    }
    return "is not a usable arm64 Image";
}

tn::Result<Header, Error> decode(const u8* data, u64 size) {
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        return tn::err(Error::Gzip);
    if (size < k_header_size)
        return tn::err(Error::TooShort);
    if (!(data[0x38] == 'A' && data[0x39] == 'R' && data[0x3a] == 'M' && data[0x3b] == 0x64))
        return tn::err(Error::NoMagic);
    const Header h{load_le64(data + 0x08), load_le64(data + 0x10), load_le64(data + 0x18), load_le64(data + 0x20)};
    if (h.image_size == 0)
        return tn::err(Error::NoSize);
    if (h.flags & 1)
        return tn::err(Error::BigEndian);
    if (h.text_offset % k_page != 0 || h.text_offset >= k_base_align)
        return tn::err(Error::TextOffset);
    if (h.file_size > h.image_size)
        return tn::err(Error::FileSize);
    if (h.file_size > size)
        return tn::err(Error::Truncated);
    return h;
}

u64 pe_file_size(const u8* data, u64 avail) {
    // PE/COFF (Microsoft PE format): "PE\0\0", then the COFF header (NumberOfSections at +6,
    // SizeOfOptionalHeader at +20, 24 bytes in all), the optional header, then 40-byte
    // section headers with SizeOfRawData at +16 and PointerToRawData at +20.
    if (avail < k_header_size)
        return 0;
    const u64 pe = load_le32(data + 0x3c);
    if (pe == 0 || pe > avail || avail - pe < 24 || __builtin_memcmp(data + pe, "PE\0\0", 4) != 0)
        return 0;
    const u64 sections = load_le16(data + pe + 6);
    const u64 table = pe + 24 + load_le16(data + pe + 20);
    if (table > avail || (avail - table) / 40 < sections)
        return 0;
    u64 end = 0;
    for (u64 i = 0; i < sections; ++i) {
        const u8* s = data + table + 40 * i;
        const u64 raw_end = load_le32(s + 20) + load_le32(s + 16);  // two 32-bit values: no wrap in 64 bits
        end = raw_end > end ? raw_end : end;
    }
    return end;
}

tn::Result<Layout, TooSmall> layout(const Header& h, u64 file_size, u64 initrd_size, u64 mem_size) {
    // The sizes come from files and descriptions: every sum is checked, and one that would wrap
    // needs "all memory" rather than being placed.
    constexpr u64 k_huge = ~u64{0} & ~(k_base_align - 1);
    const u64 used = h.image_size > file_size ? h.image_size : file_size;
    Layout l{};
    l.kernel = h.text_offset;
    l.initrd_size = initrd_size;
    u64 needed = 0;
    if (__builtin_add_overflow(h.text_offset, used, &l.kernel_end) || l.kernel_end > k_huge ||
        initrd_size > k_huge || __builtin_add_overflow(align_up(l.kernel_end, k_initrd_align),
                                                       align_up(initrd_size, k_initrd_align), &needed) ||
        __builtin_add_overflow(needed, k_dt_room, &needed) || needed > k_huge)
        return tn::err(TooSmall{k_huge});
    needed = align_up(needed, k_base_align);
    if (mem_size < needed)
        return tn::err(TooSmall{needed});
    l.dt = mem_size - k_dt_room;
    l.initrd = initrd_size ? align_down(l.dt - initrd_size, k_initrd_align) : 0;
    return l;
}

}  // namespace mortise::kernel_image
