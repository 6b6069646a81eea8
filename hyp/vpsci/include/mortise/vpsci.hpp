// PSCI 1.1 for a guest's vCPUs (ARM DEN 0022D.b, "Arm Power State Coordination
// Interface"): the functions a guest calls through HVC or SMC, validated
// against its own vCPUs and RAM, with the effects (start or stop a vCPU,
// stop or restart the guest) requested from the core through Actions.
//
// Implemented, SMC32 and SMC64 forms where both exist (§5.1): PSCI_VERSION
// (1.1), PSCI_FEATURES, CPU_SUSPEND (standby semantics: returns SUCCESS once
// the vCPU may run again, §5.4), CPU_OFF, CPU_ON, AFFINITY_INFO, MIGRATE_INFO_TYPE
// (2: no Trusted OS to migrate), SYSTEM_OFF, SYSTEM_RESET. Every other function
// ID, including MIGRATE and MIGRATE_INFO_UP_CPU, returns NOT_SUPPORTED (-1); the
// guest keeps running. SMC32 forms use only the low 32 bits of each argument.
// PSCI_FEATURES also answers SUCCESS for SMCCC_VERSION (mortise/smccc.hpp).
//
// vCPU power states (§5.6 AFFINITY_INFO): Off -> OnPending (CPU_ON accepted,
// core asked to start it) -> On (the core calls started()) -> Off (CPU_OFF).
// CPU_ON returns ALREADY_ON / ON_PENDING for a target that is on / starting,
// INVALID_PARAMETERS for an MPIDR naming none of the guest's vCPUs, and
// INVALID_ADDRESS for an entry point outside guest RAM or not 4-byte aligned.
//
// Validate, then commit: every check runs under the lock before any state
// change; the Actions call happens after the lock is released, so the core may
// call back into Vpsci (started(), reset()) from it.
#pragma once

#include <tn/spinlock.hpp>
#include <tn/types.hpp>

namespace mortise::vpsci {

using tn::i64;
using tn::u32;
using tn::u64;

constexpr unsigned k_max_vcpus = 16;

/// Function IDs (§5.1.1-§5.1.20): 0x84000000 + n (SMC32), 0xC4000000 + n (SMC64).
namespace fid {
constexpr u32 smc64 = 0x40000000;
constexpr u32 version = 0x84000000, cpu_suspend = 0x84000001, cpu_off = 0x84000002, cpu_on = 0x84000003,
              affinity_info = 0x84000004, migrate = 0x84000005, migrate_info_type = 0x84000006,
              migrate_info_up_cpu = 0x84000007, system_off = 0x84000008, system_reset = 0x84000009,
              features = 0x8400000a, system_suspend = 0x8400000e, system_reset2 = 0x84000012;
}  // namespace fid

/// Return codes (§5.2.2).
enum class Status : i64 {
    Success = 0,
    NotSupported = -1,
    InvalidParameters = -2,
    Denied = -3,
    AlreadyOn = -4,
    OnPending = -5,
    InternalFailure = -6,
    NotPresent = -7,
    Disabled = -8,
    InvalidAddress = -9,
};

constexpr u32 k_version = 0x00010001;  // major 1 [31:16], minor 1 [15:0]
constexpr u64 k_migrate_none = 2;      // MIGRATE_INFO_TYPE: Trusted OS not present

enum class PowerState : u32 { On = 0, Off = 1, OnPending = 2 };  // AFFINITY_INFO values

/// What the core does for the guest. Called without Vpsci's lock held.
class Actions {
public:
    /// Start @p vcpu at @p entry (EL1h, MMU off) with x0 = @p context_id. Return
    /// false if it cannot (CPU_ON then fails with INTERNAL_FAILURE).
    virtual bool cpu_on(unsigned vcpu, u64 entry, u64 context_id) = 0;
    /// Stop the calling @p vcpu; it does not return to the guest.
    virtual void cpu_off(unsigned vcpu) = 0;
    /// CPU_SUSPEND: let @p vcpu wait (like WFI) until an interrupt is deliverable.
    virtual void cpu_suspend(unsigned vcpu) = 0;
    /// Stop the whole guest (SYSTEM_OFF) or restart it from its image (SYSTEM_RESET).
    virtual void system_off() = 0;
    virtual void system_reset() = 0;

protected:
    ~Actions() = default;
};

struct Config {
    unsigned vcpu_count = 1;
    /// MPIDR affinity of each vCPU (Aff3 [39:32], Aff2-0 [23:0]); all zero:
    /// vCPU n has Aff0 = n (as the vGIC and the guest DT assume).
    u64 mpidr[k_max_vcpus] = {};
    u64 ram_base = 0;  // guest RAM as an IPA range
    u64 ram_size = 0;
};

/// Result of one call: the value for x0 (and whether the calling vCPU resumes).
struct Outcome {
    u64 x0;
    bool resume;  // false after CPU_OFF, SYSTEM_OFF and SYSTEM_RESET succeeded
};

class Vpsci {
public:
    Vpsci(const Config& config, Actions& actions);

    /// Whether @p function_id is in the PSCI range (owner "standard secure
    /// service", functions 0x00-0x1f), i.e. the core should route it here.
    static bool owns(u32 function_id);
    /// Handles one call by @p vcpu with x0..x3 as trapped.
    Outcome call(unsigned vcpu, u64 x0, u64 x1, u64 x2, u64 x3);

    /// The core reports @p vcpu running (the boot vCPU at guest start, a
    /// CPU_ON target when it enters the guest).
    void started(unsigned vcpu);
    /// The core stopped @p vcpu by itself (e.g. after a fault).
    void stopped(unsigned vcpu);
    /// Guest (re)start: every vCPU Off except @p boot_vcpu, which is On.
    void reset(unsigned boot_vcpu = 0);

    PowerState state(unsigned vcpu);
    unsigned vcpu_count() const { return m_vcpus; }
    u64 affinity(unsigned vcpu) const { return m_aff[vcpu < m_vcpus ? vcpu : 0]; }

private:
    static u64 code(Status s) { return static_cast<u64>(static_cast<i64>(s)); }
    Outcome cpu_on(u64 target, u64 entry, u64 context_id);
    Outcome cpu_off(unsigned vcpu);
    u64 affinity_info(u64 target, u64 level);
    u64 features(u32 function);
    int find(u64 mpidr) const;

    tn::Spinlock m_lock;
    Actions& m_actions;
    unsigned m_vcpus;
    u64 m_aff[k_max_vcpus];
    u64 m_ram_base, m_ram_size;
    PowerState m_state[k_max_vcpus];
};

}  // namespace mortise::vpsci
