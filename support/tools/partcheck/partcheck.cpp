// partcheck: the build-time half of the partition-description check. It runs the same
// mortise::partition::parse() Mortise runs at boot (built from the same sources with the host
// compiler) against a host platform, and reports every problem as
//   desc.dts:LINE: /mortise/guest@1: reason
// (GNU error style; LINE is where that node opens in the source, left out if not found).
// The platform is QEMU virt as scripts/qemu-run boots it (plat/mortise-qemu-virt), or with
// --board-dtb the board its device tree describes, read by mortise/host_platform.hpp, which
// the running Mortise can use on the tree it boots with.
// Exit status: 0 clean, 1 a description problem, 2 a usage, file or board device-tree error.
#include "partcheck.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <mortise/color.hpp>
#include <mortise/guestdt.hpp>
#include <mortise/host_platform.hpp>
#include <mortise/partition.hpp>
#include <tn/fdt.hpp>
#include <tn/plat/mortise_qemu_virt.hpp>

namespace partcheck {

namespace {

namespace pt = mortise::partition;

constexpr const char* k_usage =
    "usage: partcheck [--dtb] DESC.dtb [--source DESC.dts] [--board-dtb BOARD.dtb] [--ram BASE:SIZE]...\n"
    "                 [--ram-size SIZE] [--reserve BASE:SIZE]... [--reserve-size SIZE] [--cpus N] [--max-cpus N]\n"
    "                 [--images NAME,...] [--colors N] [--mode2 y|n]\n"
    "                 [--linux NAME=IMAGE]... [--initramfs NAME=FILE]... [--dt-overlay NAME=FILE.dtbo]...\n"
    "Checks a Mortise partition description (docs/mortise.md, \"Partition description\") against a host\n"
    "board. Without --board-dtb that is QEMU virt as scripts/qemu-run boots it: RAM at 0x40000000\n"
    "(--ram-size, default 256M; --ram replaces it), 4 CPUs (--cpus).\n"
    "--board-dtb reads the board from its device tree instead (mortise/host_platform.hpp): RAM from\n"
    "/memory, or from --ram when the tree has none (a kernel's tree: U-Boot adds /memory at boot);\n"
    "the CPUs of /cpus; the GIC frames and the /chosen stdout-path UART (and its SPI) Mortise keeps;\n"
    "bus masters (iommus, dma-coherent, #dma-cells, usb, ethernet, mmc, sata, pcie, gpu nodes, ...) as\n"
    "DMA-capable. --cpus and --ram-size are QEMU virt's and refused with it.\n"
    "Either way Mortise reserves the first 16 MiB of the first RAM bank: --reserve-size changes the\n"
    "size (an image with large embedded guests), --reserve replaces the region by the ones given.\n"
    "--max-cpus gives the Mortise image's CONFIG_TN_MAX_CPUS: CPUs of the board beyond it are left\n"
    "off at boot, so no guest may be given one.\n"
    "--colors gives the image's CONFIG_MORTISE_LLC_COLORS (LLC colours; 0 or absent: guests may not name\n"
    "'colors'); with --board-dtb the board tree's last-level cache must agree with it.\n"
    "--mode2 y: the Mortise image has CONFIG_MORTISE_MODE2 (mode = <2> guests are accepted; default n).\n"
    "--linux and --initramfs name the Linux Images and initramfs files the host image embeds, so\n"
    "that Linux guests are checked against them (header, kind, sizes). --dt-overlay names a compiled\n"
    "device-tree overlay: it is applied to the guest tree Mortise would generate, as at boot.\n"
    "Exit status: 0 clean, 1 a description problem, 2 a usage, file or board device-tree error.\n";

/// A number with an optional K/M/G suffix (binary), in any base strtoull accepts.
bool number(const std::string& s, unsigned long long* out) {
    if (s.empty())
        return false;
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s.c_str(), &end, 0);
    if (errno != 0 || end == s.c_str())
        return false;
    std::string suffix(end);
    unsigned shift = suffix.empty() ? 0 : suffix == "K" ? 10 : suffix == "M" ? 20 : suffix == "G" ? 30 : 99;
    if (shift == 99 || (shift && v > (~0ull >> shift)))
        return false;
    *out = v << shift;
    return true;
}

bool region(const std::string& s, pt::Region* out) {
    auto colon = s.find(':');
    unsigned long long base = 0, size = 0;
    if (colon == std::string::npos || !number(s.substr(0, colon), &base) || !number(s.substr(colon + 1), &size))
        return false;
    *out = {tn::PhysAddr{base}, size};
    return true;
}

/// Line (1-based) where node @p path ("/mortise/guest@1") opens in @p source, or 0: each
/// component is looked for as "name {" (possibly after a label) below the previous one's line.
unsigned node_line(const std::vector<std::string>& source, const char* path) {
    unsigned line = 0;
    std::string rest(path);
    size_t from = 0;
    while ((from = rest.find_first_not_of('/', from)) != std::string::npos) {
        size_t to = rest.find('/', from);
        std::string name = rest.substr(from, to == std::string::npos ? std::string::npos : to - from);
        from = to;
        bool found = false;
        for (unsigned i = line; i < source.size() && !found; ++i) {
            const std::string& l = source[i];
            for (size_t at = l.find(name); at != std::string::npos && !found; at = l.find(name, at + 1)) {
                const bool starts = at == 0 || l[at - 1] == ' ' || l[at - 1] == '\t' || l[at - 1] == ':';
                const size_t after = l.find_first_not_of(" \t", at + name.size());
                if (starts && after != std::string::npos && l[after] == '{') {
                    line = i + 1;
                    found = true;
                }
            }
        }
        if (!found)
            return 0;
        if (to == std::string::npos)
            break;
    }
    return line;
}

/// An embedded Linux blob as given on the command line: its name, size and first bytes.
struct BlobFile {
    std::string name;
    pt::BlobKind kind;
    unsigned long long size;
    std::vector<unsigned char> head;
};

/// Reads NAME=FILE's size and first 64 bytes (all of an overlay); false with a message on a bad argument.
bool blob_file(const std::string& arg, pt::BlobKind kind, BlobFile* out, std::FILE* err) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
        std::fprintf(err, "partcheck: '%s' is not NAME=FILE\n", arg.c_str());
        return false;
    }
    const std::string path = arg.substr(eq + 1);
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        std::fprintf(err, "partcheck: cannot read %s: %s\n", path.c_str(), std::strerror(errno));
        return false;
    }
    out->name = arg.substr(0, eq);
    out->kind = kind;
    std::fseek(f, 0, SEEK_END);
    const long whole = std::ftell(f);
    std::fseek(f, 0, SEEK_SET);
    out->head.resize(kind == pt::BlobKind::DtOverlay && whole > 0 ? static_cast<size_t>(whole) : 64);
    out->head.resize(std::fread(out->head.data(), 1, out->head.size(), f));
    std::fseek(f, 0, SEEK_END);
    out->size = static_cast<unsigned long long>(std::ftell(f));
    std::fclose(f);
    return true;
}

