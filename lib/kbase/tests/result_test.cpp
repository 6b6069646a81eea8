#include <gtest/gtest.h>
#include <tn/result.hpp>

namespace {

enum class E { Bad, Worse };

tn::Result<int, E> half(int v) {
    if (v % 2)
        return tn::err(E::Bad);
    return v / 2;
}

tn::Result<int, E> quarter(int v) {
    int h = TN_TRY(half(v));
    return TN_TRY(half(h));
}

tn::Result<void, E> check_positive(int v) {
    if (v <= 0)
        return tn::err(E::Worse);
    return {};
}

TEST(Result, ValueAndError) {
    auto ok = half(8);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok.value(), 4);
    auto bad = half(3);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error(), E::Bad);
    EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Result, TryPropagatesFirstError) {
    EXPECT_EQ(quarter(8).value(), 2);
    EXPECT_EQ(quarter(6).error(), E::Bad);  // 6 -> 3 -> odd
    EXPECT_EQ(quarter(5).error(), E::Bad);
}

TEST(Result, VoidResult) {
    EXPECT_TRUE(check_positive(1).ok());
    EXPECT_EQ(check_positive(0).error(), E::Worse);
}

}  // namespace

namespace {

tn::Result<void, E> both_positive(int a, int b) {
    TN_TRY(check_positive(a));
    TN_TRY(check_positive(b));
    return {};
}

TEST(Result, TryOnVoidResults) {
    EXPECT_TRUE(both_positive(1, 2).ok());
    EXPECT_EQ(both_positive(1, -2).error(), E::Worse);
}

}  // namespace
