/// @file
/// @brief Bounds-checked reader for flattened devicetree blobs (DTB), written from the
/// Devicetree Specification v0.4: chapter 5 (DTB format), chapters 2-3 (conventions).
///
/// try_open() checks the header and walks the whole structure block once, so a blob that
/// opens has every token and name inside its block, properties before subnodes (§5.4.2),
/// depth <= k_max_depth and a final FDT_END. Accessors still bounds-check every offset:
/// no call reads outside the blob, whatever Node it is given. Nothing allocates.
///
/// Bounds: a walk step consumes at least one 4-byte token, so one call reads at most
/// size_dt_struct / 4 tokens; without an index, parent(), reg() and interrupt lookups
/// rescan from the root; interrupt_parent() follows at most 2 * k_max_depth links. Use at
/// boot, not on hot paths.
///
/// Node index (optional): try_open() given a NodeIndex also records every node's parent,
/// subtree end, phandle and first `compatible` / `device_type` during its one walk, plus
/// a 32-bit Bloom filter of the compatible strings. Navigation, parent(), find_path(),
/// find_phandle() and the compatible / device_type searches then read those entries
/// (binary search by offset, or a pass over the entries skipping most by their filter)
/// instead of decoding O(size_dt_struct) tokens. Every answer is the same with or without
/// it (a tree with more nodes than the index holds is opened without one), and values
/// still come from the bounds-checked blob.
///
/// Context: any (EL1, EL2, MMU off). Fields are read at naturally aligned offsets of the
/// 8-byte aligned blob, but u64 values in properties are only 4-byte aligned: code that
/// runs with the MMU off (Device memory) should build with -mstrict-align. The blob must
/// stay mapped and unchanged while a Fdt, or anything from it, is in use.
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

