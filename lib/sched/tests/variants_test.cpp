// lib/sched's core built with the other policies of Kconfig: time slices
// among equals (sched_slice, LIBSCHED_TIMESLICE_US=1000) and the cooperative
// policy (sched_coop). Same host environment as sched_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <tn/sched.hpp>

#include "sched_env.hpp"

namespace sched = tn::sched;
using tn::u64;

namespace {

constexpr u64 k_us = 1000;
std::vector<std::string> g_log;

sched::Thread* spawn(const char* name, tn::u8 priority, void (*fn)(void*), void* arg) {
    auto r = sched::create({name, priority, 0, 0}, fn, arg);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : nullptr;
}

void joined(sched::Thread* t) { EXPECT_TRUE(sched::join(t).ok()); }

class Variant : public ::testing::Test {
protected:
    void SetUp() override {
        sched_env::boot();
        g_log.clear();
    }
};

#if defined(CONFIG_LIBSCHED_TIMESLICE_US) && CONFIG_LIBSCHED_TIMESLICE_US > 0

static_assert(CONFIG_LIBSCHED_TIMESLICE_US == 1000, "the timeline below assumes 1 ms slices");

// Each runs four steps of 600 us without yielding: a slice (1 ms) ends in
// the middle of every second step, and the other one takes over.
void busy(void* name) {
    for (int i = 0; i < 4; ++i) {
        g_log.push_back(static_cast<const char*>(name) + std::to_string(i));
        sched_env::advance(600 * k_us);
    }
}

TEST_F(Variant, EqualsShareTheCpuInSlices) {
    sched::Thread* a = spawn("a", 10, busy, const_cast<char*>("a"));
    sched::Thread* b = spawn("b", 10, busy, const_cast<char*>("b"));
    joined(a);
    joined(b);
    EXPECT_EQ(g_log, (std::vector<std::string>{"a0", "a1", "b0", "b1", "a2", "a3", "b2", "b3"}));
}

// A thread preempted by a more urgent one keeps the rest of its slice: with
// a priority-20 thread waking every 300 us for 3 ms, the equals still take
// turns as above (a new slice at every preemption would let a run its four
// steps before b).
TEST_F(Variant, APreemptedThreadKeepsTheRestOfItsSlice) {
    sched::Thread* h = spawn("h", 20, [](void*) {
        for (int i = 0; i < 10; ++i)
            EXPECT_TRUE(sched::sleep_ns(300 * k_us).ok());
    }, nullptr);
    sched::Thread* a = spawn("a", 10, busy, const_cast<char*>("a"));
    sched::Thread* b = spawn("b", 10, busy, const_cast<char*>("b"));
    joined(a);
    joined(b);
    joined(h);
    EXPECT_EQ(g_log, (std::vector<std::string>{"a0", "a1", "b0", "b1", "a2", "a3", "b2", "b3"}));
}

TEST_F(Variant, SlicesAreOnlyAmongEquals) {
    sched::Thread* a = spawn("a", 10, busy, const_cast<char*>("a"));
    sched::Thread* b = spawn("b", 9, busy, const_cast<char*>("b"));
    joined(a);
    joined(b);
    EXPECT_EQ(g_log, (std::vector<std::string>{"a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3"}));
}

// A slice that ends while preemption is locked is served at the unlock: a holds it over its
// second and third steps (the slice ends in the middle of the second), so b takes over after the
// third instead of the second.
TEST_F(Variant, ASliceEndWaitsForLockedPreemption) {
    sched::Thread* a = spawn("a", 10, [](void*) {
        for (int i = 0; i < 4; ++i) {
            if (i == 1)
                sched::lock_preemption();
            g_log.push_back("a" + std::to_string(i));
            sched_env::advance(600 * k_us);
            if (i == 2)
                sched::unlock_preemption();
        }
    }, nullptr);
    sched::Thread* b = spawn("b", 10, busy, const_cast<char*>("b"));
    joined(a);
    joined(b);
    EXPECT_EQ(g_log, (std::vector<std::string>{"a0", "a1", "a2", "b0", "b1", "a3", "b2", "b3"}));
}

// A thread going up and down (a Mortise vCPU following its guest's scheduling hints: raised for
// its urgent work, back at its base after it) goes behind its equal at each change, so the equal
// gets its slices; it used to stay ahead of it and keep it off the CPU.
TEST_F(Variant, AThreadGoingUpAndDownLetsItsEqualRun) {
    sched::Thread* a = spawn("a", 10, [](void*) {
        for (int i = 0; i < 4; ++i) {
            g_log.push_back("a" + std::to_string(i));
            EXPECT_TRUE(sched::set_priority(sched::current(), 20).ok());
            sched_env::advance(100 * k_us);
            EXPECT_TRUE(sched::set_priority(sched::current(), 10).ok());
            sched_env::advance(100 * k_us);
        }
    }, nullptr);
    sched::Thread* b = spawn("b", 10, busy, const_cast<char*>("b"));
    joined(a);
    joined(b);
    EXPECT_EQ(g_log, (std::vector<std::string>{"a0", "b0", "b1", "a1", "b2", "b3", "a2", "a3"}));
}

#elif defined(CONFIG_LIBSCHED_COOPERATIVE)

void note(void* what) { g_log.push_back(static_cast<const char*>(what)); }

TEST_F(Variant, AMoreUrgentThreadWaitsForTheRunningOneToYield) {
    sched::Thread* t = spawn("t", 20, note, const_cast<char*>("t"));
    EXPECT_TRUE(g_log.empty());  // made ready, but main is not preempted
    g_log.push_back("main");
    sched::yield();  // the most urgent ready thread runs next
    EXPECT_EQ(g_log, (std::vector<std::string>{"main", "t"}));
    joined(t);
}

TEST_F(Variant, AnInterruptWakeUpDoesNotPreempt) {
    sched::Thread* t = spawn("t", 20, [](void*) {
        EXPECT_TRUE(sched::sleep_ns(100 * k_us).ok());
        g_log.push_back("t");
    }, nullptr);
    sched::yield();  // t runs and sleeps
    sched_env::advance(200 * k_us);  // its timeout fires: ready, not running
    EXPECT_TRUE(g_log.empty());
    joined(t);  // main blocks: t runs
    EXPECT_EQ(g_log, (std::vector<std::string>{"t"}));
}

#else
#error "variants_test.cpp: build with time slices or the cooperative policy"
#endif

}  // namespace
