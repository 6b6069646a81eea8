// Boot modules from the host device tree's /chosen (include/mortise/modules.hpp).
#include <mortise/kernel_image.hpp>
#include <mortise/modules.hpp>

namespace mortise::modules {

namespace {

constexpr const char* k_kind_prefix = "tenonos,mortise-";
constexpr const char* k_kind_names[] = {"partitions", "tenon", "linux", "initramfs", "dt-overlay"};
constexpr unsigned k_kinds = sizeof(k_kind_names) / sizeof(k_kind_names[0]);

bool same(const char* a, const char* b) { return __builtin_strcmp(a, b) == 0; }

bool starts_with(const char* s, const char* prefix, const char*& rest) {
    usize n = __builtin_strlen(prefix);
    if (__builtin_strncmp(s, prefix, n) != 0)
        return false;
    rest = s + n;
    return true;
}

void copy(char* dst, usize cap, const char* src) {
    usize i = 0;
    for (; src && src[i] && i + 1 < cap; ++i)
        dst[i] = src[i];
    dst[i] = 0;
}

bool name_ok(const char* s) {
    usize n = 0;
    for (; s[n]; ++n) {
        char c = s[n];
        bool good = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-';
        if (!good || n >= k_name_max)
            return false;
    }
    return n > 0;
}

bool overlap(u64 a, u64 as, u64 b, u64 bs) { return a < b + bs && b < a + as; }

Kind kind_of(const tn::fdt::Fdt& dt, tn::fdt::Node n) {
    auto prop = dt.property(n, "compatible");
    if (!prop.ok())
        return Kind::Unknown;
    auto list = prop.value().as_strings();
    if (!list.ok())
        return Kind::Unknown;
    auto first = list.value().at(0);
    const char* rest = nullptr;
    if (!first.ok() || !starts_with(first.value(), k_kind_prefix, rest))
        return Kind::Unknown;
    for (unsigned k = 0; k < k_kinds; ++k)
        if (same(rest, k_kind_names[k]))
            return static_cast<Kind>(k);
    return Kind::Unknown;
}

u64 be32(const u8* p) { return (u64{p[0]} << 24) | (u64{p[1]} << 16) | (u64{p[2]} << 8) | p[3]; }

const char* check_fdt(const u8* data, u64 size, const char* what) {
    (void)what;
    if (size < 40)
        return "shorter than a device-tree header (40 bytes)";
    if (be32(data) != 0xd00dfeed)
        return "no device-tree magic (0xd00dfeed) at offset 0: not a compiled .dtb/.dtbo";
    if (be32(data + 4) > size)
        return "the device-tree header's totalsize is larger than the module: the file was cut short";
    return nullptr;
}

// Kind and name readable: two such modules can be told apart, or are duplicates.
bool identified(const Module& m) { return m.problem != Problem::BadKind && m.problem != Problem::BadName; }

void refuse(Module& m, Problem p) {
    if (m.ok())
        m.problem = p;
}

}  // namespace

const char* kind_name(Kind k) {
    unsigned i = static_cast<unsigned>(k);
    return i < k_kinds ? k_kind_names[i] : "unknown";
}

const char* explain(Problem p) {
    switch (p) {
    case Problem::None: return "usable";
    case Problem::NoReg: return "no reg, or not one (address, size) pair in /chosen's #address-cells/#size-cells";
    case Problem::ZeroSize: return "size 0: the bootloader loaded nothing (a missing file?)";
    case Problem::Wraps: return "address + size passes the end of the address space";
    case Problem::OutsideRam: return "not wholly inside one RAM bank";
    case Problem::OverlapsHyp: return "overlaps Mortise itself or the host device tree: load it elsewhere";
    case Problem::Overlaps: return "overlaps another module: one of the load addresses is wrong";
    case Problem::BadKind:
        return "unknown kind: the first compatible must be tenonos,mortise-partitions, -tenon, -linux, -initramfs "
               "or -dt-overlay";
    case Problem::BadName: return "tenonos,name missing, empty, longer than 31 or not [A-Za-z0-9_-]";
    case Problem::Duplicate: return "another module has the same kind and name: both refused";
    case Problem::BadHeader: return "its first bytes are not what its kind needs";
    case Problem::Unreadable: return "its bytes cannot be read";
    }
    return "?";
}

const char* check_header(Kind kind, const u8* data, u64 size) {
    switch (kind) {
    case Kind::Partitions:
    case Kind::DtOverlay: return check_fdt(data, size, kind_name(kind));
    case Kind::Tenon: {
        auto h = kernel_image::decode(data, size);
        return h.ok() ? nullptr : kernel_image::explain(h.error());
    }
    case Kind::Linux: {
        auto h = kernel_image::decode(data, size);
        if (!h.ok())
            return kernel_image::explain(h.error());
        u64 avail = size < k_linux_header_bytes ? size : k_linux_header_bytes;
        return kernel_image::pe_file_size(data, avail) > size ? kernel_image::explain(kernel_image::Error::Truncated)
                                                              : nullptr;
    }
    case Kind::Initramfs: {
        // gzip, zstd, xz, or an uncompressed cpio "newc"/"crc" archive: what Linux unpacks.
        if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
            return nullptr;
        if (size >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd)
            return nullptr;
        if (size >= 6 && data[0] == 0xfd && data[1] == '7' && data[2] == 'z' && data[3] == 'X' && data[4] == 'Z' &&
            data[5] == 0)
            return nullptr;
        if (size >= 6 && __builtin_memcmp(data, "07070", 5) == 0 && (data[5] == '1' || data[5] == '2'))
            return nullptr;
        return "not a gzip, zstd or xz stream nor a cpio newc archive";
    }
    case Kind::Unknown: break;
    }
    return "unknown kind";
}

const Module* Table::find_any(Kind kind, const char* name) const {
    for (unsigned i = 0; i < count; ++i)
        if (items[i].kind == kind && same(items[i].name, name))
            return &items[i];
    return nullptr;
}

const Module* Table::find(Kind kind, const char* name) const {
    const Module* m = find_any(kind, name);
    return m && m->ok() ? m : nullptr;
}

unsigned Table::usable() const {
    unsigned n = 0;
    for (unsigned i = 0; i < count; ++i)
        n += items[i].ok() ? 1 : 0;
    return n;
}

bool read(const tn::fdt::Fdt& dt, const Machine& machine, Access access, void* ctx, Table& out) {
    out.count = 0;
    out.skipped = 0;
    out.error = nullptr;
    auto chosen = dt.find_path("/chosen");
    if (!chosen.ok()) {
        out.error = "the host device tree has no /chosen node: no boot modules";
        return false;
    }
    for (tn::fdt::Node n : dt.children(chosen.value())) {
        if (!dt.compatible_with(n, k_compatible))
            continue;
        if (out.count == k_max_modules) {
            ++out.skipped;
            if (!out.error)
                out.error = "more than 32 boot modules: the rest are ignored";
            continue;
        }
        Module& m = out.items[out.count++];
        m = Module{};
        copy(m.node, sizeof m.node, dt.name(n));
        m.kind = kind_of(dt, n);
        m.problem = Problem::None;
        m.detail = nullptr;
        if (m.kind == Kind::Unknown)
            refuse(m, Problem::BadKind);
        auto name = dt.prop_string(n, "tenonos,name");
        if (m.kind != Kind::Partitions) {
            if (name.ok())
                copy(m.name, sizeof m.name, name.value());
            if (!name.ok() || !name_ok(name.value()))
                refuse(m, Problem::BadName);
        } else if (dt.has_property(n, "tenonos,name")) {
            refuse(m, Problem::BadName);  // the description is one file: a name would be ignored silently
        }
        auto count = dt.reg_count(n);
        auto reg = dt.reg(n, 0);
        if (!count.ok() || count.value() != 1 || !reg.ok()) {
            refuse(m, Problem::NoReg);
            if (!count.ok() && count.error() == tn::fdt::Error::BadCells && !out.error)
                out.error = "/chosen's #address-cells or #size-cells is not 1 or 2: no module can be read";
            continue;
        }
        m.address = reg.value().address;
        m.size = reg.value().size;
        if (m.size == 0)
            refuse(m, Problem::ZeroSize);
        else if (m.address + m.size < m.address)
            refuse(m, Problem::Wraps);
    }
    // Placement: inside one RAM bank, clear of Mortise and of every other module.
    for (unsigned i = 0; i < out.count; ++i) {
        Module& m = out.items[i];
        if (m.problem == Problem::NoReg || m.problem == Problem::ZeroSize || m.problem == Problem::Wraps)
            continue;
        bool in_ram = false;
        for (unsigned r = 0; r < machine.ram_count; ++r) {
            const Range& b = machine.ram[r];
            if (m.address >= b.base && m.address - b.base <= b.size && m.size <= b.size - (m.address - b.base))
                in_ram = true;
        }
        if (!in_ram)
            refuse(m, Problem::OutsideRam);
        for (unsigned r = 0; r < machine.reserved_count; ++r)
            if (overlap(m.address, m.size, machine.reserved[r].base, machine.reserved[r].size))
                refuse(m, Problem::OverlapsHyp);
        for (unsigned j = 0; j < out.count; ++j) {
            const Module& o = out.items[j];
            if (j == i || o.problem == Problem::NoReg || o.problem == Problem::ZeroSize || o.problem == Problem::Wraps)
                continue;
            if (overlap(m.address, m.size, o.address, o.size))
                refuse(m, Problem::Overlaps);
            if (identified(m) && identified(o) && m.kind == o.kind && same(m.name, o.name))
                refuse(m, Problem::Duplicate);
        }
    }
    // Headers last: only modules whose bytes are where RAM is and nobody else's.
    for (unsigned i = 0; i < out.count && access; ++i) {
        Module& m = out.items[i];
        if (!m.ok())
            continue;
        u64 bytes = m.kind == Kind::Linux ? k_linux_header_bytes : k_header_bytes;
        u64 want = m.size < bytes ? m.size : bytes;
        const u8* data = access(m.address, want, ctx);
        if (!data) {
            refuse(m, Problem::Unreadable);
            continue;
        }
        // The partition description is read whole later; check its header against the full size.
        if (const char* why = check_header(m.kind, data, m.size)) {
            m.problem = Problem::BadHeader;
            m.detail = why;
        }
    }
    return true;
}

}  // namespace mortise::modules
