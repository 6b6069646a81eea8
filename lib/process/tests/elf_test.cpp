// tn::process::elf: every refusal of parse() and relocate() on hand-built
// files (one field changed from a valid file each), the relocations of a
// valid one, and a real static-pie from the AArch64 cross compiler when the
// build has one (tests/unit.mk). Run under ASan and UBSan.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <tn/process/elf.hpp>

#include "elf_builder.hpp"

namespace tn::process::elf::test {
namespace {

constexpr u64 k_window = u64{1} << 30;

/// parse() on an exact-size heap copy (ASan sees any over-read).
Result<Image, Error> parse_bytes(const std::vector<u8>& b, u64 max_span = k_window) {
    std::vector<u8> copy(b);
    return parse(copy.empty() ? nullptr : copy.data(), copy.size(), max_span);
}

Error parse_error(const ElfBuilder& e, u64 max_span = k_window) {
    auto r = parse_bytes(e.bytes(), max_span);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error::WriteFailed : r.error();
}

/// Records relocate()'s writes; fails the write at fail_at.
struct Recorder {
    std::map<u64, u64> writes;
    u64 fail_at = ~u64{0};
    static bool write(void* ctx, u64 vaddr, u64 value) {
        auto* self = static_cast<Recorder*>(ctx);
        if (vaddr == self->fail_at)
            return false;
        self->writes[vaddr] = value;
        return true;
    }
    Writer writer() { return Writer{&Recorder::write, this}; }
};

TEST(Elf, ValidImage) {
    ElfBuilder e;
    auto r = parse_bytes(e.bytes());
    ASSERT_TRUE(r.ok()) << error_name(r.error());
    const Image& img = r.value();
    EXPECT_EQ(img.entry, 0x100u);
    EXPECT_EQ(img.span, 0x4000u);
    ASSERT_EQ(img.count, 2u);
    EXPECT_EQ(img.seg[0].vaddr, 0u);
    EXPECT_EQ(img.seg[0].memsz, 0x1000u);
    EXPECT_TRUE(img.seg[0].exec);
    EXPECT_FALSE(img.seg[0].write);
    EXPECT_EQ(img.seg[1].vaddr, 0x1000u);
    EXPECT_EQ(img.seg[1].memsz, 0x3000u);
    EXPECT_EQ(img.seg[1].filesz, 0x1000u);
    EXPECT_EQ(img.seg[1].offset, 0x1000u);
    EXPECT_TRUE(img.seg[1].write);
    EXPECT_FALSE(img.seg[1].exec);
    EXPECT_EQ(img.rela_offset, 0x800u);
    EXPECT_EQ(img.rela_count, 3u);
    EXPECT_EQ(img.relro_memsz, 0u);
}

TEST(Elf, RelocateWritesBasePlusAddend) {
    ElfBuilder e;
    const auto bytes = e.bytes();
    auto r = parse_bytes(bytes);
    ASSERT_TRUE(r.ok());
    Recorder rec;
    const u64 base = 0x6000400000;
    ASSERT_TRUE(relocate(bytes.data(), r.value(), base, rec.writer()).ok());
    // Two RELATIVE entries written (the NONE one skipped); the addend may be
    // the span itself (a one-past-the-end pointer).
    ASSERT_EQ(rec.writes.size(), 2u);
    EXPECT_EQ(rec.writes[0x1100], base + 0x100);
    EXPECT_EQ(rec.writes[0x3ff8], base + 0x4000);
}

TEST(Elf, RelocateReportsAFailedWrite) {
    ElfBuilder e;
    const auto bytes = e.bytes();
    auto r = parse_bytes(bytes);
    ASSERT_TRUE(r.ok());
    Recorder rec;
    rec.fail_at = 0x3ff8;
    auto w = relocate(bytes.data(), r.value(), 0x6000400000, rec.writer());
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.error(), Error::WriteFailed);
}

TEST(Elf, RelocateOverflowingBaseIsRefused) {
    ElfBuilder e;
    const auto bytes = e.bytes();
    auto r = parse_bytes(bytes);
    ASSERT_TRUE(r.ok());
    Recorder rec;
    auto w = relocate(bytes.data(), r.value(), ~u64{0} - 0x200, rec.writer());
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.error(), Error::BadRelocationValue);
}

