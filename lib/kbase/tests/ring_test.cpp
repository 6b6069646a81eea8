// SpscRing: empty/full boundaries, index wraparound (slots and the u32
// indices), the drop counter, and a two-thread stress test of ordering.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include <tn/ring.hpp>

namespace {

using tn::u32;
using tn::u64;
using tn::u8;
using tn::usize;

TEST(SpscRing, StartsEmpty) {
    tn::ByteRing<8> r;
    u8 c = 0xaa;
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(r.size(), 0u);
    EXPECT_EQ(r.capacity(), 8u);
    EXPECT_FALSE(r.pop(c));
    EXPECT_EQ(c, 0xaa);  // untouched on failure
    EXPECT_EQ(r.dropped(), 0u);
}

TEST(SpscRing, FillsToCapacityThenDropsNewBytes) {
    tn::ByteRing<4> r;
    for (u8 i = 0; i < 4; ++i)
        EXPECT_TRUE(r.push(i));
    EXPECT_EQ(r.size(), 4u);
    EXPECT_FALSE(r.push(100));
    EXPECT_FALSE(r.push(101));
    EXPECT_EQ(r.dropped(), 2u);
    // The old contents survive; the dropped bytes never appear.
    for (u8 i = 0; i < 4; ++i) {
        u8 c = 0;
        ASSERT_TRUE(r.pop(c));
        EXPECT_EQ(c, i);
    }
    u8 c = 0;
    EXPECT_FALSE(r.pop(c));
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(r.dropped(), 2u);  // the count is cumulative, not reset by draining
    EXPECT_TRUE(r.push(7));
    EXPECT_EQ(r.dropped(), 2u);
}

TEST(SpscRing, WrapsAroundTheSlotsInOrder) {
    tn::ByteRing<4> r;
    u8 next_in = 0, next_out = 0;
    // Keep between 1 and 3 elements stored while the indices pass the end of
    // the slot array many times.
    for (int round = 0; round < 100; ++round) {
        while (r.size() < 3)
            ASSERT_TRUE(r.push(next_in++));
        for (int k = 0; k < 2; ++k) {
            u8 c = 0;
            ASSERT_TRUE(r.pop(c));
            ASSERT_EQ(c, next_out++);
        }
    }
    EXPECT_EQ(r.dropped(), 0u);
}

// The free-running indices wrap (at 2^32 for u32, after a long uptime's worth
// of bytes): fill level, full and empty must not depend on them staying small.
// A u8 index wraps every 256 elements, so this passes the wrap many times at
// every fill level.
TEST(SpscRing, SurvivesIndexWrap) {
    tn::SpscRing<u32, 4, u8> r;
    u32 next_in = 0, next_out = 0;
    for (int round = 0; round < 1000; ++round) {
        usize level = static_cast<usize>(round % 5);  // 0..4 = empty..full
        while (r.size() < level)
            ASSERT_TRUE(r.push(next_in++));
        ASSERT_EQ(r.size(), level);
        ASSERT_EQ(r.empty(), level == 0);
        if (level == 4) {
            ASSERT_FALSE(r.push(0xdead));
        }
        u32 v = 0;
        while (r.pop(v))
            ASSERT_EQ(v, next_out++);
    }
    EXPECT_GT(next_in, 1000u);  // well past the 256 of a u8
    EXPECT_EQ(r.dropped(), 200u);
}

TEST(SpscRing, HoldsStructs) {
    struct Pair {
        u32 a;
        u8 b;
    };
    tn::SpscRing<Pair, 2> r;
    EXPECT_TRUE(r.push({1, 2}));
    EXPECT_TRUE(r.push({3, 4}));
    EXPECT_FALSE(r.push({5, 6}));
    Pair p{};
    ASSERT_TRUE(r.pop(p));
    EXPECT_EQ(p.a, 1u);
    EXPECT_EQ(p.b, 2);
}

// One producer thread, one consumer thread, a small ring so both sides keep
// meeting the full and empty boundaries. The producer retries a refused push
// (an interrupt handler would drop it; here every value must arrive, in order,
// exactly once). A missing release/acquire pair shows as a stale slot value on
// weakly ordered hosts (Arm); lost or duplicated values show everywhere.
TEST(SpscRing, TwoThreadStressKeepsOrder) {
    constexpr u32 k_count = 2'000'000;
    auto r = std::make_unique<tn::SpscRing<u32, 16>>();
    u64 refused = 0;
    std::thread producer([&] {
        for (u32 i = 0; i < k_count; ++i) {
            while (!r->push(i)) {
                ++refused;
                std::this_thread::yield();
            }
        }
    });
    u32 expected = 0;
    bool in_order = true;
    while (expected < k_count) {
        u32 v = 0;
        if (!r->pop(v)) {
            std::this_thread::yield();
            continue;
        }
        if (v != expected) {
            in_order = false;
            break;
        }
        ++expected;
    }
    producer.join();
    EXPECT_TRUE(in_order) << "got a value out of order after " << expected << " correct ones";
    EXPECT_EQ(expected, k_count);
    EXPECT_TRUE(r->empty());
    EXPECT_EQ(r->dropped(), refused);
}

// Same shape with a producer that drops like an interrupt handler: what arrives
// is a strictly increasing subsequence, and arrivals + drops = sent.
TEST(SpscRing, TwoThreadDroppingProducerCountsEveryLoss) {
    constexpr u32 k_count = 1'000'000;
    auto r = std::make_unique<tn::SpscRing<u32, 8>>();
    std::atomic<bool> done{false};
    std::thread producer([&] {
        for (u32 i = 0; i < k_count; ++i)
            (void)r->push(i);
        done.store(true, std::memory_order_release);
    });
    u64 received = 0;
    bool increasing = true;
    u64 last = 0;
    bool first = true;
    for (;;) {
        bool finished = done.load(std::memory_order_acquire);
        u32 v = 0;
        while (r->pop(v)) {
            if (!first && v <= last)
                increasing = false;
            first = false;
            last = v;
            ++received;
        }
        if (finished)
            break;
    }
    producer.join();
    EXPECT_TRUE(increasing);
    EXPECT_EQ(received + r->dropped(), u64{k_count});
}

}  // namespace
