// hyp/core's guests and hypercall traps on the host (src/guest.cpp,
// trap.cpp, shell.cpp, images.cpp, lifecycle.cpp against arch/fake and
// tests/core_env.cpp): guests created from a description, and the status a
// guest's lifecycle hypercall gets back for each way it can fail; an access
// outside the partition (an injected abort for Linux, a stop for Tenon); SMCCC 1.1.
#include <gtest/gtest.h>

#include <cstring>

#include <mortise/guestdt.hpp>
#include <mortise/kernel_image.hpp>
#include <tn/arch/at.hpp>
#include <tn/arch/cache.hpp>
#include <tn/arch/esr.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/arch/tlb.hpp>
#include <tn/fdt_writer.hpp>
#include <tn/plat/mortise_guest_map.hpp>

#include "core_env.hpp"

extern "C" void mortise_guest_sync(mortise::vcpu::GuestRegs* regs);

namespace mortise {
bool init_hypercalls();
void shell_input(u8 byte);
}  // namespace mortise

// The embedded images (support/make/hypervisor.mk generates these on the
// target): a minimal arm64 Image, and one whose header claims 64 MiB.
namespace {

struct FakeImage {
    mortise::u8 bytes[4096];
    explicit FakeImage(mortise::u64 image_size) {
        std::memset(bytes, 0, sizeof bytes);
        mortise::u64 text_offset = 0, magic = 0x644d5241;
        std::memcpy(bytes + 8, &text_offset, 8);
        std::memcpy(bytes + 16, &image_size, 8);
        std::memcpy(bytes + 56, &magic, 8);
    }
};
FakeImage g_tenon(4096);
FakeImage g_huge(64 * tn::MiB);

// Device-tree overlays (written in SetUpTestSuite, before the guests load): one adding /tenon, one
// changing the generated /memory node, which Mortise refuses at load.
alignas(8) mortise::u8 g_overlay_good[512], g_overlay_bad[512];
mortise::u64 g_overlay_good_size, g_overlay_bad_size;

mortise::u64 write_overlay(mortise::u8* buf, const char* target, bool add_node) {
    tn::fdt::Writer w(buf, 512);
    w.begin_node("").begin_node("fragment@0").property_string("target-path", target).begin_node("__overlay__");
    if (add_node)
        w.begin_node("tenon").property_string("compatible", "tenonos,partner").end_node();
    else
        w.property_u32("reg", 0);
    w.end_node().end_node().end_node();
    return w.finish();
}

}  // namespace

extern "C" {
extern const mortise::Image mortise_image_table[5];
extern const tn::u64 mortise_image_count;
extern const tn::u8 mortise_partitions[1];
extern const tn::u64 mortise_partitions_size;
const mortise::Image mortise_image_table[5] = {
    {"tenon", g_tenon.bytes, sizeof g_tenon.bytes},
    {"huge", g_huge.bytes, sizeof g_huge.bytes},
    {"linux", g_tenon.bytes, sizeof g_tenon.bytes, mortise::ImageKind::Linux},
    {"good", g_overlay_good, sizeof g_overlay_good, mortise::ImageKind::DtOverlay},
    {"bad", g_overlay_bad, sizeof g_overlay_bad, mortise::ImageKind::DtOverlay}};
const tn::u64 mortise_image_count = 5;
const tn::u8 mortise_partitions[1] = {};
const tn::u64 mortise_partitions_size = 0;
}

