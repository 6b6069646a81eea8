// Host tests of the arm64 Image header decoder and the guest RAM layout
// (mortise/kernel_image.hpp), with headers built here and, when the Linux artifacts are cached,
// the real Debian kernel's.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <mortise/kernel_image.hpp>

namespace mortise::kernel_image {
namespace {

using Bytes = std::vector<u8>;

void put64(Bytes& b, unsigned at, u64 v) {
    for (unsigned i = 0; i < 8; ++i)
        b[at + i] = static_cast<u8>(v >> (8 * i));
}

/// A header as Debian's 6.1 kernel has it: text_offset 0, image_size 0x2010000, flags 0xa.
Bytes header(u64 text_offset = 0, u64 image_size = 0x201'0000, u64 flags = 0xa) {
    Bytes b(64, 0);
    b[0] = 'M';
    b[1] = 'Z';
    put64(b, 0x08, text_offset);
    put64(b, 0x10, image_size);
    put64(b, 0x18, flags);
    b[0x38] = 'A';
    b[0x39] = 'R';
    b[0x3a] = 'M';
    b[0x3b] = 0x64;
    return b;
}

TEST(KernelImage, DecodesTheHeader) {
    Bytes b = header(0x8'0000, 0x123'4000, 0xa);
    auto h = decode(b.data(), b.size());
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h.value().text_offset, 0x8'0000u);
    EXPECT_EQ(h.value().image_size, 0x123'4000u);
    EXPECT_EQ(h.value().flags, 0xau);
}

TEST(KernelImage, RefusesWhatIsNotABootableImage) {
    Bytes b = header();
    EXPECT_EQ(decode(b.data(), 63).error(), Error::TooShort);
    EXPECT_EQ(decode(b.data(), 0).error(), Error::TooShort);
    Bytes gz = b;
    gz[0] = 0x1f;
    gz[1] = 0x8b;
    EXPECT_EQ(decode(gz.data(), gz.size()).error(), Error::Gzip);
    Bytes nomagic = b;
    nomagic[0x3b] = 0x65;
    EXPECT_EQ(decode(nomagic.data(), nomagic.size()).error(), Error::NoMagic);
    Bytes nosize = header(0x8'0000, 0);
    EXPECT_EQ(decode(nosize.data(), nosize.size()).error(), Error::NoSize);
    Bytes be = header(0, 0x100'0000, 0xb);
    EXPECT_EQ(decode(be.data(), be.size()).error(), Error::BigEndian);
    Bytes odd = header(0x8'0800);
    EXPECT_EQ(decode(odd.data(), odd.size()).error(), Error::TextOffset);
    Bytes high = header(0x20'0000);
    EXPECT_EQ(decode(high.data(), high.size()).error(), Error::TextOffset);
    for (Error e : {Error::TooShort, Error::Gzip, Error::NoMagic, Error::NoSize, Error::BigEndian, Error::TextOffset,
                    Error::Truncated, Error::FileSize})
        EXPECT_GT(std::string(explain(e)).size(), 20u);
}

// Tenon images give their file size in res2 (arch/arm64/src/image.S): a copy with fewer bytes
// was cut short. Linux leaves it 0, and then only the header itself is checked.
TEST(KernelImage, FileSizeInRes2CatchesACutShortFile) {
    Bytes b = header(0, 0x2'0000);
    put64(b, 0x20, 0xd5c0);
    auto whole = decode(b.data(), 0xd5c0);
    ASSERT_TRUE(whole.ok());
    EXPECT_EQ(whole.value().file_size, 0xd5c0u);
    EXPECT_TRUE(decode(b.data(), 0xd5c1).ok());  // trailing bytes (a padded copy) do no harm
    EXPECT_EQ(decode(b.data(), 0xd5bf).error(), Error::Truncated);
    EXPECT_EQ(decode(b.data(), 64).error(), Error::Truncated);
    Bytes linux_header = header();
    auto l = decode(linux_header.data(), 64);
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l.value().file_size, 0u);
    Bytes inconsistent = header(0, 0x1'0000);
    put64(inconsistent, 0x20, 0x1'0001);
    EXPECT_EQ(decode(inconsistent.data(), 0x2'0000).error(), Error::FileSize);
}

void put32(Bytes& b, unsigned at, u64 v) {
    for (unsigned i = 0; i < 4; ++i)
        b[at + i] = static_cast<u8>(v >> (8 * i));
}

/// An EFI-stub Image's first page: the PE/COFF header at 0x40 (res5), a PE32+ optional header
/// of 0xa0 bytes, and Debian 6.1's two sections (.text, .data).
Bytes efi_stub_image() {
    Bytes b = header();
    b.resize(4096, 0);
    put32(b, 0x3c, 0x40);
    std::memcpy(&b[0x40], "PE\0\0", 4);
    put32(b, 0x40 + 6, 2);      // NumberOfSections (16 bits; the next two are 0)
    put32(b, 0x40 + 20, 0xa0);  // SizeOfOptionalHeader
    const unsigned table = 0x40 + 24 + 0xa0;
    put32(b, table + 16, 0x173'0000);       // .text SizeOfRawData
    put32(b, table + 20, 0x1'0000);         // .text PointerToRawData
    put32(b, table + 40 + 16, 0x82'da00);   // .data SizeOfRawData
    put32(b, table + 40 + 20, 0x174'0000);  // .data PointerToRawData
    return b;
}

TEST(KernelImage, PeSectionsGiveALinuxImagesFileSize) {
    Bytes b = efi_stub_image();
    EXPECT_EQ(pe_file_size(b.data(), b.size()), 0x1f6'da00u);
    EXPECT_EQ(pe_file_size(b.data(), 0x40 + 24 + 0xa0 + 79), 0u);  // section table not all there
    EXPECT_EQ(pe_file_size(b.data(), 63), 0u);
    Bytes no_pe = header();
    EXPECT_EQ(pe_file_size(no_pe.data(), no_pe.size()), 0u);  // res5 0: no PE/COFF header
    Bytes bad_sig = b;
    bad_sig[0x41] = 'X';
    EXPECT_EQ(pe_file_size(bad_sig.data(), bad_sig.size()), 0u);
    Bytes far = b;
    put32(far, 0x3c, 0xffff'fff0);  // beyond what was read
    EXPECT_EQ(pe_file_size(far.data(), far.size()), 0u);
}

TEST(KernelImage, LayoutPlacesKernelInitramfsAndDeviceTreeApart) {
    const Header h{0, 0x201'0000, 0xa};
    auto l = layout(h, 0x1f6'd000, 0x10'2345, 0x1000'0000);  // 256 MiB
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l.value().kernel, 0u);
    EXPECT_EQ(l.value().kernel_end, 0x201'0000u);  // image_size, larger than the file
    EXPECT_EQ(l.value().dt, 0x1000'0000u - 0x20'0000u);
    EXPECT_EQ(l.value().initrd % k_initrd_align, 0u);
    EXPECT_LE(l.value().initrd + 0x10'2345, l.value().dt);
    EXPECT_GE(l.value().initrd, l.value().kernel_end);
    EXPECT_EQ(l.value().dt % 8, 0u);

    auto no_initrd = layout(h, 0x1f6'd000, 0, 0x1000'0000);
    ASSERT_TRUE(no_initrd.ok());
    EXPECT_EQ(no_initrd.value().initrd, 0u);
    EXPECT_EQ(no_initrd.value().initrd_size, 0u);
}

TEST(KernelImage, LayoutSaysHowMuchMemoryIsNeeded) {
    const Header h{0, 0x201'0000, 0xa};
    // kernel 0x2010000 -> initrd at 0x2010000 (1 MiB) -> 0x2110000 + 2 MiB DT -> rounded to 0x2400000.
    auto l = layout(h, 0x1f6'd000, 0x10'0000, 0x200'0000);
    ASSERT_FALSE(l.ok());
    EXPECT_EQ(l.error().needed, 0x240'0000u);
    EXPECT_TRUE(layout(h, 0x1f6'd000, 0x10'0000, 0x240'0000).ok());
    EXPECT_FALSE(layout(h, 0x1f6'd000, 0x10'0000, 0x220'0000).ok());
    // A file larger than image_size counts with its file size.
    auto big = layout(Header{0, 0x10'0000, 0xa}, 0x300'0000, 0, 0x300'0000);
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().needed, 0x320'0000u);
    // Sizes that wrap are refused, never placed.
    EXPECT_FALSE(layout(h, 0x1f6'd000, ~u64{0} - 0x100, ~u64{0} & ~u64{0x1f'ffff}).ok());
    EXPECT_FALSE(layout(Header{0, ~u64{0} - 0x10, 0xa}, 0, 0, ~u64{0} & ~u64{0x1f'ffff}).ok());
}

TEST(KernelImage, DebianKernelWhenCached) {
    const char* path = std::getenv("TN_TEST_LINUX_IMAGE");
    if (path == nullptr || *path == '\0')
        GTEST_SKIP() << "TN_TEST_LINUX_IMAGE not set (the LINUX_IMAGE of scripts/linux-artifacts)";
    std::FILE* f = std::fopen(path, "rb");
    ASSERT_NE(f, nullptr) << path;
    Bytes b(4096);
    ASSERT_EQ(std::fread(b.data(), 1, b.size(), f), b.size());
    ASSERT_EQ(std::fseek(f, 0, SEEK_END), 0);
    const u64 file_size = static_cast<u64>(std::ftell(f));
    std::fclose(f);
    auto h = decode(b.data(), file_size);
    ASSERT_TRUE(h.ok()) << explain(h.error());
    EXPECT_EQ(h.value().text_offset, 0u);
    EXPECT_EQ(h.value().flags & 1, 0u);
    // Debian's Image has an EFI stub: its last PE/COFF section ends where the file does.
    EXPECT_EQ(pe_file_size(b.data(), b.size()), file_size);
}

}  // namespace
}  // namespace mortise::kernel_image