TEST(Elf, NoDynamicSectionMeansNoRelocations) {
    ElfBuilder e;
    e.ph.pop_back();
    auto r = parse_bytes(e.bytes());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().rela_count, 0u);
    Recorder rec;
    ASSERT_TRUE(relocate(nullptr, r.value(), 0x1000, rec.writer()).ok());
    EXPECT_TRUE(rec.writes.empty());
}

TEST(Elf, EmptyRelaTableIsAccepted) {
    ElfBuilder e;
    e.dyn = {{k_dt_rela, 0x800}, {k_dt_relasz, 0}, {k_dt_null, 0}};
    auto r = parse_bytes(e.bytes());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().rela_count, 0u);
}

TEST(Elf, IgnoredProgramHeadersAndEmptyLoads) {
    ElfBuilder e;
    e.ph.insert(e.ph.begin(), Ph{k_pt_note, k_pf_r, 0x200, 0x200, 0x20, 0x20, 4});
    e.ph.push_back(Ph{k_pt_load, k_pf_r | k_pf_w | k_pf_x, 0, 0x100000, 0, 0, 0x1000});  // Empty: ignored.
    e.ph.push_back(Ph{0x6474e551 /* PT_GNU_STACK */, k_pf_r | k_pf_w, 0, 0, 0, 0, 16});
    auto r = parse_bytes(e.bytes());
    ASSERT_TRUE(r.ok()) << error_name(r.error());
    EXPECT_EQ(r.value().count, 2u);
    EXPECT_EQ(r.value().span, 0x4000u);
}

TEST(Elf, RelroInsideTheDataSegmentIsReported) {
    ElfBuilder e;
    e.ph.push_back(Ph{k_pt_gnu_relro, k_pf_r, 0x1000, 0x1000, 0x1000, 0x1000, 1});
    auto r = parse_bytes(e.bytes());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().relro_vaddr, 0x1000u);
    EXPECT_EQ(r.value().relro_memsz, 0x1000u);
    // Past the segment's end up to its page end (lld's layout): accepted.
    e.ph[1].memsz = 0x2800;
    e.ph.back().memsz = 0x3000;
    e.rela[1].offset = 0x37f8;
    r = parse_bytes(e.bytes());
    ASSERT_TRUE(r.ok()) << error_name(r.error());
    EXPECT_EQ(r.value().relro_memsz, 0x3000u);
    e.ph.back().memsz = 0x3001;  // Into the next page: ignored.
    r = parse_bytes(e.bytes());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().relro_memsz, 0u);
    e = ElfBuilder();
    e.ph.push_back(Ph{k_pt_gnu_relro, k_pf_r, 0x1000, 0x1000, 0x1000, 0x1000, 1});
    // Outside every writable segment: ignored.
    e.ph.back().vaddr = 0;
    r = parse_bytes(e.bytes());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().relro_vaddr, 0u);
    EXPECT_EQ(r.value().relro_memsz, 0u);
    e.ph.push_back(e.ph.back());
    EXPECT_EQ(parse_error(e), Error::BadProgramHeaders);
}

TEST(Elf, Truncated) {
    ElfBuilder e;
    auto b = e.bytes();
    b.resize(63);
    EXPECT_EQ(parse_bytes(b).error(), Error::Truncated);
    EXPECT_EQ(parse(nullptr, 0, k_window).error(), Error::Truncated);
}

TEST(Elf, BadMagic) {
    auto b = ElfBuilder().bytes();
    b[3] = 'G';
    EXPECT_EQ(parse_bytes(b).error(), Error::BadMagic);
}

TEST(Elf, NotElf64LittleEndian) {
    ElfBuilder e;
    e.ident_class = 1;
    EXPECT_EQ(parse_error(e), Error::NotElf64LittleEndian);
    e = ElfBuilder();
    e.ident_data = 2;
    EXPECT_EQ(parse_error(e), Error::NotElf64LittleEndian);
    e = ElfBuilder();
    e.ident_version = 0;
    EXPECT_EQ(parse_error(e), Error::NotElf64LittleEndian);
    e = ElfBuilder();
    e.version = 2;
    EXPECT_EQ(parse_error(e), Error::NotElf64LittleEndian);
}

