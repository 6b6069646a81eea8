// The nolibc string functions are tested through a private namespace copy of
// the source so that the host's own libc versions are not replaced.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

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

TEST(Nolibc, MemsetMemcpyMemcmp) {
    char a[16], b[16];
    nolibc::tn_memset(a, 'x', sizeof a);
    nolibc::tn_memcpy(b, a, sizeof a);
    EXPECT_EQ(0, nolibc::tn_memcmp(a, b, sizeof a));
    b[7] = 'y';
    EXPECT_EQ(-1, nolibc::tn_memcmp(a, b, sizeof a));
    EXPECT_EQ(1, nolibc::tn_memcmp(b, a, sizeof a));
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