namespace mortise::test {
namespace {

using hypercall::Status;
namespace id = tn::mortise_abi::id;

enum : unsigned { k_ctl, k_worker, k_huge, k_missing, k_invalid, k_too_many, k_user, k_linux, k_count };

partition::Guest guest_desc(const char* name, const char* image, u64 cpu_mask, bool autostart = false) {
    partition::Guest g{};
    std::strcpy(g.name, name);
    std::strcpy(g.image, image);
    g.cpu_mask = cpu_mask;
    g.mem_size = 4 * tn::MiB;
    g.autostart = autostart;
    g.valid = true;
    return g;
}

partition::Description g_desc;

class Core : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        init_env();
        g_desc.guests[k_ctl] = guest_desc("ctl", "tenon", 0x1, true);
        g_desc.guests[k_ctl].privileged = true;
        g_desc.guests[k_worker] = guest_desc("worker", "tenon", 0x2, true);
        g_desc.guests[k_huge] = guest_desc("huge", "huge", 0x4);  // the image does not fit its RAM
        g_desc.guests[k_missing] = guest_desc("missing", "nowhere", 0x8);  // no such image
        g_desc.guests[k_invalid] = guest_desc("invalid", "tenon", 0x10);
        g_desc.guests[k_invalid].valid = false;  // the description check refused it
        g_desc.guests[k_too_many] = guest_desc("too_many", "tenon", 0x1ff00);  // 9 vCPUs
        g_desc.guests[k_user] = guest_desc("user", "tenon", 0x20000, true);
        g_desc.guests[k_linux] = guest_desc("penguin", "linux", 0x40000, true);
        g_desc.guests[k_linux].kernel = partition::Kernel::Linux;
        g_desc.guests[k_linux].mem_size = 8 * tn::MiB;
        // Sizes as dtc leaves them: the blob's totalsize; the table's size is the buffer's.
        g_overlay_good_size = write_overlay(g_overlay_good, "/", true);
        g_overlay_bad_size = write_overlay(g_overlay_bad, "/memory@40000000", false);
        ASSERT_NE(g_overlay_good_size, 0u);
        ASSERT_NE(g_overlay_bad_size, 0u);
        std::strcpy(g_desc.guests[k_linux].dt_overlay, "good");
        g_desc.count = k_count;
        ASSERT_TRUE(init_hypercalls());
        create_guests(g_desc);
        take_console();
        // ctl's vCPU runs: it makes the hypercalls.
        ASSERT_TRUE(enter(guest(k_ctl)->vcpu(0)));
    }

    // HVC #0 from @p caller's vCPU 0, through trap.cpp's exit handler.
    static vcpu::GuestRegs hvc(unsigned caller, u32 fid, u64 a1 = 0, u64 a2 = 0) {
        vcpu::GuestRegs r{};
        r.x[0] = fid;
        r.x[1] = a1;
        r.x[2] = a2;
        r.esr = (u64{tn::arch::esr::ec_code::hvc64} << 26) | (u64{1} << 25);
        g_current = &guest(caller)->vcpu(0);
        mortise_guest_sync(&r);
        return r;
    }
    static Status call(u32 fid, unsigned target, unsigned caller = k_ctl) {
        return static_cast<Status>(static_cast<tn::i64>(hvc(caller, fid, target).x[0]));
    }
    static GuestState state(unsigned i) { return guest(i)->state(); }
};

TEST_F(Core, CreatesTheGuestsItCan) {
    ASSERT_EQ(guest_count(), unsigned{k_count});
    EXPECT_EQ(state(k_ctl), GuestState::Running);
    EXPECT_EQ(state(k_worker), GuestState::Running);
    EXPECT_EQ(state(k_huge), GuestState::Stopped);
    EXPECT_EQ(guest(k_worker)->vcpu_count(), 1u);
    // ctl's image is in its RAM at text_offset 0, and made visible to a guest with caches off.
    EXPECT_EQ(std::memcmp(guest(k_ctl)->ram(tn::plat::mortise_guest::map::k_ram, 64), g_tenon.bytes, 64), 0);
    EXPECT_GE(tn::arch::fake::g_icache_invalidations, 2u);
}

// A Linux guest's dt-overlay is applied to the tree Mortise generates at load; one Mortise refuses
// keeps the guest from starting, logged with the overlay's node, property and rule.
TEST_F(Core, DtOverlayAppliedAtLoadOrTheGuestIsNotStarted) {
    ASSERT_EQ(state(k_linux), GuestState::Running);
    const u64 top = 8 * tn::MiB - kernel_image::k_dt_room;
    const u8* dt = guest(k_linux)->ram(tn::plat::mortise_guest::map::k_ram + top, 2 * guestdt::k_max_size);
    ASSERT_NE(dt, nullptr);
    const std::string tree(reinterpret_cast<const char*>(dt), guestdt::k_max_size);
    EXPECT_NE(tree.find("tenonos,partner"), std::string::npos);  // the overlay's node
    EXPECT_NE(tree.find("kaslr-seed"), std::string::npos) << "no generated tree";
    // The generated copy the overlay was applied from (seeds included) is wiped.
    for (u64 i = guestdt::k_max_size; i < 2 * guestdt::k_max_size; ++i)
        ASSERT_EQ(dt[i], 0u) << i;

    partition::Guest& d = g_desc.guests[k_linux];
    EXPECT_EQ(call(id::k_destroy, k_linux), Status::Success);
    take_console();
    std::strcpy(d.dt_overlay, "bad");
    EXPECT_EQ(call(id::k_start, k_linux), Status::Unavailable);
    EXPECT_EQ(state(k_linux), GuestState::Stopped);
    const std::string out = take_console();
    EXPECT_NE(out.find("guest 'penguin' not started: dt-overlay 'bad': /memory@40000000 reg: the overlay may only add"),
              std::string::npos) << out;
    std::strcpy(d.dt_overlay, "nowhere");
    EXPECT_EQ(call(id::k_start, k_linux), Status::Unavailable);
    EXPECT_NE(take_console().find("dt-overlay 'nowhere' is not embedded"), std::string::npos);
    std::strcpy(d.dt_overlay, "good");  // running again for the tests after this one
    EXPECT_EQ(call(id::k_start, k_linux), Status::Success);
    EXPECT_EQ(state(k_linux), GuestState::Running);
    take_console();
}

