/// @file
/// @brief Exact ns <-> tick conversion with multiplies and shifts only.
///
/// A plain mult/shift scale (Linux clocksource style) is off by one unit on
/// exact values whenever the ratio is not a binary fraction: at 24 MHz one
/// second of ticks would read 999999999 ns. Here both directions are exact and
/// still need no divide instruction on the hot path:
///
///   to_ns(t)    = floor(t * 1e9 / f) = (t / f) * 1e9 + (t % f) * 1e9 / f
///   to_ticks(n) = ceil(n * f / 1e9)  = (n / 1e9) * f + ceil((n % 1e9) * f / 1e9)
///
/// Every intermediate fits 64 bits because f < 2^32 and the remainders are
/// below f or 1e9 (so (t % f) * 1e9 and (n % 1e9) * f are below 2^62). The
/// divisions by the constant 1e9 become multiplications in the compiler; the
/// divisions by f use a Divider: a 64-bit reciprocal of f, a 64x64 -> 128-bit
/// multiply (mul + umulh on AArch64) and at most two correction steps. Results
/// that do not fit 64 bits (2^64 ns is 584 years) saturate to ~0 instead of
/// wrapping. Rounding: to_ns rounds down (time never runs ahead of the
/// counter), to_ticks rounds up (a deadline never fires early).
#pragma once

#include <tn/clock.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::clock {

/// Exact floor(y / d) for a divisor fixed at setup: y * m >> s with the
/// reciprocal m = floor(2^s / d) in [2^63, 2^64), then correcting the
/// estimate, which is at most 2 too small (y / 2^s < 2 / d).
class Divider {
public:
    constexpr Divider() = default;
    /// @pre 1 <= d < 2^32. Setup uses binary long division on 64-bit integers,
    /// so no 128-bit division routine is needed from the compiler runtime.
    static Divider make(u64 d);

    /// The divisor d.
    u64 divisor() const { return m_divisor; }
    /// floor(y / d); @p rem receives y % d.
    u64 divide(u64 y, u64& rem) const;

private:
    u64 m_divisor = 1;
    u64 m_reciprocal = u64{1} << 63;
    unsigned m_shift = 63;
};

/// Conversions for one counter frequency.
class Conversion {
public:
    /// Highest frequency accepted: CNTFRQ_EL0 is 32 bits wide.
    static constexpr u64 k_max_frequency_hz = 0xffff'ffff;

    constexpr Conversion() = default;
    /// The conversions for a counter of @p freq_hz.
    /// @retval Error::BadFrequency unless 1 <= freq_hz <= k_max_frequency_hz.
    static Result<Conversion, Error> try_create(u64 freq_hz);

    /// floor(ticks * 1e9 / f), or ~0 past 2^64 - 1.
    u64 to_ns(u64 ticks) const;
    /// ceil(ns * f / 1e9), or ~0 past 2^64 - 1.
    u64 to_ticks(u64 ns) const;
    /// The frequency given to try_create().
    u64 frequency_hz() const { return m_by_frequency.divisor(); }

private:
    Divider m_by_frequency;
};

}  // namespace tn::clock