/// Flattened devicetree reader and writer (lib/fdt).
namespace tn::fdt {

/// Why a blob or a query was rejected.
enum class Error : u8 {
    BadAlignment,  ///< Blob not 8-byte aligned, or a header offset misaligned (§5.1-5.4).
    BadMagic,      ///< Header magic is not 0xd00dfeed (§5.2).
    BadVersion,    ///< version < 16 or last_comp_version > 17 (§5.2).
    BadLayout,     ///< A block lies outside totalsize or inside the header.
    Truncated,     ///< size < totalsize, or a token or list runs past the end of its block.
    BadStructure,  ///< Token order violates §5.4 (stray, unknown or missing token).
    BadString,     ///< A name or string value is not NUL-terminated inside its block.
    TooDeep,       ///< Nesting deeper than k_max_depth, or an interrupt-parent chain too long.
    NotFound,      ///< No such node, property, alias or list entry.
    BadLength,     ///< Property length does not fit the requested type or cell layout.
    BadCells,      ///< \#address-cells, \#size-cells or \#interrupt-cells not supported.
    BadValue,      ///< Property content is not a value its binding allows.
};

/// Printable name of @p e ("BadMagic", ...), for boot logs.
const char* error_name(Error e);

/// The DTB header's magic number.
constexpr u32 k_magic = 0xd00dfeed;
/// Deepest nesting accepted; the root is at depth 1. QEMU virt trees reach depth 5.
constexpr u32 k_max_depth = 32;
/// Most cells an Interrupt holds; the arm,gic bindings use 3.
constexpr u32 k_max_interrupt_cells = 4;

class Fdt;
class Property;
namespace detail {
struct Impl;
}  // namespace detail

/// Opaque handle to a node of one Fdt. A default-constructed Node is invalid; passing it
/// (or a Node of another blob) to an accessor yields an error, never a wild read.
class Node {
public:
    constexpr Node() = default;
    /// False for a default-constructed Node.
    constexpr bool valid() const { return m_offset != k_invalid; }
    /// Offset of the node's FDT_BEGIN_NODE token in the structure block (for logs).
    constexpr u32 offset() const { return m_offset; }
    /// Same node.
    constexpr bool operator==(const Node&) const = default;

private:
    friend class Fdt;
    friend struct detail::Impl;
    static constexpr u32 k_invalid = ~u32{0};
    constexpr explicit Node(u32 offset) : m_offset(offset) {}
    u32 m_offset = k_invalid;
};

/// An (address, size) pair from `reg` or the memory reservation block.
struct Region {
    /// Start address and size in bytes.
    ///@{
    u64 address, size;
    ///@}
    /// Same address and size.
    constexpr bool operator==(const Region&) const = default;
};

/// One `interrupts` specifier, cells as written, plus the controller that decodes them.
struct Interrupt {
    Node controller;                   ///< The interrupt controller (interrupt_parent()).
    u32 cell_count;                    ///< Its \#interrupt-cells.
    u32 cells[k_max_interrupt_cells];  ///< The specifier's cells.
};

/// A range whose cursor is its own iterator (operator*, operator++, operator==).
template <class Cursor>
struct Range {
    /// The first element and one past the last.
    ///@{
    Cursor first, last;
    ///@}
    /// first (for range-for).
    Cursor begin() const { return first; }
    /// last (for range-for).
    Cursor end() const { return last; }
};

namespace detail {

enum class Walk : u8 { All, Children, Compatible, DeviceType };

// Cursors never leave their block; if the blob changed after try_open(), a range ends.
struct StringCursor {
    const char *cur, *end;
    const char* operator*() const { return cur; }
    StringCursor& operator++();
    bool operator==(const StringCursor&) const = default;
};

struct NodeCursor {
    const Fdt* fdt;
    Walk walk;
    const char* text;  // Compatible or device_type to match.
    Node node;
    Node operator*() const { return node; }
    NodeCursor& operator++();
    bool operator==(const NodeCursor&) const = default;
};

/// One node of a NodeIndex, in document order. Entry numbers, not offsets, link nodes.
struct IndexEntry {
    u32 offset;             ///< Its FDT_BEGIN_NODE token.
    u32 parent;             ///< Entry of its parent; k_no_entry for the root.
    u32 end;                ///< First entry after its subtree: its next sibling, if any.
    u32 phandle;            ///< Value of its `phandle` / `linux,phandle` (size 4); 0 if none.
    u32 compatible;         ///< Offset of its first `compatible` FDT_PROP; ~0 if none.
    u32 device_type;        ///< Offset of its first `device_type` FDT_PROP; ~0 if none.
    u32 compatible_filter;  ///< Bloom filter of that `compatible`'s strings (index.cpp).
};
constexpr u32 k_no_entry = ~u32{0};

/// Over a node's FDT_PROP tokens (Property) or reservation entries (Region); ~0 ends.
template <class Item>
struct OffsetCursor {
    const Fdt* fdt;
    u32 off;
    Item operator*() const;
    OffsetCursor& operator++();
    bool operator==(const OffsetCursor&) const = default;
};
template <> Property OffsetCursor<Property>::operator*() const;
template <> OffsetCursor<Property>& OffsetCursor<Property>::operator++();
template <> Region OffsetCursor<Region>::operator*() const;
template <> OffsetCursor<Region>& OffsetCursor<Region>::operator++();

}  // namespace detail

using NodeRange = Range<detail::NodeCursor>;                  ///< Document order, filtered.
using PropertyRange = Range<detail::OffsetCursor<Property>>;  ///< One node's, in blob order.
using ReserveRange = Range<detail::OffsetCursor<Region>>;     ///< §5.3, no (0, 0) terminator.

/// A validated &lt;stringlist&gt; (§2.2.4.1): the value ends with NUL, so every entry does.
struct StringList : Range<detail::StringCursor> {
    /// Number of entries.
    usize count() const;
    /// True if any entry equals @p s exactly (no prefix match).
    bool contains(const char* s) const;
    /// Entry @p index, or NotFound.
    Result<const char*, Error> at(usize index) const;
};

/// A property: name and value bytes inside the blob (§5.4.1 FDT_PROP).
class Property {
public:
    /// The property's name.
    const char* name() const { return m_name; }
    /// Its value bytes (big-endian cells).
    const u8* data() const { return m_data; }
    /// Bytes of the value.
    u32 size() const { return m_size; }
    /// &lt;u32&gt; / &lt;u64&gt; value. BadLength unless size() is 4 / 8.
    Result<u32, Error> as_u32() const;
    /// &lt;u64&gt; value. BadLength unless size() is 8.
    Result<u64, Error> as_u64() const;
    /// Cell @p index (big-endian u32). BadLength if size() % 4, NotFound past the end.
    Result<u32, Error> cell(usize index) const;
    /// The number in @p count cells from cell @p first. BadCells unless count is 1 or 2.
    Result<u64, Error> cells(usize first, u32 count) const;
    /// &lt;string&gt; / &lt;stringlist&gt;. BadString unless the value is non-empty and ends in NUL.
    Result<const char*, Error> as_string() const;
    /// &lt;stringlist&gt; value; BadString as for as_string().
    Result<StringList, Error> as_strings() const;

private:
    friend struct detail::Impl;
    Property(const char* name, const u8* data, u32 size) : m_name(name), m_data(data), m_size(size) {}
    const char* m_name;
    const u8* m_data;
    u32 m_size;
};

/// stdout-path of /chosen (§3.6): the node and the text after ':' (nullptr if none).
struct StdoutPath { Node node; /**< The console node. */ const char* options; /**< Text after ':', or nullptr. */ };

/// How PSCI is called (the node's `method`).
enum class PsciMethod : u8 { Hvc, Smc };

/// The PSCI node (arm,psci binding). std_ids: psci-0.2 or later, standard function IDs.
struct Psci { Node node; /**< The node. */ PsciMethod method; /**< hvc or smc. */ bool std_ids; /**< Standard function IDs. */ };

/// GIC found by find_gic() (arm,gic and arm,gic-v3 bindings); absent regions have size 0.
struct Gic {
    Node node;              ///< The GIC's node.
    u32 version;            ///< 2 or 3.
    u32 redist_regions;     ///< v3: \#redistributor-regions (default 1); v2: 0.
    Region dist;            ///< GICD.
    Region redist;          ///< v3: first GICR region.
    Region cpu;             ///< GICC (v3: only if the legacy interface is described).
    Region hyp;             ///< GICH, virtual interface control.
    Region vcpu;            ///< GICV, virtual CPU interface.
    u32 maintenance_intid;  ///< INTID of the maintenance interrupt, 0 if absent.
};

/// An MMIO device: first `reg` entry and, if it has `interrupts`, the first as a GIC INTID.
struct Device { Node node; /**< The node. */ Region reg; /**< First `reg` entry. */ bool has_irq; /**< It has `interrupts`. */ u32 intid; /**< GIC INTID of the first, if has_irq. */ };

/// Entries of the arm,armv8-timer `interrupts` property, in binding order.
enum class TimerIrq : u8 { Secure, NonSecure, Virtual, Hyp, HypVirtual };

/// Caller-owned storage for the node index try_open() can build (see the file comment):
/// room for @p Capacity nodes, 28 bytes each; a static one lives in BSS. It must outlive
/// every Fdt opened with it. Opening another blob with it (even one that fails to open)
/// overwrites it, and leaves the Fdts opened with it before with wrong answers.
template <usize Capacity>
class NodeIndex {
    static_assert(Capacity > 0 && Capacity < detail::k_no_entry, "NodeIndex capacity");
    friend class Fdt;
    detail::IndexEntry m_entries[Capacity];
};

/// INTID of a GIC specifier (type, number, flags): SPI n -> 32 + n, PPI n -> 16 + n, GICv3
/// extended SPI/PPI. BadCells below 2 cells, BadValue for a bad type or number.
Result<u32, Error> gic_intid(const Interrupt& irq);

/// A validated, read-only view of one DTB. Cheap to copy; holds no resources.
class Fdt {
public:
    /// Validates the header (§5.2), reservation block (§5.3) and structure block (§5.4).
    /// @p size: bytes readable at @p blob. Errors: Truncated, BadAlignment, BadMagic,
    /// BadVersion, BadLayout, BadStructure, BadString, TooDeep.
    static Result<Fdt, Error> try_open(const void* blob, usize size);
    /// As above, and builds the node index in @p index if the tree fits in it.
    template <usize Capacity>
    static Result<Fdt, Error> try_open(const void* blob, usize size, NodeIndex<Capacity>& index) {
        return open(blob, size, index.m_entries, Capacity);
    }
    /// True if lookups use a node index (try_open() got one and the tree fit).
    bool indexed() const { return m_index_count != 0; }