TEST_F(Core, LifecycleStatusPerFailure) {
    EXPECT_EQ(call(id::k_start, k_huge), Status::Unavailable);      // image larger than its RAM
    EXPECT_EQ(call(id::k_start, k_missing), Status::Unavailable);   // image not embedded
    EXPECT_EQ(call(id::k_start, k_invalid), Status::Unavailable);   // never set up: invalid description
    EXPECT_EQ(call(id::k_restart, k_invalid), Status::Unavailable);
    EXPECT_EQ(call(id::k_start, k_too_many), Status::Unavailable);  // never set up: creation failed
    EXPECT_EQ(state(k_invalid), GuestState::Stopped);
    EXPECT_EQ(call(id::k_pause, k_huge), Status::InvalidState);  // stopped
    EXPECT_EQ(call(id::k_start, k_worker), Status::InvalidState);  // running
    EXPECT_EQ(call(id::k_resume, k_worker), Status::InvalidState);
    EXPECT_EQ(call(id::k_pause, 99), Status::InvalidParameters);   // the dispatcher's check
    EXPECT_EQ(call(id::k_pause, k_worker, k_user), Status::Denied);
    take_console();
}

TEST_F(Core, PauseResumeDestroyRestartThroughHypercalls) {
    Vcpu& w = guest(k_worker)->vcpu(0);
    ASSERT_TRUE(enter(w));
    EXPECT_EQ(call(id::k_pause, k_worker), Status::Success);
    EXPECT_EQ(state(k_worker), GuestState::Paused);
    EXPECT_EQ(call(id::k_resume, k_worker), Status::Busy);  // its vCPU has not left yet
    leave(w);
    EXPECT_EQ(call(id::k_resume, k_worker), Status::Success);
    ASSERT_TRUE(enter(w));
    EXPECT_EQ(call(id::k_destroy, k_worker), Status::Success);
    EXPECT_EQ(state(k_worker), GuestState::Stopped);
    EXPECT_EQ(call(id::k_start, k_worker), Status::Busy);  // still leaving
    EXPECT_EQ(call(id::k_destroy, k_worker), Status::Success);
    EXPECT_EQ(call(id::k_restart, k_worker), Status::Success);  // deferred to its last vCPU
    leave(w);
    EXPECT_EQ(state(k_worker), GuestState::Running);
    EXPECT_NE(take_console().find("mortise: guest 'worker' restarting"), std::string::npos);
    ASSERT_TRUE(enter(w));
    // A fault report stops it as Faulted; start boots it again.
    guest(k_worker)->stop(true);
    leave(w);
    EXPECT_EQ(state(k_worker), GuestState::Faulted);
    EXPECT_EQ(call(id::k_start, k_worker), Status::Success);
}

// console.write goes through the same vuart::GuestLine as the emulated UART:
// a newline in the text cannot start an untagged line, and CR and escape
// sequences arrive escaped (issue 15: console forging).
TEST_F(Core, ConsoleWriteCannotForgeALine) {
    static const char k_text[] = "hi\nmortise: guest 'worker' stopped: forged\r\x1b[2K\x1b]0;title\x07\r\n";
    const tn::Ipa ipa = tn::plat::mortise_guest::map::k_ram + 0x10'0000;
    std::memcpy(guest(k_ctl)->ram(ipa, sizeof k_text), k_text, sizeof k_text);
    take_console();
    EXPECT_EQ(hvc(k_ctl, id::k_write, ipa.value(), sizeof k_text - 1).x[0], 0u);
    EXPECT_EQ(take_console(),  // the console itself ends its lines with CRLF
              "[ctl] hi\r\n"
              "[ctl] mortise: guest 'worker' stopped: forged\\x0d\\x1b[2K\\x1b]0;title\\x07\r\n");
}

