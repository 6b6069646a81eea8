/// @file
/// @brief Applies a device-tree overlay (dtc `/plugin/;` blob) to a base tree, writing the merged tree into
/// a caller buffer with tn::fdt::Writer: neither blob is edited, nothing allocates. For a hypervisor that
/// lets the user extend a guest tree it generates (Mortise: docs/linux-guest.md, "Device-tree overlay").
///
/// Overlay form: every child of the overlay's root is a fragment with `target-path = "/..."` (a node of the
/// base tree, which must exist) and a subnode `__overlay__`. The properties of `__overlay__` are added to the
/// target or replace the target's ones of the same name; its subnodes are merged the same way, recursively,
/// and created when the target has none of that name. Fragments apply in document order (a later one wins).
///
/// Ownership rule: the base tree's nodes belong to whoever generated it. An overlay may
///   - add new nodes anywhere except inside an existing node other than the root and `/chosen`,
///     with any properties and subnodes;
///   - add or replace properties of `/chosen`, except `linux,initrd-start`, `linux,initrd-end`,
///     `rng-seed`, `kaslr-seed` and `stdout-path`;
/// nothing else: no property of the root or of any other existing node. A fragment whose `__overlay__` is
/// empty changes nothing and is accepted anywhere.
///
/// Refused: phandles (a fragment's `target = <&label>`, `__fixups__`, `__local_fixups__`, `__symbols__`,
/// and `phandle` properties: references between the trees are not resolved), a missing target, a write the
/// rule above forbids, a merged tree deeper than k_max_depth, more than k_max_overlay_fragments fragments,
/// malformed blobs, and a merged tree that does not fit @p cap.
///
/// Costs: O(nodes x fragments x properties) name comparisons; recursion as deep as the merged tree
/// (k_max_depth). Context: any.
#pragma once

#include <tn/types.hpp>

namespace tn::fdt {

/// Most fragments an overlay may hold.
constexpr unsigned k_max_overlay_fragments = 16;

/// Why apply_overlay() refused.
enum class OverlayError : u8 {
    None,
    BadBase,         ///< The base blob does not open (tn::fdt::Fdt::try_open).
    BadOverlay,      ///< The overlay blob does not open.
    NotFragment,     ///< A child of the overlay's root lacks `target-path` (a string) or `__overlay__`.
    Phandle,         ///< `target`, `__fixups__`, `__local_fixups__`, `__symbols__` or a `phandle` property.
    NoTarget,        ///< `target-path` names no node of the base tree.
    Owned,           ///< The overlay writes a property or node the ownership rule keeps for the base's author.
    TooDeep,         ///< The merged tree would nest deeper than k_max_depth.
    TooManyFragments,///< More than k_max_overlay_fragments fragments.
    TooLarge,        ///< The merged tree does not fit the output buffer.
};

/// What apply_overlay() refused and where: the node's path in the merged tree (or the fragment's
/// target-path), and the property's name when a property is at fault (else empty). Truncated to fit.
struct OverlayStatus {
    OverlayError error = OverlayError::None;  ///< What was refused; None when the overlay applied.
    char path[128] = {};                       ///< The node's path, NUL-terminated.
    char property[32] = {};                    ///< The property's name, or empty for the node itself.
};

/// One line saying what is wrong with @p e and how to fix the overlay source.
const char* overlay_explain(OverlayError e);

/// Writes @p base with @p overlay applied into @p out (@p cap bytes, 8-byte aligned). Returns the merged
/// blob's size, or 0 with @p status saying why (see the file comment).
usize apply_overlay(const void* base, usize base_size, const void* overlay, usize overlay_size, void* out,
                    usize cap, OverlayStatus& status);

}  // namespace tn::fdt
