// The guest lifecycle raced from several host threads, built with
// ThreadSanitizer (hyp/core/tests/unit.mk): two "CPUs" run the guest's two
// vCPUs as cpu.cpp does (claim a posted vCPU, check the state at every entry,
// leave), one vCPU brings up the other (PSCI CPU_ON), and two
// controllers pause, resume, restart, destroy and start it at random. TSan
// reports any access the lifecycle's lock does not order (the test guest's
// hooks record into plain fields); the checks below catch decisions taken
// twice or under a running vCPU.
#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <vector>

#include "lifecycle_harness.hpp"

namespace mortise::test {
namespace {

constexpr int k_ops = 4000;

void cpu(TestGuest& g, unsigned v, std::atomic<bool>& done) {
    while (!done.load()) {
        if (!g.claim(v)) {
            std::this_thread::yield();
            continue;
        }
        // The guest runs until its CPU sees, at an entry, that it must leave.
        for (unsigned exits = 0;; ++exits) {
            if (v == 0 && exits == 3 && !g.posted[1].load() && !g.running[1].load())
                (void)g.life.start_vcpu(1);  // PSCI CPU_ON of vCPU 1
            if (!g.still_on(v))
                break;
            std::this_thread::yield();
        }
    }
}

void controller(TestGuest& g, unsigned seed, std::atomic<int>& ok_calls) {
    std::mt19937 rng(seed);
    for (int i = 0; i < k_ops; ++i) {
        GuestResult r = {};
        switch (rng() % 5) {
        case 0: r = g.life.pause(); break;
        case 1: r = g.life.resume(); break;
        case 2: r = g.life.restart(); break;
        case 3: g.life.stop(false); break;
        case 4: r = g.life.start(); break;
        }
        if (r.ok())
            ok_calls.fetch_add(1);
        else
            EXPECT_TRUE(r.error() == GuestError::WrongState || r.error() == GuestError::Busy);
        if (rng() % 4 == 0)
            std::this_thread::yield();
    }
}

TEST(LifecycleRace, PauseRestartDestroyFromTwoThreads) {
    TestGuest g;
    std::atomic<bool> done{false};
    std::atomic<int> ok_calls{0};
    ASSERT_TRUE(g.life.start().ok());
    std::thread cpus[] = {std::thread(cpu, std::ref(g), 0u, std::ref(done)),
                          std::thread(cpu, std::ref(g), 1u, std::ref(done))};
    std::thread controllers[] = {std::thread(controller, std::ref(g), 1u, std::ref(ok_calls)),
                                 std::thread(controller, std::ref(g), 2u, std::ref(ok_calls))};
    for (auto& t : controllers)
        t.join();
    // Settle: destroy, and let the CPUs take every vCPU off.
    g.life.stop(false);
    while (g.life.vcpus_on() != 0 || g.running[0].load() || g.running[1].load())
        std::this_thread::yield();
    done.store(true);
    for (auto& t : cpus)
        t.join();

    EXPECT_EQ(g.life.state(), GuestState::Stopped);
    EXPECT_FALSE(g.life.restart_pending());
    EXPECT_EQ(g.life.vcpus_on(), 0u);
    g.life.stop(false);  // the hooks' fields are read under the lock from here on
    EXPECT_EQ(g.boots_with_vcpus_on, 0);
    EXPECT_GT(g.boots, 1);
    // Every stop is finished exactly once: by a restart's boot or all_off()
    // (a failed restart boot cannot happen here: boot() always succeeds).
    EXPECT_EQ(g.halts, g.all_offs + g.restart_boots);
    EXPECT_GT(ok_calls.load(), k_ops / 10);
    printf("boots %d (restarts %d), stops %d, all off %d, kicks %d, successful calls %d\n", g.boots,
           g.restart_boots, g.halts, g.all_offs, g.kicks, ok_calls.load());
}

}  // namespace
}  // namespace mortise::test
