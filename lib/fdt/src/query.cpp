// Tree queries: paths and aliases, filtered walks, addressing (`reg`), the interrupt
// tree and /chosen. Devicetree Specification v0.4 chapters 2 and 3.
#include <tn/fdt.hpp>

#include "bytes.hpp"
#include "impl.hpp"

namespace tn::fdt {

using namespace detail;  // Private helpers and Impl of this library only.

namespace {

/// A chain of interrupt-parent links longer than this is treated as a cycle.
constexpr u32 k_max_irq_hops = 2 * k_max_depth;
constexpr u32 k_max_address_cells = 2;  // Region holds a u64 address.
constexpr u32 k_max_size_cells = 2;

bool has_char(const char* s, usize len, char c) {
    for (usize i = 0; i < len; ++i) {
        if (s[i] == c)
            return true;
    }
    return false;
}

/// True if node name @p name is the @p len bytes at @p base followed by "@unit".
bool unit_of(const char* name, const char* base, usize len) {
    for (usize i = 0; i < len; ++i) {
        if (name[i] != base[i])
            return false;  // Also stops at the NUL of a shorter name.
    }
    return name[len] == '@';
}

/// The candidate after @p n: its next sibling for Children, else the next node in
/// document order. An invalid Node ends the walk.
Node next_candidate(const Fdt& f, Walk walk, Node n) {
    auto next = walk == Walk::Children ? f.next_sibling(n) : f.next_node(n);
    return next.ok() ? next.value() : Node();
}

NodeRange walk_from(const Fdt& f, Walk walk, const char* text, Node first) {
    return NodeRange{{&f, walk, text, Impl::seek(f, walk, text, first)}, {&f, walk, text, Node()}};
}

/// Matches children against one path component: an exact name wins at once, else the
/// first "name@unit" is remembered in case no exact match follows.
struct ChildMatch {
    const char* seg;
    usize len;
    bool may_omit_unit;
    Node loose;

