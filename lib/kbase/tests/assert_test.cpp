#include <tn/assert.hpp>

#include <gtest/gtest.h>

namespace {

int g_evaluated = 0;
bool counted(bool v) {
    ++g_evaluated;
    return v;
}

TEST(Assert, TrueConditionContinues) {
    g_evaluated = 0;
    TN_ASSERT(counted(true));
    EXPECT_EQ(g_evaluated, 1);
}

TEST(AssertDeathTest, FalseConditionNamesItselfAndItsPlace) {
    int ready = 0;
    EXPECT_DEATH(TN_ASSERT(ready == 1), "assertion failed: ready == 1\n  at .*assert_test.cpp:[0-9]+");
}

}  // namespace