    /// The header's totalsize.
    u32 total_size() const { return m_total_size; }
    /// The header's version.
    u32 version() const { return m_version; }
    /// The header's boot_cpuid_phys.
    u32 boot_cpuid() const { return m_boot_cpuid; }
    /// The memory reservation block's entries.
    ReserveRange reservations() const;

    // Navigation; NotFound at the end of each sequence.
    /// The root node.
    Node root() const { return Node(m_root); }
    /// First child of @p n; NotFound if none.
    Result<Node, Error> first_child(Node n) const;
    /// Next sibling of @p n; NotFound after the last.
    Result<Node, Error> next_sibling(Node n) const;
    /// Parent of @p n; NotFound for the root.
    Result<Node, Error> parent(Node n) const;
    /// The node after @p n in depth-first (document) order.
    Result<Node, Error> next_node(Node n) const;
    /// Name with unit address ("cpu@0"); "" for the root or an invalid Node.
    const char* name(Node n) const;
    /// Every node, in document order.
    NodeRange nodes() const;
    /// The children of @p n.
    NodeRange children(Node n) const;
    /// The nodes whose compatible list contains @p compatible.
    NodeRange compatible_nodes(const char* compatible) const;
    /// The nodes whose device_type is @p device_type.
    NodeRange nodes_of_type(const char* device_type) const;

    /// Absolute ("/cpus/cpu@0") or alias-relative ("serial0/x", §3.3) path. A component
    /// without '@' also matches "name@unit" (§2.2.3), exact names first. Stops at ':'.
    /// NotFound; BadString if the alias is not an absolute path.
    Result<Node, Error> find_path(const char* path) const;
    /// First node in document order whose compatible list contains @p compatible.
    Result<Node, Error> find_compatible(const char* compatible) const;
    /// Node whose `phandle` (or legacy `linux,phandle`) is @p phandle (§2.3.3).
    Result<Node, Error> find_phandle(u32 phandle) const;
    /// Path string of alias @p name in /aliases.
    Result<const char*, Error> alias(const char* name) const;

