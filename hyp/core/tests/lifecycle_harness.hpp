// A guest for Lifecycle tests: hooks that record what the state machine asked
// for, and the two halves of a physical CPU's part, as cpu.cpp does them: a
// start request slot per vCPU (post, recall), claiming a posted vCPU
// (count it on, then take the request) and the check at every entry
// (before_entry: leave unless Running). Safe to call from several threads:
// what the hooks record is plain data, protected by the lifecycle's lock,
// so TSan sees a broken lock as a data race.
#pragma once

#include <atomic>

#include "lifecycle.hpp"

namespace mortise::test {

class TestGuest final : public LifecycleHooks {
public:
    static constexpr unsigned k_vcpus = 2;

    explicit TestGuest(bool create = true) {
        if (create)
            life.set_created(k_vcpus);
    }

    Lifecycle life{*this};

    // Recorded by the hooks (under the lifecycle's lock).
    int boots = 0, halts = 0, all_offs = 0, kicks = 0;
    int restart_boots = 0;  // boots that finished a stop (a restart)
    int boots_with_vcpus_on = 0;  // a boot under a vCPU still running: a lifecycle bug
    int last_off = -1;            // the vCPU last_vcpu_off() named, -1 if never called
    int last_offs = 0;
    GuestResult boot_result = {};

    // The CPUs' side.
    std::atomic<bool> posted[k_vcpus] = {};
    std::atomic<bool> running[k_vcpus] = {};

    /// The CPU of @p v takes its start request, as cpu.cpp's idle loop does:
    /// true if the vCPU now runs.
    bool claim(unsigned v) {
        if (!posted[v].load())
            return false;
        (void)life.vcpu_entered(v);
        bool expected = true;
        if (!posted[v].compare_exchange_strong(expected, false)) {
            life.vcpu_withdrawn(v);
            return false;
        }
        running[v].store(true);
        return true;
    }
    /// The entry check of a running @p v (before_entry): true if it stays on.
    bool still_on(unsigned v) {
        GuestState s = life.state();
        if (s == GuestState::Running)
            return true;
        running[v].store(false);
        life.vcpu_left(v, s == GuestState::Paused);
        return false;
    }
    /// A running @p v powers off (PSCI CPU_OFF): its CPU takes it off
    /// without keeping its context.
    void power_off(unsigned v) {
        running[v].store(false);
        life.vcpu_left(v, false);
    }

private:
    GuestResult boot() override {
        ++boots;
        if (life.restart_pending())
            ++restart_boots;
        // A CPU may have counted a vCPU on and not yet taken its request:
        // it then takes the request posted after this boot, or none. A vCPU
        // that took its request (running) must have left first.
        for (const auto& r : running)
            if (r.load())
                ++boots_with_vcpus_on;
        return boot_result;
    }
    void booted() override {}
    void halted() override { ++halts; }
    void post(unsigned v) override { posted[v].store(true); }
    bool recall(unsigned v) override {
        bool expected = true;
        if (posted[v].compare_exchange_strong(expected, false))
            return true;
        if (running[v].load())
            ++kicks;
        return false;
    }
    void all_off() override { ++all_offs; }
    void last_vcpu_off(unsigned v) override {
        ++last_offs;
        last_off = static_cast<int>(v);
    }
};

}  // namespace mortise::test
