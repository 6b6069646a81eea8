// Private byte and string helpers of lib/fdt. The library links no libc, so these
// replace strlen/strcmp; every scan of blob memory takes an explicit bound.
#pragma once

#include <tn/types.hpp>

namespace tn::fdt::detail {

/// Big-endian u32 at @p p (§5.1: all DTB integers are big-endian).
inline u32 be32(const u8* p) {
    return (u32{p[0]} << 24) | (u32{p[1]} << 16) | (u32{p[2]} << 8) | u32{p[3]};
}

/// Big-endian u64 at @p p, read as two u32 halves (@p p may be only 4-byte aligned).
inline u64 be64(const u8* p) { return (u64{be32(p)} << 32) | be32(p + 4); }

/// The 4 bytes at 4-byte aligned @p p as one native-endian load: a single instruction even
/// under -mstrict-align, which makes byte-wise code (be32) cost about seven.
inline u32 load32(const u8* p) {
    u32 v;
    __builtin_memcpy(&v, __builtin_assume_aligned(p, 4), 4);
    return v;
}

/// Big-endian u32 at 4-byte aligned @p p (structure block tokens, §5.4.1).
inline u32 be32_aligned(const u8* p) {
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
        return __builtin_bswap32(load32(p));
    else
        return load32(p);
}

/// Length of the string at @p s, scanning at most @p max bytes; @p max if no NUL.
inline usize bounded_len(const char* s, usize max) {
    usize n = 0;
    while (n < max && s[n] != '\0')
        ++n;
    return n;
}

/// Length of the string at 4-byte aligned @p s, scanning at most @p max bytes; @p max if
/// no NUL. Reads whole aligned words while one fits in @p max, then bytes: it never reads
/// past s + max. Node names (§5.4.1 FDT_BEGIN_NODE) are aligned, and a walk reads each.
inline usize bounded_len_aligned(const char* s, usize max) {
    const u8* p = reinterpret_cast<const u8*>(s);
    usize n = 0;
    for (; n + 4 <= max; n += 4) {
        u32 w = load32(p + n);
        // Exact per-byte zero test (no false positives): bit 7 of a byte ends up set iff
        // the byte is 0 (Hacker's Delight §6-1).
        u32 zero = ~(((w & 0x7f7f7f7fu) + 0x7f7f7f7fu) | w | 0x7f7f7f7fu);
        if (zero != 0) {
            if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
                return n + static_cast<usize>(__builtin_ctz(zero)) / 8;
            else
                return n + static_cast<usize>(__builtin_clz(zero)) / 8;
        }
    }
    return n + bounded_len(s + n, max - n);  // The last 0-3 bytes.
}

/// Length of a caller-supplied C string (trusted to be terminated).
inline usize cstr_len(const char* s) {
    usize n = 0;
    while (s[n] != '\0')
        ++n;
    return n;
}

/// True if NUL-terminated @p s equals the @p len bytes at @p text (no NUL needed there).
inline bool equals_n(const char* s, const char* text, usize len) {
    for (usize i = 0; i < len; ++i) {
        if (s[i] != text[i])
            return false;  // Also stops at the NUL of a shorter s.
    }
    return s[len] == '\0';
}

inline bool equals(const char* a, const char* b) { return equals_n(a, b, cstr_len(b)); }

/// equals() against a string literal, whose length the compiler knows.
template <usize N>
inline bool equals_literal(const char* s, const char (&literal)[N]) {
    return equals_n(s, literal, N - 1);
}

/// Index of the first of @p stop1 / @p stop2 / NUL in @p s.
inline usize span_until(const char* s, char stop1, char stop2) {
    usize n = 0;
    while (s[n] != '\0' && s[n] != stop1 && s[n] != stop2)
        ++n;
    return n;
}

}  // namespace tn::fdt::detail
