#include <gtest/gtest.h>

#include <string>

#include <tn/init.hpp>

namespace {

std::string g_trace;
int a() { g_trace += "a"; return 0; }
int b() { g_trace += "b"; return 0; }
int fails() { g_trace += "F"; return -5; }
int never() { g_trace += "N"; return 0; }

TEST(Init, RunsInTableOrder) {
    g_trace.clear();
    const tn::init::Record table[] = {{a, "a", 1}, {b, "b", 3}, {a, "a", 5}};
    auto f = tn::init::run(table, table + 3);
    EXPECT_EQ(f.record, nullptr);
    EXPECT_EQ(g_trace, "aba");
}

TEST(Init, StopsAtFirstFailureAndNamesIt) {
    g_trace.clear();
    const tn::init::Record table[] = {{a, "a", 1}, {fails, "fails", 3}, {never, "never", 4}};
    auto f = tn::init::run(table, table + 3);
    ASSERT_NE(f.record, nullptr);
    EXPECT_STREQ(f.record->name, "fails");
    EXPECT_EQ(f.error, -5);
    EXPECT_EQ(g_trace, "aF");
    EXPECT_STREQ(tn::init::level_name(f.record->level), "driver");
    EXPECT_STREQ(tn::init::level_name(9), "?");
}

}  // namespace
