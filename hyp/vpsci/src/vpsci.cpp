// PSCI 1.1 emulation for one guest (see mortise/vpsci.hpp).
#include <mortise/vpsci.hpp>
#include <tn/arch/sysreg.hpp>

namespace mortise::vpsci {

namespace {

using tn::arch::MpidrEl1;

constexpr u64 k_aff_mask = MpidrEl1::affinity_mask;
constexpr u32 k_owner_mask = 0x3f00'0000;      // SMCCC owner [29:24]
constexpr u32 k_owner_standard = 0x0400'0000;  // standard secure service calls
constexpr u32 k_function_mask = 0xffff;
constexpr u32 k_psci_last = 0x1f;              // PSCI uses functions 0x00-0x1F (§5.1)

u32 function_of(u32 id) { return id & k_function_mask; }
bool smc64(u32 id) { return id & fid::smc64; }

/// The functions with an SMC64 form (§5.1): CPU_SUSPEND, CPU_ON, AFFINITY_INFO,
/// MIGRATE, MIGRATE_INFO_UP_CPU, and later ones we do not implement.
bool has_smc64_form(u32 fn) {
    return fn == 0x01 || fn == 0x03 || fn == 0x04 || fn == 0x05 || fn == 0x07;
}

/// Whether @p id is a function this emulation implements, in this form.
bool implemented(u32 id) {
    if ((id & 0xbfff'0000) != 0x8400'0000 || (id & 0x00ff'0000))
        return false;
    u32 fn = function_of(id);
    if (smc64(id) && !has_smc64_form(fn))
        return false;
    switch (fn) {
    case 0x00:  // PSCI_VERSION
    case 0x01:  // CPU_SUSPEND
    case 0x02:  // CPU_OFF
    case 0x03:  // CPU_ON
    case 0x04:  // AFFINITY_INFO
    case 0x06:  // MIGRATE_INFO_TYPE
    case 0x08:  // SYSTEM_OFF
    case 0x09:  // SYSTEM_RESET
    case 0x0a:  // PSCI_FEATURES
        return true;
    default:
        return false;
    }
}

}  // namespace

Vpsci::Vpsci(const Config& config, Actions& actions)
    : m_actions(actions),
      m_vcpus(config.vcpu_count == 0 ? 1 : config.vcpu_count > k_max_vcpus ? k_max_vcpus : config.vcpu_count),
      m_ram_base(config.ram_base),
      m_ram_size(config.ram_size) {
    bool any = false;
    for (unsigned i = 0; i < k_max_vcpus; ++i)
        any |= config.mpidr[i] != 0;
    for (unsigned i = 0; i < k_max_vcpus; ++i)
        m_aff[i] = any ? config.mpidr[i] & k_aff_mask : i;
    for (unsigned i = 0; i < k_max_vcpus; ++i)
        m_state[i] = i == 0 ? PowerState::On : PowerState::Off;
}

bool Vpsci::owns(u32 id) {
    return (id & k_owner_mask) == k_owner_standard && (id & 0x8000'0000) && function_of(id) <= k_psci_last;
}

int Vpsci::find(u64 mpidr) const {
    for (unsigned i = 0; i < m_vcpus; ++i)
        if (m_aff[i] == (mpidr & k_aff_mask) && (mpidr & ~k_aff_mask & ~MpidrEl1::Res1::mask) == 0)
            return static_cast<int>(i);
    return -1;
}

Outcome Vpsci::call(unsigned vcpu, u64 x0, u64 x1, u64 x2, u64 x3) {
    u32 id = static_cast<u32>(x0);
    if (vcpu >= m_vcpus || (x0 >> 32) != 0 || !implemented(id))
        return {code(Status::NotSupported), true};
    if (!smc64(id)) {  // SMC32: arguments are the low 32 bits (SMCCC §2.6)
        x1 &= 0xffffffffu;
        x2 &= 0xffffffffu;
        x3 &= 0xffffffffu;
    }
    switch (function_of(id)) {
    case 0x00: return {k_version, true};
    case 0x01:
        // CPU_SUSPEND: every power state is treated as standby (§5.4.2 allows a
        // return with SUCCESS); the core parks the vCPU until an interrupt.
        m_actions.cpu_suspend(vcpu);
        return {code(Status::Success), true};
    case 0x02: return cpu_off(vcpu);
    case 0x03: return cpu_on(x1, x2, x3);
    case 0x04: return {affinity_info(x1, x2), true};
    case 0x06: return {k_migrate_none, true};
    case 0x08: m_actions.system_off(); return {code(Status::Success), false};
    case 0x09: m_actions.system_reset(); return {code(Status::Success), false};
    default: return {features(static_cast<u32>(x1)), true};
    }
}

Outcome Vpsci::cpu_on(u64 target, u64 entry, u64 context_id) {
    int t = find(target);
    if (t < 0)
        return {code(Status::InvalidParameters), true};
    if (entry % 4 != 0 || entry < m_ram_base || entry - m_ram_base >= m_ram_size)
        return {code(Status::InvalidAddress), true};
    {
        tn::SpinlockGuard guard(m_lock);
        switch (m_state[t]) {
        case PowerState::On: return {code(Status::AlreadyOn), true};
        case PowerState::OnPending: return {code(Status::OnPending), true};
        case PowerState::Off: m_state[t] = PowerState::OnPending; break;
        }
    }
    unsigned tv = static_cast<unsigned>(t);
    if (!m_actions.cpu_on(tv, entry, context_id)) {
        tn::SpinlockGuard guard(m_lock);
        if (m_state[tv] == PowerState::OnPending)
            m_state[tv] = PowerState::Off;
        return {code(Status::InternalFailure), true};
    }
    return {code(Status::Success), true};
}

Outcome Vpsci::cpu_off(unsigned vcpu) {
    {
        tn::SpinlockGuard guard(m_lock);
        m_state[vcpu] = PowerState::Off;
    }
    m_actions.cpu_off(vcpu);
    return {code(Status::Success), false};
}

// AFFINITY_INFO (§5.6): the state of the affinity instance @p target names at
// level @p level (lower levels ignored): ON if any vCPU in it is on, else
// ON_PENDING if any is starting, else OFF. No vCPU in it: INVALID_PARAMETERS.
u64 Vpsci::affinity_info(u64 target, u64 level) {
    using M = MpidrEl1;
    static constexpr u64 k_level_mask[4] = {k_aff_mask, k_aff_mask & ~M::Aff0::mask,
                                            k_aff_mask & ~(M::Aff0::mask | M::Aff1::mask),
                                            k_aff_mask & ~(M::Aff0::mask | M::Aff1::mask | M::Aff2::mask)};
    if (level > 3)
        return code(Status::InvalidParameters);
    u64 mask = k_level_mask[level];
    bool any = false, on = false, pending = false;
    tn::SpinlockGuard guard(m_lock);
    for (unsigned i = 0; i < m_vcpus; ++i) {
        if ((m_aff[i] & mask) != (target & mask))
            continue;
        any = true;
        on |= m_state[i] == PowerState::On;
        pending |= m_state[i] == PowerState::OnPending;
    }
    if (!any)
        return code(Status::InvalidParameters);
    PowerState s = on ? PowerState::On : pending ? PowerState::OnPending : PowerState::Off;
    return static_cast<u64>(s);
}

// PSCI_FEATURES (§5.15): SUCCESS (0) for an implemented function; for
// CPU_SUSPEND the feature flags, 0 = original power-state format, platform
// coordinated. Anything else, including SMCCC_VERSION: NOT_SUPPORTED.
u64 Vpsci::features(u32 function) {
    // SMCCC_VERSION too (§5.1.14): how a guest learns that SMCCC 1.1 is there
    // (mortise/smccc.hpp).
    constexpr u32 k_smccc_version = 0x8000'0000;
    return implemented(function) || function == k_smccc_version ? code(Status::Success)
                                                                 : code(Status::NotSupported);
}

void Vpsci::started(unsigned vcpu) {
    tn::SpinlockGuard guard(m_lock);
    if (vcpu < m_vcpus)
        m_state[vcpu] = PowerState::On;
}

void Vpsci::stopped(unsigned vcpu) {
    tn::SpinlockGuard guard(m_lock);
    if (vcpu < m_vcpus)
        m_state[vcpu] = PowerState::Off;
}

void Vpsci::reset(unsigned boot_vcpu) {
    tn::SpinlockGuard guard(m_lock);
    for (unsigned i = 0; i < k_max_vcpus; ++i)
        m_state[i] = i == boot_vcpu && i < m_vcpus ? PowerState::On : PowerState::Off;
}

PowerState Vpsci::state(unsigned vcpu) {
    tn::SpinlockGuard guard(m_lock);
    return vcpu < m_vcpus ? m_state[vcpu] : PowerState::Off;
}

}  // namespace mortise::vpsci