TEST(Elf, NotAArch64) {
    ElfBuilder e;
    e.machine = 62;  // x86-64
    EXPECT_EQ(parse_error(e), Error::NotAArch64);
}

TEST(Elf, ExecutablesAndObjectsAreRefused) {
    ElfBuilder e;
    e.type = 2;  // ET_EXEC: version 1 loads position-independent files only.
    EXPECT_EQ(parse_error(e), Error::NotPositionIndependent);
    e.type = 1;  // ET_REL
    EXPECT_EQ(parse_error(e), Error::NotPositionIndependent);
    e.type = 4;  // ET_CORE
    EXPECT_EQ(parse_error(e), Error::NotPositionIndependent);
}

TEST(Elf, DynamicallyLinkedIsRefused) {
    ElfBuilder e;
    e.ph.push_back(Ph{k_pt_interp, k_pf_r, 0x200, 0x200, 0x1c, 0x1c, 1});
    EXPECT_EQ(parse_error(e), Error::Dynamic);
    e = ElfBuilder();
    e.dyn.insert(e.dyn.begin(), {k_dt_needed, 1});
    EXPECT_EQ(parse_error(e), Error::Dynamic);
}

TEST(Elf, BadProgramHeaders) {
    ElfBuilder e;
    e.phentsize = 64;
    EXPECT_EQ(parse_error(e), Error::BadProgramHeaders);
    e = ElfBuilder();
    e.phnum = 0;
    EXPECT_EQ(parse_error(e), Error::BadProgramHeaders);
    e = ElfBuilder();
    e.phnum = 0xffff;  // PN_XNUM
    EXPECT_EQ(parse_error(e), Error::BadProgramHeaders);
    e = ElfBuilder();
    e.phoff = e.size - 56 * 3 + 1;  // The last header's last byte past the end.
    EXPECT_EQ(parse_error(e), Error::BadProgramHeaders);
    e = ElfBuilder();
    e.phoff = ~u64{0} - 8;  // phoff + table size overflows.
    EXPECT_EQ(parse_error(e), Error::BadProgramHeaders);
    e = ElfBuilder();
    e.phnum = 200;  // Runs past the end.
    EXPECT_EQ(parse_error(e), Error::BadProgramHeaders);
}

TEST(Elf, NoLoadableSegment) {
    ElfBuilder e;
    e.ph = {{k_pt_note, k_pf_r, 0x200, 0x200, 0x20, 0x20, 4}};
    EXPECT_EQ(parse_error(e), Error::NoLoadableSegment);
    e.ph.push_back(Ph{k_pt_load, k_pf_r | k_pf_x, 0, 0, 0, 0, 0x1000});  // Empty.
    EXPECT_EQ(parse_error(e), Error::NoLoadableSegment);
}

TEST(Elf, TooManySegments) {
    ElfBuilder e;
    e.ph.clear();
    for (u64 i = 0; i <= k_max_segments; i++)
        e.ph.push_back(Ph{k_pt_load, k_pf_r | (i == 0 ? k_pf_x : 0), 0, i * 0x1000, 0x200, 0x200, 0x1000});
    EXPECT_EQ(parse_error(e), Error::TooManySegments);
    e.ph.pop_back();
    EXPECT_TRUE(parse_bytes(e.bytes()).ok());
}

TEST(Elf, SegmentOutsideFile) {
    ElfBuilder e;
    e.ph[1].filesz = 0x1001;  // One byte past the end of the 0x2000-byte file.
    EXPECT_EQ(parse_error(e), Error::SegmentOutsideFile);
    e = ElfBuilder();
    e.ph[1].offset = 0x3000;
    e.ph[1].vaddr = 0x3000;
    EXPECT_EQ(parse_error(e), Error::SegmentOutsideFile);
    e = ElfBuilder();
    e.ph[1].offset = ~u64{0} - 0xfff;  // offset + filesz overflows.
    EXPECT_EQ(parse_error(e), Error::SegmentOutsideFile);
}

