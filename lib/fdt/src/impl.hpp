// Private half of tn::fdt: token decoding and tree walks shared by the .cpp files.
// Impl is a friend of Fdt, Node and Property, so the public header stays small.
#pragma once

#include <tn/fdt.hpp>

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

}  // namespace tn::fdt::detail
