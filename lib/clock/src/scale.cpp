#include <tn/clock_scale.hpp>

namespace tn::clock {

namespace {

__extension__ using u128 = unsigned __int128;

constexpr u64 k_ns_per_s = 1'000'000'000;
constexpr u64 k_top_bit = u64{1} << 63;
constexpr u64 k_saturated = ~u64{0};

// a * b + c, or ~0 if that does not fit 64 bits.
u64 mul_add_saturating(u64 a, u64 b, u64 c) {
    u64 product, sum;
    if (__builtin_mul_overflow(a, b, &product) || __builtin_add_overflow(product, c, &sum))
        return k_saturated;
    return sum;
}

}  // namespace

// Long division of 2^s by d, one quotient bit per step, until the quotient
// has 64 significant bits. Invariant at the loop head: 2^s == q * d + r with
// r < d < 2^32 (so 2r cannot overflow) and q < 2^63 (so 2q + 1 < 2^64).
Divider Divider::make(u64 d) {
    u64 q = 0;
    u64 r = 1;
    unsigned s = 0;
    if (d == 1) {
        q = 1;
        r = 0;
    }
    while (q < k_top_bit) {
        q *= 2;
        r *= 2;
        if (r >= d) {
            ++q;
            r -= d;
        }
        ++s;
    }
    Divider div;
    div.m_divisor = d;
    div.m_reciprocal = q;
    div.m_shift = s;
    return div;
}

// The estimate is floor(y * m / 2^s) with m <= 2^s / d < m + 1, so it is at
// most y / d and more than y / d - y / 2^s; since m >= 2^63 gives 2^s >= 2^63 d,
// y / 2^s < 2 / d <= 2: the loop runs at most twice, and q * d never exceeds y.
u64 Divider::divide(u64 y, u64& rem) const {
    u64 q = static_cast<u64>((static_cast<u128>(y) * m_reciprocal) >> m_shift);
    u64 r = y - q * m_divisor;
    while (r >= m_divisor) {
        ++q;
        r -= m_divisor;
    }
    rem = r;
    return q;
}

Result<Conversion, Error> Conversion::try_create(u64 freq_hz) {
    if (freq_hz == 0 || freq_hz > k_max_frequency_hz)
        return err(Error::BadFrequency);
    Conversion c;
    c.m_by_frequency = Divider::make(freq_hz);
    return c;
}

u64 Conversion::to_ns(u64 ticks) const {
    u64 rem, unused;
    u64 seconds = m_by_frequency.divide(ticks, rem);
    u64 fraction = m_by_frequency.divide(rem * k_ns_per_s, unused);  // rem * 1e9 < 2^62
    return mul_add_saturating(seconds, k_ns_per_s, fraction);
}

u64 Conversion::to_ticks(u64 ns) const {
    u64 f = frequency_hz();
    u64 seconds = ns / k_ns_per_s;
    u64 fraction = ((ns % k_ns_per_s) * f + k_ns_per_s - 1) / k_ns_per_s;  // < 2^62 before dividing
    return mul_add_saturating(seconds, f, fraction);
}

const char* error_name(Error e) {
    switch (e) {
    case Error::NoDevice: return "NoDevice";
    case Error::BadFrequency: return "BadFrequency";
    case Error::BadPeriod: return "BadPeriod";
    }
    return "?";
}

}  // namespace tn::clock
