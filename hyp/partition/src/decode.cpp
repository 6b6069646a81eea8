// Decoding one guest node of the partition description and the rules that involve that guest
// alone: syntax of each property, CPU indices, memory size and fixed placement, pass-through
// regions and interrupts against the platform and the guest's own address map.
#include <string.h>

#include <mortise/color.hpp>
#include <mortise/kernel_image.hpp>
#include <tn/plat/mortise_guest_map.hpp>

#include "check.hpp"

namespace mortise::partition::detail {

namespace {

using tn::fdt::Fdt;
using tn::fdt::Node;
using tn::fdt::Property;
using tn::PhysAddr;
namespace gmap = tn::plat::mortise_guest::map;

using ull = unsigned long long;

/// Properties a guest node may have. `reg` only numbers guest@N for dtc; `phandle` appears
/// when a label is referenced. Anything else is a typo worth an error.
constexpr const char* k_known[] = {"image",    "cpus",      "memory-size", "memory-base", "mmio",    "irqs",
                                   "bootargs", "autostart", "privileged",  "reg",         "phandle", "kernel",
                                   "initramfs", "identity-mapped", "dma-unsafe-accepted", "dt-overlay",
                                   "colors", "mode", "priority", "budget-us", "period-us", "max-priority"};

constexpr u32 k_first_spi = 32, k_last_spi = 1019;

/// One guest's decoding state: where to report and whether any rule failed.
struct Ctx {
    const Fdt& fdt;
    Node node;
    const char* path;
    const Platform& plat;
    Guest& g;
    Report& rep;

