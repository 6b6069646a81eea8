// Host tests of the PSCI emulation: every implemented function in both
// calling conventions, the spec's error codes, and what the core is asked to do.
#include <gtest/gtest.h>

#include <mortise/vpsci.hpp>

#include <string>
#include <vector>

using namespace mortise::vpsci;

namespace {

struct Recorder final : Actions {
    std::vector<std::string> log;
    bool accept = true;
    bool cpu_on(unsigned vcpu, u64 entry, u64 ctx) override {
        log.push_back("on " + std::to_string(vcpu) + " " + std::to_string(entry) + " " + std::to_string(ctx));
        return accept;
    }
    void cpu_off(unsigned vcpu) override { log.push_back("off " + std::to_string(vcpu)); }
    void cpu_suspend(unsigned vcpu) override { log.push_back("suspend " + std::to_string(vcpu)); }
    void system_off() override { log.push_back("system_off"); }
    void system_reset() override { log.push_back("system_reset"); }
};

constexpr u64 k_ram = 0x4000'0000, k_ram_size = 0x0800'0000;

Config config(unsigned vcpus) {
    Config c;
    c.vcpu_count = vcpus;
    c.ram_base = k_ram;
    c.ram_size = k_ram_size;
    return c;
}

i64 ret(Outcome o) { return static_cast<i64>(o.x0); }
constexpr i64 s(Status st) { return static_cast<i64>(st); }

TEST(Vpsci, VersionFeaturesAndMigrateInfo) {
    Recorder r;
    Vpsci p{config(2), r};
    EXPECT_EQ(p.call(0, fid::version, 0, 0, 0).x0, 0x10001u);
    EXPECT_EQ(p.call(0, fid::migrate_info_type, 0, 0, 0).x0, 2u);
    for (u32 f : {fid::version, fid::cpu_on, fid::cpu_on | fid::smc64, fid::cpu_off, fid::affinity_info,
                  fid::affinity_info | fid::smc64, fid::system_off, fid::system_reset, fid::features,
                  fid::migrate_info_type, fid::cpu_suspend, fid::cpu_suspend | fid::smc64,
                  0x80000000u /* SMCCC_VERSION: SMCCC 1.1 is there */})
        EXPECT_EQ(ret(p.call(0, fid::features, f, 0, 0)), 0) << std::hex << f;
    for (u32 f : {fid::migrate, fid::migrate_info_up_cpu, fid::system_suspend, fid::system_reset2,
                  fid::version | fid::smc64, fid::system_off | fid::smc64, 0x80000001u /* SMCCC_ARCH_FEATURES */,
                  0x8400001fu, 0u})
        EXPECT_EQ(ret(p.call(0, fid::features, f, 0, 0)), s(Status::NotSupported)) << std::hex << f;
    EXPECT_TRUE(r.log.empty());
}

TEST(Vpsci, UnknownFunctionsReturnNotSupportedAndTheGuestContinues) {
    Recorder r;
    Vpsci p{config(1), r};
    for (u64 f : {u64{fid::migrate}, u64{fid::migrate_info_up_cpu}, u64{0x84000020}, u64{0xc4000008},
                  u64{0x86000000}, u64{0xc6000000} /* vendor hyp */, u64{0x84000000} | (u64{1} << 32),
                  u64{0x04000000} /* fast-call bit clear */, u64{0xffffffff}}) {
        Outcome o = p.call(0, f, 0, 0, 0);
        EXPECT_EQ(ret(o), s(Status::NotSupported)) << std::hex << f;
        EXPECT_TRUE(o.resume);
    }
    EXPECT_TRUE(r.log.empty());
}

TEST(Vpsci, OwnsOnlyThePsciRange) {
    EXPECT_TRUE(Vpsci::owns(fid::version));
    EXPECT_TRUE(Vpsci::owns(fid::cpu_on | fid::smc64));
    EXPECT_TRUE(Vpsci::owns(0x8400001f));
    EXPECT_FALSE(Vpsci::owns(0x84000020));
    EXPECT_FALSE(Vpsci::owns(0x80000000));  // SMCCC arch calls
    EXPECT_FALSE(Vpsci::owns(0x86000000));  // SiP
    EXPECT_FALSE(Vpsci::owns(0x04000000));  // yielding call
}

TEST(Vpsci, CpuOnStartsTheTargetOnceAndReportsItsState) {
    Recorder r;
    Vpsci p{config(4), r};
    EXPECT_EQ(p.state(0), PowerState::On);
    EXPECT_EQ(p.call(0, fid::affinity_info | fid::smc64, 2, 0, 0).x0, 1u) << "OFF";
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 2, k_ram + 0x1000, 0xfeed)), 0);
    ASSERT_EQ(r.log.size(), 1u);
    EXPECT_EQ(r.log[0], "on 2 " + std::to_string(k_ram + 0x1000) + " " + std::to_string(0xfeed));
    EXPECT_EQ(p.state(2), PowerState::OnPending);
    EXPECT_EQ(p.call(0, fid::affinity_info | fid::smc64, 2, 0, 0).x0, 2u) << "ON_PENDING";
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 2, k_ram, 0)), s(Status::OnPending));
    p.started(2);
    EXPECT_EQ(p.call(0, fid::affinity_info, 2, 0, 0).x0, 0u) << "ON";
    EXPECT_EQ(ret(p.call(1, fid::cpu_on, 2, k_ram, 0)), s(Status::AlreadyOn));
    EXPECT_EQ(ret(p.call(1, fid::cpu_on, 0, k_ram, 0)), s(Status::AlreadyOn)) << "the boot vCPU";
    EXPECT_EQ(r.log.size(), 1u);
}

