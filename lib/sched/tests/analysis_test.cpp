// tn/sched_analysis.hpp: response-time analysis of deferrable servers, on
// examples computed by hand (the arithmetic is in the comments; times in
// milliseconds, written as ns below).
#include <gtest/gtest.h>

#include <tn/sched_analysis.hpp>

namespace an = tn::sched::analysis;
using an::Server;
using an::Verdict;
using tn::u64;

namespace {

constexpr u64 k_ms = 1'000'000;

TEST(SchedAnalysis, BackToBackTermLengthensTheResponse) {
    // A: priority 2, C=1, T=4.  B: priority 1, C=2, T=6.
    // A: nothing at or above it: R_A = 1 <= 4.
    // B: R0 = 2
    //    R1 = 2 + ceil((2 + 4 - 1) / 4) * 1 = 2 + ceil(5/4) = 2 + 2 = 4
    //    R2 = 2 + ceil((4 + 3) / 4) * 1     = 2 + 2         = 4  (fixed point) <= 6
    // (plain periodic-task RTA would give 2 + ceil(2/4) * 1 = 3.)
    // U = ceil(1e6 * 1/4) + ceil(1e6 * 2/6) = 250000 + 333334 = 583334 ppm.
    const Server s[] = {{2, 1 * k_ms, 4 * k_ms}, {1, 2 * k_ms, 6 * k_ms}};
    an::ServerResult r[2];
    an::Summary sum = an::analyse(s, 2, r);
    EXPECT_TRUE(sum.schedulable);
    EXPECT_EQ(sum.utilisation_ppm, 583334u);
    EXPECT_EQ(r[0].verdict, Verdict::Schedulable);
    EXPECT_EQ(r[0].response_ns, 1 * k_ms);
    EXPECT_EQ(r[1].verdict, Verdict::Schedulable);
    EXPECT_EQ(r[1].response_ns, 4 * k_ms);
}

TEST(SchedAnalysis, UnschedulableBelowFullUtilisation) {
    // A: priority 2, C=3, T=5.  B: priority 1, C=3, T=10.  U = 0.6 + 0.3 = 0.9.
    // B: R0 = 3
    //    R1 = 3 + ceil((3 + 5 - 3) / 5) * 3 = 3 + 1*3 = 6
    //    R2 = 3 + ceil((6 + 2) / 5) * 3     = 3 + 2*3 = 9
    //    R3 = 3 + ceil((9 + 2) / 5) * 3     = 3 + 3*3 = 12 > 10: misses.
    const Server s[] = {{2, 3 * k_ms, 5 * k_ms}, {1, 3 * k_ms, 10 * k_ms}};
    an::ServerResult r[2];
    an::Summary sum = an::analyse(s, 2, r);
    EXPECT_FALSE(sum.schedulable);
    EXPECT_EQ(sum.utilisation_ppm, 900000u);
    EXPECT_EQ(r[0].verdict, Verdict::Schedulable);
    EXPECT_EQ(r[0].response_ns, 3 * k_ms);
    EXPECT_EQ(r[1].verdict, Verdict::Unschedulable);
    EXPECT_EQ(r[1].response_ns, 12 * k_ms);
}

TEST(SchedAnalysis, EqualPrioritiesInterfereBothWays) {
    // A: priority 1, C=2, T=10.  B: priority 1, C=3, T=10.
    // A: R0 = 2, R1 = 2 + ceil((2 + 7) / 10) * 3 = 5, R2 = 2 + ceil(12/10) * 3 = 8,
    //    R3 = 2 + ceil(15/10) * 3 = 8 <= 10.
    // B: R0 = 3, R1 = 3 + ceil((3 + 8) / 10) * 2 = 7, R2 = 3 + ceil(15/10) * 2 = 7 <= 10.
    const Server s[] = {{1, 2 * k_ms, 10 * k_ms}, {1, 3 * k_ms, 10 * k_ms}};
    an::ServerResult r[2];
    EXPECT_TRUE(an::analyse(s, 2, r).schedulable);
    EXPECT_EQ(r[0].response_ns, 8 * k_ms);
    EXPECT_EQ(r[1].response_ns, 7 * k_ms);
}

TEST(SchedAnalysis, TheBootTestsRunawayAndItsVictim) {
    // test/apps/sched-reservation: the runaway, priority 20, 3 ms per 10 ms;
    // a victim below it given (say) 6 ms per 10 ms.
    // Victim: R0 = 6, R1 = 6 + ceil((6 + 7) / 10) * 3 = 12 > 10: misses;
    // at 4 ms: R1 = 4 + ceil(11/10) * 3 = 10, R2 = 4 + ceil(17/10) * 3 = 10 <= 10.
    Server s[] = {{20, 3 * k_ms, 10 * k_ms}, {10, 6 * k_ms, 10 * k_ms}};
    EXPECT_EQ(an::response_time(s, 2, 1).verdict, Verdict::Unschedulable);
    EXPECT_EQ(an::response_time(s, 2, 1).response_ns, 12 * k_ms);
    s[1].budget_ns = 4 * k_ms;
    EXPECT_EQ(an::response_time(s, 2, 1).verdict, Verdict::Schedulable);
    EXPECT_EQ(an::response_time(s, 2, 1).response_ns, 10 * k_ms);
}

TEST(SchedAnalysis, InvalidServers) {
    const Server zero[] = {{1, 0, 10}};
    EXPECT_EQ(an::response_time(zero, 1, 0).verdict, Verdict::Invalid);
    const Server over[] = {{1, 11, 10}};
    EXPECT_EQ(an::response_time(over, 1, 0).verdict, Verdict::Invalid);
    const Server huge[] = {{1, 1, an::k_max_period_ns + 1}};
    EXPECT_EQ(an::response_time(huge, 1, 0).verdict, Verdict::Invalid);
    // An invalid server above makes the one below Invalid, not the other way.
    const Server mixed[] = {{2, 11, 10}, {1, 1, 10}, {3, 1, 10}};
    an::ServerResult r[3];
    an::Summary sum = an::analyse(mixed, 3, r);
    EXPECT_FALSE(sum.schedulable);
    EXPECT_EQ(r[0].verdict, Verdict::Invalid);
    EXPECT_EQ(r[1].verdict, Verdict::Invalid);
    EXPECT_EQ(r[2].verdict, Verdict::Schedulable);
    EXPECT_EQ(sum.utilisation_ppm, 200000u);  // the two valid ones: 0.1 each
}

TEST(SchedAnalysis, LargeValuesStayExact) {
    // One server using its whole period at the largest period: R = C = T;
    // U = 1e6 ppm exactly (digit-by-digit division, no 64-bit overflow).
    constexpr Server s[] = {{1, an::k_max_period_ns, an::k_max_period_ns}};
    an::Summary sum = an::analyse(s, 1);
    EXPECT_TRUE(sum.schedulable);
    EXPECT_EQ(sum.utilisation_ppm, 1'000'000u);
    // 1/3: 333333.33.. rounds up.
    EXPECT_EQ(an::ppm(1, 3), 333334u);
    EXPECT_EQ(an::ppm(an::k_max_period_ns / 3, an::k_max_period_ns), 333334u);
    static_assert(an::analyse(s, 1).schedulable, "usable in constant expressions");
}

}  // namespace
