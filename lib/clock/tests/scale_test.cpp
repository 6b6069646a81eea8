// ns <-> tick conversion against an exact reference (128-bit division on the
// host), over the counter frequencies in use and values up to 100 years.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include <tn/clock_scale.hpp>

namespace tn::clock {
namespace {

__extension__ using u128 = unsigned __int128;

constexpr u64 k_ns_per_s = 1'000'000'000;
constexpr u64 k_max = ~u64{0};
constexpr u64 k_century_s = 100ull * 365 * 24 * 3600;

u64 exact_floor(u64 v, u64 num, u64 den) {
    u128 q = static_cast<u128>(v) * num / den;
    return q >> 64 ? k_max : static_cast<u64>(q);
}

u64 exact_ceil(u64 v, u64 num, u64 den) {
    u128 q = (static_cast<u128>(v) * num + den - 1) / den;
    return q >> 64 ? k_max : static_cast<u64>(q);
}

Conversion conv(u64 hz) {
    auto c = Conversion::try_create(hz);
    EXPECT_TRUE(c.ok());
    return c.value();
}

// QEMU virt (62.5 MHz), RK3568 (24 MHz), common SoCs, Armv8.6+ (1 GHz), extremes.
const u64 k_frequencies[] = {62'500'000, 24'000'000, 19'200'000, 50'000'000, 1'000'000'000,
                             1,          3,          32'768,     Conversion::k_max_frequency_hz};

std::vector<u64> samples(u64 hz) {
    std::vector<u64> v = {0, 1, 2, hz - 1, hz, hz + 1, 1000 * hz, k_century_s * hz};
    std::mt19937_64 rng(hz);
    for (int i = 0; i < 2000; ++i)
        v.push_back(rng() >> (rng() % 64));
    return v;
}

TEST(Conversion, RejectsFrequenciesCntfrqCannotHold) {
    EXPECT_EQ(Conversion::try_create(0).error(), Error::BadFrequency);
    EXPECT_EQ(Conversion::try_create(Conversion::k_max_frequency_hz + 1).error(), Error::BadFrequency);
    EXPECT_TRUE(Conversion::try_create(1).ok());
}

TEST(Conversion, QemuVirtCounterIsSixteenNanosecondsPerTick) {
    Conversion c = conv(62'500'000);
    EXPECT_EQ(c.to_ns(1), 16u);
    EXPECT_EQ(c.to_ns(62'500'000), k_ns_per_s);
    EXPECT_EQ(c.to_ticks(16), 1u);
    EXPECT_EQ(c.to_ticks(17), 2u);  // Rounds up: a deadline never fires early.
    EXPECT_EQ(c.to_ticks(10'000'000), 625'000u);
    EXPECT_EQ(c.to_ticks(0), 0u);
}

TEST(Conversion, TicksToNsIsTheExactFloor) {
    for (u64 hz : k_frequencies) {
        Conversion c = conv(hz);
        for (u64 t : samples(hz))
            ASSERT_EQ(c.to_ns(t), exact_floor(t, k_ns_per_s, hz)) << hz << " Hz, " << t << " ticks";
    }
}

TEST(Conversion, NsToTicksIsTheExactCeiling) {
    for (u64 hz : k_frequencies) {
        Conversion c = conv(hz);
        for (u64 ns : samples(hz))
            ASSERT_EQ(c.to_ticks(ns), exact_ceil(ns, hz, k_ns_per_s)) << hz << " Hz, " << ns << " ns";
    }
}

TEST(Conversion, WholeSecondsStayWholeForACentury) {
    for (u64 hz : {u64{24'000'000}, u64{19'200'000}, u64{62'500'000}, u64{1'000'000'000}, u64{32'768}}) {
        Conversion c = conv(hz);
        for (u64 s : {u64{1}, u64{3600}, k_century_s}) {
            EXPECT_EQ(c.to_ns(s * hz), s * k_ns_per_s) << hz << " Hz, " << s << " s";
            EXPECT_EQ(c.to_ticks(s * k_ns_per_s), s * hz) << hz << " Hz, " << s << " s";
        }
    }
}

TEST(Conversion, MonotonicInTheInput) {
    Conversion c = conv(24'000'000);
    u64 prev = 0;
    for (u64 t = 0; t < 100'000; ++t) {
        u64 ns = c.to_ns(t);
        ASSERT_GE(ns, prev);
        prev = ns;
    }
}

TEST(Conversion, SaturatesInsteadOfWrapping) {
    EXPECT_EQ(conv(62'500'000).to_ns(k_max), k_max);  // 2^64 ticks * 16 ns
    EXPECT_EQ(conv(1).to_ns(k_max / 2), k_max);
    EXPECT_EQ(conv(Conversion::k_max_frequency_hz).to_ticks(k_max), k_max);
    // At 1 GHz both directions are the identity, up to the very top.
    EXPECT_EQ(conv(1'000'000'000).to_ticks(k_max), k_max);
    EXPECT_EQ(conv(1'000'000'000).to_ns(k_max), k_max);
    EXPECT_EQ(conv(1'000'000'000).to_ns(k_max - 5), k_max - 5);
}

TEST(Divider, ExactForRandomDividendsAndDivisors) {
    std::mt19937_64 rng(42);
    std::vector<u64> divisors = {1, 2, 3, 7, 1'000'000'000, 24'000'000, 62'500'000, 0xffff'ffff, 0x8000'0000};
    for (int i = 0; i < 200; ++i)
        divisors.push_back(1 + (rng() >> (32 + rng() % 32)));
    for (u64 d : divisors) {
        Divider div = Divider::make(d);
        for (u64 y : {u64{0}, u64{1}, d - 1, d, d + 1, k_max, k_max - 1, k_max / d * d, rng(), rng() >> 20}) {
            u64 rem;
            ASSERT_EQ(div.divide(y, rem), y / d) << y << " / " << d;
            ASSERT_EQ(rem, y % d) << y << " % " << d;
        }
    }
}

TEST(ErrorName, NamesEveryError) {
    EXPECT_STREQ(error_name(Error::NoDevice), "NoDevice");
    EXPECT_STREQ(error_name(Error::BadFrequency), "BadFrequency");
    EXPECT_STREQ(error_name(Error::BadPeriod), "BadPeriod");
}

}  // namespace
}  // namespace tn::clock
