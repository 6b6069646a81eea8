// Fake guest memory, console and lifecycle for the hypercall unit tests and fuzzer.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include <mortise/hypercall.hpp>

namespace mortise::hypercall::test {

/// @p size bytes of guest RAM at IPA @p base.
class FakeMemory final : public GuestMemory {
public:
    FakeMemory(u64 base, usize size) : m_ram{Ipa{base}, size}, m_bytes(size, 0) {}
    bool read(Ipa ipa, void* dst, usize size) override {
        if (!m_ram.contains(ipa, size))
            return false;
        std::memcpy(dst, m_bytes.data() + (ipa - m_ram.base), size);
        return true;
    }
    bool write(Ipa ipa, const void* src, usize size) override {
        if (!m_ram.contains(ipa, size))
            return false;
        std::memcpy(m_bytes.data() + (ipa - m_ram.base), src, size);
        return true;
    }
    void put(u64 ipa, const char* s) {
        std::memcpy(m_bytes.data() + (ipa - m_ram.base.value()), s, std::strlen(s) + 1);
    }
    const char* at(u64 ipa) const {
        return reinterpret_cast<const char*>(m_bytes.data() + (ipa - m_ram.base.value()));
    }

private:
    tn::IpaRange m_ram;
    std::vector<u8> m_bytes;
};

class FakeConsole final : public ConsoleOps {
public:
    void write(unsigned g, const char* s, usize n) override {
        guest = g;
        text.append(s, n);
    }
    unsigned guest = ~0u;
    std::string text;
};

/// Three guests "alpha" (1 vCPU), "beta" (2), "gamma" (4), all running; a state machine
/// that refuses transitions its states do not allow, and a log of every call.
class FakeLifecycle final : public LifecycleOps {
public:
    unsigned guest_count() const override { return 3; }
    GuestInfo info(unsigned g) const override { return {m_state[g], 1u << g, k_names[g]}; }
    Status start(unsigned g) override { return step(g, "start", GuestState::Stopped, GuestState::Running); }
    Status pause(unsigned g) override { return step(g, "pause", GuestState::Running, GuestState::Paused); }
    Status resume(unsigned g) override { return step(g, "resume", GuestState::Paused, GuestState::Running); }
    Status destroy(unsigned g) override {
        log += "destroy " + std::to_string(g) + ";";
        m_state[g] = GuestState::Stopped;
        return Status::Success;
    }
    Status restart(unsigned g) override {
        log += "restart " + std::to_string(g) + ";";
        m_state[g] = GuestState::Running;
        return Status::Success;
    }
    std::string log;

private:
    Status step(unsigned g, const char* what, GuestState from, GuestState to) {
        log += std::string(what) + " " + std::to_string(g) + ";";
        if (g >= 3)
            __builtin_trap();  // The dispatcher must never pass an unchecked index.
        if (m_state[g] != from)
            return Status::InvalidState;
        m_state[g] = to;
        return Status::Success;
    }
    static constexpr const char* k_names[3] = {"alpha", "beta", "gamma"};
    GuestState m_state[3] = {GuestState::Running, GuestState::Running, GuestState::Running};
};

/// One channel, id 0, joining guests 0 (member 0) and 1 (member 1); guest 2 is not a member.
/// Checks as the core does (unknown id, then membership, then the mask) and logs each ring.
class FakeIvc final : public IvcOps {
public:
    Status notify(unsigned g, u64 channel, u64 mask) override {
        if (Status s = check(g, channel); s != Status::Success)
            return s;
        if (mask >> 2)
            return Status::InvalidParameters;
        log += "notify " + std::to_string(g) + " " + std::to_string(mask) + ";";
        return Status::Success;
    }
    Status info(unsigned g, u64 channel, IvcView& view) override {
        if (Status s = check(g, channel); s != Status::Success)
            return s;
        view = {g, 2, 0b11};
        return Status::Success;
    }
    std::string log;

private:
    static Status check(unsigned g, u64 channel) {
        if (channel != 0)
            return Status::InvalidParameters;
        return g < 2 ? Status::Success : Status::Denied;
    }
};

}  // namespace mortise::hypercall::test
