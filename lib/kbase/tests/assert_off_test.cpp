// TN_ASSERT with CONFIG_TN_ASSERT off (the benchmark builds): the condition is
// compiled but never evaluated, and a false one does not stop anything.
#undef CONFIG_TN_ASSERT
#include <tn/assert.hpp>

#include <gtest/gtest.h>

namespace {

int g_calls = 0;
bool side_effect() {
    ++g_calls;
    return false;
}

TEST(AssertOff, ConditionIsNotEvaluated) {
    TN_ASSERT(side_effect());
    EXPECT_EQ(g_calls, 0);
}

}  // namespace
