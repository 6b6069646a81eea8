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
    if (u64 both = g.cpu_mask & o.cpu_mask; both != 0 && (g.mode == 2) != (o.mode == 2))
        fail(rep, g, gp,
             "CPU %d is given to mode-%u guest \"%s\"; mode-2 guests share CPUs only with other mode-2 guests, "
             "never with a mode-1 guest's: change one 'cpus'",
             __builtin_ctzll(both), static_cast<unsigned>(o.mode), o.name);
    else if (both != 0 && g.mode != 2)
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

/// The guests' memory together must fit in the free RAM @p avail (what the channels' pool leaves: a
/// necessary condition, placement may still fail on fragmentation, which Mortise reports at boot).
/// Guests are counted in document order; the first one that does not fit, and any later one, is refused.
void check_total_memory(Description& d, const char (*paths)[sizeof(Diagnostic::node)], u64 avail, bool channels,
                        Report& rep) {
    u64 used = 0;
    for (unsigned i = 0; i < d.count; ++i) {
        Guest& g = d.guests[i];
        if (!g.valid)
            continue;
        if (g.mem_size > avail - used) {
            fail(rep, g, paths[i], "memory-size 0x%llx does not fit: earlier guests leave 0x%llx bytes of free RAM%s; "
                    "shrink the guests or add RAM", (unsigned long long)g.mem_size,
                    (unsigned long long)(avail - used), channels ? " (after the channels' memory)" : "");
            continue;
        }
        used += g.mem_size;
    }
}

using Path = char[sizeof(Diagnostic::node)];

/// Reports a problem of channel @p c at @p path and refuses it.
void refuse(Report& rep, Channel& c, const char* path, const char* fmt, ...) __attribute__((format(printf, 4, 5)));
void refuse(Report& rep, Channel& c, const char* path, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rep.vadd(path, fmt, ap);
    va_end(ap);
    c.valid = false;
}

/// Decodes the children of /mortise/channels, in document order, after the guests (members name them).
void decode_channels(const tn::fdt::Fdt& fdt, tn::fdt::Node list, const Platform& plat, Description& d,
                     Path* paths, Report& rep) {
    for (tn::fdt::Property prop : fdt.properties(list)) {
        rep.add("/mortise/channels", "property '%s': the node 'channels' holds the inter-VM channels (one subnode "
                "each) and no longer names a guest; rename that guest", prop.name());
        break;
    }
    for (tn::fdt::Node n : fdt.children(list)) {
        Path path;
        tn::fmt::format(path, sizeof(path), "/mortise/channels/%s", fdt.name(n));
        if (d.channel_count == k_max_channels) {
            rep.add(path, "more than %u channels; Mortise supports at most %u, remove this one", k_max_channels,
                    k_max_channels);
            continue;
        }
        memcpy(paths[d.channel_count], path, sizeof(path));
        detail::decode_channel(fdt, n, path, plat, d, d.channel_count, rep);
        ++d.channel_count;
    }
}

/// Gives each channel whose size is known its slot of the channel window, in document order: the doorbell
/// page at the slot, the shared memory k_ivc_shm_offset after it, the next slot at the next 64 KiB boundary
/// after the shared memory. A channel refused for another reason keeps its slot, so the addresses do not
/// depend on which guests start; one that does not fit the window is refused and takes none.
void place_channels(Description& d, const Path* paths, Report& rep) {
    namespace gmap = tn::plat::mortise_guest::map;
    u64 offset = 0;  // Into the window, of the next free slot.
    for (unsigned i = 0; i < d.channel_count; ++i) {
        Channel& c = d.channels[i];
        if (c.size == 0)
            continue;
        const u64 end = offset + gmap::k_ivc_shm_offset + c.size;
        if (end > gmap::k_ivc_size) {
            refuse(rep, c, paths[i], "does not fit in the channel window: the earlier channels leave 0x%llx bytes of "
                   "its 0x%llx, and this one needs 0x%llx (a 64 KiB doorbell slot, then 'size'); make it or earlier "
                   "channels smaller", (unsigned long long)(gmap::k_ivc_size - offset),
                   (unsigned long long)gmap::k_ivc_size, (unsigned long long)(gmap::k_ivc_shm_offset + c.size));
            continue;
        }
        c.doorbell_ipa = gmap::k_ivc + offset;
        c.shm_ipa = c.doorbell_ipa + gmap::k_ivc_shm_offset;
        offset = (end + gmap::k_ivc_slot_align - 1) & ~(gmap::k_ivc_slot_align - 1);
    }
}

/// Refuses every channel still valid with a member guest that is not: it is never set up, and the other
/// members run without it.
void refuse_for_members(Description& d, const Path* paths, Report& rep) {
    for (unsigned i = 0; i < d.channel_count; ++i) {
        Channel& c = d.channels[i];
        for (unsigned m = 0; m < c.member_count && c.valid; ++m)
            if (!d.guests[c.members[m]].valid)
                refuse(rep, c, paths[i], "not set up because guest '%s' was refused (see its errors); the other "
                       "members run without this channel", d.guests[c.members[m]].name);
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

    Path paths[k_max_guests];
    unsigned seen = 0;
    tn::fdt::Node channel_list{};
    bool has_channels = false;
    for (tn::fdt::Node n : fdt.children(top.value())) {
        if (strcmp(fdt.name(n), "channels") == 0) {  // Not a guest: the inter-VM channels, decoded below.
            channel_list = n;
            has_channels = true;
            continue;
        }
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
    Path channel_paths[k_max_channels];
    if (has_channels) {
        decode_channels(fdt, channel_list, plat, out, channel_paths, rep);
        place_channels(out, channel_paths, rep);
        refuse_for_members(out, channel_paths, rep);
    }
    // The channels' memory is carved first, as one block; then the guests'. A guest refused for lack of
    // RAM takes its channels with it (the pool then holds more than they need, never less).
    const u64 avail = free_ram(plat);
    u64 pool = channel_pool_size(out);
    if (pool > avail) {
        for (unsigned i = 0; i < out.channel_count; ++i)
            if (out.channels[i].valid)
                refuse(rep, out.channels[i], channel_paths[i], "the channels' memory (0x%llx bytes in all) does "
                       "not fit in the free RAM (0x%llx bytes); make the channels smaller or add RAM",
                       (unsigned long long)pool, (unsigned long long)avail);
        pool = 0;
    }
    check_total_memory(out, paths, avail - pool, pool != 0, rep);
    refuse_for_members(out, channel_paths, rep);
    return true;
}

}  // namespace mortise::partition
