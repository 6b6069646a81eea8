// tn::PhysAddr, tn::Ipa and tn::VirtAddr: arithmetic, alignment and ranges, and,
// checked at compile time, that no kind converts to another or from an integer
// without saying so (a test that compiles is the proof).
#include <gtest/gtest.h>

#include <type_traits>

#include <tn/addr.hpp>

namespace {

using tn::Ipa;
using tn::IpaRange;
using tn::PhysAddr;
using tn::PhysRange;
using tn::u64;
using tn::VirtAddr;

// No kind converts to another, implicitly or explicitly.
static_assert(!std::is_convertible_v<Ipa, PhysAddr> && !std::is_convertible_v<PhysAddr, Ipa>);
static_assert(!std::is_constructible_v<PhysAddr, Ipa> && !std::is_constructible_v<Ipa, PhysAddr>);
static_assert(!std::is_constructible_v<VirtAddr, PhysAddr> && !std::is_constructible_v<PhysAddr, VirtAddr>);
static_assert(!std::is_constructible_v<Ipa, VirtAddr> && !std::is_constructible_v<VirtAddr, Ipa>);
// Integers come in only through the explicit constructor and go out only through value().
static_assert(!std::is_convertible_v<u64, PhysAddr> && std::is_constructible_v<PhysAddr, u64>);
static_assert(!std::is_convertible_v<PhysAddr, u64> && !std::is_constructible_v<u64, PhysAddr>);
// Kinds do not compare, subtract or combine with each other; an address plus an address means nothing.
template <class A, class B>
constexpr bool k_comparable = requires(A a, B b) { a < b; };
template <class A, class B>
constexpr bool k_subtractable = requires(A a, B b) { a - b; };
template <class A, class B>
constexpr bool k_addable = requires(A a, B b) { a + b; };
static_assert(k_comparable<Ipa, Ipa> && !k_comparable<Ipa, PhysAddr> && !k_comparable<PhysAddr, VirtAddr>);
static_assert(k_subtractable<Ipa, Ipa> && !k_subtractable<Ipa, PhysAddr>);
static_assert(k_addable<Ipa, u64> && !k_addable<Ipa, Ipa> && !k_addable<PhysAddr, Ipa>);
// A range holds one kind only.
template <class R, class A>
constexpr bool k_containable = requires(R r, A a) { r.contains(a); };
template <class R, class S>
constexpr bool k_overlappable = requires(R r, S s) { r.overlaps(s); };
static_assert(!std::is_convertible_v<IpaRange, PhysRange>);
static_assert(k_containable<IpaRange, Ipa> && !k_containable<IpaRange, PhysAddr> && !k_containable<IpaRange, u64>);
static_assert(k_overlappable<IpaRange, IpaRange> && !k_overlappable<IpaRange, PhysRange>);

TEST(Addr, DistinctTypesCompare) {
    PhysAddr a{0x1000}, b{0x2000};
    EXPECT_LT(a, b);
    EXPECT_EQ(a + 0x1000, b);
    EXPECT_EQ(b - 0x1000, a);
    EXPECT_EQ(b - a, 0x1000u);
    a += 0x1000;
    EXPECT_EQ(a, b);
}

TEST(Addr, Alignment) {
    constexpr Ipa a{0x4020'1234};
    static_assert(a.align_down(0x1000) == Ipa{0x4020'1000} && a.align_up(0x1000) == Ipa{0x4020'2000});
    EXPECT_FALSE(a.aligned(0x1000));
    EXPECT_TRUE(a.align_down(0x20'0000).aligned(0x20'0000));
    EXPECT_EQ(a.align_down(0x20'0000).value(), 0x4020'0000u);
    EXPECT_EQ(Ipa{0x5000}.align_up(0x1000), Ipa{0x5000});
}

TEST(AddrRange, ContainsAndOverlaps) {
    constexpr IpaRange r{Ipa{0x4000'0000}, 0x1000};
    static_assert(r.end() == Ipa{0x4000'1000});
    EXPECT_TRUE(r.contains(Ipa{0x4000'0000}));
    EXPECT_TRUE(r.contains(Ipa{0x4000'0fff}));
    EXPECT_FALSE(r.contains(Ipa{0x4000'1000}));
    EXPECT_FALSE(r.contains(Ipa{0x3fff'ffff}));
    EXPECT_TRUE(r.contains(Ipa{0x4000'0ff0}, 0x10));
    EXPECT_FALSE(r.contains(Ipa{0x4000'0ff0}, 0x11));
    EXPECT_FALSE(r.contains(Ipa{0x4000'0000}, 0x1001));
    EXPECT_FALSE(r.contains(Ipa{0x4000'0010}, ~u64{0}));  // a length that would wrap
    EXPECT_TRUE(r.overlaps({Ipa{0x4000'0fff}, 1}));
    EXPECT_FALSE(r.overlaps({Ipa{0x4000'1000}, 0x1000}));
    EXPECT_FALSE(r.overlaps({Ipa{0x4000'0800}, 0}));  // empty ranges overlap nothing
    EXPECT_TRUE((PhysRange{PhysAddr{0x1000}, 0x10} == PhysRange{PhysAddr{0x1000}, 0x10}));
}

}  // namespace
