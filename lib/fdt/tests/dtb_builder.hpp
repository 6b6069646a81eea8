// Test-only DTB writer: emits blobs in the layout of Devicetree Specification v0.4
// chapter 5, including malformed ones (raw tokens, no FDT_END, odd versions), so the
// reader's tests need neither dtc nor checked-in binaries.
#pragma once

#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include <tn/types.hpp>

namespace tn::fdt::test {

inline void put_be32(std::vector<u8>& b, usize off, u32 v) {
    b[off] = static_cast<u8>(v >> 24);
    b[off + 1] = static_cast<u8>(v >> 16);
    b[off + 2] = static_cast<u8>(v >> 8);
    b[off + 3] = static_cast<u8>(v);
}

inline u32 get_be32(const std::vector<u8>& b, usize off) {
    return (u32{b[off]} << 24) | (u32{b[off + 1]} << 16) | (u32{b[off + 2]} << 8) | b[off + 3];
}

// Header field offsets (§5.2).
enum HeaderField : usize {
    k_h_magic = 0,
    k_h_totalsize = 4,
    k_h_off_struct = 8,
    k_h_off_strings = 12,
    k_h_off_rsvmap = 16,
    k_h_version = 20,
    k_h_last_comp = 24,
    k_h_boot_cpuid = 28,
    k_h_size_strings = 32,
    k_h_size_struct = 36,
};

/// A heap copy of exactly @p size bytes, so ASan reports any read past the end.
class Buffer {
public:
    Buffer(const u8* data, usize size) : m_mem(new u8[size ? size : 1]), m_size(size) {
        if (size)
            std::memcpy(m_mem.get(), data, size);
    }
    explicit Buffer(const std::vector<u8>& v) : Buffer(v.data(), v.size()) {}
    const u8* data() const { return m_mem.get(); }
    usize size() const { return m_size; }

private:
    std::unique_ptr<u8[]> m_mem;
    usize m_size;
};

struct BuildOptions {
    u32 version = 17;
    u32 last_comp_version = 16;
    u32 boot_cpuid = 0;
    bool end_token = true;      // Append FDT_END.
    bool strings_first = false; // Strings block before the structure block.
};

class DtbBuilder {
public:
    using Options = BuildOptions;

    DtbBuilder& begin(const std::string& name) {
        word(1);
        bytes(name.data(), name.size());
        m_struct.push_back(0);
        pad();
        return *this;
    }
    DtbBuilder& end() { return word(2); }
    DtbBuilder& nop() { return word(4); }
    DtbBuilder& word(u32 v) {
        usize off = m_struct.size();
        m_struct.resize(off + 4);
        put_be32(m_struct, off, v);
        return *this;
    }
    DtbBuilder& prop(const std::string& name, const std::vector<u8>& value) {
        word(3);
        word(static_cast<u32>(value.size()));
        word(string_offset(name));
        bytes(value.data(), value.size());
        pad();
        return *this;
    }
    DtbBuilder& prop_empty(const std::string& name) { return prop(name, {}); }
    DtbBuilder& prop_cells(const std::string& name, std::initializer_list<u32> cells) {
        std::vector<u8> v(cells.size() * 4);
        usize i = 0;
        for (u32 c : cells)
            put_be32(v, 4 * i++, c);
        return prop(name, v);
    }
    DtbBuilder& prop_u32(const std::string& name, u32 v) { return prop_cells(name, {v}); }
    DtbBuilder& prop_u64(const std::string& name, u64 v) {
        return prop_cells(name, {static_cast<u32>(v >> 32), static_cast<u32>(v)});
    }
    DtbBuilder& prop_str(const std::string& name, const std::string& s) {
        std::vector<u8> v(s.begin(), s.end());
        v.push_back(0);
        return prop(name, v);
    }
    DtbBuilder& prop_strs(const std::string& name, std::initializer_list<std::string> list) {
        std::vector<u8> v;
        for (const auto& s : list) {
            v.insert(v.end(), s.begin(), s.end());
            v.push_back(0);
        }
        return prop(name, v);
    }
    DtbBuilder& reserve(u64 address, u64 size) {
        m_rsv.push_back(address);
        m_rsv.push_back(size);
        return *this;
    }

    std::vector<u8> build(const BuildOptions& o = {}) const {
        std::vector<u8> st = m_struct;
        if (o.end_token) {
            st.resize(st.size() + 4);
            put_be32(st, st.size() - 4, 9);
        }
        usize rsv_off = 40;
        usize rsv_size = (m_rsv.size() + 2) * 8;
        usize first = rsv_off + rsv_size;
        usize struct_off = o.strings_first ? align4(first + m_strings.size()) : first;
        usize strings_off = o.strings_first ? first : struct_off + st.size();
        usize total = o.strings_first ? struct_off + st.size() : strings_off + m_strings.size();
        std::vector<u8> b(total, 0);
        u32 fields[10] = {0xd00dfeed, u32(total), u32(struct_off), u32(strings_off), u32(rsv_off),
                          o.version, o.last_comp_version, o.boot_cpuid, u32(m_strings.size()),
                          u32(st.size())};
        for (usize i = 0; i < 10; ++i)
            put_be32(b, 4 * i, fields[i]);
        for (usize i = 0; i < m_rsv.size(); ++i) {
            put_be32(b, rsv_off + 8 * i, static_cast<u32>(m_rsv[i] >> 32));
            put_be32(b, rsv_off + 8 * i + 4, static_cast<u32>(m_rsv[i]));
        }
        std::memcpy(b.data() + struct_off, st.data(), st.size());
        if (!m_strings.empty())
            std::memcpy(b.data() + strings_off, m_strings.data(), m_strings.size());
        return b;
    }

private:
    static usize align4(usize v) { return (v + 3) & ~usize{3}; }
    void bytes(const void* p, usize n) {
        const u8* b = static_cast<const u8*>(p);
        m_struct.insert(m_struct.end(), b, b + n);
    }
    void pad() { m_struct.resize(align4(m_struct.size()), 0); }
    u32 string_offset(const std::string& name) {
        // Share names like dtc does: reuse an existing entry with the same text.
        for (usize off = 0; off < m_strings.size(); off += std::strlen(&m_strings[off]) + 1) {
            if (name == &m_strings[off])
                return static_cast<u32>(off);
        }
        u32 off = static_cast<u32>(m_strings.size());
        m_strings.insert(m_strings.end(), name.begin(), name.end());
        m_strings.push_back('\0');
        return off;
    }

    std::vector<u8> m_struct;
    std::vector<char> m_strings;
    std::vector<u64> m_rsv;
};

}  // namespace tn::fdt::test