// PSCI CPU_OFF of a guest's only vCPU: the guest is stopped with a report
// like SYSTEM_OFF's, instead of staying "running" with nothing on a CPU.
TEST_F(Core, PsciCpuOffOfTheLastVcpuStopsTheGuest) {
    Vcpu& w = guest(k_worker)->vcpu(0);
    ASSERT_TRUE(enter(w));
    take_console();
    hvc(k_worker, 0x8400'0002);  // CPU_OFF: the vCPU leaves at its next entry
    EXPECT_EQ(state(k_worker), GuestState::Running);
    leave(w);
    EXPECT_EQ(state(k_worker), GuestState::Stopped);
    EXPECT_EQ(guest(k_worker)->vcpus_on(), 0u);
    std::string out = take_console();
    EXPECT_NE(out.find("mortise: guest 'worker' powered off (PSCI CPU_OFF of its last online vCPU, vCPU 0)"),
              std::string::npos) << out;
    EXPECT_EQ(call(id::k_start, k_worker), Status::Success);  // as the other tests expect it: posted
}

// A stage-2 data abort at @p ipa from @p caller's vCPU 0, at EL0, reading.
vcpu::GuestRegs stray_read(unsigned caller, u64 ipa) {
    vcpu::GuestRegs r{};
    r.esr = (u64{tn::arch::esr::ec_code::data_abort_lower} << 26) | (u64{1} << 25) | (u64{1} << 24) | 0x06;
    r.hpfar = (ipa >> 12) << 4;
    r.far = 0xffff'0000'1000'0000 | (ipa & 0xfff);
    r.pc = 0x4c'7ed8;
    r.pstate = 0;  // EL0t
    g_current = &guest(caller)->vcpu(0);
    mortise_guest_sync(&r);
    return r;
}

TEST_F(Core, ALinuxGuestOutsideItsPartitionGetsAnExternalAbort) {
    ASSERT_EQ(state(k_linux), GuestState::Running);
    ASSERT_TRUE(enter(guest(k_linux)->vcpu(0)));
    tn::arch::VbarEl1::write(0xffff'8000'1001'0800);
    vcpu::GuestRegs r = stray_read(k_linux, 0x5000'0000);
    EXPECT_EQ(r.pc, 0xffff'8000'1001'0c00u);  // lower EL, AArch64, synchronous
    EXPECT_EQ(r.pstate, 0x3c5u);
    EXPECT_EQ(tn::arch::EsrEl1::read(), 0x9200'0010u);
    EXPECT_EQ(tn::arch::ElrEl1::read(), 0x4c'7ed8u);
    EXPECT_EQ(tn::arch::FarEl1::read(), r.far);
    EXPECT_EQ(state(k_linux), GuestState::Running);
    std::string out = take_console();
    EXPECT_NE(out.find("guest 'penguin': read outside its partition at IPA 0x50000000"), std::string::npos) << out;
    EXPECT_NE(out.find("external abort injected"), std::string::npos) << out;

    // The vector it was sent to cannot be fetched either: injecting again would
    // loop on that vector, so the guest is stopped instead.
    vcpu::GuestRegs f{};
    f.esr = (u64{tn::arch::esr::ec_code::inst_abort_lower} << 26) | (u64{1} << 25) | 0x06;
    f.hpfar = (u64{0x5000'0000} >> 12) << 4;
    f.far = r.pc;
    f.pc = r.pc;
    f.pstate = r.pstate;
    mortise_guest_sync(&f);
    leave(guest(k_linux)->vcpu(0));
    EXPECT_EQ(state(k_linux), GuestState::Faulted);
    out = take_console();
    EXPECT_NE(out.find("guest 'penguin' stopped: exception vectors outside its partition"), std::string::npos) << out;
    EXPECT_EQ(out.find("external abort injected"), std::string::npos) << out;
    EXPECT_EQ(call(id::k_start, k_linux), Status::Success);  // running again for the tests after this one
    EXPECT_EQ(state(k_linux), GuestState::Running);
}

TEST_F(Core, ATenonGuestOutsideItsPartitionIsStopped) {
    ASSERT_TRUE(enter(guest(k_user)->vcpu(0)));
    stray_read(k_user, 0x5000'0000);
    leave(guest(k_user)->vcpu(0));
    EXPECT_EQ(state(k_user), GuestState::Faulted);
    EXPECT_NE(take_console().find("guest 'user' stopped: access outside its partition"), std::string::npos);
}

// Reports say what was hit: nothing of the partition, or which of its
// emulated devices refused what.
TEST_F(Core, AbortReportsNameTheRegionAndTheAccess) {
    ASSERT_EQ(call(id::k_start, k_user), Status::Success);
    ASSERT_TRUE(enter(guest(k_user)->vcpu(0)));
    stray_read(k_user, 0x5000'0000);
    leave(guest(k_user)->vcpu(0));
    std::string out = take_console();
    EXPECT_NE(out.find("  translation fault, level 2 on read at IPA 0x50000000: no RAM or device of the guest there"),
              std::string::npos) << out;

    ASSERT_EQ(call(id::k_start, k_user), Status::Success);
    ASSERT_TRUE(enter(guest(k_user)->vcpu(0)));
    vcpu::GuestRegs r{};  // an 8-byte load from the PL011's data register: it has no 64-bit registers
    r.esr = (u64{tn::arch::esr::ec_code::data_abort_lower} << 26) | (u64{1} << 25) | (u64{1} << 24) |
            (u64{3} << 22) | (u64{5} << 16) | 0x06;
    r.hpfar = (u64{0x0900'0000} >> 12) << 4;
    r.pstate = 0x5;
    g_current = &guest(k_user)->vcpu(0);
    mortise_guest_sync(&r);
    leave(guest(k_user)->vcpu(0));
    EXPECT_EQ(state(k_user), GuestState::Faulted);
    out = take_console();
    EXPECT_NE(out.find("guest 'user' stopped: an access its emulated device does not implement"), std::string::npos)
        << out;
    EXPECT_NE(out.find("  8-byte read at IPA 0x9000000: offset 0x0 of its emulated PL011 UART [0x9000000, 0x9001000)"),
              std::string::npos) << out;
    EXPECT_EQ(call(id::k_start, k_user), Status::Success);
}

// MRS/MSR of S<op0>_<op1>_C<crn>_C<crm>_<op2> with x5 from @p caller, trapped.
vcpu::GuestRegs msr_trap(unsigned caller, unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
                         bool read, u64 pstate = 0x5) {
    vcpu::GuestRegs r{};
    r.esr = (u64{tn::arch::esr::ec_code::sysreg} << 26) | (u64{1} << 25) | (u64{op0} << 20) | (u64{op2} << 17) |
            (u64{op1} << 14) | (u64{crn} << 10) | (u64{5} << 5) | (u64{crm} << 1) | (read ? 1u : 0u);
    r.x[5] = 0xdead'beef;
    r.pc = 0x4000'1000;
    r.pstate = pstate;
    g_current = &guest(caller)->vcpu(0);
    mortise_guest_sync(&r);
    return r;
}

// PMU and debug registers trap (MDCR_EL2) and read as zero: a guest counts
// nothing of Mortise or of other guests and programs no breakpoint.
TEST_F(Core, PmuAndDebugRegistersReadZeroAndIgnoreWrites) {
    ASSERT_TRUE(enter(guest(k_user)->vcpu(0)));
    vcpu::GuestRegs r = msr_trap(k_user, 3, 3, 9, 13, 0, true);  // MRS PMCCNTR_EL0
    EXPECT_EQ(r.x[5], 0u);
    EXPECT_EQ(r.pc, 0x4000'1004u);
    r = msr_trap(k_user, 2, 0, 1, 1, 4, true);  // MRS OSLSR_EL1
    EXPECT_EQ(r.x[5], 0x8u);
    r = msr_trap(k_user, 2, 0, 0, 0, 4, false);  // MSR DBGBVR0_EL1
    EXPECT_EQ(r.x[5], 0xdead'beefu);
    EXPECT_EQ(r.pc, 0x4000'1004u);
    // MDSCR_EL1 is the guest's own: software step and debug enables only.
    tn::arch::MdscrEl1::write(0);
    msr_trap(k_user, 2, 0, 0, 2, 2, false);  // MSR MDSCR_EL1, x5 (0xdeadbeef)
    EXPECT_EQ(tn::arch::MdscrEl1::read(), 0xdead'beefu & 0xb001u);
    r = msr_trap(k_user, 2, 0, 0, 2, 2, true);
    EXPECT_EQ(r.x[5], 0xdead'beefu & 0xb001u);
    EXPECT_EQ(state(k_user), GuestState::Running);
    EXPECT_EQ(take_console(), "");
    leave(guest(k_user)->vcpu(0));  // its last vCPU off: powered off
    take_console();
    EXPECT_EQ(call(id::k_start, k_user), Status::Success);
}

// Implementation-defined registers (HCR_EL2.TIDCP): a Tenon guest is stopped
// with the register named; a Linux guest gets an undefined instruction.
TEST_F(Core, ImplementationDefinedRegistersAreRefused) {
    ASSERT_TRUE(enter(guest(k_user)->vcpu(0)));
    msr_trap(k_user, 3, 1, 15, 2, 1, false);  // MSR CPUECTLR_EL1
    leave(guest(k_user)->vcpu(0));
    EXPECT_EQ(state(k_user), GuestState::Faulted);
    std::string out = take_console();
    EXPECT_NE(out.find("guest 'user' stopped: access to an implementation-defined system register (S3_1_C15_C2_1)"),
              std::string::npos) << out;
    EXPECT_EQ(call(id::k_start, k_user), Status::Success);

    ASSERT_EQ(state(k_linux), GuestState::Running);
    ASSERT_TRUE(enter(guest(k_linux)->vcpu(0)));
    tn::arch::VbarEl1::write(0xffff'8000'1001'0800);
    vcpu::GuestRegs r = msr_trap(k_linux, 3, 1, 15, 2, 1, false, 0x0 /* EL0t: a process */);
    EXPECT_EQ(r.pc, 0xffff'8000'1001'0c00u);  // lower EL, AArch64, synchronous
    EXPECT_EQ(tn::arch::EsrEl1::read(), u64{1} << 25);  // EC 0: unknown reason
    EXPECT_EQ(tn::arch::ElrEl1::read(), 0x4000'1000u);
    EXPECT_EQ(state(k_linux), GuestState::Running);
    out = take_console();
    EXPECT_NE(out.find("guest 'penguin': access to an implementation-defined system register (S3_1_C15_C2_1) at PC "
                       "0x40001000: undefined instruction injected"),
              std::string::npos) << out;

    // A 32-bit process's trapped coprocessor access (MRC p15, EC 0x03): an
    // undefined instruction at the AArch32 vector, the guest goes on.
    r = vcpu::GuestRegs{};
    r.esr = (u64{0x03} << 26) | (u64{1} << 25);
    r.pc = 0x1'0400;
    r.pstate = 0x10;  // AArch32 User
    mortise_guest_sync(&r);
    EXPECT_EQ(r.pc, 0xffff'8000'1001'0e00u);
    EXPECT_EQ(state(k_linux), GuestState::Running);
    out = take_console();
    EXPECT_NE(out.find("a register or instruction from AArch32 (exception class 0x3)"), std::string::npos) << out;
    leave(guest(k_linux)->vcpu(0));  // its last vCPU off: powered off; running again for the tests after this one
    take_console();
    EXPECT_EQ(call(id::k_start, k_linux), Status::Success);
}

TEST_F(Core, Smccc11ThroughTheExitHandler) {
    tn::arch::MidrEl1::write(0x410f'd034);  // Cortex-A53
    EXPECT_EQ(hvc(k_ctl, 0x8400'000a, 0x8000'0000).x[0], 0u);         // PSCI_FEATURES(SMCCC_VERSION)
    EXPECT_EQ(hvc(k_ctl, 0x8000'0000).x[0], 0x10001u);               // SMCCC_VERSION
    EXPECT_EQ(hvc(k_ctl, 0x8000'0001, 0x8000'8000).x[0], 1u);        // WORKAROUND_1: not required
    EXPECT_EQ(static_cast<tn::i64>(hvc(k_ctl, 0x8000'0001, 0x8000'7fff).x[0]), -2);  // WORKAROUND_2
    EXPECT_EQ(static_cast<tn::i64>(hvc(k_ctl, 0x8000'ffff).x[0]), -1);
    EXPECT_EQ(state(k_ctl), GuestState::Running);
}

// LIBMORTISE_CORE_UART_READ_VIEW: the UART's read view is mapped read-only at
// the UART's IPA while no input waits; input unmaps it (TLB entries on every
// CPU first), a trapped read that drains the input maps it again; a write to
// it is a stage-2 permission fault, whose IPA comes from the guest's stage 1.
namespace uart_view {
namespace gmap = tn::plat::mortise_guest::map;
constexpr u64 k_va = 0xffff'0000'0a00'0000;  // where the test's guest maps its UART
bool stage1(u64 va, u64& ipa) {
    if ((va & ~u64{0xfff}) != k_va)
        return false;
    ipa = gmap::uart().base.value() | (va & 0xfff);
    return true;
}
// A 32-bit access to UART offset @p off by @p caller's vCPU 0 with register x1:
// a translation fault (HPFAR valid) or a permission fault (HPFAR UNKNOWN).
vcpu::GuestRegs access(unsigned caller, u64 off, bool write, bool permission, u64 value = 0) {
    vcpu::GuestRegs r{};
    r.esr = (u64{tn::arch::esr::ec_code::data_abort_lower} << 26) | (u64{1} << 25) | (u64{1} << 24) |
            (u64{2} << 22) | (u64{1} << 16) | (u64{write} << 6) | (permission ? 0x0f : 0x07);
    r.hpfar = permission ? 0xdead'0000 : ((gmap::uart().base.value() >> 12) << 4);
    r.far = k_va | off;
    r.x[1] = value;
    r.pc = 0x1000;
    r.pstate = 0x3c5;  // EL1h
    g_current = &guest(caller)->vcpu(0);
    mortise_guest_sync(&r);
    return r;
}
}  // namespace uart_view

TEST_F(Core, UartReadViewIsMappedWhileNoInputWaits) {
    using namespace uart_view;
    namespace vr = vuart::reg;
    Guest& g = *guest(k_linux);
    ASSERT_EQ(state(k_linux), GuestState::Running);
    (void)enter(g.vcpu(0));
    const tn::Ipa ipa = gmap::uart().base;
    auto t = g.stage2().translate(ipa);
    ASSERT_TRUE(t.ok());
    EXPECT_TRUE(t.value().perms.read);
    EXPECT_FALSE(t.value().perms.write);
    EXPECT_FALSE(t.value().perms.exec);
    EXPECT_EQ(t.value().level, 3u);
    const auto* view = reinterpret_cast<const u32*>(t.value().pa.value());
    EXPECT_EQ(view[vr::fr / 4], vuart::fr::txfe | vuart::fr::rxfe);
    EXPECT_EQ(view[0xfe0 / 4], 0x11u);
    const u64 exits = g.uart_exits();

    // A write: a permission fault, its IPA from the guest's stage 1; the view follows it.
    tn::arch::fake::g_guest_stage1 = stage1;
    vcpu::GuestRegs r = access(k_linux, vr::cr, true, true, vuart::cr::uarten | vuart::cr::txe | vuart::cr::rxe);
    EXPECT_EQ(r.pc, 0x1004u);
    EXPECT_EQ(view[vr::cr / 4], vuart::cr::uarten | vuart::cr::txe | vuart::cr::rxe);
    EXPECT_EQ(g.uart_exits(), exits + 1);
    // The guest's stage 1 no longer maps the address: nothing done, the access runs again.
    tn::arch::fake::g_guest_stage1 = nullptr;
    r = access(k_linux, vr::imsc, true, true, vuart::irq::rx);
    EXPECT_EQ(r.pc, 0x1000u);
    EXPECT_EQ(view[vr::imsc / 4], 0u);
    EXPECT_EQ(g.uart_exits(), exits + 1);
    EXPECT_EQ(state(k_linux), GuestState::Running);

    // Input: unmapped, with the guest's TLB entries for the page invalidated.
    const u64 flushes = tn::arch::fake::g_guest_ipa_flushes;
    ASSERT_TRUE(g.uart().push_input('q'));
    EXPECT_EQ(tn::arch::fake::g_guest_ipa_flushes, flushes + 1);
    EXPECT_EQ(tn::arch::fake::g_guest_ipa_flush_vttbr, g.stage2().vttbr());
    EXPECT_EQ(tn::arch::fake::g_guest_ipa_flush_ipa, ipa.value());
    EXPECT_FALSE(g.stage2().translate(ipa).ok());
    EXPECT_TRUE(g.uart().needs_trapping());
    // The trapped read takes the byte and maps the view again.
    r = access(k_linux, vr::dr, false, false);
    EXPECT_EQ(r.x[1], u64{'q'});
    EXPECT_EQ(r.pc, 0x1004u);
    EXPECT_EQ(g.uart_exits(), exits + 2);
    t = g.stage2().translate(ipa);
    ASSERT_TRUE(t.ok());
    EXPECT_FALSE(t.value().perms.write);
    EXPECT_FALSE(g.uart().needs_trapping());
    EXPECT_EQ(tn::arch::fake::g_guest_ipa_flushes, flushes + 1);
}

TEST_F(Core, ShellNamesTheError) {
    for (const char* c = "start huge\r"; *c; ++c)
        shell_input(static_cast<u8>(*c));
    std::string out = take_console();
    EXPECT_NE(out.find("start huge: its image does not fit in its RAM (now stopped)"), std::string::npos) << out;
    for (const char* c = "resume ctl\r"; *c; ++c)
        shell_input(static_cast<u8>(*c));
    out = take_console();
    EXPECT_NE(out.find("resume ctl: not possible in this state (now running)"), std::string::npos) << out;
}

// While a shell command runs, the last guest to stop does not power off the machine: the shell
// does, once its own line is out (check_all_stopped, shell_command_end). In a child process, as
// the power-off aborts the test environment.
TEST_F(Core, TheShellsLineComesBeforeThePowerOff) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(
        {
            shell_command_begin();
            for (unsigned i = 0; i < k_count; ++i)
                guest(i)->stop(false);
            for (Vcpu* v : g_on_cpu)
                if (v)
                    leave(*v);  // the last vCPUs leave, on their own CPUs
            check_all_stopped();
            std::fputs("shell line out\n", stderr);
            shell_command_end();
        },
        "shell line out(.|\n)*power_off\\(0\\)");
}

TEST(CoreStatus, EveryGuestErrorHasItsStatus) {
    EXPECT_EQ(status({}), Status::Success);
    EXPECT_EQ(status(tn::err(GuestError::WrongState)), Status::InvalidState);
    EXPECT_EQ(status(tn::err(GuestError::Busy)), Status::Busy);
    for (GuestError e : {GuestError::NotCreated, GuestError::NoImage, GuestError::BadImage, GuestError::ImageTooLarge,
                         GuestError::DeviceTreeTooLarge, GuestError::TooManyVcpus, GuestError::NoRam,
                         GuestError::OutOfTables, GuestError::MapFailed, GuestError::SpiUnavailable,
                         GuestError::BadDtOverlay})
        EXPECT_EQ(status(tn::err(e)), Status::Unavailable) << error_name(e);
}

// A Mortise hypervisor image's boot modules (images.cpp use_boot_modules): usable ones join the
// embedded images, a refused one is reported and found by nobody, a partitions module replaces
// the embedded description. Runs after the Core suite: the guests above are already created.
void module_node(tn::fdt::Writer& w, const char* node, const char* kind, const char* name, const void* at, u64 size) {
    char compat[96];
    u32 n = static_cast<u32>(std::snprintf(compat, sizeof compat, "%s%ctenonos,mortise-module", kind, '\0')) + 1;
    u64 a = reinterpret_cast<u64>(at);
    const u32 reg[4] = {static_cast<u32>(a >> 32), static_cast<u32>(a), static_cast<u32>(size >> 32),
                        static_cast<u32>(size)};
    w.begin_node(node).property_strings("compatible", compat, n);
    if (name)
        w.property_string("tenonos,name", name);
    w.property_cells("reg", reg, 4).end_node();
}

TEST(CoreBootModules, UsableModulesJoinTheImagesRefusedOnesAreReported) {
    static FakeImage mod_kernel(4096);
    static u8 mod_zeros[4096] = {};
    alignas(8) static u8 host[2048];
    tn::fdt::Writer w(host, sizeof host);
    w.begin_node("").property_u32("#address-cells", 2).property_u32("#size-cells", 2);
    w.begin_node("chosen").property_u32("#address-cells", 2).property_u32("#size-cells", 2);
    module_node(w, "module@1", "tenonos,mortise-tenon", "from_boot", mod_kernel.bytes, sizeof mod_kernel.bytes);
    module_node(w, "module@2", "tenonos,mortise-linux", "broken", mod_zeros, sizeof mod_zeros);
    module_node(w, "module@3", "tenonos,mortise-partitions", nullptr, g_overlay_good, g_overlay_good_size);
    w.end_node().end_node();
    ASSERT_NE(w.finish(), 0u);
    auto dt = tn::fdt::Fdt::try_open(host, sizeof host);
    ASSERT_TRUE(dt.ok());
    // RAM: everything the test's buffers could be in (they are static, not in the fake board's RAM).
    const modules::Range ram[] = {{0x1000, ~u64{0} - 0x2000}};
    unsigned before = kernel_count();
    take_console();
    EXPECT_TRUE(use_boot_modules(dt.value(), {ram, 1, nullptr, 0}));
    std::string out = take_console();
    EXPECT_NE(out.find("boot module module@1: tenon 'from_boot'"), std::string::npos) << out;
    EXPECT_NE(out.find("boot module module@2 (linux 'broken'"), std::string::npos) << out;
    EXPECT_NE(out.find("refused"), std::string::npos) << out;
    const Image* img = find_image("from_boot", ImageKind::Tenon);
    ASSERT_NE(img, nullptr);
    EXPECT_EQ(img->data, mod_kernel.bytes);
    EXPECT_EQ(img->size, sizeof mod_kernel.bytes);
    EXPECT_EQ(find_image("broken", ImageKind::Linux), nullptr);
    EXPECT_NE(find_image("tenon", ImageKind::Tenon), nullptr);  // the embedded ones stay
    EXPECT_EQ(kernel_count(), before + 1);
    u64 size = 0;
    EXPECT_EQ(partitions_blob(size), static_cast<const void*>(g_overlay_good));
    EXPECT_EQ(size, g_overlay_good_size);
    EXPECT_TRUE(overlaps_boot_module(tn::PhysAddr{reinterpret_cast<u64>(mod_zeros) + 100}, 1));
    EXPECT_FALSE(overlaps_boot_module(tn::PhysAddr{reinterpret_cast<u64>(host)}, sizeof host));
    EXPECT_EQ(boot_modules().count, 3u);
    EXPECT_EQ(boot_modules().usable(), 2u);
}

}  // namespace
}  // namespace mortise::test