TEST(Elf, FileSizeExceedsMemSize) {
    ElfBuilder e;
    e.ph[0].memsz = 0xfff;
    EXPECT_EQ(parse_error(e), Error::FileSizeExceedsMemSize);
}

TEST(Elf, MisalignedSegment) {
    ElfBuilder e;
    e.ph[1].vaddr = 0x1008;  // offset 0x1000: not congruent modulo the page.
    EXPECT_EQ(parse_error(e), Error::MisalignedSegment);
    e = ElfBuilder();
    e.ph[1].align = 0x3000;
    EXPECT_EQ(parse_error(e), Error::MisalignedSegment);
    e = ElfBuilder();
    e.ph[1].align = 0;  // No alignment constraint: accepted.
    EXPECT_TRUE(parse_bytes(e.bytes()).ok());
    e.ph[1].vaddr = 0x11000;  // Congruent, different page: accepted.
    e.dyn = {{k_dt_null, 0}};
    auto r = parse_bytes(e.bytes());
    ASSERT_TRUE(r.ok()) << error_name(r.error());
    EXPECT_EQ(r.value().span, 0x14000u);
}

TEST(Elf, SegmentOrder) {
    ElfBuilder e;
    std::swap(e.ph[0], e.ph[1]);  // Descending.
    EXPECT_EQ(parse_error(e), Error::SegmentOrder);
    e = ElfBuilder();
    e.ph[0].memsz = 0x1001;  // Overlaps the data segment's first page.
    EXPECT_EQ(parse_error(e), Error::SegmentOrder);
    e = ElfBuilder();
    e.ph[0].filesz = e.ph[0].memsz = 0x800;  // Ends mid-page; data starts in that page.
    e.ph[1].vaddr = 0x800;
    e.ph[1].offset = 0x800;
    EXPECT_EQ(parse_error(e), Error::SegmentOrder);
}

TEST(Elf, ImageTooLarge) {
    ElfBuilder e;
    EXPECT_EQ(parse_error(e, 0x3fff), Error::ImageTooLarge);
    EXPECT_EQ(parse_error(e, 0x3000), Error::ImageTooLarge);
    EXPECT_TRUE(parse_bytes(e.bytes(), 0x4000).ok());
    e.ph[1].memsz = 0x2fff;  // Ends at 0x3fff: span still 0x4000.
    EXPECT_EQ(parse_error(e, 0x3fff), Error::ImageTooLarge);
    e = ElfBuilder();
    e.ph[1].memsz = ~u64{0} - 0x800;  // vaddr + memsz overflows.
    EXPECT_EQ(parse_error(e, ~u64{0}), Error::ImageTooLarge);
    e.ph[1].memsz = ~u64{0} - 0x1000 - 0x800;  // End fits, its page rounding would not.
    EXPECT_EQ(parse_error(e, ~u64{0}), Error::ImageTooLarge);
}

TEST(Elf, WritableAndExecutable) {
    ElfBuilder e;
    e.ph[1].flags |= k_pf_x;
    EXPECT_EQ(parse_error(e), Error::WritableAndExecutable);
}

TEST(Elf, BadEntry) {
    ElfBuilder e;
    e.entry = 0x1000;  // In data, not text.
    EXPECT_EQ(parse_error(e), Error::BadEntry);
    e.entry = 0x10000;  // Nowhere.
    EXPECT_EQ(parse_error(e), Error::BadEntry);
    e = ElfBuilder();
    e.ph[0].filesz = 0x80;  // Entry 0x100 in the text's zero-filled tail.
    EXPECT_EQ(parse_error(e), Error::BadEntry);
}

