// The formatter must agree with the host C library's snprintf on every case it
// supports, including truncation and the returned length.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <string>

#include <tn/format.hpp>

#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"

namespace {

#define EXPECT_FORMAT_MATCHES(...)                                      \
    do {                                                                \
        char want[256], got[256];                                       \
        int wn = std::snprintf(want, sizeof want, __VA_ARGS__);         \
        auto gn = tn::fmt::format(got, sizeof got, __VA_ARGS__);        \
        EXPECT_STREQ(got, want);                                        \
        EXPECT_EQ(gn, static_cast<size_t>(wn));                         \
    } while (0)

TEST(Format, Integers) {
    EXPECT_FORMAT_MATCHES("%d %i %u", 0, -42, 42u);
    EXPECT_FORMAT_MATCHES("%d %d", INT_MIN, INT_MAX);
    EXPECT_FORMAT_MATCHES("%ld %lld %lu", LONG_MIN, LLONG_MIN, ULONG_MAX);
    EXPECT_FORMAT_MATCHES("%hhd %hd %hhu", 300, 70000, 511);
    EXPECT_FORMAT_MATCHES("%zu %zd %jd %td", size_t{123}, ssize_t{-5}, intmax_t{-9}, ptrdiff_t{7});
    EXPECT_FORMAT_MATCHES("%x %X %o %#x %#X %#o %#o", 0xbeefu, 0xbeefu, 8u, 255u, 255u, 8u, 0u);
    EXPECT_FORMAT_MATCHES("%lx %llx", 0xfedcba9876543210ul, 0x1ull);
}

TEST(Format, WidthPrecisionFlags) {
    EXPECT_FORMAT_MATCHES("[%5d][%-5d][%05d][%+d][% d]", 42, 42, -42, 42, 42);
    EXPECT_FORMAT_MATCHES("[%.3d][%8.3d][%-8.3d][%08.3d]", 7, -7, 7, 7);
    EXPECT_FORMAT_MATCHES("[%.0d][%.0x][%5.0d]", 0, 0u, 0);
    EXPECT_FORMAT_MATCHES("[%*d][%-*d][%*d]", 6, 1, 6, 2, -6, 3);
    EXPECT_FORMAT_MATCHES("[%#010x][%#-10x]", 0x1234u, 0x1234u);
    EXPECT_FORMAT_MATCHES("[%016lx]", 0xabcul);
}

TEST(Format, StringsCharsPointers) {
    EXPECT_FORMAT_MATCHES("[%s][%10s][%-10s][%.2s][%*.*s]", "abc", "abc", "abc", "abc", 6, 1, "xyz");
    EXPECT_FORMAT_MATCHES("[%c][%3c][%-3c]", 'a', 'b', 'c');
    EXPECT_FORMAT_MATCHES("%p", reinterpret_cast<void*>(0x40200000));
    EXPECT_FORMAT_MATCHES("100%% %s", "sure");
}

TEST(Format, NullStringPrintsMarker) {
    char buf[32];
    const char* null = nullptr;
    tn::fmt::format(buf, sizeof buf, "%s", null);
    EXPECT_STREQ(buf, "(null)");
}

TEST(Format, TruncatesAndReportsFullLength) {
    char buf[8];
    EXPECT_EQ(tn::fmt::format(buf, sizeof buf, "hello %s", "world"), 11u);
    EXPECT_STREQ(buf, "hello w");
    EXPECT_EQ(tn::fmt::format(buf, 1, "abc"), 3u);
    EXPECT_STREQ(buf, "");
    EXPECT_EQ(tn::fmt::format(nullptr, 0, "abc%d", 12), 5u);
}

TEST(Format, UnknownConversionIsCopied) {
    char buf[32];
    tn::fmt::format(buf, sizeof buf, "%q%d", 5);
    EXPECT_STREQ(buf, "%q5");
}

}  // namespace
