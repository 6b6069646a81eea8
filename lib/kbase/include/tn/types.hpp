/// @file
/// Fixed-width integer vocabulary shared by every Tenon and Mortise library.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace tn {

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i8 = int8_t;
using i16 = int16_t;
using i32 = int32_t;
using i64 = int64_t;
using usize = size_t;
using uptr = uintptr_t;

constexpr usize KiB = 1024;
constexpr usize MiB = 1024 * KiB;
constexpr u64 GiB = u64{1024} * MiB;

/// Rounds @p v up to a multiple of @p a. @pre a is a power of two.
constexpr u64 align_up(u64 v, u64 a) { return (v + a - 1) & ~(a - 1); }
/// Rounds @p v down to a multiple of @p a. @pre a is a power of two.
constexpr u64 align_down(u64 v, u64 a) { return v & ~(a - 1); }
constexpr bool is_aligned(u64 v, u64 a) { return (v & (a - 1)) == 0; }
constexpr bool is_pow2(u64 v) { return v != 0 && (v & (v - 1)) == 0; }

/// Printable name of enumerator @p e from a table in enumerator order; "?" for
/// a value the table does not cover. For the error_name() functions.
template <typename E, usize N>
constexpr const char* enum_name(const char* const (&names)[N], E e) {
    auto i = static_cast<usize>(e);
    return i < N ? names[i] : "?";
}

}  // namespace tn
