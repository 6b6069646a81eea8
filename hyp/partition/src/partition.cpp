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
#include <mortise/color.hpp>
#include <mortise/partition.hpp>
#if defined(CONFIG_MORTISE_MODE2) || defined(TN_HOST_TEST)
#include <tn/sched_analysis.hpp>
#define TN_PARTITION_RESERVATIONS 1  // mode-2 guests exist: check their reservations (partcheck always)
#endif

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
    if (u64 both = g.colors & o.colors; both != 0)
        fail(rep, g, gp, "colour %d is already given to guest \"%s\"; guests share no LLC colour, remove it from "
             "one 'colors'", __builtin_ctzll(both), o.name);
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
void check_total_memory(Description& d, const char (*paths)[sizeof(Diagnostic::node)], u64 avail, const char* after,
                        Report& rep) {
    u64 used = 0;
    for (unsigned i = 0; i < d.count; ++i) {
        Guest& g = d.guests[i];
        if (!g.valid)
            continue;
        if (g.mem_size > avail - used) {
            fail(rep, g, paths[i], "memory-size 0x%llx does not fit: earlier guests leave 0x%llx bytes of free RAM%s; "
                    "shrink the guests or add RAM", (unsigned long long)g.mem_size,
                    (unsigned long long)(avail - used), after);
            continue;
        }
        used += g.mem_size;
    }
}