TEST(Elf, BadDynamic) {
    ElfBuilder e;
    e.ph[2].filesz = 0x2000;  // Outside the file.
    EXPECT_EQ(parse_error(e), Error::BadDynamic);
    e = ElfBuilder();
    e.ph[2].filesz = 0x30;  // DT_NULL cut off.
    EXPECT_EQ(parse_error(e), Error::BadDynamic);
    e = ElfBuilder();
    e.ph.push_back(e.ph[2]);  // Two PT_DYNAMIC.
    EXPECT_EQ(parse_error(e), Error::BadDynamic);
    e = ElfBuilder();
    e.dyn[2].second = 16;  // DT_RELAENT not 24.
    EXPECT_EQ(parse_error(e), Error::BadDynamic);
    e = ElfBuilder();
    e.dyn[1].second = 50;  // DT_RELASZ not a multiple of 24.
    EXPECT_EQ(parse_error(e), Error::BadDynamic);
    e = ElfBuilder();
    e.dyn = {{k_dt_rela, 0x800}, {k_dt_null, 0}};  // No DT_RELASZ.
    EXPECT_EQ(parse_error(e), Error::BadDynamic);
    e.dyn = {{k_dt_relasz, 24}, {k_dt_null, 0}};  // No DT_RELA.
    EXPECT_EQ(parse_error(e), Error::BadDynamic);
    e.dyn = {{k_dt_rela, 0x800}, {k_dt_rela, 0x800}, {k_dt_relasz, 24}, {k_dt_null, 0}};
    EXPECT_EQ(parse_error(e), Error::BadDynamic);
    e.dyn = {{k_dt_rela, 0x800}, {k_dt_relasz, 24}, {k_dt_relasz, 24}, {k_dt_null, 0}};
    EXPECT_EQ(parse_error(e), Error::BadDynamic);
}

TEST(Elf, TextRelocations) {
    ElfBuilder e;
    e.dyn.insert(e.dyn.begin(), {k_dt_textrel, 0});
    EXPECT_EQ(parse_error(e), Error::TextRelocations);
    e = ElfBuilder();
    e.dyn.insert(e.dyn.begin(), {k_dt_flags, 4 /* DF_TEXTREL */});
    EXPECT_EQ(parse_error(e), Error::TextRelocations);
    e.dyn[0].second = 8;  // DF_BIND_NOW alone: fine.
    EXPECT_TRUE(parse_bytes(e.bytes()).ok());
}

TEST(Elf, RelocationsOutsideFile) {
    ElfBuilder e;
    e.dyn[0].second = 0x1ff0;  // In the data segment, but past its file bytes at the end.
    EXPECT_EQ(parse_error(e), Error::RelocationsOutsideFile);
    e.dyn[0].second = 0x4000;  // In no segment.
    EXPECT_EQ(parse_error(e), Error::RelocationsOutsideFile);
    e.dyn[0].second = ~u64{0} - 8;
    EXPECT_EQ(parse_error(e), Error::RelocationsOutsideFile);
    e = ElfBuilder();
    e.dyn[1].second = 24 * 0x1000;  // Far too many entries.
    EXPECT_EQ(parse_error(e), Error::RelocationsOutsideFile);
}

TEST(Elf, UnsupportedRelocation) {
    for (u64 tag : {k_dt_rel, k_dt_jmprel, k_dt_relr}) {
        ElfBuilder e;
        e.dyn.insert(e.dyn.begin(), {tag, 0x800});
        EXPECT_EQ(parse_error(e), Error::UnsupportedRelocation) << tag;
    }
    ElfBuilder e;
    e.rela[0].info = 1025;  // R_AARCH64_GLOB_DAT
    EXPECT_EQ(parse_error(e), Error::UnsupportedRelocation);
    e.rela[0].info = 257;  // R_AARCH64_ABS64
    EXPECT_EQ(parse_error(e), Error::UnsupportedRelocation);
    e.rela[0].info = (u64{1} << 32) | k_relative;  // RELATIVE naming a symbol.
    EXPECT_EQ(parse_error(e), Error::UnsupportedRelocation);
}

TEST(Elf, BadRelocationTarget) {
    ElfBuilder e;
    e.rela[0].offset = 0x800;  // Text: not writable.
    EXPECT_EQ(parse_error(e), Error::BadRelocationTarget);
    e.rela[0].offset = 0x3ffc;  // Last 4 bytes of data: the 8-byte write would leave it.
    EXPECT_EQ(parse_error(e), Error::BadRelocationTarget);
    e.rela[0].offset = 0x1104;  // Misaligned.
    EXPECT_EQ(parse_error(e), Error::BadRelocationTarget);
    e.rela[0].offset = 0x4000;  // Past the image.
    EXPECT_EQ(parse_error(e), Error::BadRelocationTarget);
    e.rela[0].offset = ~u64{0} - 7;
    EXPECT_EQ(parse_error(e), Error::BadRelocationTarget);
}