/// Platform::check_dt_overlay: the guest's tree as Mortise generates it at boot (without the host's
/// pass-through nodes, which only Mortise sees; with the /chosen boot properties of a Linux guest), then
/// the overlay applied to it within the same size limit.
bool check_dt_overlay(const pt::Guest& g, const pt::Blob& overlay, char* why, unsigned why_size) {
    std::vector<unsigned long long> base(mortise::guestdt::k_max_size / 8), out(base.size());
    static const unsigned char k_seed[32] = {};
    mortise::guestdt::Boot boot{};
    if (g.initramfs[0] != '\0')
        boot.initrd = {pt::ram_ipa(g) + 0x100'0000, 0x1000};
    boot.rng_seed = k_seed;
    boot.rng_seed_size = sizeof k_seed;
    boot.kaslr_seed = 1;
    const auto size = mortise::guestdt::build(g, base.data(), mortise::guestdt::k_max_size, nullptr, &boot);
    if (size == 0) {
        std::snprintf(why, why_size, "the guest's own device tree does not fit in %llu KiB",
                      static_cast<unsigned long long>(mortise::guestdt::k_max_size / 1024));
        return false;
    }
    return mortise::guestdt::apply_overlay(base.data(), size, overlay.head, overlay.size, out.data(),
                                           mortise::guestdt::k_max_size, why, why_size) != 0;
}

bool read_file(const std::string& path, std::string* out) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::ostringstream s;
    s << in.rdbuf();
    *out = s.str();
    return true;
}

/// The Platform of the board whose device tree is in @p path, RAM from @p ram if given; false with a
/// message on @p err.
bool board_platform(const std::string& path, const std::vector<pt::Region>& ram, pt::Platform* out,
                    std::FILE* err) {
    std::string blob;
    if (!read_file(path, &blob)) {
        std::fprintf(err, "partcheck: cannot read %s: %s\n", path.c_str(), std::strerror(errno));
        return false;
    }
    std::vector<unsigned long long> aligned((blob.size() + 7) / 8);
    std::memcpy(aligned.data(), blob.data(), blob.size());
    auto fdt = tn::fdt::Fdt::try_open(aligned.data(), blob.size());
    if (!fdt.ok()) {
        std::fprintf(err, "partcheck: %s: not a device tree blob (%s)\n", path.c_str(),
                     tn::fdt::error_name(fdt.error()));
        return false;
    }
    char why[256] = "";
    if (!mortise::guestdt::host_platform(fdt.value(), ram.data(), static_cast<unsigned>(ram.size()), *out, why,
                                         sizeof why)) {
        std::fprintf(err, "partcheck: %s: %s\n", path.c_str(), why);
        return false;
    }
    return true;
}

