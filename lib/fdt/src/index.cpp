// The optional node index (NodeIndex): built during try_open()'s validation walk, then
// used instead of rescans by navigation, parent(), find_phandle() and the compatible /
// device_type searches. Each indexed answer equals the one the rescan would give on the
// same validated blob; an offset that is not an indexed node falls back to the rescan,
// which reports its errors as before.
#include <tn/fdt.hpp>

#include "bytes.hpp"
#include "impl.hpp"

namespace tn::fdt::detail {

static_assert(sizeof(IndexEntry) == 28, "NodeIndex documents 28 bytes per node");

namespace {

// 32-bit FNV-1a (Fowler, Noll, Vo), for the compatible filter.
constexpr u32 k_fnv_basis = 2166136261u;
constexpr u32 k_fnv_prime = 16777619u;

u32 fnv1a_step(u32 h, char c) { return (h ^ static_cast<u8>(c)) * k_fnv_prime; }

/// A string's bit in IndexEntry::compatible_filter: the hash's top five bits pick one of 32.
u32 filter_bit_of_hash(u32 h) { return u32{1} << (h >> 27); }

}  // namespace

// --- Building (validate_structure() calls these in token order) --------------------

/// The rescan in find_phandle() matches any `phandle` or `linux,phandle` of size 4, so a
/// node whose two such properties differ makes the phandle part of the index unusable
/// rather than answer differently.
void Indexer::record_phandle(IndexEntry& e, u32 value) {
    if (e.phandle != 0 && e.phandle != value)
        m_phandles_exact = false;
    if (e.phandle == 0)
        e.phandle = value;
}

/// The bit of string @p s (@p len bytes) in IndexEntry::compatible_filter.
u32 Impl::filter_bit(const char* s, usize len) {
    u32 h = k_fnv_basis;
    for (usize i = 0; i < len; ++i)
        h = fnv1a_step(h, s[i]);
    return filter_bit_of_hash(h);
}

/// A Bloom filter of a `compatible` value: the bits of all its strings. A node whose
/// filter lacks a string's bit is not compatible with it, so searches skip it without
/// decoding; a value that is not a valid <stringlist> never matches and gets no bits.
u32 Indexer::compatible_filter(const u8* value, u32 size) {
    const char* s = reinterpret_cast<const char*>(value);
    if (size == 0 || s[size - 1] != '\0')
        return 0;
    u32 filter = 0;
    // Bounded: every string, the last included, ends at a NUL before size.
    for (u32 at = 0; at < size; ++at) {
        u32 h = k_fnv_basis;
        for (; s[at] != '\0'; ++at)
            h = fnv1a_step(h, s[at]);
        filter |= filter_bit_of_hash(h);
    }
    return filter;
}

// --- Lookups ---------------------------------------------------------------------

/// Binary search: entries are in document order, so their offsets increase.
u32 Impl::entry_of(const Fdt& f, Node n) {
    u32 lo = 0;
    u32 hi = f.m_index_count;
    while (lo < hi) {  // Invariant: n's entry, if any, is in [lo, hi).
        u32 mid = lo + (hi - lo) / 2;
        u32 off = f.m_index[mid].offset;
        if (off == n.m_offset)
            return mid;
        if (off < n.m_offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return k_no_entry;
}

/// The node of @p entry; NotFound for k_no_entry or past the last entry.
Result<Node, Error> Impl::entry_node(const Fdt& f, u32 entry) {
    if (entry >= f.m_index_count)
        return err(Error::NotFound);
    return Node(f.m_index[entry].offset);
}

/// seek() for Compatible / DeviceType from @p entry on: the property to test is
/// recorded, and the compatible filter rules most nodes out (a node without the
/// property has an empty filter), so only likely candidates decode a token.
Node Impl::seek_indexed(const Fdt& f, Walk walk, const char* text, u32 entry) {
    usize len = cstr_len(text);
    if (walk == Walk::Compatible) {
        u32 bit = filter_bit(text, len);
        for (u32 i = entry; i < f.m_index_count; ++i) {
            const IndexEntry& e = f.m_index[i];
            if ((e.compatible_filter & bit) != 0 && prop_matches(f, walk, e.compatible, text, len))
                return Node(e.offset);
        }
    } else {
        for (u32 i = entry; i < f.m_index_count; ++i) {
            const IndexEntry& e = f.m_index[i];
            if (e.device_type != k_no_offset && prop_matches(f, walk, e.device_type, text, len))
                return Node(e.offset);
        }
    }
    return Node();
}

/// True if the `compatible` (stringlist) or `device_type` (string) property at @p off
/// has the @p len bytes of @p text as an entry / as its value.
bool Impl::prop_matches(const Fdt& f, Walk walk, u32 off, const char* text, usize len) {
    auto t = token(f, off);
    if (!t.ok() || t.value().kind != k_prop)
        return false;  // Only a blob changed after try_open(): as if absent.
    Property p = property(t.value());
    if (walk == Walk::Compatible) {
        auto list = p.as_strings();
        return list.ok() && contains_n(list.value(), text, len);
    }
    auto type = p.as_string();
    return type.ok() && equals_n(type.value(), text, len);
}

/// Entries are in document order, and a node's properties precede every later node's,
/// so the first entry with the value is the node of the first matching property.
Result<Node, Error> Impl::find_phandle_indexed(const Fdt& f, u32 phandle) {
    for (u32 i = 0; i < f.m_index_count; ++i) {
        if (f.m_index[i].phandle == phandle)
            return Node(f.m_index[i].offset);
    }
    return err(Error::NotFound);
}

}  // namespace tn::fdt::detail
