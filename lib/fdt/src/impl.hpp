// Private half of tn::fdt: token decoding and tree walks shared by the .cpp files.
// Impl is a friend of Fdt, Node and Property, so the public header stays small.
//
// Every query is a walk over structure-block tokens, so token() is inline and cheap:
// aligned loads, and an O(1) check of property names (Fdt::m_names_end). It still
// checks every bound, whatever offset it is given.
#pragma once

#include <tn/fdt.hpp>

#include "bytes.hpp"

namespace tn::fdt::detail {

// Structure block tokens (§5.4.1).
constexpr u32 k_begin_node = 1;
constexpr u32 k_end_node = 2;
constexpr u32 k_prop = 3;
constexpr u32 k_nop = 4;
constexpr u32 k_end = 9;

/// Offset marking the end of a cursor; never a valid token offset (not 4-aligned).
constexpr u32 k_no_offset = ~u32{0};

/// One decoded token. next: offset of the following token, always >= this one + 4.
/// name: node or property name; data/size: property value.
struct Token {
    u32 kind;
    u32 next;
    const char* name;
    const u8* data;
    u32 size;
};

/// Fills a NodeIndex while validate_structure() walks the tree: it is told each token
/// that passed validation, so nodes nest (depth <= k_max_depth) and properties come
/// before subnodes. Without storage, or once the tree outgrows it, it records nothing
/// and count() is 0: the Fdt is then opened without an index.
class Indexer {
public:
    Indexer(IndexEntry* entries, usize capacity)
        : m_entries(entries), m_capacity(entries ? capacity : 0), m_full(m_capacity == 0) {}
    // Inline (below): validate_structure() calls them for every token.
    void begin_node(u32 off);
    void prop(Token t, u32 off);  // By value: inlined, it stays in registers.
    void end_node();
    u32 count() const { return m_full ? 0 : m_count; }
    bool phandles_exact() const { return count() != 0 && m_phandles_exact; }

private:
    /// True if @p t is named @p literal; @p seen caches where that name was last found.
    template <usize N>
    static bool named(Token t, const char*& seen, const char (&literal)[N]) {
        if (t.name != seen && !equals_literal(t.name, literal))
            return false;
        seen = t.name;
        return true;
    }
    void record_phandle(IndexEntry& e, u32 value);
    static u32 compatible_filter(const u8* value, u32 size);

    IndexEntry* m_entries;
    usize m_capacity;
    bool m_full;
    bool m_phandles_exact = true;
    u32 m_count = 0;
    u32 m_depth = 0;
    u32 m_open[k_max_depth];  // Entries of the open nodes, outermost first.
    const char* m_compatible = nullptr;   // Where named() last found each name.
    const char* m_device_type = nullptr;
};

/// A node's `reg` with its bus's cell counts (§2.3.6): decoded once, read per entry.
struct RegList {
    Property prop;
    u32 address_cells;
    u32 size_cells;
    usize count() const { return prop.size() / ((address_cells + size_cells) * 4); }
    /// Entry @p index; NotFound past the last.
    Result<Region, Error> at(usize index) const;
};

/// StringList::contains() for an @p s of known length @p len.
bool contains_n(const StringList& list, const char* s, usize len);

struct Impl {
    static Node node(u32 off) { return Node(off); }
    static Property property(const Token& t) { return Property(t.name, t.data, t.size); }

    // fdt.cpp: validation, tokens and navigation.
    static Result<void, Error> validate_reservations(const Fdt& f);
    static u32 names_end(const Fdt& f);
    static Result<u32, Error> validate_structure(const Fdt& f, Indexer& index);
    static Result<Token, Error> token(const Fdt& f, u32 off);
    static Result<Token, Error> begin_node_token(const Fdt& f, u32 off);
    static Result<Token, Error> prop_token(const Fdt& f, u32 off);
    static Result<u32, Error> node_body(const Fdt& f, Node n);
    static Result<u32, Error> skip_node(const Fdt& f, u32 off);
    static Result<Property, Error> property_n(const Fdt& f, Node n, const char* name, usize len);
    static u32 next_prop(const Fdt& f, u32 off);
    static Region reservation(const Fdt& f, u32 off);

    // index.cpp: lookups in the node index.
    static u32 entry_of(const Fdt& f, Node n);
    static Result<Node, Error> entry_node(const Fdt& f, u32 entry);
    static Node seek_indexed(const Fdt& f, Walk walk, const char* text, u32 entry);
    static bool prop_matches(const Fdt& f, Walk walk, u32 off, const char* text, usize len);
    static Result<Node, Error> find_phandle_indexed(const Fdt& f, u32 phandle);
    static u32 filter_bit(const char* s, usize len);

