// LLC page colouring: the free pages of a colour set and the cache geometry of the host tree
// (mortise/color.hpp). Bounds: next() skips whole groups of pages of other colours and whole
// taken regions at a time, so enumerating a bank costs O(runs + taken regions), not O(pages).
#include <mortise/color.hpp>

namespace mortise::color {

namespace {

/// Pages from colour @p c to the next colour of @p set after it (1..colors). @pre set has a bit below colors.
u64 pages_to_next(ColorSet set, unsigned c, unsigned colors) {
    for (unsigned k = 1; k < colors; ++k)
        if ((set >> ((c + k) & (colors - 1))) & 1)
            return k;
    return colors;
}

}  // namespace

PageRuns::PageRuns(const Region* ram, unsigned ram_count, const Region* taken, unsigned taken_count, ColorSet set,
                   unsigned colors)
    : m_taken(taken), m_taken_count(taken_count < k_max_taken ? taken_count : k_max_taken),
      m_set(valid_count(colors) ? set & all(colors) : 0), m_colors(colors) {
    // Whole pages of each bank, sorted by base (insertion: at most four).
    for (unsigned i = 0; i < ram_count && i < 4; ++i) {
        const u64 lo = tn::align_up(ram[i].base.value(), k_page);
        const u64 hi = tn::align_down(ram[i].base.value() + ram[i].size, k_page);
        if (hi <= lo)
            continue;
        unsigned at = m_ram_count++;
        for (; at > 0 && m_ram[at - 1].base.value() > lo; --at)
            m_ram[at] = m_ram[at - 1];
        m_ram[at] = {tn::PhysAddr{lo}, hi - lo};
    }
    if (m_ram_count)
        m_at = m_ram[0].base.value();
}

const Region* PageRuns::first_taken(u64 at, u64 end) const {
    const Region* first = nullptr;
    for (unsigned i = 0; i < m_taken_count; ++i) {
        const Region& t = m_taken[i];
        if (t.size == 0 || t.base.value() + t.size <= at || t.base.value() >= end)
            continue;
        if (!first || t.base < first->base)
            first = &t;
    }
    return first;
}

Region PageRuns::next(u64 max) {
    while (m_set != 0 && m_bank < m_ram_count && max >= k_page) {
        const Region& bank = m_ram[m_bank];
        const u64 end = bank.base.value() + bank.size;
        if (m_at < bank.base.value())
            m_at = bank.base.value();
        if (m_at >= end) {
            ++m_bank;
            continue;
        }
        // In a taken region: continue after it (its end rounded up to a page).
        const Region* t = first_taken(m_at, m_at + k_page);
        if (t) {
            m_at = tn::align_up(t->base.value() + t->size, k_page);
            continue;
        }
        const unsigned c = color_of(tn::PhysAddr{m_at}, m_colors);
        if (!((m_set >> c) & 1)) {
            m_at += pages_to_next(m_set, c, m_colors) * k_page;
            continue;
        }
        // A run: pages of the set up to the bank's end, the next taken region or max.
        u64 limit = end - m_at < max ? end : m_at + max;
        if (const Region* n = first_taken(m_at, limit))
            limit = tn::align_down(n->base.value(), k_page);
        const u64 start = m_at;
        while (m_at < limit && ((m_set >> color_of(tn::PhysAddr{m_at}, m_colors)) & 1))
            m_at += k_page;
        return {tn::PhysAddr{start}, m_at - start};
    }
    return {};
}

u64 PageRuns::count() {
    u64 total = 0;
    for (Region r = next(~u64{0} & ~(k_page - 1)); r.size != 0; r = next(~u64{0} & ~(k_page - 1)))
        total += r.size;
    return total;
}

unsigned firmware_regions(const tn::fdt::Fdt& host, Region* out, unsigned cap) {
    unsigned n = 0;
    auto put = [&](u64 base, u64 size) {
        if (size != 0 && n < cap)
            out[n] = {tn::PhysAddr{base}, size};
        n += size != 0;
    };
    for (tn::fdt::Region r : host.reservations())
        put(r.address, r.size);
    if (auto list = host.find_path("/reserved-memory"); list.ok())
        for (tn::fdt::Node child : host.children(list.value()))
            for (tn::usize i = 0;; ++i) {
                auto r = host.reg(child, i);
                if (!r.ok())
                    break;
                put(r.value().address, r.value().size);
            }
    return n;
}

CacheGeometry cache_geometry(const tn::fdt::Fdt& host) {
    CacheGeometry g{CacheGeometry::Status::NoCache, 0, 0, 0, 0, 0};
    auto cpus = host.find_path("/cpus");
    if (!cpus.ok())
        return g;
    // The first CPU that names a next-level cache (in a symmetric system they all name the same).
    tn::fdt::Node cpu{};
    for (tn::fdt::Node n : host.children(cpus.value()))
        if (!cpu.valid() && host.has_property(n, "next-level-cache"))
            cpu = n;
    // The chain ends at the last level: the LLC. Bounded: a loop in the tree cannot hang the walk.
    tn::fdt::Node llc{};
    tn::fdt::Node at = cpu;
    for (unsigned depth = 0; depth < 8 && at.valid(); ++depth) {
        auto next = host.prop_u32(at, "next-level-cache");
        if (!next.ok())
            break;
        auto node = host.find_phandle(next.value());
        if (!node.ok())
            break;
        llc = at = node.value();
    }
    if (!llc.valid())
        return g;
    auto number = [&](const char* name, u64* out) {
        auto p = host.property(llc, name);
        if (!p.ok() || (p.value().size() != 4 && p.value().size() != 8))
            return false;
        auto v = p.value().cells(0, p.value().size() / 4);
        *out = v.ok() ? v.value() : 0;
        return v.ok();
    };
    auto level = host.prop_u32(llc, "cache-level");
    g.level = level.ok() ? level.value() : 2;
    g.status = CacheGeometry::Status::Incomplete;
    const bool line = number("cache-line-size", &g.line) || number("cache-block-size", &g.line);
    if (!number("cache-size", &g.size) || !number("cache-sets", &g.sets) || !line || g.sets == 0 || g.line == 0)
        return g;
    const u64 way = g.sets * g.line;
    if (g.size % way != 0 || way % k_page != 0)
        return g;
    g.status = CacheGeometry::Status::Found;
    g.colors = static_cast<unsigned>(way / k_page > 0xffff'ffffu ? 0xffff'ffffu : way / k_page);
    return g;
}

}  // namespace mortise::color