    void fail(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        va_list ap;
        va_start(ap, fmt);
        rep.vadd(path, fmt, ap);
        va_end(ap);
        g.valid = false;
    }
    tn::Result<Property, tn::fdt::Error> get(const char* name) const { return fdt.property(node, name); }
};

bool name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

/// Reads the single string @p prop into @p buf (@p cap bytes with the NUL). False with a
/// diagnostic if it is not exactly one string or does not fit.
bool read_string(Ctx& c, const Property& prop, char* buf, usize cap) {
    auto s = prop.as_string();
    if (!s.ok() || strlen(s.value()) + 1 != prop.size()) {
        c.fail("'%s' must be one string, e.g. %s = \"text\";", prop.name(), prop.name());
        return false;
    }
    if (prop.size() > cap) {
        c.fail("'%s' is %u characters long; the limit is %u, shorten it", prop.name(), prop.size() - 1,
               static_cast<unsigned>(cap - 1));
        return false;
    }
    memcpy(buf, s.value(), prop.size());
    return true;
}

/// A number of one cell (<n>) or two cells (<hi lo>).
bool read_number(Ctx& c, const Property& prop, u64* out) {
    if (prop.size() == 4 || prop.size() == 8) {
        if (auto v = prop.cells(0, prop.size() / 4); v.ok()) {
            *out = v.value();
            return true;
        }
    }
    c.fail("'%s' must be one number of one or two cells, e.g. %s = <0x0 0x2000000>;", prop.name(), prop.name());
    return false;
}

/// A flag: absent (false), present and empty (`autostart;`), or <0> / <1>.
bool read_flag(Ctx& c, const char* name) {
    auto p = c.get(name);
    if (!p.ok() || p.value().size() == 0)
        return p.ok();
    if (auto v = p.value().as_u32(); v.ok() && v.value() <= 1)
        return v.value() == 1;
    c.fail("'%s' is a flag: write '%s;' to set it (or <1> / <0>), leave it out to clear it", name, name);
    return false;
}

bool valid_name(const char* s) {
    bool good = s[0] != '\0';
    for (; *s; ++s)
        good = good && name_char(*s);
    return good;
}

/// The guest's name is its node's name: unique by construction in a dtc-compiled tree, and
/// dtc itself rejects a `name` property that differs from the node name.
void read_node_name(Ctx& c) {
    const char* name = c.fdt.name(c.node);
    const usize len = strlen(name);
    if (len >= k_name_len) {
        c.fail("guest name is %u characters long; the limit is %u, rename the node", static_cast<unsigned>(len),
               k_name_len - 1);
        return;
    }
    if (!valid_name(name)) {
        c.fail("guest name \"%s\" is not valid; name the node with lower-case letters, digits, '_' and '-' only "
               "(no unit address)", name);
        return;
    }
    memcpy(c.g.name, name, len + 1);
}

void read_image(Ctx& c) {
    auto p = c.get("image");
    if (!p.ok()) {
        c.fail("missing 'image'; name the guest app embedded in the host image, e.g. image = \"helloworld\";");
        return;
    }
    if (!read_string(c, p.value(), c.g.image, k_name_len))
        return;
    if (!valid_name(c.g.image)) {
        c.fail("image \"%s\" is not a valid app name; use lower-case letters, digits, '_' and '-' only", c.g.image);
        c.g.image[0] = '\0';
    }
}

void check_image(Ctx& c) {
    if (c.g.image[0] == '\0' || c.plat.images == nullptr)
        return;
    for (unsigned i = 0; i < c.plat.image_count; ++i)
        if (c.plat.images[i] != nullptr && strcmp(c.plat.images[i], c.g.image) == 0)
            return;
    char list[96] = "none";
    usize used = 0;
    for (unsigned i = 0; i < c.plat.image_count && used + 1 < sizeof(list); ++i)
        used += tn::fmt::format(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", c.plat.images[i]);
#ifdef CONFIG_TN_IMAGE_MORTISE
    // A Mortise hypervisor image: the images are the usable boot modules (a refused one was reported before).
    c.fail("image \"%s\" is not among the usable boot modules (usable: %s); give it as a boot module or fix 'image'",
           c.g.image, list);
#else
    c.fail("image \"%s\" is not embedded in the host image (embedded: %s); add it to the host app's guests or "
           "fix 'image'", c.g.image, list);
#endif
}

void read_cpus(Ctx& c) {
    auto p = c.get("cpus");
    if (!p.ok()) {
        c.fail("missing 'cpus'; list the CPU indices this guest owns, e.g. cpus = <1>;");
        return;
    }
    const Property& prop = p.value();
    if (prop.size() == 0 || prop.size() % 4 != 0) {
        c.fail("'cpus' must list one or more CPU indices, e.g. cpus = <1 2>;");
        return;
    }
    const unsigned limit = c.plat.cpu_count < 64 ? c.plat.cpu_count : 64;
    for (usize i = 0; i < prop.size() / 4; ++i) {
        u32 cpu = prop.cell(i).value();  // In range: size is a whole number of cells.
        if (c.plat.image_cpus != 0 && cpu >= c.plat.image_cpus && cpu < limit) {
            // The CPU exists but this image leaves it off (lib/boot: TN_MAX_CPUS).
            c.fail("CPU %u is beyond this Mortise image's limit TN_MAX_CPUS=%u (CPUs 0-%u); raise "
                   "CONFIG_TN_MAX_CPUS or change 'cpus'", cpu, c.plat.image_cpus, c.plat.image_cpus - 1);
        } else if (cpu >= limit) {
            c.fail("CPU %u does not exist; the platform has CPUs 0-%u", cpu, limit - 1);
        } else if (c.g.cpu_mask & (u64{1} << cpu)) {
            c.fail("'cpus' lists CPU %u twice; list each CPU once", cpu);
        } else {
            c.g.cpu_mask |= u64{1} << cpu;
        }
    }
}

/// The RAM bank holding all of @p r, or nullptr.
const Region* bank_of(const Platform& plat, const Region& r) {
    for (unsigned i = 0; i < plat.ram_count && i < 4; ++i) {
        const Region& b = plat.ram[i];
        if (b.contains(r.base, r.size))
            return &b;
    }
    return nullptr;
}

void read_memory(Ctx& c) {
    auto size = c.get("memory-size");
    if (!size.ok()) {
        c.fail("missing 'memory-size'; give the guest's RAM in bytes, e.g. memory-size = <0x0 0x2000000>; (32 MiB)");
        return;
    }
    u64 bytes = 0;
    if (!read_number(c, size.value(), &bytes))
        return;
    u64 largest = 0;
    for (unsigned i = 0; i < c.plat.ram_count && i < 4; ++i)
        largest = c.plat.ram[i].size > largest ? c.plat.ram[i].size : largest;
    if (bytes == 0 || bytes % k_mem_align != 0) {
        c.fail("memory-size 0x%llx is not a non-zero multiple of 2 MiB (0x200000); round it up", (ull)bytes);
        return;
    }
    if (bytes > largest) {
        c.fail("memory-size 0x%llx exceeds the largest RAM bank (0x%llx bytes); make it smaller", (ull)bytes,
               (ull)largest);
        return;
    }
    c.g.mem_size = bytes;

    auto base = c.get("memory-base");
    u64 at = 0;
    if (!base.ok() || !read_number(c, base.value(), &at))
        return;
    if (at == 0 || at % k_mem_align != 0) {
        c.fail("memory-base 0x%llx is not a non-zero multiple of 2 MiB; align it, or leave it out to let Mortise "
               "place the guest", (ull)at);
        return;
    }
    const Region r{PhysAddr{at}, bytes};
    if (at + bytes < at || bank_of(c.plat, r) == nullptr) {
        c.fail("memory [0x%llx, 0x%llx) is not inside one RAM bank; move 'memory-base' into RAM", (ull)at,
               (ull)(at + bytes));
        return;
    }
    for (unsigned i = 0; i < c.plat.reserved_count && i < 4; ++i)
        if (overlaps(r, c.plat.reserved[i])) {
            c.fail("memory [0x%llx, 0x%llx) overlaps [0x%llx, 0x%llx) that Mortise reserves for itself; move "
                   "'memory-base'", (ull)at, (ull)(at + bytes), (ull)c.plat.reserved[i].base.value(),
                   (ull)c.plat.reserved[i].end().value());
            return;
        }
    c.g.mem_phys = r.base;
}

/// `colors = <c ...>;`: the LLC colours the guest's RAM is built from (mortise/color.hpp). Each
/// index once, below the platform's colour count; not with a fixed or identity-mapped placement,
/// which are one contiguous range (all colours).
void read_colors(Ctx& c) {
    auto p = c.get("colors");
    if (!p.ok())
        return;
    const Property& prop = p.value();
    const unsigned n = c.plat.colors;
    if (n == 0) {
        c.fail("'colors': %s", c.plat.colors_off ? c.plat.colors_off
                                                : "this image has no LLC colouring (CONFIG_MORTISE_LLC_COLORS=0); "
                                                  "set it to the last-level cache's way size / 4 KiB, or remove "
                                                  "'colors'");
        return;
    }
    if (!color::valid_count(n)) {
        c.fail("'colors': the host's colour count %u is not a power of two from 1 to %u; fix "
               "CONFIG_MORTISE_LLC_COLORS (the last-level cache's way size / 4 KiB)", n, color::k_max_colors);
        return;
    }
    if (prop.size() == 0 || prop.size() % 4 != 0) {
        c.fail("'colors' must list one or more colour indices 0-%u, e.g. colors = <0 1 2 3>;", n - 1);
        return;
    }
    u64 set = 0;
    bool ok = true;
    for (usize i = 0; i < prop.size() / 4; ++i) {
        const u32 color = prop.cell(i).value();  // In range: size is a whole number of cells.
        if (color >= n) {
            c.fail("colour %u does not exist: the last-level cache has %u colours (0-%u); change 'colors'", color, n,
                   n - 1);
            ok = false;
        } else if ((set >> color) & 1) {
            c.fail("'colors' lists colour %u twice; list each colour once", color);
            ok = false;
        } else {
            set |= u64{1} << color;
        }
    }
    if (!ok)
        return;
    if (c.g.identity_ram) {
        c.fail("'colors' and 'identity-mapped' exclude each other: identity-mapped RAM (which a DMA-capable "
               "device needs) is one contiguous range of every colour; remove one of them");
        return;
    }
    if (c.g.mem_phys != PhysAddr{}) {
        c.fail("'colors' and 'memory-base' exclude each other: a fixed base is one contiguous range of every "
               "colour; remove 'memory-base' to let Mortise build the RAM from the colours");
        return;
    }
    c.g.colors = set;
}

/// The first region Mortise keeps that @p r overlaps, if the platform names it; else nullptr.
const Region* named_owned(const Platform& plat, const Region& r) {
    for (unsigned i = 0; i < plat.owned_mmio_count && i < k_max_owned_mmio; ++i)
        if (overlaps(r, plat.owned_mmio[i]))
            return plat.owned_mmio_names[i] ? &plat.owned_mmio[i] : nullptr;
    return nullptr;
}

/// Why a pass-through region @p r may not be given to the guest, or nullptr.
const char* region_conflict(const Ctx& c, const Region& r) {
    for (unsigned i = 0; i < c.plat.ram_count && i < 4; ++i)
        if (overlaps(r, c.plat.ram[i]))
            return "overlaps host RAM; pass through device registers only";
    for (unsigned i = 0; i < c.plat.owned_mmio_count && i < k_max_owned_mmio; ++i)
        if (overlaps(r, c.plat.owned_mmio[i]))
            return "overlaps a device Mortise keeps (GIC or its console UART)";
    const unsigned vcpus = vcpu_count(c.g) ? vcpu_count(c.g) : 1;
    const tn::IpaRange guest_map[] = {gmap::gicd(), gmap::gicr(vcpus), gmap::uart(), ram_window(c.g)};
    for (const tn::IpaRange& w : guest_map)
        if (passthrough_ipa(r).overlaps(w))
            return "overlaps the guest's emulated GIC, UART or RAM window (QEMU virt layout); pick another device";
    if (passthrough_ipa(r).overlaps(gmap::ivc()))
        return "overlaps the inter-VM channel window [0x20000000, 0x30000000) of the guest map; pick another device";
    for (unsigned i = 0; i < c.g.mmio_count; ++i)
        if (overlaps(r, c.g.mmio[i]))
            return "overlaps another of its mmio regions; merge them";
    return nullptr;
}

void read_mmio(Ctx& c) {
    auto p = c.get("mmio");
    if (!p.ok())
        return;
    const Property& prop = p.value();
    if (prop.size() == 0 || prop.size() % 16 != 0) {
        c.fail("'mmio' must hold <base size> pairs of two cells each, e.g. mmio = <0x0 0x9010000 0x0 0x1000>;");
        return;
    }
    const usize n = prop.size() / 16;
    if (n > k_max_regions) {
        c.fail("'mmio' has %u regions; at most %u fit, merge adjacent ones", static_cast<unsigned>(n),
               k_max_regions);
        return;
    }
    for (usize i = 0; i < n; ++i) {
        const Region r{PhysAddr{prop.cells(4 * i, 2).value()}, prop.cells(4 * i + 2, 2).value()};
        if (r.size == 0 || !r.base.aligned(k_page) || r.size % k_page || r.end() < r.base) {
            c.fail("mmio region <0x%llx 0x%llx> must have a 4 KiB-aligned base and a non-zero 4 KiB multiple size",
                   (ull)r.base.value(), (ull)r.size);
            continue;
        }
        if (const Region* kept = named_owned(c.plat, r)) {
            // A platform read from the board's tree says which of its devices this is.
            c.fail("mmio region [0x%llx, 0x%llx) overlaps the %s [0x%llx, 0x%llx), a device Mortise keeps; pick "
                   "another device", (ull)r.base.value(), (ull)r.end().value(),
                   c.plat.owned_mmio_names[kept - c.plat.owned_mmio], (ull)kept->base.value(),
                   (ull)kept->end().value());
            continue;
        }
        if (const char* why = region_conflict(c, r)) {
            c.fail("mmio region [0x%llx, 0x%llx) %s", (ull)r.base.value(), (ull)r.end().value(), why);
            continue;
        }
        c.g.mmio[c.g.mmio_count++] = r;
    }
}

bool owned_irq(const Platform& plat, u32 intid) {
    for (unsigned i = 0; i < plat.owned_irq_count && i < k_max_owned_irqs; ++i)
        if (plat.owned_irqs[i] == intid)
            return true;
    return intid == gmap::k_uart_intid;
}

void read_irqs(Ctx& c) {
    auto p = c.get("irqs");
    if (!p.ok())
        return;
    const Property& prop = p.value();
    if (prop.size() == 0 || prop.size() % 4 != 0) {
        c.fail("'irqs' must list GIC INTIDs of SPIs, e.g. irqs = <48 49>;");
        return;
    }
    const usize n = prop.size() / 4;
    if (n > k_max_irqs) {
        c.fail("'irqs' lists %u INTIDs; at most %u fit", static_cast<unsigned>(n), k_max_irqs);
        return;
    }
    for (usize i = 0; i < n; ++i) {
        u32 intid = prop.cell(i).value();
        bool twice = false;
        for (unsigned j = 0; j < c.g.irq_count; ++j)
            twice = twice || c.g.irqs[j] == intid;
        if (intid < k_first_spi || intid > k_last_spi)
            c.fail("interrupt %u is not an SPI; pass through INTIDs 32-1019 (SPI n is INTID 32 + n)", intid);
        else if (owned_irq(c.plat, intid))
            c.fail("interrupt %u is used by Mortise or by the guest's emulated UART; pick another SPI", intid);
        else if (twice)
            c.fail("'irqs' lists %u twice; list each INTID once", intid);
        else
            c.g.irqs[c.g.irq_count++] = intid;
    }
}

void read_kernel(Ctx& c) {
    auto p = c.get("kernel");
    if (!p.ok())
        return;
    char kind[8] = {};
    if (!read_string(c, p.value(), kind, sizeof(kind)))
        return;
    if (strcmp(kind, "linux") == 0)
        c.g.kernel = Kernel::Linux;
    else if (strcmp(kind, "tenon") != 0)
        c.fail("kernel \"%s\" is not a kind Mortise boots; write kernel = \"linux\"; for a Linux guest, or leave "
               "it out for a Tenon application", kind);
}

void read_initramfs(Ctx& c) {
    auto p = c.get("initramfs");
    if (!p.ok())
        return;
    if (c.g.kernel != Kernel::Linux) {
        c.fail("'initramfs' is for Linux guests; add kernel = \"linux\"; or remove 'initramfs'");
        return;
    }
    if (!read_string(c, p.value(), c.g.initramfs, k_name_len))
        return;
    if (!valid_name(c.g.initramfs)) {
        c.fail("initramfs \"%s\" is not a valid name; use lower-case letters, digits, '_' and '-' only",
               c.g.initramfs);
        c.g.initramfs[0] = '\0';
    }
}

void read_dt_overlay(Ctx& c) {
    auto p = c.get("dt-overlay");
    if (!p.ok())
        return;
    if (c.g.kernel != Kernel::Linux) {
        c.fail("'dt-overlay' is for Linux guests; add kernel = \"linux\"; or remove 'dt-overlay'");
        return;
    }
    if (!read_string(c, p.value(), c.g.dt_overlay, k_name_len))
        return;
    if (!valid_name(c.g.dt_overlay)) {
        c.fail("dt-overlay \"%s\" is not a valid name; use lower-case letters, digits, '_' and '-' only",
               c.g.dt_overlay);
        c.g.dt_overlay[0] = '\0';
    }
}

const Blob* find_blob(const Platform& plat, BlobKind kind, const char* name) {
    for (unsigned i = 0; plat.blobs != nullptr && i < plat.blob_count; ++i)
        if (plat.blobs[i].kind == kind && plat.blobs[i].name != nullptr && strcmp(plat.blobs[i].name, name) == 0)
            return &plat.blobs[i];
    return nullptr;
}

/// A Linux guest's Image and initramfs against what is embedded: the kinds, the Image header and
/// whether kernel, initramfs and device tree fit in memory-size (kernel_image::layout()).
void check_linux(Ctx& c) {
    if (c.plat.blobs == nullptr || c.g.image[0] == '\0')
        return;
    const Blob* image = find_blob(c.plat, BlobKind::LinuxImage, c.g.image);
    if (c.g.kernel != Kernel::Linux) {
        if (image != nullptr)
            c.fail("image \"%s\" is a Linux kernel; add kernel = \"linux\"; to this guest", c.g.image);
        return;
    }
    if (image == nullptr) {
        c.fail("image \"%s\" is not a Linux kernel embedded in the host image; name a Linux guest of guests.mk "
               "(TN_GUEST_<name>_LINUX or _IMAGE)", c.g.image);
        return;
    }
    const Blob* initrd = nullptr;
    if (c.g.initramfs[0] != '\0' && (initrd = find_blob(c.plat, BlobKind::Initramfs, c.g.initramfs)) == nullptr) {
        c.fail("initramfs \"%s\" is not embedded in the host image; name a Linux guest of guests.mk whose "
               "initramfs is built or given (TN_GUEST_<name>_INITRAMFS)", c.g.initramfs);
        return;
    }
    if (image->head == nullptr)
        return;
    auto h = kernel_image::decode(image->head, image->head_size < image->size ? image->head_size : image->size);
    if (!h.ok()) {
        c.fail("Linux image \"%s\" %s", c.g.image, kernel_image::explain(h.error()));
        return;
    }
    if (c.g.mem_size == 0)
        return;  // memory-size itself was reported
    const u64 initrd_size = initrd ? initrd->size : 0;
    auto l = kernel_image::layout(h.value(), image->size, initrd_size, c.g.mem_size);
    if (!l.ok())
        c.fail("memory-size 0x%llx cannot hold Linux image \"%s\" (%llu KiB with BSS), initramfs (%llu KiB) "
               "and device tree (2 MiB); make it at least 0x%llx, and more for Linux to run", (ull)c.g.mem_size,
               c.g.image,
               (ull)((h.value().text_offset + (h.value().image_size > image->size ? h.value().image_size
                                                                                 : image->size)) / 1024),
               (ull)(initrd_size / 1024), (ull)l.error().needed);
}

/// The overlay is embedded and applies to the guest's generated tree (Platform::check_dt_overlay). Last:
/// the tree depends on everything else the node says; a guest already invalid is not tried.
void check_dt_overlay(Ctx& c) {
    if (c.g.dt_overlay[0] == '\0' || c.plat.blobs == nullptr || !c.g.valid)
        return;
    const Blob* ov = find_blob(c.plat, BlobKind::DtOverlay, c.g.dt_overlay);
    if (ov == nullptr) {
        c.fail("dt-overlay \"%s\" is not embedded in the host image; set TN_GUEST_%s_DT_OVERLAY in guests.mk",
               c.g.dt_overlay, c.g.dt_overlay);
        return;
    }
    char why[200];
    if (ov->head != nullptr && ov->head_size == ov->size && c.plat.check_dt_overlay != nullptr &&
        !c.plat.check_dt_overlay(c.g, *ov, why, sizeof why))
        c.fail("dt-overlay \"%s\": %s", c.g.dt_overlay, why);
}

void check_property_names(Ctx& c) {
    for (Property prop : c.fdt.properties(c.node)) {
        bool known = false;
        for (const char* k : k_known)
            known = known || strcmp(k, prop.name()) == 0;
        if (!known && strcmp(prop.name(), "name") == 0)
            c.fail("'name' is not used: the node name is the guest's name; rename the node instead");
        else if (!known)
            c.fail("unknown property '%s'; see docs/mortise.md, \"Partition description\"", prop.name());
    }
    for (Node child : c.fdt.children(c.node)) {
        c.fail("unexpected subnode '%s'; guest nodes have properties only", c.fdt.name(child));
        break;
    }
}

}  // namespace

/// `identity-mapped` RAM: only with a fixed `memory-base` (the guest sees that address), only for
/// Linux (a Tenon image is linked for the guest map's RAM window), and clear of the emulated windows.
void check_identity(Ctx& c) {
    if (!c.g.identity_ram)
        return;
    if (c.g.kernel != Kernel::Linux) {
        c.fail("'identity-mapped' is for Linux guests: a Tenon image is linked for RAM at 0x%llx",
               (ull)gmap::k_ram.value());
        return;
    }
    if (c.g.mem_size == 0)
        return;  // memory-size was already reported.
    if (c.g.mem_phys == PhysAddr{}) {
        c.fail("'identity-mapped' needs 'memory-base': the guest sees its RAM at that host-physical address");
        return;
    }
    const unsigned vcpus = vcpu_count(c.g) ? vcpu_count(c.g) : 1;
    for (const tn::IpaRange& w : {gmap::gicd(), gmap::gicr(vcpus), gmap::uart()})
        if (ram_window(c.g).overlaps(w))
            c.fail("identity-mapped memory [0x%llx, 0x%llx) overlaps the guest's emulated GIC or UART window; move "
                   "'memory-base'", (ull)c.g.mem_phys.value(), (ull)(c.g.mem_phys.value() + c.g.mem_size));
    if (ram_window(c.g).overlaps(gmap::ivc()))
        c.fail("identity-mapped memory [0x%llx, 0x%llx) overlaps the inter-VM channel window [0x%llx, 0x%llx) of "
               "the guest map; move 'memory-base'", (ull)c.g.mem_phys.value(),
               (ull)(c.g.mem_phys.value() + c.g.mem_size), (ull)gmap::k_ivc.value(),
               (ull)(gmap::k_ivc + gmap::k_ivc_size).value());
}

/// A DMA-capable pass-through device reaches host-physical addresses, and with no SMMU all of them:
/// it needs identity-mapped RAM to work at all, and an explicit acceptance (or a privileged guest)
/// to be given out, since it can read and write Mortise and every other guest.
void check_dma(Ctx& c) {
    for (unsigned i = 0; i < c.g.mmio_count && !c.g.dma; ++i)
        for (unsigned j = 0; j < c.plat.dma_mmio_count && j < k_max_dma_mmio && !c.g.dma; ++j)
            if (overlaps(c.g.mmio[i], c.plat.dma_mmio[j])) {
                c.g.dma = true;
                const Region& r = c.g.mmio[i];
                if (!c.g.identity_ram)
                    c.fail("mmio [0x%llx, 0x%llx) holds a DMA-capable device (virtio-mmio, say), given guest-physical "
                           "addresses: add 'identity-mapped' and 'memory-base' so they are host-physical",
                           (ull)r.base.value(), (ull)r.end().value());
                if (!c.g.privileged && !c.g.dma_unsafe_accepted)
                    c.fail("mmio [0x%llx, 0x%llx) holds a DMA-capable device, which without an SMMU can write all "
                           "memory (Mortise's, other guests'): add 'dma-unsafe-accepted' to allow it",
                           (ull)r.base.value(), (ull)r.end().value());
            }
}

namespace {

/// `mode` (1: dedicated CPUs, the default; 2: CPUs shared with other mode-2 guests, scheduled by
/// Mortise) and `priority` (mode 2 only: its vCPUs' scheduling priority).
void read_mode(Ctx& c) {
    c.g.mode = 1;
    c.g.priority = k_default_priority;
    if (auto p = c.get("mode"); p.ok()) {
        auto v = p.value().as_u32();
        if (!v.ok() || (v.value() != 1 && v.value() != 2)) {
            c.fail("'mode' must be <1> (dedicated CPUs) or <2> (CPUs shared with other mode-2 guests)");
            return;
        }
        c.g.mode = static_cast<u8>(v.value());
        if (c.g.mode == 2 && !c.plat.mode2)
            c.fail("mode = <2> needs a Mortise image with CONFIG_MORTISE_MODE2=y; enable it or use mode = <1>");
    }
    auto p = c.get("priority");
    if (!p.ok())
        return;
    if (c.g.mode != 2) {
        c.fail("'priority' applies to mode-2 guests only; add mode = <2>; or drop 'priority'");
        return;
    }
    auto v = p.value().as_u32();
    if (!v.ok() || v.value() < k_min_priority || v.value() > k_max_priority) {
        c.fail("'priority' must be one cell from %u (lowest) to %u (highest), e.g. priority = <8>;", k_min_priority,
               k_max_priority);
        return;
    }
    c.g.priority = static_cast<u8>(v.value());
}

/// `budget-us` and `period-us` (mode 2 only, both or neither): a lib/sched reservation of the budget per
/// period for each of the guest's vCPUs. The CPU-wide schedulability check is partition.cpp's.
void read_reservation(Ctx& c) {
    c.g.budget_us = c.g.period_us = 0;
    auto b = c.get("budget-us");
    auto p = c.get("period-us");
    if (!b.ok() && !p.ok())
        return;
    if (b.ok() != p.ok()) {
        c.fail("'%s' needs '%s' too: a reservation is a budget per period, e.g. budget-us = <3000>; "
               "period-us = <10000>;", b.ok() ? "budget-us" : "period-us", b.ok() ? "period-us" : "budget-us");
        return;
    }
    if (c.g.mode != 2) {
        c.fail("'budget-us' and 'period-us' apply to mode-2 guests only; add mode = <2>; or drop them");
        return;
    }
    auto bv = b.value().as_u32();
    auto pv = p.value().as_u32();
    if (!bv.ok() || !pv.ok()) {
        c.fail("'budget-us' and 'period-us' must be one cell each, in microseconds, e.g. budget-us = <3000>;");
        return;
    }
    if (pv.value() < k_min_budget_us || pv.value() > k_max_period_us) {
        c.fail("period-us %u is out of range: a period is %u us to %u us (100 s); change 'period-us'", pv.value(),
               k_min_budget_us, k_max_period_us);
        return;
    }
    if (bv.value() < k_min_budget_us || bv.value() > pv.value()) {
        c.fail("budget-us %u is out of range: a budget is %u us (below it the switches that enforce it cost more "
               "than it buys) up to the period, %u us; change 'budget-us'", bv.value(), k_min_budget_us,
               pv.value());
        return;
    }
    c.g.budget_us = bv.value();
    c.g.period_us = pv.value();
}

/// `max-priority` (mode 2 only, above `priority`): how high the guest's scheduling hints (sched.hint) may
/// raise its vCPUs. Not with a reservation: the response-time analysis takes each server at one priority.
void read_max_priority(Ctx& c) {
    c.g.max_priority = 0;
    auto p = c.get("max-priority");
    if (!p.ok())
        return;
    if (c.g.mode != 2) {
        c.fail("'max-priority' applies to mode-2 guests only; add mode = <2>; or drop 'max-priority'");
        return;
    }
    auto v = p.value().as_u32();
    if (!v.ok() || v.value() <= c.g.priority || v.value() > k_max_priority) {
        c.fail("'max-priority' must be one cell above 'priority' (%u) and at most %u, e.g. max-priority = <%u>;",
               c.g.priority, k_max_priority, c.g.priority < k_max_priority ? c.g.priority + 1 : k_max_priority);
        return;
    }
    if (c.g.budget_us != 0) {
        c.fail("'max-priority' and a reservation ('budget-us', 'period-us') cannot be combined: the "
               "schedulability check takes a reserved guest at one priority; drop one of them");
        return;
    }
    c.g.max_priority = static_cast<u8>(v.value());
}

}  // namespace

void decode_guest(const Fdt& fdt, Node n, const char* path, const Platform& plat, Guest& g, Report& rep) {
    g.valid = true;
    Ctx c{fdt, n, path, plat, g, rep};
    check_property_names(c);
    read_node_name(c);
    read_image(c);
    check_image(c);
    read_kernel(c);
    read_initramfs(c);
    read_dt_overlay(c);
    read_cpus(c);
    read_mode(c);
    read_reservation(c);
    read_max_priority(c);
    g.identity_ram = read_flag(c, "identity-mapped");  // Before mmio: it moves the guest's RAM window.
    g.dma = false;
    read_memory(c);  // Before mmio: the guest's RAM window depends on memory-size.
    g.colors = 0;
    read_colors(c);
    check_linux(c);
    read_mmio(c);
    read_irqs(c);
    if (auto p = c.get("bootargs"); p.ok())
        read_string(c, p.value(), g.bootargs, k_bootargs_len);
    g.autostart = read_flag(c, "autostart");
    g.privileged = read_flag(c, "privileged");
    g.dma_unsafe_accepted = read_flag(c, "dma-unsafe-accepted");
    check_identity(c);
    check_dma(c);
    check_dt_overlay(c);
}

namespace {

/// Properties a channel node may have (`phandle` appears when a label is referenced).
constexpr const char* k_channel_known[] = {"members", "size", "read-only", "doorbell-irqs", "phandle"};

/// One channel's decoding state: where to report and whether any of its own rules failed.
struct ChanCtx {
    const Fdt& fdt;
    Node node;
    const char* path;
    const Platform& plat;
    const Description& d;
    Channel& ch;
    unsigned id;
    Report& rep;

