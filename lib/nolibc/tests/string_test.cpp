// The nolibc string functions are tested through a private namespace copy of
// the source so that the host's own libc versions are not replaced.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace nolibc {
#define memcpy tn_memcpy
#define memmove tn_memmove
#define memset tn_memset
#define memcmp tn_memcmp
#define strlen tn_strlen
#define strnlen tn_strnlen
#define strcmp tn_strcmp
#define strncmp tn_strncmp
#define strchr tn_strchr
#include "../src/string.cpp"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
}  // namespace nolibc

namespace {

int sign(int v) { return (v > 0) - (v < 0); }

TEST(Nolibc, MemmoveOverlapsBothWays) {
    std::mt19937 rng(1);
    for (int i = 0; i < 2000; ++i) {
        unsigned char a[64], b[64];
        for (auto& c : a)
            c = static_cast<unsigned char>(rng());
        std::memcpy(b, a, sizeof a);
        size_t src = rng() % 32, dst = rng() % 32, n = rng() % 32;
        nolibc::tn_memmove(a + dst, a + src, n);
        std::memmove(b + dst, b + src, n);
        ASSERT_EQ(0, std::memcmp(a, b, sizeof a));
    }
}

// Every size 0..80 at every source and destination alignment 0..15 (relative
// to a 16-byte aligned buffer), against a byte-by-byte reference. Guard bytes
// around the destination must come back untouched.
constexpr size_t kMaxSize = 80, kAlign = 16, kGuard = 16;
constexpr size_t kBuf = kGuard + kAlign + kMaxSize + kGuard;

unsigned char pattern(size_t i, size_t salt) { return static_cast<unsigned char>(i * 131 + salt * 7 + 1); }

TEST(Nolibc, MemcpyEverySizeAndAlignment) {
    alignas(16) unsigned char src[kBuf], dst[kBuf], want[kBuf];
    for (size_t n = 0; n <= kMaxSize; ++n)
        for (size_t sa = 0; sa < kAlign; ++sa)
            for (size_t da = 0; da < kAlign; ++da) {
                for (size_t i = 0; i < kBuf; ++i) {
                    src[i] = pattern(i, 1);
                    dst[i] = want[i] = pattern(i, 2);
                }
                unsigned char* d = dst + kGuard + da;
                const unsigned char* s = src + kGuard + sa;
                for (size_t i = 0; i < n; ++i)
                    want[kGuard + da + i] = s[i];
                ASSERT_EQ(nolibc::tn_memcpy(d, s, n), d);
                ASSERT_EQ(0, std::memcmp(dst, want, kBuf)) << "n=" << n << " src+" << sa << " dst+" << da;
                for (size_t i = 0; i < kBuf; ++i)
                    ASSERT_EQ(src[i], pattern(i, 1)) << "source changed";
            }
}

// Source and destination in one buffer at every pair of offsets, so the
// ranges overlap in both directions (and not at all) at every alignment.
TEST(Nolibc, MemmoveEverySizeOffsetAndAlignment) {
    constexpr size_t kSpan = kAlign + kMaxSize;  // offsets 0..kSpan-1 within the window
    constexpr size_t kMove = kGuard + kSpan + kMaxSize + kGuard;
    alignas(16) unsigned char buf[kMove], want[kMove];
    for (size_t n = 0; n <= kMaxSize; ++n)
        for (size_t so = 0; so < kSpan; ++so)
            for (size_t doff = 0; doff < kSpan; ++doff) {
                for (size_t i = 0; i < kMove; ++i)
                    buf[i] = want[i] = pattern(i, 3);
                unsigned char tmp[kMaxSize];
                for (size_t i = 0; i < n; ++i)
                    tmp[i] = want[kGuard + so + i];
                for (size_t i = 0; i < n; ++i)
                    want[kGuard + doff + i] = tmp[i];
                unsigned char* d = buf + kGuard + doff;
                ASSERT_EQ(nolibc::tn_memmove(d, buf + kGuard + so, n), d);
                ASSERT_EQ(0, std::memcmp(buf, want, kMove)) << "n=" << n << " src+" << so << " dst+" << doff;
            }
}

TEST(Nolibc, MemsetEverySizeAndAlignment) {
    alignas(16) unsigned char dst[kBuf], want[kBuf];
    for (int c : {0, 0x5a, 0xff, 0x1a5, -1, -128})
        for (size_t n = 0; n <= kMaxSize; ++n)
            for (size_t da = 0; da < kAlign; ++da) {
                for (size_t i = 0; i < kBuf; ++i)
                    dst[i] = want[i] = pattern(i, 4);
                for (size_t i = 0; i < n; ++i)
                    want[kGuard + da + i] = static_cast<unsigned char>(c);
                unsigned char* d = dst + kGuard + da;
                ASSERT_EQ(nolibc::tn_memset(d, c, n), d);
                ASSERT_EQ(0, std::memcmp(dst, want, kBuf)) << "c=" << c << " n=" << n << " dst+" << da;
            }
}

// Larger copies, so the unrolled loops run many times, in heap blocks sized
// exactly so that ASan reports any access past either end.
TEST(Nolibc, LargeCopiesStayInBounds) {
    std::mt19937 rng(2);
    for (int iter = 0; iter < 300; ++iter) {
        size_t n = rng() % 4096, sa = rng() % 16, da = rng() % 16;
        std::vector<unsigned char> src(sa + n), dst(da + n), want(da + n);
        for (auto& c : src)
            c = static_cast<unsigned char>(rng());
        for (size_t i = 0; i < dst.size(); ++i)
            dst[i] = want[i] = static_cast<unsigned char>(rng());
        std::memcpy(want.data() + da, src.data() + sa, n);
        nolibc::tn_memcpy(dst.data() + da, src.data() + sa, n);
        ASSERT_EQ(dst, want) << "memcpy n=" << n;
        size_t half = dst.size() / 2;
        std::memmove(want.data(), want.data() + half, want.size() - half);
        nolibc::tn_memmove(dst.data(), dst.data() + half, dst.size() - half);
        ASSERT_EQ(dst, want) << "memmove down n=" << n;
        size_t back = n / 3;
        std::memmove(want.data() + back, want.data(), want.size() - back);
        nolibc::tn_memmove(dst.data() + back, dst.data(), dst.size() - back);
        ASSERT_EQ(dst, want) << "memmove up n=" << n;
        int c = static_cast<int>(rng());
        std::memset(want.data() + da, c, n);
        nolibc::tn_memset(dst.data() + da, c, n);
        ASSERT_EQ(dst, want) << "memset n=" << n;
    }
}

TEST(Nolibc, MemsetMemcpyMemcmp) {
    char a[16], b[16];
    nolibc::tn_memset(a, 'x', sizeof a);
    nolibc::tn_memcpy(b, a, sizeof a);
    EXPECT_EQ(0, nolibc::tn_memcmp(a, b, sizeof a));
    b[7] = 'y';
    EXPECT_EQ(-1, nolibc::tn_memcmp(a, b, sizeof a));
    EXPECT_EQ(1, nolibc::tn_memcmp(b, a, sizeof a));
}

// Every size up to 80 at every alignment of each side (equal alignment
// modulo 8 takes the word path), with no difference or one at each position,
// either way round and with bytes that differ in sign as signed char: the
// result is the sign of the first differing byte as unsigned char.
TEST(Nolibc, MemcmpEverySizeAlignmentAndDifference) {
    constexpr size_t kMax = 80;
    alignas(8) unsigned char a[kMax + 16], b[kMax + 16];
    for (size_t n = 0; n <= kMax; ++n)
        for (size_t aa = 0; aa < 8; ++aa)
            for (size_t ba = 0; ba < 8; ++ba) {
                for (size_t i = 0; i < n; ++i)
                    a[aa + i] = b[ba + i] = static_cast<unsigned char>(0x41 + i * 7);
                ASSERT_EQ(0, nolibc::tn_memcmp(a + aa, b + ba, n)) << "n=" << n << " a+" << aa << " b+" << ba;
                for (size_t at = 0; at < n; ++at) {
                    const unsigned char low = 0x10, high = 0xf0;  // 0xf0 is negative as signed char
                    a[aa + at] = low;
                    b[ba + at] = high;
                    // A later difference the other way must not decide.
                    if (at + 1 < n)
                        a[aa + at + 1] = 0xff, b[ba + at + 1] = 0;
                    ASSERT_EQ(-1, nolibc::tn_memcmp(a + aa, b + ba, n))
                        << "n=" << n << " a+" << aa << " b+" << ba << " at " << at;
                    ASSERT_EQ(1, nolibc::tn_memcmp(b + ba, a + aa, n))
                        << "n=" << n << " a+" << aa << " b+" << ba << " at " << at;
                    ASSERT_EQ(0, nolibc::tn_memcmp(a + aa, b + ba, at)) << "prefix before the difference";
                    for (size_t i = at; i < n; ++i)
                        a[aa + i] = b[ba + i] = static_cast<unsigned char>(0x41 + i * 7);
                }
            }
}

TEST(Nolibc, Strings) {
    const char* words[] = {"", "a", "abc", "abd", "ab", "\xff"};
    for (auto* x : words) {
        EXPECT_EQ(nolibc::tn_strlen(x), std::strlen(x));
        for (auto* y : words) {
            EXPECT_EQ(sign(nolibc::tn_strcmp(x, y)), sign(std::strcmp(x, y))) << x << " " << y;
            EXPECT_EQ(sign(nolibc::tn_strncmp(x, y, 2)), sign(std::strncmp(x, y, 2))) << x << " " << y;
        }
    }
    EXPECT_EQ(nolibc::tn_strnlen("abcdef", 3), 3u);
    const char* s = "hello";
    EXPECT_EQ(nolibc::tn_strchr(s, 'l'), s + 2);
    EXPECT_EQ(nolibc::tn_strchr(s, 0), s + 5);
    EXPECT_EQ(nolibc::tn_strchr(s, 'z'), nullptr);
}

}  // namespace
