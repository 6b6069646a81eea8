// DTB header and structure-block validation, token decoding and tree navigation.
//
// Devicetree Specification v0.4 chapter 5. Offsets are u32 like the header fields;
// every sum that could exceed 32 bits is formed in u64 before it is compared.
#include <tn/fdt.hpp>

#include "bytes.hpp"
#include "impl.hpp"

namespace tn::fdt {

using namespace detail;  // Private helpers and Impl of this library only.

namespace {

// Header fields (§5.2): ten big-endian u32 in version 17; version 16 lacks
// size_dt_struct, the last one.
constexpr u32 k_header_size_v17 = 40;
constexpr u32 k_header_size_v16 = 36;
constexpr u32 k_min_version = 16;
constexpr u32 k_max_last_comp_version = 17;
constexpr u32 k_rsv_entry_size = 16;  // Two u64 (§5.3).

struct Header {
    u32 magic;
    u32 total_size;
    u32 off_struct;
    u32 off_strings;
    u32 off_rsvmap;
    u32 version;
    u32 last_comp_version;
    u32 boot_cpuid;
    u32 size_strings;
    u32 size_struct;
};

Header read_header(const u8* b) {
    return Header{be32(b), be32(b + 4), be32(b + 8), be32(b + 12), be32(b + 16),
                  be32(b + 20), be32(b + 24), be32(b + 28), be32(b + 32), be32(b + 36)};
}

/// True if [off, off + len) lies after the header and inside totalsize.
bool block_fits(const Header& h, u32 header_size, u32 off, u64 len) {
    return off >= header_size && u64{off} + len <= h.total_size;
}

/// Checks block placement (§5.2, §5.3, §5.4) and fills in size_struct for version 16.
Result<void, Error> check_layout(Header& h) {
    u32 header_size = h.version >= 17 ? k_header_size_v17 : k_header_size_v16;
    if (h.total_size < header_size)
        return err(Error::BadLayout);
    // The reservation block is 8-byte aligned and the structure block 4-byte aligned.
    if (h.off_rsvmap % 8 != 0 || h.off_struct % 4 != 0)
        return err(Error::BadAlignment);
    if (h.version < 17)
        h.size_struct = h.off_struct <= h.total_size ? h.total_size - h.off_struct : 0;
    if (!block_fits(h, header_size, h.off_rsvmap, k_rsv_entry_size) ||
        !block_fits(h, header_size, h.off_struct, h.size_struct) ||
        !block_fits(h, header_size, h.off_strings, h.size_strings))
        return err(Error::BadLayout);
    return {};
}

}  // namespace

const char* error_name(Error e) {
    switch (e) {
    case Error::BadAlignment: return "BadAlignment";
    case Error::BadMagic: return "BadMagic";
    case Error::BadVersion: return "BadVersion";
    case Error::BadLayout: return "BadLayout";
    case Error::Truncated: return "Truncated";
    case Error::BadStructure: return "BadStructure";
    case Error::BadString: return "BadString";
    case Error::TooDeep: return "TooDeep";
    case Error::NotFound: return "NotFound";
    case Error::BadLength: return "BadLength";
    case Error::BadCells: return "BadCells";
    case Error::BadValue: return "BadValue";
    }
    return "Unknown";
}

Result<Fdt, Error> Fdt::try_open(const void* blob, usize size) { return open(blob, size, nullptr, 0); }

Result<Fdt, Error> Fdt::open(const void* blob, usize size, IndexEntry* index, usize capacity) {
    if (blob == nullptr || size < k_header_size_v17)
        return err(Error::Truncated);
    // §5.1: the blob is 8-byte aligned; it keeps every header-aligned load aligned.
    if (reinterpret_cast<uptr>(blob) % 8 != 0)
        return err(Error::BadAlignment);
    const u8* b = static_cast<const u8*>(blob);
    Header h = read_header(b);
    if (h.magic != k_magic)
        return err(Error::BadMagic);
    if (h.version < k_min_version || h.last_comp_version > k_max_last_comp_version)
        return err(Error::BadVersion);
    if (h.total_size > size)
        return err(Error::Truncated);
    // TN_TRY needs a value, so Result<void> checks are spelled out.
    if (auto layout = check_layout(h); !layout.ok())
        return err(layout.error());

    Fdt fdt;
    fdt.m_blob = b;
    fdt.m_struct = b + h.off_struct;
    fdt.m_strings = reinterpret_cast<const char*>(b + h.off_strings);
    fdt.m_total_size = h.total_size;
    fdt.m_struct_size = h.size_struct;
    fdt.m_strings_size = h.size_strings;
    fdt.m_rsvmap_off = h.off_rsvmap;
    fdt.m_version = h.version;
    fdt.m_boot_cpuid = h.boot_cpuid;
    if (auto rsv = Impl::validate_reservations(fdt); !rsv.ok())
        return err(rsv.error());
    fdt.m_names_end = Impl::names_end(fdt);
    Indexer indexer(index, capacity);
    fdt.m_root = TN_TRY(Impl::validate_structure(fdt, indexer));
    fdt.m_index = indexer.count() != 0 ? index : nullptr;
    fdt.m_index_count = indexer.count();
    fdt.m_phandles_indexed = indexer.phandles_exact();
    return fdt;
}

namespace detail {

/// §5.3: the list ends with an all-zero entry, which must lie inside totalsize.
Result<void, Error> Impl::validate_reservations(const Fdt& f) {
    // Bounded: the offset grows by 16 per entry and must stay inside totalsize.
    for (u64 off = f.m_rsvmap_off; off + k_rsv_entry_size <= f.m_total_size; off += k_rsv_entry_size) {
        if (be64(f.m_blob + off) == 0 && be64(f.m_blob + off + 8) == 0)
            return {};
    }
    return err(Error::Truncated);
}

/// Offset just past the last NUL of the strings block (0 if it has none): a string that
/// starts below it ends inside the block, so a property name needs one comparison.
u32 Impl::names_end(const Fdt& f) {
    for (u32 end = f.m_strings_size; end > 0; --end) {  // Usually stops at once.
        if (f.m_strings[end - 1] == '\0')
            return end;
    }
    return 0;
}

/// One pass over the structure block (§5.4.2): NOPs, exactly one root node whose
/// properties precede its subnodes (recursively), NOPs, then FDT_END. Feeds every
/// token that passes to @p index.
/// @return the offset of the root's FDT_BEGIN_NODE.
/// Flattened (token decoding and indexing inlined): it runs once per token of the tree.
[[gnu::flatten]] Result<u32, Error> Impl::validate_structure(const Fdt& f, Indexer& index) {
    u32 depth = 0;
    u64 children_seen = 0;  // Bit d: the open node at depth d already has a subnode.
    u32 root = k_no_offset;
    // Bounded: token() returns next >= off + 4 and fails past the block's end.
    for (u32 off = 0;;) {
        Token t = TN_TRY(token(f, off));
        if (t.kind == k_begin_node) {
            if (depth == 0 && root != k_no_offset)
                return err(Error::BadStructure);  // A second root.
            if (depth == k_max_depth)
                return err(Error::TooDeep);
            root = depth == 0 ? off : root;
            children_seen |= u64{1} << depth;
            children_seen &= ~(u64{1} << ++depth);
            index.begin_node(off);
        } else if (t.kind == k_end_node) {
            if (depth == 0)
                return err(Error::BadStructure);
            --depth;
            index.end_node();
        } else if (t.kind == k_prop) {
            if (depth == 0 || (children_seen & (u64{1} << depth)) != 0)
                return err(Error::BadStructure);
            index.prop(t, off);
        } else if (t.kind == k_end) {
            if (depth != 0 || root == k_no_offset)
                return err(Error::BadStructure);
            return root;
        }
        off = t.next;
    }
}

/// Offset just past @p n's FDT_BEGIN_NODE token, where its properties start.
Result<u32, Error> Impl::node_body(const Fdt& f, Node n) {
    Token t = TN_TRY(token(f, n.m_offset));
    if (t.kind != k_begin_node)
        return err(Error::BadStructure);
    return t.next;
}

/// Offset just past the FDT_END_NODE that closes the node starting at @p off.
Result<u32, Error> Impl::skip_node(const Fdt& f, u32 off) {
    u32 depth = 0;
    for (;;) {  // Bounded: off grows by at least 4 per token.
        Token t = TN_TRY(token(f, off));
        if (t.kind == k_begin_node) {
            if (++depth > k_max_depth)
                return err(Error::TooDeep);
        } else if (t.kind == k_end_node) {
            if (depth == 0)
                return err(Error::BadStructure);
            if (--depth == 0)
                return t.next;
        } else if (t.kind == k_end || depth == 0) {
            return err(Error::BadStructure);
        }
        off = t.next;
    }
}

/// Flattened (token decoding inlined): every property lookup runs this loop.
[[gnu::flatten]] Result<Property, Error> Impl::property_n(const Fdt& f, Node n, const char* name, usize len) {
    u32 off = TN_TRY(node_body(f, n));
    for (;;) {  // Bounded: off grows by at least 4 per token.
        Token t = TN_TRY(token(f, off));
        if (t.kind == k_prop && equals_n(t.name, name, len))
            return property(t);
        if (t.kind == k_begin_node || t.kind == k_end_node)
            return err(Error::NotFound);  // Properties precede subnodes (§5.4.2).
        if (t.kind == k_end)
            return err(Error::BadStructure);
        off = t.next;
    }
}

/// Offset of the first FDT_PROP at or after @p off within the same node, or k_no_offset.
u32 Impl::next_prop(const Fdt& f, u32 off) {
    for (;;) {  // Bounded: off grows by at least 4 per token.
        auto t = token(f, off);
        if (!t.ok())
            return k_no_offset;
        if (t.value().kind == k_prop)
            return off;
        if (t.value().kind != k_nop)
            return k_no_offset;
        off = t.value().next;
    }
}

Region Impl::reservation(const Fdt& f, u32 off) {
    if (u64{off} + k_rsv_entry_size > f.m_total_size)
        return Region{0, 0};
    return Region{be64(f.m_blob + off), be64(f.m_blob + off + 8)};
}

template <>
Property OffsetCursor<Property>::operator*() const {
    auto t = Impl::token(*fdt, off);
    // Only a blob changed after try_open() can fail here.
    return t.ok() ? Impl::property(t.value()) : Impl::property(Token{k_prop, 0, "", nullptr, 0});
}

template <>
OffsetCursor<Property>& OffsetCursor<Property>::operator++() {
    auto t = Impl::token(*fdt, off);
    off = t.ok() ? Impl::next_prop(*fdt, t.value().next) : k_no_offset;
    return *this;
}

template <>
Region OffsetCursor<Region>::operator*() const {
    return Impl::reservation(*fdt, off);
}

/// The terminating (0, 0) entry, or running out of bytes, ends the range (§5.3).
template <>
OffsetCursor<Region>& OffsetCursor<Region>::operator++() {
    off += k_rsv_entry_size;
    if (Impl::reservation(*fdt, off) == Region{0, 0})
        off = k_no_offset;
    return *this;
}

}  // namespace detail

ReserveRange Fdt::reservations() const {
    OffsetCursor<Region> first{this, m_rsvmap_off};
    if (*first == Region{0, 0})
        first.off = k_no_offset;
    return ReserveRange{first, {this, k_no_offset}};
}

// --- Navigation (§5.4.2: a node is BEGIN_NODE, properties, subnodes, END_NODE) ------

Result<Node, Error> Fdt::first_child(Node n) const {
    if (u32 e = Impl::entry_of(*this, n); e != k_no_entry)
        return e + 1 < m_index[e].end ? Impl::entry_node(*this, e + 1) : err(Error::NotFound);
    u32 off = TN_TRY(Impl::node_body(*this, n));
    for (;;) {  // Bounded: off grows by at least 4 per token.
        Token t = TN_TRY(Impl::token(*this, off));
        if (t.kind == k_begin_node)
            return Node(off);
        if (t.kind == k_end_node)
            return err(Error::NotFound);
        if (t.kind == k_end)
            return err(Error::BadStructure);
        off = t.next;
    }
}

Result<Node, Error> Fdt::next_sibling(Node n) const {
    if (u32 e = Impl::entry_of(*this, n); e != k_no_entry) {
        u32 next = m_index[e].end;  // The next sibling, if it has the same parent.
        bool sibling = next < m_index_count && m_index[next].parent == m_index[e].parent;
        return sibling ? Impl::entry_node(*this, next) : err(Error::NotFound);
    }
    u32 off = TN_TRY(Impl::skip_node(*this, n.m_offset));
    for (;;) {  // Bounded: off grows by at least 4 per token.
        Token t = TN_TRY(Impl::token(*this, off));
        if (t.kind == k_begin_node)
            return Node(off);
        if (t.kind == k_end_node || t.kind == k_end)
            return err(Error::NotFound);
        if (t.kind == k_prop)
            return err(Error::BadStructure);
        off = t.next;
    }
}

Result<Node, Error> Fdt::next_node(Node n) const {
    if (u32 e = Impl::entry_of(*this, n); e != k_no_entry)
        return Impl::entry_node(*this, e + 1);
    u32 off = TN_TRY(Impl::node_body(*this, n));
    for (;;) {  // Bounded: off grows by at least 4 per token.
        Token t = TN_TRY(Impl::token(*this, off));
        if (t.kind == k_begin_node)
            return Node(off);
        if (t.kind == k_end)
            return err(Error::NotFound);
        off = t.next;
    }
}

/// Without an index, nodes have no parent link, so this rescans from the root with a
/// stack of the open nodes' offsets; k_max_depth bounds the stack.
Result<Node, Error> Fdt::parent(Node n) const {
    if (u32 e = Impl::entry_of(*this, n); e != k_no_entry)
        return Impl::entry_node(*this, m_index[e].parent);  // NotFound for the root.
    u32 open[k_max_depth];
    u32 depth = 0;
    for (u32 off = m_root;;) {  // Bounded: off grows by at least 4 per token.
        Token t = TN_TRY(Impl::token(*this, off));
        if (t.kind == k_begin_node) {
            if (off == n.m_offset)
                return depth == 0 ? err(Error::NotFound) : Result<Node, Error>(Node(open[depth - 1]));
            if (depth == k_max_depth)
                return err(Error::TooDeep);
            open[depth++] = off;
        } else if (t.kind == k_end_node) {
            if (depth == 0)
                return err(Error::BadStructure);
            --depth;
        } else if (t.kind == k_end) {
            return err(Error::NotFound);  // @p n is not a node of this tree.
        }
        off = t.next;
    }
}

/// Without an index, one pass over the tokens instead of a property lookup per node: a
/// FDT_PROP belongs to the last node begun, as properties precede subnodes (§5.4.2).
/// Values 0 and 0xffffffff are never phandles (§2.3.3).
Result<Node, Error> Fdt::find_phandle(u32 phandle) const {
    if (phandle == 0 || phandle == ~u32{0})
        return err(Error::NotFound);
    if (m_phandles_indexed)
        return Impl::find_phandle_indexed(*this, phandle);
    u32 node = m_root;
    for (u32 off = m_root;;) {  // Bounded: off grows by at least 4 per token.
        Token t = TN_TRY(Impl::token(*this, off));
        if (t.kind == k_begin_node)
            node = off;
        else if (t.kind == k_end)
            return err(Error::NotFound);
        else if (t.kind == k_prop && t.size == 4 && be32(t.data) == phandle &&
                 (equals(t.name, "phandle") || equals(t.name, "linux,phandle")))
            return Node(node);
        off = t.next;
    }
}

/// Where @p n's name starts, and the @p room bytes left in the structure block from
/// there, without measuring it; nullptr unless @p n is at an FDT_BEGIN_NODE token. A
/// name that did not validate (another blob) simply compares unequal within @p room.
const char* Impl::name_at(const Fdt& f, Node n, usize* room) {
    if (n.m_offset % 4 != 0 || u64{n.m_offset} + 4 > f.m_struct_size ||
        be32_aligned(f.m_struct + n.m_offset) != k_begin_node)
        return nullptr;
    *room = f.m_struct_size - (n.m_offset + 4);
    return reinterpret_cast<const char*>(f.m_struct + n.m_offset + 4);
}

const char* Fdt::name(Node n) const {
    auto t = Impl::token(*this, n.m_offset);
    if (!t.ok() || t.value().kind != k_begin_node)
        return "";
    return t.value().name;
}

Result<Property, Error> Fdt::property(Node n, const char* name) const {
    return Impl::property_n(*this, n, name, cstr_len(name));
}

PropertyRange Fdt::properties(Node n) const {
    auto body = Impl::node_body(*this, n);
    u32 first = body.ok() ? Impl::next_prop(*this, body.value()) : k_no_offset;
    return PropertyRange{{this, first}, {this, k_no_offset}};
}

}  // namespace tn::fdt
