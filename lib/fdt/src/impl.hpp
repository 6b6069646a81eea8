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

struct Impl {
    static Node node(u32 off) { return Node(off); }
    static Property property(const Token& t) { return Property(t.name, t.data, t.size); }

    // fdt.cpp: validation, tokens and navigation.
    static Result<void, Error> validate_reservations(const Fdt& f);
    static u32 names_end(const Fdt& f);
    static Result<u32, Error> validate_structure(const Fdt& f);
    static Result<Token, Error> token(const Fdt& f, u32 off);
    static Result<Token, Error> begin_node_token(const Fdt& f, u32 off);
    static Result<Token, Error> prop_token(const Fdt& f, u32 off);
    static Result<u32, Error> node_body(const Fdt& f, Node n);
    static Result<u32, Error> skip_node(const Fdt& f, u32 off);
    static Result<Property, Error> property_n(const Fdt& f, Node n, const char* name, usize len);
    static u32 next_prop(const Fdt& f, u32 off);
    static Region reservation(const Fdt& f, u32 off);

    // query.cpp: paths, filtered walks, addressing and interrupts.
    static Result<Node, Error> find_child(const Fdt& f, Node parent, const char* seg, usize len);
    static Result<Node, Error> resolve(const Fdt& f, Node base, const char* path);
    static bool matches(const Fdt& f, Walk walk, const char* text, Node n);
    static Node seek(const Fdt& f, Walk walk, const char* text, Node from);
    static Result<Property, Error> reg_of(const Fdt& f, Node n, u32* ac, u32* sc);
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

}  // namespace tn::fdt::detail
