// tn::fdt::Writer: see tn/fdt_writer.hpp for the layout and the failure model.
#include <tn/fdt_writer.hpp>

#include <string.h>

namespace tn::fdt {

namespace {

// Header (§5.2) and tokens (§5.4.1).
constexpr usize k_header_size = 40;
constexpr u32 k_magic_value = 0xd00dfeed;
constexpr u32 k_begin_node = 1, k_end_node = 2, k_prop = 3, k_end = 9;
constexpr u32 k_version = 17, k_last_comp_version = 16;

void store32(u8* p, u32 v) {
    p[0] = static_cast<u8>(v >> 24);
    p[1] = static_cast<u8>(v >> 16);
    p[2] = static_cast<u8>(v >> 8);
    p[3] = static_cast<u8>(v);
}

u32 load32(const u8* p) { return (u32{p[0]} << 24) | (u32{p[1]} << 16) | (u32{p[2]} << 8) | p[3]; }

constexpr usize align4(usize v) { return (v + 3) & ~usize{3}; }

}  // namespace

Writer::Writer(void* buf, usize cap)
    : m_buf(static_cast<u8*>(buf)), m_cap(cap), m_rsv_end(k_header_size), m_struct_off(0), m_pos(0) {
    // The blob's sizes and offsets are 32-bit fields.
    if (m_buf == nullptr || cap < k_header_size + 16 || cap > 0xffff'ffffu)
        m_failed = true;
}

bool Writer::room(usize bytes) const { return !m_failed && bytes <= m_cap - m_strings - m_pos; }

void Writer::put32(u32 v) {
    store32(m_buf + m_pos, v);
    m_pos += 4;
}

void Writer::put_bytes(const void* p, usize n) {
    if (n)
        memcpy(m_buf + m_pos, p, n);
    m_pos += n;
}

void Writer::pad4() {
    while (m_pos & 3)
        m_buf[m_pos++] = 0;
}

Writer& Writer::reserve(u64 address, u64 size) {
    // Entry plus the (0, 0) terminator must fit; the structure block has not started.
    if (m_failed || m_struct_off != 0 || m_rsv_end + 32 > m_cap) {
        m_failed = true;
        return *this;
    }
    u8* e = m_buf + m_rsv_end;
    store32(e, static_cast<u32>(address >> 32));
    store32(e + 4, static_cast<u32>(address));
    store32(e + 8, static_cast<u32>(size >> 32));
    store32(e + 12, static_cast<u32>(size));
    m_rsv_end += 16;
    return *this;
}

Writer& Writer::begin_node(const char* name) {
    if (m_failed)
        return *this;
    if (m_struct_off == 0) {
        // The root: terminate the reservation block and start the structure block after it.
        if (name == nullptr || name[0] != '\0' || m_rsv_end + 16 > m_cap) {
            m_failed = true;
            return *this;
        }
        memset(m_buf + m_rsv_end, 0, 16);
        m_struct_off = m_pos = m_rsv_end + 16;
    } else if (m_root_done || name == nullptr || name[0] == '\0') {
        m_failed = true;
        return *this;
    }
    const usize len = strlen(name) + 1;
    if (m_depth == ~u32{0} || !room(4 + align4(len))) {
        m_failed = true;
        return *this;
    }
    put32(k_begin_node);
    put_bytes(name, len);
    pad4();
    ++m_depth;
    m_has_child = false;
    return *this;
}

Writer& Writer::end_node() {
    if (m_failed || m_depth == 0 || !room(4)) {
        m_failed = true;
        return *this;
    }
    put32(k_end_node);
    --m_depth;
    m_has_child = true;  // The node we are back in has at least the one just closed.
    m_root_done = m_depth == 0;
    return *this;
}

u32 Writer::string_ref(const char* name) {
    const usize len = strlen(name) + 1;
    // Existing strings live in [m_cap - m_strings, m_cap), each NUL-terminated.
    for (usize off = m_cap - m_strings; off < m_cap; off += strlen(reinterpret_cast<const char*>(m_buf + off)) + 1)
        if (m_cap - off >= len && memcmp(m_buf + off, name, len) == 0)
            return static_cast<u32>(m_cap - off);
    if (len > m_cap - m_strings - m_pos)
        return 0;
    m_strings += len;
    memcpy(m_buf + m_cap - m_strings, name, len);
    return static_cast<u32>(m_strings);
}

Writer& Writer::property(const char* name, const void* data, u32 size) {
    if (m_failed || m_depth == 0 || m_has_child || name == nullptr || name[0] == '\0' ||
        (data == nullptr && size != 0)) {
        m_failed = true;
        return *this;
    }
    const u32 ref = string_ref(name);
    if (ref == 0 || !room(12 + align4(size))) {
        m_failed = true;
        return *this;
    }
    put32(k_prop);
    put32(size);
    put32(ref);  // Distance from the buffer end; finish() turns it into a strings-block offset.
    put_bytes(data, size);
    pad4();
    return *this;
}

Writer& Writer::property_u32(const char* name, u32 value) { return property_cells(name, &value, 1); }

Writer& Writer::property_u64(const char* name, u64 value) {
    const u32 cells[2] = {static_cast<u32>(value >> 32), static_cast<u32>(value)};
    return property_cells(name, cells, 2);
}

Writer& Writer::property_cells(const char* name, const u32* cells, usize count) {
    u8 be[64 * 4];  // Enough for every fixed layout the hypervisor writes.
    if (count > sizeof(be) / 4 || (cells == nullptr && count != 0)) {
        m_failed = true;
        return *this;
    }
    for (usize i = 0; i < count; ++i)
        store32(be + 4 * i, cells[i]);
    return property(name, be, static_cast<u32>(count * 4));
}

Writer& Writer::property_string(const char* name, const char* value) {
    if (value == nullptr) {
        m_failed = true;
        return *this;
    }
    return property(name, value, static_cast<u32>(strlen(value) + 1));
}

usize Writer::finish() {
    if (m_failed || !m_root_done || !room(4)) {
        m_failed = true;
        return 0;
    }
    put32(k_end);
    const usize struct_size = m_pos - m_struct_off;
    // Fix up name offsets: a reference r (distance from the buffer end) becomes
    // m_strings - r once the strings block starts at its lowest string.
    for (usize p = m_struct_off; p < m_pos;) {
        const u32 token = load32(m_buf + p);
        p += 4;
        if (token == k_begin_node) {
            p = align4(p + strlen(reinterpret_cast<const char*>(m_buf + p)) + 1);
        } else if (token == k_prop) {
            const u32 size = load32(m_buf + p);
            store32(m_buf + p + 4, static_cast<u32>(m_strings - load32(m_buf + p + 4)));
            p = align4(p + 8 + size);
        }
    }
    memmove(m_buf + m_pos, m_buf + m_cap - m_strings, m_strings);
    const usize total = m_pos + m_strings;
    const u32 header[10] = {k_magic_value,
                            static_cast<u32>(total),
                            static_cast<u32>(m_struct_off),
                            static_cast<u32>(m_pos),
                            static_cast<u32>(k_header_size),
                            k_version,
                            k_last_comp_version,
                            0,
                            static_cast<u32>(m_strings),
                            static_cast<u32>(struct_size)};
    for (usize i = 0; i < 10; ++i)
        store32(m_buf + 4 * i, header[i]);
    m_failed = true;  // Spent: a second finish() or more calls fail instead of corrupting the blob.
    return total;
}

}  // namespace tn::fdt
