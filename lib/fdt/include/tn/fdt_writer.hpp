/// @file
/// @brief Sequential writer of flattened devicetree blobs (Devicetree Specification v0.4, chapter 5),
/// bounded by the caller's buffer: for generating a guest's device tree in the hypervisor.
///
/// Calls mirror the tree in document order: reserve()* begin_node("") { property()* begin_node()
/// ... end_node() } end_node() finish(). The structure block grows up from the front of the
/// buffer and the strings block down from its back (names shared, as dtc does); finish() moves
/// the strings behind the structure and writes the header, so the blob needs no size estimate and
/// no second pass over the caller's data. Any misuse or a full buffer puts the writer in a failed
/// state: later calls do nothing and finish() returns 0. Nothing allocates.
///
/// Costs: a property name is looked up in the strings written so far, O(strings size) per
/// property; finish() walks the structure block once to fix up name offsets. Context: any.
#pragma once

#include <tn/types.hpp>

namespace tn::fdt {

/// Writes one DTB into a caller buffer (see the file comment).
class Writer {
public:
    /// Writes into @p buf (@p cap bytes). Readers (tn::fdt::Fdt) want the blob 8-byte aligned.
    Writer(void* buf, usize cap);

    /// Adds a memory reservation entry (§5.3). Only before the first begin_node().
    Writer& reserve(u64 address, u64 size);
    /// Opens a node; the first one is the root and must be named "". Fails after the root closed.
    Writer& begin_node(const char* name);
    /// Closes the innermost open node.
    Writer& end_node();
    /// Adds a property to the innermost open node; fails once that node has a subnode (§5.4.2).
    Writer& property(const char* name, const void* data, u32 size);
    /// An empty property (a flag such as `interrupt-controller`).
    Writer& property_empty(const char* name) { return property(name, nullptr, 0); }
    /// A &lt;u32&gt; property, stored big-endian.
    Writer& property_u32(const char* name, u32 value);
    /// A &lt;u64&gt; property, stored big-endian.
    Writer& property_u64(const char* name, u64 value);
    /// &lt;u32&gt; cells, stored big-endian.
    Writer& property_cells(const char* name, const u32* cells, usize count);
    /// A &lt;string&gt; property (with its NUL).
    Writer& property_string(const char* name, const char* value);
    /// A &lt;stringlist&gt; given as NUL-separated text of @p size bytes ending in NUL: "a\0b" + 1.
    Writer& property_strings(const char* name, const char* list, u32 size) { return property(name, list, size); }

    /// Completes the blob (FDT_END, strings, header). Returns its size, or 0 if any call
    /// failed, the buffer is too small or a node is still open. The writer is spent after it.
    usize finish();
    /// False once a call failed, and after finish().
    bool ok() const { return !m_failed; }

private:
    bool room(usize bytes) const;
    void put32(u32 v);
    void put_bytes(const void* p, usize n);
    void pad4();
    /// Distance from the end of the buffer to name @p name in the strings area, adding it if new; 0 on failure.
    u32 string_ref(const char* name);

    u8* m_buf;
    usize m_cap;
    usize m_rsv_end;      // End of the reservation entries written so far (before the terminator).
    usize m_struct_off;   // 0 until the root is opened.
    usize m_pos;          // Next byte of the structure block.
    usize m_strings = 0;  // Bytes used by the strings block at the end of the buffer.
    u32 m_depth = 0;
    bool m_root_done = false;
    bool m_has_child = false;  // The innermost open node already has a subnode.
    bool m_failed = false;
};

}  // namespace tn::fdt