    // Properties: NotFound if absent, else the errors of Property's decoders.
    /// Property @p name of @p n.
    Result<Property, Error> property(Node n, const char* name) const;
    /// Every property of @p n.
    PropertyRange properties(Node n) const;
    /// True if @p n has property @p name.
    bool has_property(Node n, const char* name) const;
    /// Property @p name of @p n as a &lt;u32&gt;.
    Result<u32, Error> prop_u32(Node n, const char* name) const;
    /// Property @p name of @p n as a &lt;string&gt;.
    Result<const char*, Error> prop_string(Node n, const char* name) const;
    /// True if @p n's compatible stringlist contains @p compatible (§2.3.1).
    bool compatible_with(Node n, const char* compatible) const;
    /// True unless `status` is present and neither "okay" nor "ok" (§2.3.4).
    bool available(Node n) const;

    /// \#address-cells / \#size-cells of @p bus, default 2 / 1 (§2.3.5). They describe
    /// @p bus's children and are not inherited from further up.
    Result<u32, Error> address_cells(Node bus) const;
    /// \#size-cells of @p bus (see address_cells()).
    Result<u32, Error> size_cells(Node bus) const;
    /// `reg` of @p n in its parent's cells (§2.3.6): address cells 1-2 and size cells
    /// 0-2, else BadCells; BadLength unless a whole number of entries.
    Result<usize, Error> reg_count(Node n) const;
    /// Entry @p index of `reg` of @p n; NotFound past the end.
    Result<Region, Error> reg(Node n, usize index) const;

    /// Interrupt controller of @p n (§2.4.1): follow `interrupt-parent`, else the tree
    /// parent, until a node with \#interrupt-cells. TooDeep on a cycle.
    Result<Node, Error> interrupt_parent(Node n) const;
    /// `interrupts` specifiers of @p n; BadCells unless \#interrupt-cells is 1-4.
    Result<usize, Error> interrupt_count(Node n) const;
    /// Specifier @p index of `interrupts` of @p n, with its controller.
    Result<Interrupt, Error> interrupt(Node n, usize index) const;

    /// /chosen/bootargs and /chosen/stdout-path (or linux,stdout-path) (§3.6).
    Result<const char*, Error> bootargs() const;
    /// /chosen/stdout-path, resolved to a node.
    Result<StdoutPath, Error> stdout_path() const;

    /// Writes up to @p capacity non-empty `reg` regions of available device_type "memory"
    /// nodes to @p out and returns how many exist (more than @p capacity: some left out).
    Result<usize, Error> memory_regions(Region* out, usize capacity) const;
    /// First available node compatible with @p compatible; NotFound if it has no `reg`.
    Result<Device, Error> find_device(const char* compatible) const;
    /// The available node compatible with @p compatible whose first `reg` entry starts at
    /// @p address: the device a driver already uses, when several match. Nodes whose `reg`
    /// does not decode are skipped; NotFound if none matches, else the errors of its
    /// `interrupts`.
    Result<Device, Error> find_device_at(const char* compatible, u64 address) const;
    /// First available arm,gic-v3, else arm,gic-400 / cortex-a15-gic / cortex-a7-gic.
    Result<Gic, Error> find_gic() const;
    /// arm,psci-1.0 / -0.2 / arm,psci node. BadValue unless method is "hvc" or "smc".
    Result<Psci, Error> find_psci() const;
    /// GIC INTID of arm,armv8-timer (or armv7-timer) interrupt @p which.
    Result<u32, Error> timer_intid(TimerIrq which) const;

private:
    friend struct detail::Impl;  // Token decoding and walks, src/impl.hpp.
    Fdt() = default;
    static Result<Fdt, Error> open(const void* blob, usize size, detail::IndexEntry* index, usize capacity);

    const u8* m_blob = nullptr;
    const u8* m_struct = nullptr;
    const char* m_strings = nullptr;
    u32 m_total_size = 0;
    u32 m_struct_size = 0;
    u32 m_strings_size = 0;
    u32 m_names_end = 0;  // Strings-block offset past its last NUL (Impl::names_end).
    u32 m_rsvmap_off = 0;
    u32 m_version = 0;
    u32 m_boot_cpuid = 0;
    u32 m_root = 0;
    const detail::IndexEntry* m_index = nullptr;  // m_index_count entries, or none.
    u32 m_index_count = 0;
    bool m_phandles_indexed = false;  // No node has two different phandle values.
};

}  // namespace tn::fdt