    void fail(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        va_list ap;
        va_start(ap, fmt);
        rep.vadd(path, fmt, ap);
        va_end(ap);
        ch.valid = false;
    }
    tn::Result<Property, tn::fdt::Error> get(const char* name) const { return fdt.property(node, name); }
};

/// Splits string-list property @p prop ("a", "b") into at most @p cap pointers into the blob; the count,
/// or -1 (reported) when it is not a list of non-empty strings.
int string_list(ChanCtx& c, const Property& prop, const char** out, unsigned cap) {
    const char* data = reinterpret_cast<const char*>(prop.data());
    const usize size = prop.size();
    if (size == 0 || data[size - 1] != '\0') {
        c.fail("'%s' must be a list of strings, e.g. %s = \"alpha\", \"beta\";", prop.name(), prop.name());
        return -1;
    }
    int n = 0;
    for (usize at = 0; at < size;) {
        usize len = 0;
        while (data[at + len] != '\0')  // Stops at the final NUL at the latest.
            ++len;
        if (len == 0) {
            c.fail("'%s' holds an empty string; list guest names only", prop.name());
            return -1;
        }
        if (static_cast<unsigned>(n) < cap)
            out[n] = data + at;
        ++n;
        at += len + 1;
    }
    return n;
}

/// Index of the guest named @p name among the declared guests (valid or not), or -1.
int find_guest(const Description& d, const char* name) {
    for (unsigned i = 0; i < d.count; ++i)
        if (strcmp(d.guests[i].name, name) == 0)
            return static_cast<int>(i);
    return -1;
}

void read_channel_name(ChanCtx& c) {
    const char* name = c.fdt.name(c.node);
    const usize len = strlen(name);
    if (len >= k_name_len)
        c.fail("channel name is %u characters long; the limit is %u, rename the node", static_cast<unsigned>(len),
               k_name_len - 1);
    else if (!valid_name(name))
        c.fail("channel name \"%s\" is not valid; name the node with lower-case letters, digits, '_' and '-' only "
               "(no unit address)", name);
    else
        memcpy(c.ch.name, name, len + 1);
}

void read_members(ChanCtx& c) {
    auto p = c.get("members");
    if (!p.ok()) {
        c.fail("missing 'members'; name the 2 to %u guests the channel joins, e.g. members = \"alpha\", \"beta\";",
               k_max_members);
        return;
    }
    const char* names[k_max_members];
    const int n = string_list(c, p.value(), names, k_max_members);
    if (n < 0)
        return;
    if (n < 2 || static_cast<unsigned>(n) > k_max_members) {
        c.fail("'members' names %d guests; a channel joins 2 to %u guests", n, k_max_members);
        return;
    }
    bool ok = true;
    for (int i = 0; i < n; ++i) {
        const int g = find_guest(c.d, names[i]);
        bool twice = false;
        for (int j = 0; j < i; ++j)
            twice = twice || strcmp(names[i], names[j]) == 0;
        if (g < 0) {
            c.fail("member \"%.31s\" is not a guest of this description; name a guest node under /mortise",
                   names[i]);
            ok = false;
        } else if (twice) {
            c.fail("'members' names \"%s\" twice; list each guest once", names[i]);
            ok = false;
        } else {
            c.ch.members[i] = static_cast<u8>(g);
        }
    }
    if (ok)
        c.ch.member_count = static_cast<unsigned>(n);
}

void read_channel_size(ChanCtx& c) {
    auto p = c.get("size");
    if (!p.ok()) {
        c.fail("missing 'size'; give the shared memory in bytes, e.g. size = <0x10000>; (64 KiB)");
        return;
    }
    const Property& prop = p.value();
    u64 bytes = 0;
    if (prop.size() == 4 || prop.size() == 8) {
        if (auto v = prop.cells(0, prop.size() / 4); v.ok())
            bytes = v.value();
    } else {
        c.fail("'size' must be one number of one or two cells, e.g. size = <0x10000>;");
        return;
    }
    if (bytes % k_page != 0 || bytes < k_channel_min || bytes > k_channel_max) {
        c.fail("size 0x%llx is not a multiple of 4 KiB from 8 KiB (0x2000) to 16 MiB (0x1000000); change 'size'",
               (ull)bytes);
        return;
    }
    c.ch.size = bytes;
}

void read_read_only(ChanCtx& c) {
    auto p = c.get("read-only");
    if (!p.ok())
        return;
    const char* names[k_max_members + 1];
    const int n = string_list(c, p.value(), names, k_max_members + 1);
    if (n < 0 || c.ch.member_count == 0)
        return;  // Reported, or the members are (nothing to check the names against).
    u8 mask = 0;
    for (int i = 0; i < n && i <= static_cast<int>(k_max_members); ++i) {
        int m = -1;
        for (unsigned j = 0; j < c.ch.member_count; ++j)
            if (strcmp(c.d.guests[c.ch.members[j]].name, names[i]) == 0)
                m = static_cast<int>(j);
        if (m < 0)
            c.fail("'read-only' names \"%.31s\", which is not a member; list members only", names[i]);
        else
            mask = static_cast<u8>(mask | (1u << m));
    }
    if (n > static_cast<int>(k_max_members))
        c.fail("'read-only' names %d guests; list each member once", n);
    if (mask == (1u << c.ch.member_count) - 1)
        c.fail("'read-only' names every member, so nobody could write; leave at least one member out");
    c.ch.read_only_mask = mask;
}

/// Why member @p m may not receive its doorbell on @p intid (its own interrupts, Mortise's), or nullptr.
const char* doorbell_conflict(const ChanCtx& c, const Guest& m, u32 intid) {
    if (intid == gmap::k_uart_intid)
        return "is its emulated UART's interrupt";
    for (unsigned i = 0; i < m.irq_count; ++i)
        if (m.irqs[i] == intid)
            return "is one of its pass-through 'irqs'";
    for (unsigned i = 0; i < c.plat.owned_irq_count && i < k_max_owned_irqs; ++i)
        if (c.plat.owned_irqs[i] == intid)
            return "is an interrupt Mortise keeps";
    return nullptr;
}

/// The earlier channel (decoded without error of its own) on which guest @p guest already receives
/// @p intid as its doorbell, or nullptr.
const Channel* doorbell_taken(const ChanCtx& c, unsigned guest, u32 intid) {
    for (unsigned k = 0; k < c.id; ++k) {
        const Channel& o = c.d.channels[k];
        const int at = member_index(o, guest);
        if (o.valid && at >= 0 && o.doorbell_intid[at] == intid)
            return &o;
    }
    return nullptr;
}

void read_doorbells(ChanCtx& c) {
    if (c.ch.member_count == 0)
        return;  // The members were reported.
    auto p = c.get("doorbell-irqs");
    const u32 fallback = gmap::k_ivc_intid_base + c.id;
    if (p.ok() && p.value().size() != 4 * c.ch.member_count) {
        c.fail("'doorbell-irqs' must list one INTID per member (%u), in member order, e.g. doorbell-irqs = <%u %u>;",
               c.ch.member_count, fallback, fallback);
        return;
    }
    for (unsigned i = 0; i < c.ch.member_count; ++i) {
        const u32 intid = p.ok() ? p.value().cell(i).value() : fallback;
        const Guest& m = c.d.guests[c.ch.members[i]];
        if (intid < k_first_spi || intid > k_last_spi) {
            c.fail("doorbell interrupt %u of member \"%s\" is not an SPI; use an INTID 32-1019", intid, m.name);
            continue;
        }
        if (const char* why = doorbell_conflict(c, m, intid))
            c.fail("doorbell interrupt %u of member \"%s\" %s; pick another SPI in 'doorbell-irqs'", intid, m.name,
                   why);
        else if (const Channel* o = doorbell_taken(c, c.ch.members[i], intid))
            c.fail("doorbell interrupt %u of member \"%s\" is already its doorbell on channel \"%s\"; give each "
                   "of its channels another SPI in 'doorbell-irqs'", intid, m.name, o->name);
        c.ch.doorbell_intid[i] = intid;
    }
}

void check_channel_names(ChanCtx& c) {
    for (Property prop : c.fdt.properties(c.node)) {
        bool known = false;
        for (const char* k : k_channel_known)
            known = known || strcmp(k, prop.name()) == 0;
        if (!known)
            c.fail("unknown property '%s'; channels have members, size, read-only and doorbell-irqs (docs/mortise.md, "
                   "\"Inter-VM channels\")", prop.name());
    }
    for (Node child : c.fdt.children(c.node)) {
        c.fail("unexpected subnode '%s'; channel nodes have properties only", c.fdt.name(child));
        break;
    }
}

}  // namespace

void decode_channel(const Fdt& fdt, Node n, const char* path, const Platform& plat, Description& d, unsigned id,
                    Report& rep) {
    Channel& ch = d.channels[id];
    ch.valid = true;
    ChanCtx c{fdt, n, path, plat, d, ch, id, rep};
    check_channel_names(c);
    read_channel_name(c);
    for (unsigned k = 0; k < id && ch.name[0] != '\0'; ++k)
        if (strcmp(d.channels[k].name, ch.name) == 0)
            c.fail("channel name \"%s\" is already used by an earlier channel; give every channel a unique name",
                   ch.name);
    read_members(c);
    read_channel_size(c);
    read_read_only(c);
    read_doorbells(c);
    for (unsigned i = 0; i < ch.member_count; ++i)
        ch.uncached = ch.uncached || d.guests[ch.members[i]].kernel == Kernel::Linux;
}

}  // namespace mortise::partition::detail
