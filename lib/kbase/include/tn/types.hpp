/// @file
/// @brief Fixed-width integer vocabulary shared by every Tenon and Mortise library.
#pragma once

#include <stddef.h>
#include <stdint.h>

/// Everything of Tenon and Mortise: tn::sched, tn::sync, tn::mem, ...
namespace tn {

using u8 = uint8_t;     ///< Unsigned 8-bit integer.
using u16 = uint16_t;   ///< Unsigned 16-bit integer.
using u32 = uint32_t;   ///< Unsigned 32-bit integer.
using u64 = uint64_t;   ///< Unsigned 64-bit integer.
using i8 = int8_t;      ///< Signed 8-bit integer.
using i16 = int16_t;    ///< Signed 16-bit integer.
using i32 = int32_t;    ///< Signed 32-bit integer.
using i64 = int64_t;    ///< Signed 64-bit integer.
using usize = size_t;   ///< Size of an object or count of elements.
using uptr = uintptr_t; ///< An address as an integer.

constexpr usize KiB = 1024;           ///< 2^10 bytes.
constexpr usize MiB = 1024 * KiB;     ///< 2^20 bytes.
constexpr u64 GiB = u64{1024} * MiB;  ///< 2^30 bytes.

/// Rounds @p v up to a multiple of @p a. @pre a is a power of two.
constexpr u64 align_up(u64 v, u64 a) { return (v + a - 1) & ~(a - 1); }
/// Rounds @p v down to a multiple of @p a. @pre a is a power of two.
constexpr u64 align_down(u64 v, u64 a) { return v & ~(a - 1); }
/// True if @p v is a multiple of @p a. @pre a is a power of two.
constexpr bool is_aligned(u64 v, u64 a) { return (v & (a - 1)) == 0; }
/// True if @p v is a power of two (0 is not).
constexpr bool is_pow2(u64 v) { return v != 0 && (v & (v - 1)) == 0; }

/// Printable name of enumerator @p e from a table in enumerator order; "?" for
/// a value the table does not cover. For the error_name() functions.
template <typename E, usize N>
constexpr const char* enum_name(const char* const (&names)[N], E e) {
    auto i = static_cast<usize>(e);
    return i < N ? names[i] : "?";
}

}  // namespace tn