TEST(Elf, BadRelocationValue) {
    ElfBuilder e;
    e.rela[0].addend = 0x4001;  // Past the span.
    EXPECT_EQ(parse_error(e), Error::BadRelocationValue);
    e.rela[0].addend = ~u64{0};  // -1
    EXPECT_EQ(parse_error(e), Error::BadRelocationValue);
}

TEST(Elf, EveryErrorHasAName) {
    for (int i = 0; i <= static_cast<int>(Error::WriteFailed); i++) {
        const char* name = error_name(static_cast<Error>(i));
        ASSERT_NE(name, nullptr);
        EXPECT_STRNE(name, "unknown ELF error") << i;
    }
}

// Every prefix of a valid file is refused or describes only bytes inside it.
TEST(Elf, TruncatedCopiesNeverReadOutside) {
    const auto full = ElfBuilder().bytes();
    for (usize n = 0; n < full.size(); n += 7) {
        std::vector<u8> b(full.begin(), full.begin() + static_cast<long>(n));
        EXPECT_FALSE(parse_bytes(b).ok()) << n;  // Segment 1's file bytes end at 0x2000.
    }
}

#ifdef TN_ELF_TEST_DATA
std::vector<u8> read_file(const char* path) {
    std::vector<u8> b;
    if (FILE* f = std::fopen(path, "rb")) {
        u8 buf[4096];
        usize n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
            b.insert(b.end(), buf, buf + n);
        std::fclose(f);
    }
    return b;
}

class RealStaticPie : public ::testing::TestWithParam<const char*> {};

/// Loads a static-pie the cross compiler built from tests/static_pie.c into a
/// host buffer as the kernel would (copy, zero, relocate).
TEST_P(RealStaticPie, LoadsAndRelocates) {
    const std::string path = std::string(TN_ELF_TEST_DATA) + "/" + GetParam();
    const auto file = read_file(path.c_str());
    if (file.empty())
        GTEST_SKIP() << "no AArch64 cross compiler at build time: " << path << " missing";
    auto r = parse_bytes(file);
    ASSERT_TRUE(r.ok()) << error_name(r.error());
    const Image& img = r.value();
    EXPECT_GE(img.count, 2u);
    EXPECT_GT(img.rela_count, 0u);
    EXPECT_LE(img.span, u64{1} << 20);
    std::vector<u8> mem(img.span, 0);
    for (unsigned i = 0; i < img.count; i++)
        std::memcpy(mem.data() + img.seg[i].vaddr, file.data() + img.seg[i].offset, img.seg[i].filesz);
    struct Mem {
        std::vector<u8>* mem;
        unsigned writes;
        static bool write(void* ctx, u64 vaddr, u64 value) {
            auto* self = static_cast<Mem*>(ctx);
            std::memcpy(self->mem->data() + vaddr, &value, 8);
            self->writes++;
            return true;
        }
    } m{&mem, 0};
    const u64 base = 0x6000400000;
    ASSERT_TRUE(relocate(file.data(), img, base, Writer{&Mem::write, &m}).ok());
    EXPECT_EQ(m.writes, img.rela_count);  // The linker emits RELATIVE entries only.
    // Every relocated word is a pointer into the loaded image.
    for (u64 i = 0; i < img.rela_count; i++) {
        u64 target, value;
        std::memcpy(&target, file.data() + img.rela_offset + 24 * i, 8);
        std::memcpy(&value, mem.data() + target, 8);
        EXPECT_GE(value, base);
        EXPECT_LE(value, base + img.span);
    }
    // The real file refused when the window is one page too small.
    EXPECT_EQ(parse_bytes(file, img.span - k_page).error(), Error::ImageTooLarge);
}

INSTANTIATE_TEST_SUITE_P(Elf, RealStaticPie, ::testing::Values("static_pie", "static_pie_4k"));
#endif

}  // namespace
}  // namespace tn::process::elf::test
