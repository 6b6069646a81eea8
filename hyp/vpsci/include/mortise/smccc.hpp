// SMCCC 1.1 architecture calls for guests (ARM DEN 0028, "SMC Calling
// Convention", owner 0: function IDs 0x8000_xxxx): SMCCC_VERSION answers 1.1,
// SMCCC_ARCH_FEATURES answers for the three firmware workarounds truthfully
// for the CPU the guest runs on, and every other ID is NOT_SUPPORTED (-1),
// never a halt. PSCI_FEATURES(SMCCC_VERSION) says SUCCESS (mortise/vpsci.hpp),
// which is how a guest learns it may ask.
//
// Mortise implements none of the workarounds (there is no firmware behind it
// that could), so the answer for ARCH_WORKAROUND_n is one of two:
//  - the CPU is not affected: "not required" (1 for WORKAROUND_1 and _3,
//    NOT_REQUIRED (-2) for WORKAROUND_2, as the discovery of each defines);
//  - the CPU is affected, or Mortise does not know it: NOT_SUPPORTED (-1), and
//    the guest reports itself vulnerable, which is then the truth.
// The workaround calls themselves return NOT_SUPPORTED: a guest only makes
// them after ARCH_FEATURES said 0, which Mortise never says.
//
// Which CPUs are unaffected: the ID registers where the architecture says so
// (ID_AA64PFR0_EL1.CSV2 for branch target injection, CSV2 = 3 or
// ID_AA64MMFR1_EL1.ECBHB for branch history injection), else Arm's list of
// cores affected by none of the three (Cortex-A35, A53, A55).
#pragma once

#include <tn/types.hpp>

namespace mortise::smccc {

using tn::i64;
using tn::u32;
using tn::u64;

namespace fid {
constexpr u32 version = 0x80000000, arch_features = 0x80000001, arch_soc_id = 0x80000002,
              arch_workaround_1 = 0x80008000, arch_workaround_2 = 0x80007fff, arch_workaround_3 = 0x80003fff;
}  // namespace fid

constexpr u32 k_version = 0x00010001;  // 1.1: major [30:16], minor [15:0]
constexpr i64 k_not_supported = -1;
constexpr i64 k_not_required = -2;
constexpr i64 k_unaffected = 1;  ///< ARCH_WORKAROUND_1/_3: "not required on this PE"

/// Which speculation issues the CPU has, each of which one workaround covers.
struct Exposure {
    bool spectre_v2 = true;  ///< CVE-2017-5715, ARCH_WORKAROUND_1
    bool ssb = true;         ///< CVE-2018-3639, ARCH_WORKAROUND_2
    bool bhb = true;         ///< CVE-2022-23960, ARCH_WORKAROUND_3
};

/// The CPU's exposure from MIDR_EL1, ID_AA64PFR0_EL1 and ID_AA64MMFR1_EL1.
Exposure classify(u64 midr, u64 pfr0, u64 mmfr1);

/// True for the Arm architecture calls (owner 0, fast calls, SMC32 or SMC64).
bool owns(u32 id);

/// The x0 a guest gets for architecture call @p x0 with argument @p x1.
i64 call(u64 x0, u64 x1, const Exposure& cpu);

}  // namespace mortise::smccc