/// A coloured guest's RAM must fit in the free pages of its colours (color::PageRuns over the banks
/// minus what Mortise reserves and the fixed placements), less the share of them that the channels'
/// pool and the earlier guests placed in one piece take: every 2 MiB block holds each colour's pages
/// alike. Like check_total_memory, a necessary condition; Mortise reports at boot what still fails.
void check_colored_memory(Description& d, const char (*paths)[sizeof(Diagnostic::node)], const Platform& plat,
                          u64 pool, Report& rep) {
    Region taken[4 + k_max_guests];
    unsigned n = 0;
    for (unsigned r = 0; r < plat.reserved_count && r < 4; ++r)
        taken[n++] = plat.reserved[r];
    for (unsigned i = 0; i < d.count; ++i)
        if (d.guests[i].valid && fixed(d.guests[i]))
            taken[n++] = {d.guests[i].mem_phys, d.guests[i].mem_size};
    u64 whole = pool;  // Placed in one piece before the guest at hand (all colours alike).
    for (unsigned i = 0; i < d.count; ++i) {
        Guest& g = d.guests[i];
        if (!g.valid)
            continue;
        if (g.colors == 0) {
            whole += fixed(g) ? 0 : g.mem_size;
            continue;
        }
        const unsigned mine = static_cast<unsigned>(__builtin_popcountll(g.colors));
        const u64 free = color::PageRuns(plat.ram, plat.ram_count, taken, n, g.colors, plat.colors).count();
        const u64 share = whole / plat.colors * mine;
        const u64 left = free > share ? free - share : 0;
        if (g.mem_size > left)
            fail(rep, g, paths[i], "memory-size 0x%llx cannot be built from its %u colour%s: the free RAM holds "
                 "0x%llx bytes of them%s; give it more colours or less memory", (unsigned long long)g.mem_size,
                 mine, mine == 1 ? "" : "s", (unsigned long long)left,
                 share ? " after the guests placed in one piece and the channels" : "");
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

constexpr const char* k_pool_path = "/mortise/instance-pool";

/// Reports a problem of the instance pool and refuses it: no instance can be created.
void refuse_pool(Report& rep, InstancePool& p, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
void refuse_pool(Report& rep, InstancePool& p, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rep.vadd(k_pool_path, fmt, ap);
    va_end(ap);
    p.valid = false;
}

bool pool_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

/// The pool's `mode`: 1 (the default), or 2 with CONFIG_MORTISE_MODE2 and without CPU 0 (the shell
/// runs there, in an interrupt: it could neither give a vCPU of CPU 0 the CPU nor wait for one to
/// leave it at a reclaim).
void decode_pool_mode(const tn::fdt::Fdt& fdt, tn::fdt::Node n, const Platform& plat, InstancePool& p, Report& rep) {
    p.mode = 1;
    auto mode = fdt.property(n, "mode");
    if (!mode.ok())
        return;
    if (mode.value().size() != 4 || (mode.value().cell(0).value() != 1 && mode.value().cell(0).value() != 2)) {
        refuse_pool(rep, p, "'mode' must be <1> (a pool CPU per instance vCPU) or <2> (CPUs shared by the "
                    "instances and the mode-2 guests)");
        return;
    }
    p.mode = static_cast<u8>(mode.value().cell(0).value());
    if (p.mode == 2 && !plat.mode2)
        refuse_pool(rep, p, "mode = <2> needs a Mortise image with CONFIG_MORTISE_MODE2=y; enable it or use "
                    "mode = <1>");
    else if (p.mode == 2 && (p.cpu_mask & 1))
        refuse_pool(rep, p, "CPU 0 cannot be shared by instances (mode = <2>): Mortise's shell runs there; "
                    "remove it from 'cpus'");
}

/// `/mortise/instance-pool`: memory-size (2 MiB multiple, within a bank), cpus (existing, each once)
/// and images (names of embedded images). The rules against the guests are check_pool()'s.
void decode_pool(const tn::fdt::Fdt& fdt, tn::fdt::Node n, const Platform& plat, InstancePool& p, Report& rep) {
    using ull = unsigned long long;
    p.present = true;
    p.valid = true;
    static constexpr const char* k_known[] = {"memory-size", "cpus", "images", "mode", "phandle"};
    for (tn::fdt::Property prop : fdt.properties(n)) {
        bool known = false;
        for (const char* k : k_known)
            known = known || strcmp(k, prop.name()) == 0;
        if (!known)
            refuse_pool(rep, p, "unknown property '%s'; the instance pool has memory-size, cpus, images and mode "
                        "(docs/mortise.md, \"On-demand instances\")", prop.name());
    }
    for (tn::fdt::Node child : fdt.children(n)) {
        refuse_pool(rep, p, "unexpected subnode '%s'; the instance pool has properties only", fdt.name(child));
        break;
    }
    // memory-size: one number of one or two cells.
    auto size = fdt.property(n, "memory-size");
    u64 bytes = 0;
    if (!size.ok()) {
        refuse_pool(rep, p, "missing 'memory-size'; give the RAM kept for instances, e.g. memory-size = <0x0 "
                    "0x4000000>; (64 MiB)");
    } else if (size.value().size() != 4 && size.value().size() != 8) {
        refuse_pool(rep, p, "'memory-size' must be one number of one or two cells, e.g. memory-size = <0x0 "
                    "0x4000000>;");
    } else {
        bytes = size.value().cells(0, size.value().size() / 4).value();
        u64 largest = 0;
        for (unsigned i = 0; i < plat.ram_count && i < 4; ++i)
            largest = plat.ram[i].size > largest ? plat.ram[i].size : largest;
        if (bytes == 0 || bytes % k_mem_align != 0)
            refuse_pool(rep, p, "memory-size 0x%llx is not a non-zero multiple of 2 MiB (0x200000); round it up",
                        (ull)bytes);
        else if (bytes > largest)
            refuse_pool(rep, p, "memory-size 0x%llx exceeds the largest RAM bank (0x%llx bytes); make it smaller",
                        (ull)bytes, (ull)largest);
        else
            p.mem_size = bytes;
    }
    // cpus: as a guest's.
    auto cpus = fdt.property(n, "cpus");
    if (!cpus.ok() || cpus.value().size() == 0 || cpus.value().size() % 4 != 0) {
        refuse_pool(rep, p, "'cpus' must list the CPU indices instances may get, e.g. cpus = <2 3>;");
    } else {
        const unsigned limit = plat.cpu_count < 64 ? plat.cpu_count : 64;
        for (usize i = 0; i < cpus.value().size() / 4; ++i) {
            const u32 cpu = cpus.value().cell(i).value();
            if (plat.image_cpus != 0 && cpu >= plat.image_cpus && cpu < limit)
                refuse_pool(rep, p, "CPU %u is beyond this Mortise image's limit TN_MAX_CPUS=%u (CPUs 0-%u); raise "
                            "CONFIG_TN_MAX_CPUS or change 'cpus'", cpu, plat.image_cpus, plat.image_cpus - 1);
            else if (cpu >= limit)
                refuse_pool(rep, p, "CPU %u does not exist; the platform has CPUs 0-%u", cpu, limit - 1);
            else if (p.cpu_mask & (u64{1} << cpu))
                refuse_pool(rep, p, "'cpus' lists CPU %u twice; list each CPU once", cpu);
            else
                p.cpu_mask |= u64{1} << cpu;
        }
    }
    decode_pool_mode(fdt, n, plat, p, rep);
    // images: a list of names, each embedded.
    auto images = fdt.property(n, "images");
    const char* data = images.ok() ? reinterpret_cast<const char*>(images.value().data()) : nullptr;
    const usize len = images.ok() ? images.value().size() : 0;
    if (len == 0 || data[len - 1] != '\0') {
        refuse_pool(rep, p, "'images' must list the embedded images instances may run, e.g. images = \"ticker\", "
                    "\"worker\";");
        return;
    }
    for (usize at = 0; at < len;) {
        const char* name = data + at;
        const usize n_len = strlen(name);  // Stops at the final NUL at the latest.
        at += n_len + 1;
        bool good = n_len > 0 && n_len < k_name_len;
        for (usize i = 0; good && i < n_len; ++i)
            good = pool_name_char(name[i]);
        if (!good) {
            refuse_pool(rep, p, "image \"%.31s\" is not a valid app name; use 1-%u lower-case letters, digits, '_' "
                        "and '-'", name, k_name_len - 1);
            continue;
        }
        if (p.image_count == k_max_pool_images) {
            refuse_pool(rep, p, "'images' lists more than %u images; list at most %u", k_max_pool_images,
                        k_max_pool_images);
            break;
        }
        bool embedded = plat.images == nullptr;
        for (unsigned i = 0; !embedded && i < plat.image_count; ++i)
            embedded = plat.images[i] != nullptr && strcmp(plat.images[i], name) == 0;
        if (!embedded) {
#ifdef CONFIG_TN_IMAGE_MORTISE
            refuse_pool(rep, p, "image \"%s\" is not among the usable boot modules; give it as a boot module or "
                        "remove it from 'images'", name);
#else
            refuse_pool(rep, p, "image \"%s\" is not embedded in the host image; add it to TN_GUESTS in the host "
                        "app's guests.mk (an image no boot-time guest names is embedded all the same) or remove it "
                        "from 'images'", name);
#endif
            continue;
        }
        memcpy(p.images[p.image_count++], name, n_len + 1);
    }
}

/// The pool's CPUs are for instances only: a CPU a valid guest also has is refused in the pool
/// (a guest keeps its CPU; it was declared with it). A shared pool (mode 2) may have mode-2 guests' CPUs.
void check_pool(Description& d, Report& rep) {
    InstancePool& p = d.pool;
    for (unsigned i = 0; i < d.count; ++i)
        if (u64 both = d.guests[i].cpu_mask & p.cpu_mask; p.mode == 2 && d.guests[i].valid && both != 0 &&
                                                           d.guests[i].mode != 2)
            refuse_pool(rep, p, "CPU %d is guest \"%s\"'s, a mode-1 guest; a shared pool's CPUs (mode = <2>) are "
                        "free or mode-2 guests', remove it from one 'cpus'", __builtin_ctzll(both), d.guests[i].name);
        else if (p.mode != 2 && d.guests[i].valid && both != 0)
            refuse_pool(rep, p, "CPU %d is given to guest \"%s\"; a CPU of the instance pool belongs to no guest, "
                        "remove it from one 'cpus'", __builtin_ctzll(both), d.guests[i].name);
}

#ifdef TN_PARTITION_RESERVATIONS
/// Mode-2 reservations, CPU by CPU: the valid mode-2 guests with a CPU share it, and each vCPU of a
/// reserved guest is a deferrable server of lib/sched (its priority, budget-us per period-us). The
/// reserved ones must pass tn/sched_analysis.hpp's response-time analysis (each one's worst-case response
/// within its period); every guest that does not is refused, which leaves the others schedulable (fewer
/// servers never respond later). An unreserved mode-2 guest at or above a reserved one's priority is
/// refused too: nothing bounds how long it runs, so no analysis can promise the reserved one its budget.
void check_reservations(Description& d, const Path* paths, Report& rep) {
    namespace sa = tn::sched::analysis;
    using ull = unsigned long long;
    u64 cpus = 0;
    for (unsigned i = 0; i < d.count; ++i)
        if (d.guests[i].valid && d.guests[i].mode == 2)
            cpus |= d.guests[i].cpu_mask;
    for (; cpus != 0; cpus &= cpus - 1) {
        const unsigned cpu = static_cast<unsigned>(__builtin_ctzll(cpus));
        const u64 bit = u64{1} << cpu;
        sa::Server servers[k_max_guests];
        unsigned who[k_max_guests];
        unsigned n = 0;
        for (unsigned i = 0; i < d.count; ++i) {
            const Guest& g = d.guests[i];
            if (g.valid && g.mode == 2 && (g.cpu_mask & bit) && g.budget_us != 0) {
                servers[n] = {g.priority, u64{g.budget_us} * 1000, u64{g.period_us} * 1000};
                who[n++] = i;
            }
        }
        if (n == 0)
            continue;
        for (unsigned i = 0; i < d.count; ++i) {
            Guest& g = d.guests[i];
            if (!g.valid || g.mode != 2 || !(g.cpu_mask & bit) || g.budget_us != 0)
                continue;
            // A guest with scheduling hints may run anywhere up to its max-priority.
            const unsigned top = g.max_priority != 0 ? g.max_priority : g.priority;
            for (unsigned k = 0; k < n && g.valid; ++k)
                if (top >= servers[k].priority)
                    fail(rep, g, paths[i], "CPU %u: this guest has no reservation and %s %u, at or above "
                         "reserved guest \"%s\"'s %u, so nothing bounds how long it keeps the CPU from it; give it "
                         "'budget-us' and 'period-us' or a %s below %u", cpu,
                         g.max_priority != 0 ? "max-priority" : "priority", top, d.guests[who[k]].name,
                         servers[k].priority, g.max_priority != 0 ? "max-priority" : "priority", servers[k].priority);
        }
        sa::ServerResult results[k_max_guests];
        const sa::Summary sum = sa::analyse(servers, n, results);
        for (unsigned k = 0; k < n; ++k) {
            if (results[k].verdict == sa::Verdict::Schedulable)
                continue;
            Guest& g = d.guests[who[k]];
            const u64 own = sa::ppm(u64{g.budget_us}, u64{g.period_us});
            fail(rep, g, paths[who[k]], "CPU %u: reservations not schedulable: this guest's response time can reach "
                 "%llu us, beyond its period %u us (priority %u, %u us per period = %llu.%llu%%; CPU %u's reservations "
                 "%llu.%llu%%); lower budgets, lengthen periods or move a guest", cpu,
                 (ull)sa::ceil_div(results[k].response_ns, 1'000), g.period_us, g.priority, g.budget_us,
                 (ull)(own / 10'000), (ull)(own / 1'000 % 10), cpu, (ull)(sum.utilisation_ppm / 10'000),
                 (ull)(sum.utilisation_ppm / 1'000 % 10));
        }
    }
}
#endif

}  // namespace

bool parse(const void* blob, u64 size, const Platform& plat, Description& out, Diagnostics& diag) {
    // All zero bytes is every field's zero (addresses are plain u64 wrappers), without a
    // 5 KiB temporary on the stack.
    static_assert(__is_trivially_copyable(Description));
    memset(static_cast<void*>(&out), 0, sizeof(out));
    memset(&diag, 0, sizeof(diag));
    Report rep(diag);
    out.colors = plat.colors;

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
    tn::fdt::Node channel_list{}, pool_node{};
    bool has_channels = false;
    for (tn::fdt::Node n : fdt.children(top.value())) {
        if (strcmp(fdt.name(n), "channels") == 0) {  // Not a guest: the inter-VM channels, decoded below.
            channel_list = n;
            has_channels = true;
            continue;
        }
        if (strcmp(fdt.name(n), "instance-pool") == 0) {  // Not a guest: the on-demand instances' pool.
            if (out.pool.present)
                rep.add(k_pool_path, "a second instance-pool node; declare one pool");
            else
                pool_node = n;
            out.pool.present = true;
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
    if (out.pool.present) {  // After the guests: its CPUs are checked against theirs.
        out.pool.present = false;
        decode_pool(fdt, pool_node, plat, out.pool, rep);
        check_pool(out, rep);
    }

    for (unsigned i = 0; i < out.count; ++i)
        for (unsigned j = 0; j < i && out.guests[i].valid; ++j)
            if (out.guests[j].valid)
                check_pair(out.guests[i], paths[i], out.guests[j], paths[j], rep);
#ifdef TN_PARTITION_RESERVATIONS
    check_reservations(out, paths, rep);
#endif
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
    // The instance pool next, as one block too (Mortise carves it after the channels' pool).
    if (out.pool.valid && out.pool.mem_size > avail - pool)
        refuse_pool(rep, out.pool, "memory-size 0x%llx does not fit: 0x%llx bytes of free RAM are left%s; make the "
                    "pool smaller or add RAM", (unsigned long long)out.pool.mem_size,
                    (unsigned long long)(avail - pool), pool ? " after the channels' memory" : "");
    const char* after = pool ? " (after the channels' memory)" : "";
    if (out.pool.valid) {
        after = pool ? " (after the channels' and the instance pool's memory)" : " (after the instance pool's memory)";
        pool += out.pool.mem_size;
    }
    check_total_memory(out, paths, avail - pool, after, rep);
    if (color::valid_count(plat.colors))
        check_colored_memory(out, paths, plat, pool, rep);
    refuse_for_members(out, channel_paths, rep);
    return true;
}

}  // namespace mortise::partition
