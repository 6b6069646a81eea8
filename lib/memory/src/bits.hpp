// Private bit helpers of lib/memory. They compile to single instructions (clz,
// rbit + clz) on AArch64 and never call libgcc.
#pragma once

#include <tn/types.hpp>

namespace tn::mem::bits {

/// floor(log2(v)). @pre v != 0
constexpr unsigned floor_log2(u64 v) { return 63u - static_cast<unsigned>(__builtin_clzll(v)); }

/// ceil(log2(v)). @pre v != 0
constexpr unsigned ceil_log2(u64 v) { return v == 1 ? 0u : floor_log2(v - 1) + 1u; }

/// Index of the lowest set bit. @pre v != 0
constexpr unsigned lowest_bit(u32 v) { return static_cast<unsigned>(__builtin_ctz(v)); }

/// Index of the highest set bit. @pre v != 0
constexpr unsigned highest_bit(u32 v) { return 31u - static_cast<unsigned>(__builtin_clz(v)); }

}  // namespace tn::mem::bits