/// With colouring configured (@p colors), the board tree's last-level cache, when it describes one,
/// must have as many colours; false with a message on @p err.
bool board_colors(const std::string& path, unsigned colors, std::FILE* err) {
    std::string blob;
    if (!read_file(path, &blob))
        return false;  // board_platform() read it a moment ago.
    std::vector<unsigned long long> aligned((blob.size() + 7) / 8);
    std::memcpy(aligned.data(), blob.data(), blob.size());
    auto fdt = tn::fdt::Fdt::try_open(aligned.data(), blob.size());
    if (!fdt.ok())
        return false;
    const mortise::color::CacheGeometry g = mortise::color::cache_geometry(fdt.value());
    if (g.status != mortise::color::CacheGeometry::Status::Found || g.colors == colors)
        return true;
    std::fprintf(err, "partcheck: %s: its L%u cache (%llu bytes, %llu sets of %llu-byte lines) has %u colours, "
                      "the image is built for %u; set CONFIG_MORTISE_LLC_COLORS=%u\n", path.c_str(), g.level,
                 (unsigned long long)g.size, (unsigned long long)g.sets, (unsigned long long)g.line, g.colors, colors,
                 g.colors);
    return false;
}

}  // namespace

int run(int argc, const char* const* argv, std::FILE* err) {
    std::string dtb, source, board;
    pt::Platform plat = tn::plat::mortise_qemu_virt::partition_platform(256ull << 20, 4);
    std::vector<pt::Region> ram;
    bool cpus_given = false, reserve_given = false;
    unsigned long long reserve_size = 16ull << 20;
    std::vector<std::string> images;
    bool images_given = false;
    std::vector<BlobFile> blob_files;
    unsigned long long ram_size = 0;

    for (int i = 1; i < argc; ++i) {
        const std::string opt = argv[i];
        if (opt == "-h" || opt == "--help") {
            std::fputs(k_usage, err);
            return 0;
        }
        if (opt.empty() || opt[0] != '-') {  // The description, as the one operand.
            if (!dtb.empty()) {
                std::fprintf(err, "partcheck: one description at a time (%s and %s)\n%s", dtb.c_str(), opt.c_str(),
                             k_usage);
                return 2;
            }
            dtb = opt;
            continue;
        }
        if (i + 1 >= argc) {
            std::fprintf(err, "partcheck: %s needs a value\n%s", opt.c_str(), k_usage);
            return 2;
        }
        const std::string val = argv[++i];
        pt::Region r{};
        unsigned long long n = 0;
        if (opt == "--dtb") {
            dtb = val;
        } else if (opt == "--source") {
            source = val;
        } else if (opt == "--board-dtb") {
            board = val;
        } else if (opt == "--ram" && region(val, &r)) {
            if (ram.size() == 4) {
                std::fprintf(err, "partcheck: at most 4 --ram banks\n");
                return 2;
            }
            ram.push_back(r);
        } else if (opt == "--reserve-size" && number(val, &reserve_size) && reserve_size != 0) {
        } else if (opt == "--ram-size" && number(val, &ram_size)) {
        } else if (opt == "--reserve" && region(val, &r)) {
            if (!reserve_given)
                plat.reserved_count = 0;
            reserve_given = true;
            if (plat.reserved_count == 4) {
                std::fprintf(err, "partcheck: at most 4 --reserve regions\n");
                return 2;
            }
            plat.reserved[plat.reserved_count++] = r;
        } else if (opt == "--linux" || opt == "--initramfs" || opt == "--dt-overlay") {
            BlobFile b;
            const pt::BlobKind kind = opt == "--linux"       ? pt::BlobKind::LinuxImage
                                      : opt == "--initramfs" ? pt::BlobKind::Initramfs
                                                             : pt::BlobKind::DtOverlay;
            if (!blob_file(val, kind, &b, err))
                return 2;
            blob_files.push_back(b);
        } else if (opt == "--cpus" && number(val, &n) && n >= 1 && n <= 64) {
            plat.cpu_count = static_cast<unsigned>(n);
            cpus_given = true;
        } else if (opt == "--max-cpus" && number(val, &n) && n >= 1 && n <= 64) {
            plat.image_cpus = static_cast<unsigned>(n);
        } else if (opt == "--colors" && number(val, &n) && n <= 64) {
            plat.colors = static_cast<unsigned>(n);
        } else if (opt == "--mode2" && (val == "y" || val == "n")) {
            plat.mode2 = val == "y";
        } else if (opt == "--images") {
            images_given = true;
            std::stringstream list(val);
            for (std::string item; std::getline(list, item, ',');)
                if (!item.empty())
                    images.push_back(item);
        } else {
            std::fprintf(err, "partcheck: bad option or value: %s %s\n%s", opt.c_str(), val.c_str(), k_usage);
            return 2;
        }
    }
    if (dtb.empty()) {
        std::fprintf(err, "partcheck: no description given (DESC.dtb or --dtb DESC.dtb)\n%s", k_usage);
        return 2;
    }
    if (!board.empty()) {
        if (cpus_given || ram_size != 0) {
            std::fprintf(err, "partcheck: --cpus and --ram-size describe QEMU virt; with --board-dtb the board's "
                              "device tree gives its CPUs and RAM (--ram when it has no /memory)\n");
            return 2;
        }
        // What the tree cannot say stays as the options gave it.
        pt::Platform from_tree;
        if (!board_platform(board, ram, &from_tree, err))
            return 2;
        from_tree.reserved_count = plat.reserved_count;
        std::memcpy(from_tree.reserved, plat.reserved, sizeof plat.reserved);
        from_tree.image_cpus = plat.image_cpus;
        from_tree.colors = plat.colors;
        from_tree.mode2 = plat.mode2;
        plat = from_tree;
        if (plat.colors != 0 && !board_colors(board, plat.colors, err))
            return 2;
    } else if (!ram.empty()) {
        plat.ram_count = static_cast<unsigned>(ram.size());
        std::copy(ram.begin(), ram.end(), plat.ram);
    } else if (ram_size != 0) {
        plat.ram[0].size = ram_size;
    }
    if (!reserve_given) {
        plat.reserved[0] = {plat.ram[0].base, reserve_size};
        plat.reserved_count = 1;
    }
    std::vector<const char*> image_ptrs;
    for (const std::string& s : images)
        image_ptrs.push_back(s.c_str());
    if (images_given) {
        plat.images = image_ptrs.data();
        plat.image_count = static_cast<unsigned>(image_ptrs.size());
        static const char* const k_none[1] = {nullptr};
        if (image_ptrs.empty())
            plat.images = k_none;  // Checked, and nothing is embedded.
    }

    std::vector<pt::Blob> blobs;
    for (const BlobFile& b : blob_files)
        blobs.push_back({b.name.c_str(), b.kind, b.size, b.head.data(), b.head.size()});
    plat.check_dt_overlay = check_dt_overlay;
    if (!blobs.empty()) {
        plat.blobs = blobs.data();
        plat.blob_count = static_cast<unsigned>(blobs.size());
    }

    std::string blob;
    if (!read_file(dtb, &blob)) {
        std::fprintf(err, "partcheck: cannot read %s: %s\n", dtb.c_str(), std::strerror(errno));
        return 2;
    }
    std::vector<std::string> lines;
    const std::string shown = source.empty() ? dtb : source;
    if (!source.empty()) {
        std::string text;
        if (read_file(source, &text)) {
            std::stringstream s(text);
            for (std::string l; std::getline(s, l);)
                lines.push_back(l);
        }
    }

    // The reader wants an 8-byte aligned blob.
    std::vector<unsigned long long> aligned((blob.size() + 7) / 8);
    std::memcpy(aligned.data(), blob.data(), blob.size());
    static pt::Description desc;
    static pt::Diagnostics diag;
    const bool parsed = pt::parse(aligned.data(), blob.size(), plat, desc, diag);
    for (unsigned i = 0; i < diag.count; ++i) {
        const unsigned line = node_line(lines, diag.items[i].node);
        if (line != 0)
            std::fprintf(err, "%s:%u: %s: %s\n", shown.c_str(), line, diag.items[i].node, diag.items[i].reason);
        else
            std::fprintf(err, "%s: %s: %s\n", shown.c_str(), diag.items[i].node, diag.items[i].reason);
    }
    if (diag.dropped != 0)
        std::fprintf(err, "%s: %u more problems not shown; fix the ones above first\n", shown.c_str(), diag.dropped);
    return parsed && diag.count == 0 ? 0 : 1;
}

}  // namespace partcheck
