// Mode-1 partition description: decodes /mortise/* of a DTB into Guests and validates them
// against the platform. The same source runs at boot in Mortise and at build time in
// support/tools/partcheck, so a description that passes the build passes at boot.
//
// Two passes: each guest's own properties first (decode.cpp), then the rules between guests
// here, comparing a guest only with earlier guests that are still valid, in document order:
// a guest that will never start holds no CPU, memory or interrupt another guest could lose.
// Every message names the node and says what to change (docs/mortise.md, "Partition
// description"). Bounds: at most k_max_guests guests, each compared with the earlier ones:
// O(k_max_guests^2 * (k_max_regions^2 + k_max_irqs^2)) steps.
#include <mortise/partition.hpp>

#include <string.h>

#include "check.hpp"

namespace mortise::partition {

namespace detail {

void Report::add(const char* node, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vadd(node, fmt, ap);
    va_end(ap);
}

void Report::vadd(const char* node, const char* fmt, va_list ap) {
    if (m_diag.count == sizeof(m_diag.items) / sizeof(m_diag.items[0])) {
        ++m_diag.dropped;
        return;
    }
    Diagnostic& d = m_diag.items[m_diag.count++];
    tn::fmt::format(d.node, sizeof(d.node), "%s", node);
    tn::fmt::vformat(d.reason, sizeof(d.reason), fmt, ap);
}

bool overlaps(const Region& a, const Region& b) {
    // Both are validated not to wrap, so end = base + size is exact.
    return a.overlaps(b);
}

}  // namespace detail

namespace {

using detail::overlaps;
using detail::Report;

/// Reports a problem of guest @p g at @p path and marks it invalid.
void fail(Report& rep, Guest& g, const char* path, const char* fmt, ...) __attribute__((format(printf, 4, 5)));
void fail(Report& rep, Guest& g, const char* path, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rep.vadd(path, fmt, ap);
    va_end(ap);
    g.valid = false;
}

/// True if the description fixes @p g's host-physical placement (memory-base).
bool fixed(const Guest& g) { return g.mem_phys != tn::PhysAddr{}; }

/// Checks guest @p g (path @p gp) against the earlier valid guest @p o (path @p op);
/// clears g.valid on a conflict.
void check_pair(Guest& g, const char* gp, const Guest& o, const char* op, Report& rep) {
    using ull = unsigned long long;
    if (strcmp(g.name, o.name) == 0)
        fail(rep, g, gp, "name \"%s\" is already used by %s; give every guest a unique name", g.name, op);
    if (u64 both = g.cpu_mask & o.cpu_mask; both != 0)
        fail(rep, g, gp,
             "CPU %d is already given to guest \"%s\"; each CPU belongs to one guest, remove it from one 'cpus'",
             __builtin_ctzll(both), o.name);
    const Region gm{g.mem_phys, fixed(g) ? g.mem_size : 0}, om{o.mem_phys, fixed(o) ? o.mem_size : 0};
    if (overlaps(gm, om))
        fail(rep, g, gp,
             "memory [0x%llx, 0x%llx) overlaps guest \"%s\"'s memory; change 'memory-base' or drop it to let "
             "Mortise place it",
             (ull)gm.base.value(), (ull)gm.end().value(), o.name);
    for (unsigned i = 0; i < g.mmio_count; ++i) {
        const Region& r = g.mmio[i];
        if (overlaps(r, om))
            fail(rep, g, gp, "mmio region [0x%llx, 0x%llx) overlaps guest \"%s\"'s memory; a device region is not RAM",
                 (ull)r.base.value(), (ull)r.end().value(), o.name);
        for (unsigned j = 0; j < o.mmio_count; ++j)
            if (overlaps(r, o.mmio[j]))
                fail(rep, g, gp,
                     "mmio region [0x%llx, 0x%llx) is already passed through to guest \"%s\"; give each device to "
                     "one guest",
                     (ull)r.base.value(), (ull)r.end().value(), o.name);
    }
    for (unsigned j = 0; j < o.mmio_count; ++j)
        if (overlaps(gm, o.mmio[j]))
            fail(rep, g, gp, "memory [0x%llx, 0x%llx) overlaps an mmio region of guest \"%s\"; change 'memory-base'",
                 (ull)gm.base.value(), (ull)gm.end().value(), o.name);
    for (unsigned i = 0; i < g.irq_count; ++i)
        for (unsigned j = 0; j < o.irq_count; ++j)
            if (g.irqs[i] == o.irqs[j])
                fail(rep, g, gp, "interrupt %u is already forwarded to guest \"%s\"; an SPI goes to one guest only",
                     (unsigned)g.irqs[i], o.name);
}

/// RAM the platform offers guests: the banks minus the reserved regions inside them.
u64 free_ram(const Platform& plat) {
    u64 total = 0;
    for (unsigned i = 0; i < plat.ram_count && i < 4; ++i) {
        u64 bank = plat.ram[i].size;
        for (unsigned r = 0; r < plat.reserved_count && r < 4; ++r) {
            const Region& a = plat.ram[i];
            const Region& b = plat.reserved[r];
            if (!overlaps(a, b))
                continue;
            const tn::PhysAddr lo = a.base > b.base ? a.base : b.base;
            const tn::PhysAddr hi = a.end() < b.end() ? a.end() : b.end();
            bank -= bank >= hi - lo ? hi - lo : bank;
        }
        total += bank;
    }
    return total;
}

/// The guests' memory together must fit in the free RAM (a necessary condition: placement may
/// still fail on fragmentation, which Mortise reports at boot). Guests are counted in document
/// order; the first one that does not fit, and any later one, is refused.
void check_total_memory(Description& d, const char (*paths)[sizeof(Diagnostic::node)], const Platform& plat,
                        Report& rep) {
    const u64 avail = free_ram(plat);
    u64 used = 0;
    for (unsigned i = 0; i < d.count; ++i) {
        Guest& g = d.guests[i];
        if (!g.valid)
            continue;
        if (g.mem_size > avail - used) {
            fail(rep, g, paths[i], "memory-size 0x%llx does not fit: earlier guests leave 0x%llx bytes of free RAM; "
                    "shrink the guests or add RAM", (unsigned long long)g.mem_size,
                    (unsigned long long)(avail - used));
            continue;
        }
        used += g.mem_size;
    }
}

}  // namespace

bool parse(const void* blob, u64 size, const Platform& plat, Description& out, Diagnostics& diag) {
    // All zero bytes is every field's zero (addresses are plain u64 wrappers), without a
    // 5 KiB temporary on the stack.
    static_assert(__is_trivially_copyable(Description));
    memset(static_cast<void*>(&out), 0, sizeof(out));
    memset(&diag, 0, sizeof(diag));
    Report rep(diag);

    // The reader takes a usize; a size beyond it cannot be a blob we would accept anyway.
    auto opened = tn::fdt::Fdt::try_open(blob, static_cast<usize>(size > 0xffff'ffffu ? 0xffff'ffffu : size));
    if (!opened.ok()) {
        rep.add("/", "not a valid device tree blob (%s); compile the description with dtc -I dts -O dtb",
                tn::fdt::error_name(opened.error()));
        return false;
    }
    const tn::fdt::Fdt& fdt = opened.value();
    auto top = fdt.find_path("/mortise");
    if (!top.ok()) {
        rep.add("/", "no /mortise node; declare the guests as / { mortise { guest@0 { ... }; }; }");
        return false;
    }

    char paths[k_max_guests][sizeof(Diagnostic::node)];
    unsigned seen = 0;
    for (tn::fdt::Node n : fdt.children(top.value())) {
        ++seen;
        char path[sizeof(Diagnostic::node)];
        tn::fmt::format(path, sizeof(path), "/mortise/%s", fdt.name(n));
        if (out.count == k_max_guests) {
            rep.add(path, "more than %u guests; Mortise supports at most %u, remove this one", k_max_guests,
                    k_max_guests);
            continue;
        }
        memcpy(paths[out.count], path, sizeof(path));
        detail::decode_guest(fdt, n, path, plat, out.guests[out.count], rep);
        ++out.count;
    }
    if (seen == 0)
        rep.add("/mortise", "declares no guest; add a node such as guest@0 { name = \"a\"; image = \"app\"; ... }");

    for (unsigned i = 0; i < out.count; ++i)
        for (unsigned j = 0; j < i && out.guests[i].valid; ++j)
            if (out.guests[j].valid)
                check_pair(out.guests[i], paths[i], out.guests[j], paths[j], rep);
    check_total_memory(out, paths, plat, rep);
    return true;
}

}  // namespace mortise::partition