TEST(Vpsci, CpuOnValidatesTargetAndEntryPoint) {
    Recorder r;
    Vpsci p{config(2), r};
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 2, k_ram, 0)), s(Status::InvalidParameters));
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 0x100, k_ram, 0)), s(Status::InvalidParameters));
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 1, k_ram - 4, 0)), s(Status::InvalidAddress));
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 1, k_ram + k_ram_size, 0)), s(Status::InvalidAddress));
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 1, k_ram + 2, 0)), s(Status::InvalidAddress));
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 1, 0, 0)), s(Status::InvalidAddress));
    EXPECT_TRUE(r.log.empty());
    EXPECT_EQ(p.state(1), PowerState::Off);
    // MPIDR with the RES1 bit 31 set, as read from MPIDR_EL1, names the same vCPU.
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 0x80000001, k_ram + k_ram_size - 4, 0)), 0);
}

TEST(Vpsci, Smc32FormsUseOnlyTheLow32BitsOfArguments) {
    Recorder r;
    Vpsci p{config(2), r};
    // High halves must be ignored: target 1, entry inside RAM, context truncated.
    EXPECT_EQ(ret(p.call(0, fid::cpu_on, 0xffff'0000'0000'0001, 0x1'0000'0000 | k_ram, 0xaaaa'0000'0000'0005)), 0);
    ASSERT_EQ(r.log.size(), 1u);
    EXPECT_EQ(r.log[0], "on 1 " + std::to_string(k_ram) + " 5");
    // The SMC64 form keeps them, so the same target is invalid.
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 0xffff'0000'0000'0001, k_ram, 0)), s(Status::InvalidParameters));
}

TEST(Vpsci, FailedStartIsReportedAndRevertsToOff) {
    Recorder r;
    r.accept = false;
    Vpsci p{config(2), r};
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 1, k_ram, 0)), s(Status::InternalFailure));
    EXPECT_EQ(p.state(1), PowerState::Off);
}

TEST(Vpsci, CpuOffStopsTheCaller) {
    Recorder r;
    Vpsci p{config(2), r};
    ASSERT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 1, k_ram, 0)), 0);
    p.started(1);
    Outcome o = p.call(1, fid::cpu_off, 0, 0, 0);
    EXPECT_FALSE(o.resume);
    EXPECT_EQ(r.log.back(), "off 1");
    EXPECT_EQ(p.state(1), PowerState::Off);
    EXPECT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 1, k_ram, 0)), 0) << "can be started again";
}

TEST(Vpsci, AffinityInfoAtHigherLevels) {
    Recorder r;
    Config c = config(3);
    c.mpidr[0] = 0x000;
    c.mpidr[1] = 0x001;
    c.mpidr[2] = 0x100;  // another cluster
    Vpsci p{c, r};
    EXPECT_EQ(p.call(0, fid::affinity_info, 0x005, 1, 0).x0, 0u) << "cluster 0 has vCPU 0 on";
    EXPECT_EQ(p.call(0, fid::affinity_info, 0x100, 1, 0).x0, 1u) << "cluster 1 is off";
    EXPECT_EQ(ret(p.call(0, fid::affinity_info, 0x200, 1, 0)), s(Status::InvalidParameters));
    EXPECT_EQ(ret(p.call(0, fid::affinity_info, 0x0, 4, 0)), s(Status::InvalidParameters));
    EXPECT_EQ(ret(p.call(0, fid::affinity_info, 0x2, 0, 0)), s(Status::InvalidParameters));
    EXPECT_EQ(ret(p.call(0, fid::cpu_on, 0x100, k_ram, 0)), 0);
    EXPECT_EQ(r.log.back(), "on 2 " + std::to_string(k_ram) + " 0");
}

TEST(Vpsci, SystemOffResetAndSuspendReachTheCore) {
    Recorder r;
    Vpsci p{config(2), r};
    Outcome o = p.call(0, fid::cpu_suspend | fid::smc64, 0, k_ram, 0);
    EXPECT_EQ(ret(o), 0);
    EXPECT_TRUE(o.resume);
    o = p.call(1, fid::system_off, 0, 0, 0);
    EXPECT_FALSE(o.resume);
    o = p.call(0, fid::system_reset, 0, 0, 0);
    EXPECT_FALSE(o.resume);
    EXPECT_EQ(r.log, (std::vector<std::string>{"suspend 0", "system_off", "system_reset"}));
    EXPECT_EQ(ret(p.call(5, fid::version, 0, 0, 0)), s(Status::NotSupported)) << "no such vCPU";
}

TEST(Vpsci, ResetLeavesOnlyTheBootVcpuOn) {
    Recorder r;
    Vpsci p{config(3), r};
    ASSERT_EQ(ret(p.call(0, fid::cpu_on | fid::smc64, 1, k_ram, 0)), 0);
    p.started(1);
    p.stopped(0);
    EXPECT_EQ(p.state(0), PowerState::Off);
    p.reset();
    EXPECT_EQ(p.state(0), PowerState::On);
    EXPECT_EQ(p.state(1), PowerState::Off);
    EXPECT_EQ(p.state(2), PowerState::Off);
}

}  // namespace