    // query.cpp: paths, filtered walks, addressing and interrupts.
    static Result<Node, Error> find_child(const Fdt& f, Node parent, const char* seg, usize len);
    static Result<Node, Error> resolve(const Fdt& f, Node base, const char* path);
    static bool matches(const Fdt& f, Walk walk, const char* text, Node n);
    static Node seek(const Fdt& f, Walk walk, const char* text, Node from);
    static Result<RegList, Error> reg_list(const Fdt& f, Node n);
    static const char* name_at(const Fdt& f, Node n, usize* room);
    static Result<Property, Error> interrupts_of(const Fdt& f, Node n, Node* ctl, u32* cells);
};

/// Decodes the token at structure-block offset @p off. Errors: BadStructure for an
/// unaligned offset or unknown token, Truncated past the block, and the errors of
/// begin_node_token() and prop_token().
inline Result<Token, Error> Impl::token(const Fdt& f, u32 off) {
    // Tokens start 4-byte aligned inside the structure block (§5.4.1).
    if (off % 4 != 0)
        return err(Error::BadStructure);
    if (u64{off} + 4 > f.m_struct_size)
        return err(Error::Truncated);
    u32 kind = be32_aligned(f.m_struct + off);
    switch (kind) {
    case k_begin_node: return begin_node_token(f, off);
    case k_prop: return prop_token(f, off);
    case k_end_node:
    case k_nop:
    case k_end: return Token{kind, off + 4, nullptr, nullptr, 0};
    default: return err(Error::BadStructure);
    }
}

/// FDT_BEGIN_NODE: the unit name follows as a NUL-terminated string padded to 4 bytes.
inline Result<Token, Error> Impl::begin_node_token(const Fdt& f, u32 off) {
    u32 name_off = off + 4;
    const char* name = reinterpret_cast<const char*>(f.m_struct + name_off);
    usize room = f.m_struct_size - name_off;
    usize len = bounded_len_aligned(name, room);
    if (len == room)
        return err(Error::BadString);
    u64 next = u64{name_off} + ((u64{len} + 4) & ~u64{3});  // NUL, then pad to 4.
    if (next > f.m_struct_size)
        return err(Error::Truncated);
    return Token{k_begin_node, static_cast<u32>(next), name, nullptr, 0};
}

/// FDT_PROP: len and nameoff, then len value bytes padded to 4 bytes. nameoff points
/// at a NUL-terminated name in the strings block (§5.5): below m_names_end it is.
inline Result<Token, Error> Impl::prop_token(const Fdt& f, u32 off) {
    if (u64{off} + 12 > f.m_struct_size)
        return err(Error::Truncated);
    u32 len = be32_aligned(f.m_struct + off + 4);
    u32 name_off = be32_aligned(f.m_struct + off + 8);
    u32 value_off = off + 12;
    u64 next = u64{value_off} + ((u64{len} + 3) & ~u64{3});
    if (next > f.m_struct_size)
        return err(Error::Truncated);
    if (name_off >= f.m_names_end)
        return err(Error::BadString);
    return Token{k_prop, static_cast<u32>(next), f.m_strings + name_off, f.m_struct + value_off, len};
}

inline void Indexer::begin_node(u32 off) {
    if (m_full)
        return;
    if (m_count == m_capacity || m_depth == k_max_depth) {
        m_full = true;  // Too many nodes: open without an index.
        return;
    }
    u32 parent = m_depth == 0 ? k_no_entry : m_open[m_depth - 1];
    m_entries[m_count] = IndexEntry{off, parent, 0, 0, k_no_offset, k_no_offset, 0};
    m_open[m_depth++] = m_count++;
}

/// Records the first `compatible` and `device_type` of the innermost open node (what
/// property() finds), and its phandle (record_phandle()).
inline void Indexer::prop(Token t, u32 off) {
    if (m_full || m_depth == 0)
        return;
    IndexEntry& e = m_entries[m_open[m_depth - 1]];
    // Called for every property of the tree: the first letter picks the one candidate.
    // Blobs share one copy of each name in the strings block (dtc and libfdt do), so a
    // name pointer seen before skips the comparison.
    switch (t.name[0]) {
    case 'c':
        if (e.compatible == k_no_offset && named(t, m_compatible, "compatible")) {
            e.compatible = off;
            e.compatible_filter = compatible_filter(t.data, t.size);
        }
        break;
    case 'd':
        if (e.device_type == k_no_offset && named(t, m_device_type, "device_type"))
            e.device_type = off;
        break;
    case 'p':
    case 'l':
        if (t.size == 4 && (equals_literal(t.name, "phandle") || equals_literal(t.name, "linux,phandle")))
            record_phandle(e, be32_aligned(t.data));
        break;
    default: break;
    }
}

inline void Indexer::end_node() {
    if (m_full || m_depth == 0)
        return;
    m_entries[m_open[--m_depth]].end = m_count;
}

}  // namespace tn::fdt::detail
