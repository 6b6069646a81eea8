// lib/sync on the real scheduler (lib/sched/tests/sched_env.hpp), seen from
// an application: unlike the other files, which lower the test body below
// every thread (sync_test.hpp), the body stays the main thread at its
// configured priority 16, with threads above and below it, so these tests
// show priority inheritance changing who runs against an unrelated medium
// thread, and timeouts and interrupts waking threads as on the target.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <tn/sched.hpp>
#include <tn/sync.hpp>

#include "sched_env.hpp"

namespace sched = tn::sched;
using tn::u64;
using tn::u8;
using tn::sync::Mutex;
using tn::sync::Semaphore;

namespace {

constexpr u8 k_main = 16;
constexpr u64 k_ms = 1'000'000;

std::vector<std::string> g_log;

sched::Thread* spawn(const char* name, u8 priority, void (*fn)(void*), void* arg = nullptr) {
    auto r = sched::create({name, priority, 0, 0}, fn, arg);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : nullptr;
}

void joined(sched::Thread* t) { EXPECT_TRUE(sched::join(t).ok()); }

class SyncOnSched : public ::testing::Test {
protected:
    void SetUp() override {
        sched_env::boot();
        g_log.clear();
        m_stacks = sched_env::live_stacks();
    }
    void TearDown() override { EXPECT_EQ(sched_env::live_stacks(), m_stacks); }

private:
    unsigned m_stacks = 0;
};

Mutex g_m;
Semaphore g_go{0, 1};

// low (8) holds g_m and waits for g_go; a medium thread (12) would starve it,
// but high (20) blocking on g_m lends low its priority: low runs before medium.
TEST_F(SyncOnSched, InheritanceLetsTheOwnerRunBeforeAMediumThread) {
    sched::Thread* low = spawn("low", 8, [](void*) {
        EXPECT_TRUE(g_m.lock().ok());
        EXPECT_TRUE(g_go.take().ok());
        g_log.push_back("low unlocks");
        EXPECT_TRUE(g_m.unlock().ok());
        g_log.push_back("low");
    });
    sched::Thread* medium = spawn("medium", 12, [](void*) { g_log.push_back("medium"); });
    // Both ready below main: nothing ran yet. Let low take the mutex: main
    // sleeps, medium runs first (higher), then low locks and waits.
    EXPECT_TRUE(sched::sleep_ns(k_ms).ok());
    EXPECT_EQ(g_log, std::vector<std::string>{"medium"});
    joined(medium);
    EXPECT_EQ(g_m.owner(), low);
    medium = spawn("medium", 12, [](void*) { g_log.push_back("medium"); });
    sched::Thread* high = spawn("high", 20, [](void*) {  // runs at once, blocks on g_m
        EXPECT_TRUE(g_m.lock().ok());
        g_log.push_back("high");
        EXPECT_TRUE(g_m.unlock().ok());
    });
    EXPECT_EQ(sched::effective_priority(low), 20);
    EXPECT_EQ(sched::priority(low), 8);
    EXPECT_TRUE(g_go.give().ok());  // low (now 20) preempts main, medium waits
    // high took the mutex from low's unlock and ran; low, back at 8, waits.
    EXPECT_EQ(g_log, (std::vector<std::string>{"medium", "low unlocks", "high"}));
    EXPECT_EQ(sched::effective_priority(low), 8);
    joined(high);
    joined(low);  // main blocks: medium (12) now runs before low (8)
    joined(medium);
    EXPECT_EQ(g_log, (std::vector<std::string>{"medium", "low unlocks", "high", "medium", "low"}));
}

// The scheduler's timeout (a timer interrupt, here the virtual clock's)
// ends high's wait and lib/sync's hook takes the boost back at once.
TEST_F(SyncOnSched, ATimedOutWaiterStopsBoostingTheOwner) {
    EXPECT_TRUE(g_m.lock().ok());
    static u64 t0, woke;
    t0 = sched_env::now();
    sched::Thread* high = spawn("high", 20, [](void*) {
        auto r = g_m.lock(2 * k_ms);
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(r.error(), sched::Error::Timeout);
        woke = sched_env::now();
    });
    EXPECT_EQ(sched::effective_priority(sched::current()), 20);
    sched_env::advance(2 * k_ms);  // the timeout interrupt: high runs in its exit
    EXPECT_EQ(woke, t0 + 2 * k_ms);
    EXPECT_EQ(sched::effective_priority(sched::current()), k_main);
    EXPECT_TRUE(g_m.unlock().ok());
    joined(high);
}

TEST_F(SyncOnSched, ASemaphoreGivenByAnInterruptWakesItsTakerOnTheWayOut) {
    static Semaphore s{0, 4};
    sched::Thread* t = spawn("taker", 20, [](void*) {
        EXPECT_TRUE(s.take(10 * k_ms).ok());
        g_log.push_back("taken");
    });
    sched_env::interrupt(
        [](void*) {
            EXPECT_TRUE(s.give().ok());
            g_log.push_back("given");
        },
        nullptr);
    EXPECT_EQ(g_log, (std::vector<std::string>{"given", "taken"}));
    joined(t);
}

TEST_F(SyncOnSched, ATakeTimesOutInVirtualTime) {
    Semaphore s{0, 1};
    u64 t0 = sched_env::now();
    auto r = s.take(3 * k_ms);  // main blocks; idle jumps to the deadline
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), sched::Error::Timeout);
    EXPECT_EQ(sched_env::now(), t0 + 3 * k_ms);
}

}  // namespace
