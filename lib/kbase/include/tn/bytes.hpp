/// @file
/// @brief Little-endian fields of a byte buffer (file formats: ELF, the arm64
/// Image header; messages), read and written a byte at a time, so the buffer
/// need not be aligned.
#pragma once

#include <tn/types.hpp>

namespace tn {

/// The @p bytes-byte (at most 8) little-endian value at @p p.
constexpr u64 load_le(const u8* p, unsigned bytes) {
    u64 v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}
/// The 16-bit little-endian value at @p p.
constexpr u16 load_le16(const u8* p) { return static_cast<u16>(load_le(p, 2)); }
/// The 32-bit little-endian value at @p p.
constexpr u32 load_le32(const u8* p) { return static_cast<u32>(load_le(p, 4)); }
/// The 64-bit little-endian value at @p p.
constexpr u64 load_le64(const u8* p) { return load_le(p, 8); }

/// Writes the low @p bytes bytes (at most 8) of @p v at @p p, little-endian.
constexpr void store_le(u8* p, u64 v, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i, v >>= 8)
        p[i] = static_cast<u8>(v);
}
/// Writes @p v at @p p as 4 little-endian bytes.
constexpr void store_le32(u8* p, u32 v) { store_le(p, v, 4); }

}  // namespace tn
