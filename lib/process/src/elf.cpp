// ELF loader for EL0 programs: validation of a static-pie file and its
// R_AARCH64_RELATIVE relocations (ELF-64 Object File Format 1.5, AArch64 ELF ABI).
//
// Every field is read bytewise (little-endian) from an offset already checked
// against the file's size; every sum of two file-supplied values is checked
// for overflow before it is used.
#include <tn/bytes.hpp>
#include <tn/process/elf.hpp>

namespace tn::process::elf {

namespace {

// Sizes of the ELF-64 records read here.
constexpr u64 k_ehdr_size = 64;
constexpr u64 k_phdr_size = 56;
constexpr u64 k_dyn_size = 16;
constexpr u64 k_rela_size = 24;

// e_ident and header values.
constexpr unsigned k_ei_class = 4;
constexpr unsigned k_ei_data = 5;
constexpr unsigned k_ei_version = 6;
constexpr u8 k_elfclass64 = 2;
constexpr u8 k_elfdata2lsb = 1;
constexpr u32 k_ev_current = 1;
constexpr u16 k_et_dyn = 3;
constexpr u16 k_em_aarch64 = 183;
constexpr u16 k_pn_xnum = 0xffff;  // e_phnum escape to section 0: not supported.

// Program header types and flags.
constexpr u32 k_pt_load = 1;
constexpr u32 k_pt_dynamic = 2;
constexpr u32 k_pt_interp = 3;
constexpr u32 k_pt_gnu_relro = 0x6474e552;
constexpr u32 k_pf_x = 1;
constexpr u32 k_pf_w = 2;

// Dynamic tags.
constexpr u64 k_dt_null = 0;
constexpr u64 k_dt_needed = 1;
constexpr u64 k_dt_rela = 7;
constexpr u64 k_dt_relasz = 8;
constexpr u64 k_dt_relaent = 9;
constexpr u64 k_dt_rel = 17;
constexpr u64 k_dt_textrel = 22;
constexpr u64 k_dt_jmprel = 23;
constexpr u64 k_dt_flags = 30;
constexpr u64 k_dt_relr = 36;
constexpr u64 k_df_textrel = 4;

constexpr u64 k_u64_max = ~u64{0};

constexpr auto le16 = load_le16;
constexpr auto le32 = load_le32;
constexpr auto le64 = load_le64;

// [off, off + len) inside [0, size), without overflow.
bool in_range(u64 off, u64 len, u64 size) { return off <= size && len <= size - off; }

struct Phdr {
    u32 type;
    u32 flags;
    u64 offset;
    u64 vaddr;
    u64 filesz;
    u64 memsz;
    u64 align;
};

Phdr read_phdr(const u8* p) {
    // p_paddr (at 24) is not used.
    return Phdr{le32(p), le32(p + 4), le64(p + 8), le64(p + 16), le64(p + 32), le64(p + 40), le64(p + 48)};
}

// One Elf64_Rela: r_offset, r_info (symbol << 32 | type), r_addend.
struct Rela {
    u64 offset;
    u64 info;
    u64 addend;  // Signed in the file; negative values are refused as out of the image.
};

Rela read_rela(const u8* file, const Image& img, u64 i) {
    const u8* p = file + img.rela_offset + i * k_rela_size;
    return Rela{le64(p), le64(p + 8), le64(p + 16)};
}

// Checks one entry against the image; @p apply is set when it must be written.
Result<void, Error> check_rela(const Image& img, const Rela& r, bool& apply) {
    const u32 type = static_cast<u32>(r.info);
    apply = false;
    if (type == k_r_aarch64_none)
        return {};
    if (type != k_r_aarch64_relative || (r.info >> 32) != 0)
        return err(Error::UnsupportedRelocation);
    bool target_ok = false;
    if (r.offset % 8 == 0) {
        for (unsigned i = 0; i < img.count && !target_ok; i++) {
            const Segment& s = img.seg[i];
            target_ok = s.write && r.offset >= s.vaddr && s.memsz >= 8 && r.offset - s.vaddr <= s.memsz - 8;
        }
    }
    if (!target_ok)
        return err(Error::BadRelocationTarget);
    // [0, span]: span itself is a one-past-the-end address (e.g. the linker's
    // _end when the last segment ends on a page boundary).
    if (r.addend > img.span)
        return err(Error::BadRelocationValue);
    apply = true;
    return {};
}

// A PT_LOAD header into a Segment, checked alone and against the previous one.
Result<void, Error> add_load(const Phdr& ph, u64 size, u64 max_span, Image& img) {
    if (ph.filesz > ph.memsz)
        return err(Error::FileSizeExceedsMemSize);
    if (!in_range(ph.offset, ph.filesz, size))
        return err(Error::SegmentOutsideFile);
    if (ph.memsz == 0)
        return {};  // Maps nothing: ignored.
    if (img.count == k_max_segments)
        return err(Error::TooManySegments);
    if ((ph.align != 0 && !is_pow2(ph.align)) || ph.vaddr % k_page != ph.offset % k_page)
        return err(Error::MisalignedSegment);
    if (ph.vaddr > k_u64_max - ph.memsz)
        return err(Error::ImageTooLarge);
    const u64 end = ph.vaddr + ph.memsz;
    if (end > max_span || end > k_u64_max - (k_page - 1))
        return err(Error::ImageTooLarge);
    if (img.count > 0) {
        const Segment& prev = img.seg[img.count - 1];
        if (align_down(ph.vaddr, k_page) < align_up(prev.vaddr + prev.memsz, k_page))
            return err(Error::SegmentOrder);
    }
    const bool write = (ph.flags & k_pf_w) != 0;
    const bool exec = (ph.flags & k_pf_x) != 0;
    if (write && exec)
        return err(Error::WritableAndExecutable);
    img.seg[img.count++] = Segment{ph.vaddr, ph.memsz, ph.filesz, ph.offset, write, exec};
    img.span = align_up(end, k_page);
    if (img.span > max_span)
        return err(Error::ImageTooLarge);
    return {};
}

// The DT_RELA table of the PT_DYNAMIC segment @p dyn into img.rela_*.
Result<void, Error> parse_dynamic(const u8* file, u64 size, const Phdr& dyn, Image& img) {
    if (!in_range(dyn.offset, dyn.filesz, size))
        return err(Error::BadDynamic);
    bool have_rela = false, have_relasz = false, have_null = false;
    u64 rela = 0, relasz = 0;
    const u64 n = dyn.filesz / k_dyn_size;
    for (u64 i = 0; i < n && !have_null; i++) {
        const u8* p = file + dyn.offset + i * k_dyn_size;
        const u64 tag = le64(p);
        const u64 val = le64(p + 8);
        switch (tag) {
        case k_dt_null:
            have_null = true;
            break;
        case k_dt_needed:
            return err(Error::Dynamic);
        case k_dt_rela:
            if (have_rela)
                return err(Error::BadDynamic);
            have_rela = true;
            rela = val;
            break;
        case k_dt_relasz:
            if (have_relasz)
                return err(Error::BadDynamic);
            have_relasz = true;
            relasz = val;
            break;
        case k_dt_relaent:
            if (val != k_rela_size)
                return err(Error::BadDynamic);
            break;
        case k_dt_rel:
        case k_dt_jmprel:
        case k_dt_relr:
            return err(Error::UnsupportedRelocation);
        case k_dt_textrel:
            return err(Error::TextRelocations);
        case k_dt_flags:
            if (val & k_df_textrel)
                return err(Error::TextRelocations);
            break;
        default:
            break;  // Symbol tables, hashes, DT_DEBUG, DT_FLAGS_1, DT_RELACOUNT: not needed.
        }
    }
    if (!have_null)
        return err(Error::BadDynamic);
    if (!have_rela && !have_relasz)
        return {};
    if (!have_rela || !have_relasz || relasz % k_rela_size != 0)
        return err(Error::BadDynamic);
    if (relasz == 0)
        return {};
    // The table's address to a file offset, through the segment whose file
    // bytes hold all of it.
    for (unsigned i = 0; i < img.count; i++) {
        const Segment& s = img.seg[i];
        if (rela >= s.vaddr && in_range(rela - s.vaddr, relasz, s.filesz)) {
            img.rela_offset = s.offset + (rela - s.vaddr);
            img.rela_count = relasz / k_rela_size;
            return {};
        }
    }
    return err(Error::RelocationsOutsideFile);
}

}  // namespace

const char* error_name(Error e) {
    switch (e) {
    case Error::Truncated: return "file shorter than an ELF header";
    case Error::BadMagic: return "not an ELF file";
    case Error::NotElf64LittleEndian: return "not ELF64 little-endian version 1";
    case Error::NotAArch64: return "not AArch64";
    case Error::NotPositionIndependent: return "not ET_DYN (only position-independent executables load)";
    case Error::Dynamic: return "dynamically linked (PT_INTERP or DT_NEEDED)";
    case Error::BadProgramHeaders: return "bad program header table";
    case Error::NoLoadableSegment: return "no loadable segment";
    case Error::TooManySegments: return "too many loadable segments";
    case Error::SegmentOutsideFile: return "segment outside the file";
    case Error::FileSizeExceedsMemSize: return "segment p_filesz > p_memsz";
    case Error::MisalignedSegment: return "misaligned segment";
    case Error::SegmentOrder: return "segments overlap or not ascending";
    case Error::ImageTooLarge: return "image larger than the user window";
    case Error::WritableAndExecutable: return "segment writable and executable";
    case Error::BadEntry: return "entry point outside executable segments";
    case Error::BadDynamic: return "bad dynamic section";
    case Error::TextRelocations: return "text relocations";
    case Error::RelocationsOutsideFile: return "relocation table outside the file";
    case Error::UnsupportedRelocation: return "unsupported relocation";
    case Error::BadRelocationTarget: return "relocation target outside writable segments";
    case Error::BadRelocationValue: return "relocation value outside the image";
    case Error::WriteFailed: return "relocation write failed";
    }
    return "unknown ELF error";
}

Result<Image, Error> parse(const u8* file, usize size, u64 max_span) {
    if (size < k_ehdr_size)
        return err(Error::Truncated);
    if (file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F')
        return err(Error::BadMagic);
    if (file[k_ei_class] != k_elfclass64 || file[k_ei_data] != k_elfdata2lsb || file[k_ei_version] != k_ev_current ||
        le32(file + 20) != k_ev_current)
        return err(Error::NotElf64LittleEndian);
    if (le16(file + 18) != k_em_aarch64)
        return err(Error::NotAArch64);
    const u16 type = le16(file + 16);
    if (type != k_et_dyn)  // ET_EXEC included: version 1 loads position-independent files only.
        return err(Error::NotPositionIndependent);
    const u64 entry = le64(file + 24);
    const u64 phoff = le64(file + 32);
    const u16 phentsize = le16(file + 54);
    const u16 phnum = le16(file + 56);
    if (phentsize != k_phdr_size || phnum == 0 || phnum == k_pn_xnum ||
        !in_range(phoff, u64{phnum} * k_phdr_size, size))
        return err(Error::BadProgramHeaders);

    Image img{};
    Phdr dyn{}, relro{};
    bool have_dyn = false, have_relro = false;
    for (u16 i = 0; i < phnum; i++) {
        const Phdr ph = read_phdr(file + phoff + u64{i} * k_phdr_size);
        switch (ph.type) {
        case k_pt_interp:
            return err(Error::Dynamic);
        case k_pt_load:
            TN_TRY(add_load(ph, size, max_span, img));
            break;
        case k_pt_dynamic:
            if (have_dyn)
                return err(Error::BadDynamic);
            have_dyn = true;
            dyn = ph;
            break;
        case k_pt_gnu_relro:
            if (have_relro)
                return err(Error::BadProgramHeaders);
            have_relro = true;
            relro = ph;
            break;
        default:
            break;  // PT_NOTE, PT_PHDR, PT_GNU_STACK, PT_GNU_EH_FRAME, ...: nothing to load.
        }
    }
    if (img.count == 0)
        return err(Error::NoLoadableSegment);

    bool entry_ok = false;
    for (unsigned i = 0; i < img.count && !entry_ok; i++) {
        const Segment& s = img.seg[i];
        entry_ok = s.exec && entry >= s.vaddr && entry - s.vaddr < s.filesz;
    }
    if (!entry_ok)
        return err(Error::BadEntry);
    img.entry = entry;

    for (unsigned i = 0; have_relro && i < img.count; i++) {
        const Segment& s = img.seg[i];
        // Within the segment's pages: lld rounds the region up to a page end.
        const u64 pages = align_up(s.vaddr + s.memsz, k_page) - s.vaddr;
        if (s.write && relro.memsz > 0 && relro.vaddr >= s.vaddr &&
            in_range(relro.vaddr - s.vaddr, relro.memsz, pages)) {
            img.relro_vaddr = relro.vaddr;
            img.relro_memsz = relro.memsz;
        }
    }
    if (img.relro_memsz == 0)
        img.relro_vaddr = 0;

    if (have_dyn)
        TN_TRY(parse_dynamic(file, size, dyn, img));
    for (u64 i = 0; i < img.rela_count; i++) {
        bool apply;
        TN_TRY(check_rela(img, read_rela(file, img, i), apply));
    }
    return img;
}

Result<void, Error> relocate(const u8* file, const Image& img, u64 base, const Writer& w) {
    for (u64 i = 0; i < img.rela_count; i++) {
        const Rela r = read_rela(file, img, i);
        bool apply;
        TN_TRY(check_rela(img, r, apply));
        if (!apply)
            continue;
        if (base > k_u64_max - r.addend)
            return err(Error::BadRelocationValue);
        if (!w.write64(w.ctx, r.offset, base + r.addend))
            return err(Error::WriteFailed);
    }
    return {};
}

}  // namespace tn::process::elf
