// Host tests of the SMCCC 1.1 architecture calls: the version, ARCH_FEATURES
// for each workaround on unaffected and affected CPUs, and NOT_SUPPORTED for
// everything else.
#include <gtest/gtest.h>

#include <mortise/smccc.hpp>

using namespace mortise::smccc;

namespace {

constexpr u64 k_cortex_a53 = 0x410fd034;  // QEMU's -cpu cortex-a53
constexpr u64 k_cortex_a57 = 0x411fd070;
constexpr u64 k_cortex_a76 = 0x414fd0b0;
constexpr u64 k_csv2_1 = u64{1} << 56, k_csv2_3 = u64{3} << 56;
constexpr u64 k_ecbhb = u64{1} << 60;

i64 arch_features(u32 function, const Exposure& cpu) { return call(fid::arch_features, function, cpu); }

TEST(Smccc, OwnsTheArchitectureCallsOnly) {
    EXPECT_TRUE(owns(fid::version));
    EXPECT_TRUE(owns(fid::arch_workaround_1));
    EXPECT_TRUE(owns(0xc0000000));  // SMC64 form: ours to refuse
    EXPECT_FALSE(owns(0x84000000));  // PSCI
    EXPECT_FALSE(owns(0xc6000000));  // vendor hypervisor (Mortise's hypercalls)
    EXPECT_FALSE(owns(0x00000000));  // yielding call
}

TEST(Smccc, VersionIs1Point1AndFeaturesKnowsItself) {
    Exposure a53 = classify(k_cortex_a53, 0, 0);
    EXPECT_EQ(call(fid::version, 0, a53), 0x10001);
    EXPECT_EQ(arch_features(fid::version, a53), 0);
    EXPECT_EQ(arch_features(fid::arch_features, a53), 0);
}

TEST(Smccc, CortexA53IsAffectedByNone) {
    Exposure a53 = classify(k_cortex_a53, 0, 0);
    EXPECT_FALSE(a53.spectre_v2 || a53.ssb || a53.bhb);
    EXPECT_EQ(arch_features(fid::arch_workaround_1, a53), 1);   // not required on this PE
    EXPECT_EQ(arch_features(fid::arch_workaround_2, a53), -2);  // NOT_REQUIRED
    EXPECT_EQ(arch_features(fid::arch_workaround_3, a53), 1);
}

TEST(Smccc, AnAffectedCpuIsToldNotSupportedSinceMortiseCannotMitigate) {
    Exposure a57 = classify(k_cortex_a57, 0, 0);
    EXPECT_TRUE(a57.spectre_v2 && a57.ssb && a57.bhb);
    for (u32 w : {fid::arch_workaround_1, fid::arch_workaround_2, fid::arch_workaround_3})
        EXPECT_EQ(arch_features(w, a57), -1) << std::hex << w;
}

TEST(Smccc, IdRegistersSayWhatTheyCover) {
    Exposure a76 = classify(k_cortex_a76, k_csv2_1, 0);
    EXPECT_FALSE(a76.spectre_v2);
    EXPECT_TRUE(a76.ssb);
    EXPECT_TRUE(a76.bhb);
    EXPECT_FALSE(classify(k_cortex_a76, k_csv2_3, 0).bhb);
    EXPECT_FALSE(classify(k_cortex_a76, k_csv2_1, k_ecbhb).bhb);
    EXPECT_TRUE(classify(0x510f8000 /* not Arm's */ | (0xd03 << 4), 0, 0).ssb);
}

TEST(Smccc, EverythingElseIsNotSupportedNeverAHalt) {
    Exposure a53 = classify(k_cortex_a53, 0, 0);
    for (u64 f : {u64{fid::arch_soc_id}, u64{fid::arch_workaround_1}, u64{fid::arch_workaround_2},
                  u64{fid::arch_workaround_3}, u64{0x8000ffff}, u64{0xc0000000} /* SMC64 VERSION */,
                  u64{fid::version} | (u64{1} << 32)})
        EXPECT_EQ(call(f, 0, a53), -1) << std::hex << f;
    for (u32 f : {fid::arch_soc_id, 0x8000ff00u, 0x84000000u /* PSCI */, 0xc6000000u})
        EXPECT_EQ(arch_features(f, a53), -1) << std::hex << f;
}

}  // namespace
