// SMCCC 1.1 architecture calls (see mortise/smccc.hpp).
#include <mortise/smccc.hpp>
#include <tn/arch/sysreg.hpp>

namespace mortise::smccc {

namespace {

constexpr u32 k_owner_mask = 0x3f00'0000;  // SMCCC owner [29:24]; 0 = Arm architecture
constexpr u32 k_fast = 0x8000'0000;
constexpr u32 k_smc64 = 0x4000'0000;

// MIDR_EL1: implementer [31:24], part number [15:4].
constexpr u32 k_arm = 0x41;
constexpr u32 k_unaffected_parts[] = {
    0xd03,  // Cortex-A53
    0xd04,  // Cortex-A35
    0xd05,  // Cortex-A55
};

bool listed(u64 midr) {
    if (((midr >> 24) & 0xff) != k_arm)
        return false;
    const u32 part = (midr >> 4) & 0xfff;
    for (u32 p : k_unaffected_parts)
        if (p == part)
            return true;
    return false;
}

i64 features(u32 function, const Exposure& cpu) {
    switch (function) {
    case fid::version:
    case fid::arch_features:
        return 0;
    case fid::arch_workaround_1:
        return cpu.spectre_v2 ? k_not_supported : k_unaffected;
    case fid::arch_workaround_2:
        return cpu.ssb ? k_not_supported : k_not_required;
    case fid::arch_workaround_3:
        return cpu.bhb ? k_not_supported : k_unaffected;
    default:
        return k_not_supported;
    }
}

}  // namespace

Exposure classify(u64 midr, u64 pfr0, u64 mmfr1) {
    using tn::arch::IdAa64mmfr1El1;
    using tn::arch::IdAa64pfr0El1;
    const bool safe = listed(midr);
    const u64 csv2 = IdAa64pfr0El1::Csv2::get(pfr0);
    Exposure e;
    e.spectre_v2 = !safe && csv2 == 0;
    e.ssb = !safe;
    e.bhb = !safe && csv2 < 3 && IdAa64mmfr1El1::Ecbhb::get(mmfr1) == 0;
    return e;
}

bool owns(u32 id) { return (id & k_fast) && (id & k_owner_mask) == 0; }

i64 call(u64 x0, u64 x1, const Exposure& cpu) {
    const u32 id = static_cast<u32>(x0);
    if ((x0 >> 32) != 0 || (id & k_smc64))  // the architecture calls are SMC32 only
        return k_not_supported;
    switch (id) {
    case fid::version: return k_version;
    case fid::arch_features: return features(static_cast<u32>(x1), cpu);
    default: return k_not_supported;
    }
}

}  // namespace mortise::smccc