    /// True if @p child matches exactly. Compares at most len + 1 bytes of the name
    /// (it need not be measured: a path component is short, node names often long).
    bool exact(const Fdt& f, Node child) {
        usize room = 0;
        const char* n = Impl::name_at(f, child, &room);
        if (n == nullptr || len >= room)
            return false;  // Not a node, or no room for the name and its NUL.
        if (equals_n(n, seg, len))
            return true;
        if (may_omit_unit && !loose.valid() && unit_of(n, seg, len))
            loose = child;
        return false;
    }
    Result<Node, Error> result() const {
        return loose.valid() ? Result<Node, Error>(loose) : err(Error::NotFound);
    }
};

}  // namespace

// --- Paths (§2.2.3) and aliases (§3.3) --------------------------------------------

/// Child of @p parent named by the @p len bytes at @p seg. "name" without '@' also
/// matches "name@unit"; an exact match anywhere among the children wins.
Result<Node, Error> Impl::find_child(const Fdt& f, Node parent, const char* seg, usize len) {
    ChildMatch match{seg, len, !has_char(seg, len, '@'), Node()};
    if (u32 e = entry_of(f, parent); e != k_no_entry) {
        // The children are the entries after e's, each one's subtree skipped.
        // Bounded: every entry's end lies after it (set when its node closed).
        for (u32 c = e + 1; c < f.m_index[e].end; c = f.m_index[c].end) {
            if (match.exact(f, Node(f.m_index[c].offset)))
                return Node(f.m_index[c].offset);
        }
        return match.result();
    }
    auto child = f.first_child(parent);
    while (child.ok()) {  // Bounded: each sibling starts further into the block.
        if (match.exact(f, child.value()))
            return child.value();
        child = f.next_sibling(child.value());
    }
    if (child.error() != Error::NotFound)
        return err(child.error());
    return match.result();
}

/// Walks the '/'-separated components of @p path below @p base, up to NUL or ':'.
Result<Node, Error> Impl::resolve(const Fdt& f, Node base, const char* path) {
    Node cur = base;
    const char* p = path;
    for (;;) {  // Bounded: each iteration consumes at least one character.
        while (*p == '/')
            ++p;
        if (*p == '\0' || *p == ':')
            return cur;
        usize len = detail::span_until(p, '/', ':');
        cur = TN_TRY(find_child(f, cur, p, len));
        p += len;
    }
}

Result<Node, Error> Fdt::find_path(const char* path) const {
    if (path == nullptr || *path == '\0')
        return err(Error::NotFound);
    if (*path == '/')
        return Impl::resolve(*this, root(), path);
    // "alias/rest:options": the alias value must be an absolute path (§3.3).
    usize len = detail::span_until(path, '/', ':');
    Node aliases = TN_TRY(Impl::resolve(*this, root(), "/aliases"));
    Property prop = TN_TRY(Impl::property_n(*this, aliases, path, len));
    const char* target = TN_TRY(prop.as_string());
    if (*target != '/')
        return err(Error::BadString);
    Node base = TN_TRY(Impl::resolve(*this, root(), target));
    return Impl::resolve(*this, base, path + len);
}

Result<const char*, Error> Fdt::alias(const char* name) const {
    Node aliases = TN_TRY(Impl::resolve(*this, root(), "/aliases"));
    return prop_string(aliases, name);
}

// --- Filtered walks ------------------------------------------------------------

bool Impl::matches(const Fdt& f, Walk walk, const char* text, Node n) {
    switch (walk) {
    case Walk::All:
    case Walk::Children: return true;
    case Walk::Compatible: return f.compatible_with(n, text);
    case Walk::DeviceType: {
        auto type = f.prop_string(n, "device_type");
        return type.ok() && equals(type.value(), text);
    }
    }
    return false;
}

/// The first candidate at or after @p from that matches.
Node Impl::seek(const Fdt& f, Walk walk, const char* text, Node from) {
    if (walk == Walk::Compatible || walk == Walk::DeviceType) {
        if (u32 e = entry_of(f, from); e != k_no_entry)
            return seek_indexed(f, walk, text, e);
    }
    Node n = from;
    // Bounded: every candidate starts further into the structure block.
    while (n.valid() && !matches(f, walk, text, n))
        n = next_candidate(f, walk, n);
    return n;
}

detail::NodeCursor& detail::NodeCursor::operator++() {
    node = Impl::seek(*fdt, walk, text, next_candidate(*fdt, walk, node));
    return *this;
}

NodeRange Fdt::nodes() const { return walk_from(*this, Walk::All, nullptr, root()); }

NodeRange Fdt::children(Node n) const {
    return walk_from(*this, Walk::Children, nullptr, first_child(n).value_or(Node()));
}

NodeRange Fdt::compatible_nodes(const char* compatible) const {
    return walk_from(*this, Walk::Compatible, compatible, root());
}

NodeRange Fdt::nodes_of_type(const char* device_type) const {
    return walk_from(*this, Walk::DeviceType, device_type, root());
}

Result<Node, Error> Fdt::find_compatible(const char* compatible) const {
    Node n = Impl::seek(*this, Walk::Compatible, compatible, root());
    return n.valid() ? Result<Node, Error>(n) : err(Error::NotFound);
}

// --- Properties -----------------------------------------------------------------

bool Fdt::has_property(Node n, const char* name) const { return property(n, name).ok(); }

Result<u32, Error> Fdt::prop_u32(Node n, const char* name) const {
    Property prop = TN_TRY(property(n, name));
    return prop.as_u32();
}

Result<const char*, Error> Fdt::prop_string(Node n, const char* name) const {
    Property prop = TN_TRY(property(n, name));
    return prop.as_string();
}

bool Fdt::compatible_with(Node n, const char* compatible) const {
    auto prop = property(n, "compatible");
    if (!prop.ok())
        return false;
    auto list = prop.value().as_strings();
    return list.ok() && list.value().contains(compatible);
}

bool Fdt::available(Node n) const {
    auto status = prop_string(n, "status");
    if (!status.ok())
        return status.error() == Error::NotFound;
    return equals(status.value(), "okay") || equals(status.value(), "ok");
}

// --- Addressing (§2.3.5, §2.3.6) -----------------------------------------------

Result<u32, Error> Fdt::address_cells(Node bus) const {
    auto cells = prop_u32(bus, "#address-cells");
    if (!cells.ok() && cells.error() == Error::NotFound)
        return 2u;
    return cells;
}

Result<u32, Error> Fdt::size_cells(Node bus) const {
    auto cells = prop_u32(bus, "#size-cells");
    if (!cells.ok() && cells.error() == Error::NotFound)
        return 1u;
    return cells;
}

/// The `reg` property of @p n with the cell counts of its parent bus.
Result<RegList, Error> Impl::reg_list(const Fdt& f, Node n) {
    Node bus = TN_TRY(f.parent(n));
    u32 ac = TN_TRY(f.address_cells(bus));
    u32 sc = TN_TRY(f.size_cells(bus));
    if (ac < 1 || ac > k_max_address_cells || sc > k_max_size_cells)
        return err(Error::BadCells);
    Property prop = TN_TRY(f.property(n, "reg"));
    if (prop.size() % ((ac + sc) * 4) != 0)
        return err(Error::BadLength);
    return RegList{prop, ac, sc};
}

Result<Region, Error> RegList::at(usize index) const {
    if (index >= count())
        return err(Error::NotFound);
    usize first = index * (address_cells + size_cells);
    u64 address = TN_TRY(prop.cells(first, address_cells));
    u64 size = size_cells == 0 ? 0 : TN_TRY(prop.cells(first + address_cells, size_cells));
    return Region{address, size};
}

Result<usize, Error> Fdt::reg_count(Node n) const {
    RegList regs = TN_TRY(Impl::reg_list(*this, n));
    return regs.count();
}

Result<Region, Error> Fdt::reg(Node n, usize index) const {
    RegList regs = TN_TRY(Impl::reg_list(*this, n));
    return regs.at(index);
}

// --- Interrupts (§2.4) -----------------------------------------------------------

Result<Node, Error> Fdt::interrupt_parent(Node n) const {
    Node cur = n;
    for (u32 hop = 0; hop < k_max_irq_hops; ++hop) {
        Node next;
        auto phandle = prop_u32(cur, "interrupt-parent");
        if (phandle.ok())
            next = TN_TRY(find_phandle(phandle.value()));
        else if (phandle.error() == Error::NotFound)
            next = TN_TRY(parent(cur));  // NotFound once past the root.
        else
            return err(phandle.error());
        if (has_property(next, "#interrupt-cells"))
            return next;
        cur = next;
    }
    return err(Error::TooDeep);
}

/// The `interrupts` property of @p n with its controller and #interrupt-cells.
Result<Property, Error> Impl::interrupts_of(const Fdt& f, Node n, Node* controller, u32* cells) {
    Property prop = TN_TRY(f.property(n, "interrupts"));
    *controller = TN_TRY(f.interrupt_parent(n));
    *cells = TN_TRY(f.prop_u32(*controller, "#interrupt-cells"));
    if (*cells < 1 || *cells > k_max_interrupt_cells)
        return err(Error::BadCells);
    if (prop.size() % (*cells * 4) != 0)
        return err(Error::BadLength);
    return prop;
}

Result<usize, Error> Fdt::interrupt_count(Node n) const {
    Node controller;
    u32 cells = 0;
    Property prop = TN_TRY(Impl::interrupts_of(*this, n, &controller, &cells));
    return usize{prop.size() / (cells * 4)};
}

Result<Interrupt, Error> Fdt::interrupt(Node n, usize index) const {
    Interrupt irq{};
    Property prop = TN_TRY(Impl::interrupts_of(*this, n, &irq.controller, &irq.cell_count));
    if (index >= prop.size() / (irq.cell_count * 4))
        return err(Error::NotFound);
    for (u32 i = 0; i < irq.cell_count; ++i)
        irq.cells[i] = TN_TRY(prop.cell(index * irq.cell_count + i));
    return irq;
}

// --- /chosen (§3.6) ----------------------------------------------------------------

Result<const char*, Error> Fdt::bootargs() const {
    Node chosen = TN_TRY(Impl::resolve(*this, root(), "/chosen"));
    return prop_string(chosen, "bootargs");
}

Result<StdoutPath, Error> Fdt::stdout_path() const {
    Node chosen = TN_TRY(Impl::resolve(*this, root(), "/chosen"));
    auto path = prop_string(chosen, "stdout-path");
    if (!path.ok() && path.error() == Error::NotFound)
        path = prop_string(chosen, "linux,stdout-path");  // Pre-spec name.
    const char* text = TN_TRY(path);
    Node node = TN_TRY(find_path(text));
    usize len = detail::span_until(text, ':', ':');
    return StdoutPath{node, text[len] == ':' ? text + len + 1 : nullptr};
}

}  // namespace tn::fdt
