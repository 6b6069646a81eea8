// hyp/core's physical-CPU side on the host (src/cpu.cpp, the real one, with
// guest.cpp, trap.cpp and lifecycle.cpp against arch/fake, tests/core_env.cpp
// and tests/cpu_env.cpp): what entering a vCPU programs, what an exit that
// parks it saves and a resume restores, and the guest timer's interrupt;
// and src/mmu.cpp's EL2 address space.
// The host thread is CPU 0; the tests run in order on one guest.
#include <gtest/gtest.h>

#include <cstring>

#include <mortise/ich_el2.hpp>
#include <tn/arch/fpu.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/arch/tlb.hpp>

#include "cpu_env.hpp"

extern "C" void mortise_guest_irq(mortise::vcpu::GuestRegs* regs);

namespace mortise {
void init_cpu_interrupts();
}  // namespace mortise

// The embedded images (support/make/hypervisor.mk generates these on the
// target): one minimal arm64 Image, and no partition description.
namespace {

struct FakeImage {
    mortise::u8 bytes[4096];
    FakeImage() {
        std::memset(bytes, 0, sizeof bytes);
        mortise::u64 image_size = sizeof bytes, magic = 0x644d5241;
        std::memcpy(bytes + 16, &image_size, 8);
        std::memcpy(bytes + 56, &magic, 8);
    }
};
FakeImage g_tenon;

}  // namespace

extern "C" {
extern const mortise::Image mortise_image_table[1];
extern const tn::u64 mortise_image_count;
extern const tn::u8 mortise_partitions[1];
extern const tn::u64 mortise_partitions_size;
const mortise::Image mortise_image_table[1] = {{"tenon", g_tenon.bytes, sizeof g_tenon.bytes}};
const tn::u64 mortise_image_count = 1;
const tn::u8 mortise_partitions[1] = {};
const tn::u64 mortise_partitions_size = 0;
}

namespace mortise::test {
namespace {

using namespace tn::arch;

constexpr u64 k_midr = 0x410f'd083;  // what VPIDR_EL2 must show the guest

partition::Guest guest_desc(const char* name, u64 cpu_mask) {
    partition::Guest g{};
    std::strcpy(g.name, name);
    std::strcpy(g.image, "tenon");
    g.cpu_mask = cpu_mask;
    g.mem_size = 4 * tn::MiB;
    g.autostart = true;
    g.valid = true;
    return g;
}

partition::Description g_desc;

class Cpu : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        init_env();
        MidrEl1::write(k_midr);
        // solo runs on CPU 0 (this thread); keeper is never entered, so
        // Mortise never finds every guest stopped (which powers off).
        g_desc.guests[0] = guest_desc("solo", 0x1);
        g_desc.guests[1] = guest_desc("keeper", 0x2);
        g_desc.count = 2;
        create_guests(g_desc);
        take_console();
        init_cpu_interrupts();
    }
    static Guest& solo() { return *guest(0); }
    static Vcpu& vcpu() { return solo().vcpu(0); }
    /// CPU 0's idle loop: enters what was posted to it, else waits.
    static int idle_cpu0() { return on_cpu([] { idle(0); }); }
    /// An interrupt exit from the running vCPU (trap.cpp's path).
    static int irq_exit() { return on_cpu([] { mortise_guest_irq(guest_frame()); }); }
    static tn::irq::Completion vtimer() {
        IrqHandler h = g_handlers[k_vtimer_intid];
        return h.fn(tn::irq::Event{k_vtimer_intid, k_vtimer_intid}, h.arg);
    }
};

TEST_F(Cpu, RegistersItsInterruptsOnCpu0) {
    EXPECT_NE(g_handlers[k_kick_sgi].fn, nullptr);
    EXPECT_NE(g_handlers[k_vtimer_intid].fn, nullptr);
    EXPECT_NE(g_handlers[ich::k_maintenance_intid].fn, nullptr);
}

TEST_F(Cpu, EnteringAVcpuProgramsTheCpuForItsGuest) {
    ASSERT_EQ(solo().state(), GuestState::Running);
    u64 flushes = fake::g_guest_tlb_flushes;
    ASSERT_EQ(idle_cpu0(), k_entered);
    // The guest's registers are in the exit frame at the top of CPU 0's stack.
    EXPECT_EQ(g_entered_frame, guest_frame());
    EXPECT_EQ(g_entered_frame->pc, vcpu().ctx.regs.pc);
    EXPECT_EQ(g_entered_frame->x[0], vcpu().ctx.regs.x[0]);
    // Its identity: the host CPU's MIDR, the vCPU's affinity (vCPU 0: Aff0 0) with RES1.
    EXPECT_EQ(VpidrEl2::read(), k_midr);
    EXPECT_EQ(VmpidrEl2::read(), MpidrEl1::Res1::bits(1) | solo().psci().affinity(0));
    EXPECT_EQ(VmpidrEl2::read(), u64{0x8000'0000});
    // Stage 2: its table and VMID, the TLB entries of the previous guest gone.
    u64 vttbr = VttbrEl2::read();
    EXPECT_EQ(vttbr, solo().stage2().vttbr());
    EXPECT_EQ(VttbrEl2::Vmid::get(vttbr), solo().stage2().vmid());
    EXPECT_EQ(VttbrEl2::Baddr::get(vttbr) << 1, reinterpret_cast<u64>(solo().stage2().root()));
    EXPECT_EQ(fake::g_guest_tlb_flushes, flushes + 1);
    // HCR_EL2: stage 2 on, interrupts to EL2, SMC trapped, EL1 AArch64.
    u64 hcr = HcrEl2::read();
    EXPECT_EQ(HcrEl2::Vm::get(hcr), 1u);
    EXPECT_EQ(HcrEl2::Imo::get(hcr), 1u);
    EXPECT_EQ(HcrEl2::Fmo::get(hcr), 1u);
    EXPECT_EQ(HcrEl2::Amo::get(hcr), 1u);
    EXPECT_EQ(HcrEl2::Tsc::get(hcr), 1u);
    EXPECT_EQ(HcrEl2::Rw::get(hcr), 1u);
    EXPECT_EQ(HcrEl2::Bsu::get(hcr), u64{HcrEl2::bsu_inner_shareable});
    EXPECT_EQ(CntvoffEl2::read(), solo().cntvoff());
    // Its EL1 registers and virtual CPU interface are loaded.
    EXPECT_EQ(g_el1.sctlr, vcpu::k_sctlr_el1_reset);
    EXPECT_EQ(g_ich.vmcr, vcpu().ich_vmcr);
    EXPECT_EQ(ich::Hcr::En::get(g_ich.hcr), 1u);
    EXPECT_EQ(current_vcpu(), &vcpu());
    EXPECT_TRUE(running_on_cpu(vcpu()));
}

TEST_F(Cpu, TheGuestTimerGoesToTheRunningGuest) {
    ASSERT_EQ(current_vcpu(), &vcpu());
    // Left active (priority dropped only) until the guest deactivates it.
    EXPECT_EQ(vtimer(), tn::irq::Completion::Deferred);
}

TEST_F(Cpu, PausingSavesTheVcpuAndResumingRestoresIt) {
    ASSERT_TRUE(solo().pause().ok());
    EXPECT_EQ(solo().state(), GuestState::Paused);
    // What the guest left in the CPU.
    guest_frame()->x[5] = 0x5555;
    g_ich.vmcr = 0x1234;
    fake::fp_registers().v[3] = 7;
    g_el1.tpidr_el1 = 0xabc;
    CntvCtlEl0::write(1);
    unsigned deactivated = g_deactivated[k_vtimer_intid];
    // Its next exit takes it off CPU 0, which idles.
    ASSERT_EQ(irq_exit(), k_idled);
    EXPECT_EQ(vcpu().ctx.regs.x[5], 0x5555u);
    EXPECT_EQ(vcpu().ich_vmcr, 0x1234u);
    EXPECT_EQ(vcpu().ctx.fp.v[3], 7u);
    EXPECT_EQ(vcpu().ctx.el1.tpidr_el1, 0xabcu);
    EXPECT_EQ(vcpu().ctx.el1.cntv_ctl, 1u);
    EXPECT_EQ(CntvCtlEl0::read(), 0u);
    // The hardware copies are gone; the forwarded timer interrupt was deactivated.
    EXPECT_EQ(g_ich.hcr, 0u);
    for (unsigned i = 0; i < ich::lr_count(); ++i)
        EXPECT_EQ(g_ich.lr[i], 0u) << i;
    EXPECT_EQ(g_deactivated[k_vtimer_intid], deactivated + 1);
    EXPECT_EQ(VttbrEl2::read(), 0u);
    EXPECT_EQ(current_vcpu(), nullptr);
    EXPECT_FALSE(running_on_cpu(vcpu()));

    // Another guest's state meanwhile; resume brings back solo's.
    guest_frame()->x[5] = 0;
    g_ich.vmcr = 0;
    fake::fp_registers().v[3] = 0;
    g_el1.tpidr_el1 = 0;
    ASSERT_TRUE(solo().resume().ok());
    ASSERT_EQ(idle_cpu0(), k_entered);
    EXPECT_EQ(g_entered_frame->x[5], 0x5555u);
    EXPECT_EQ(g_ich.vmcr, 0x1234u);
    EXPECT_EQ(fake::fp_registers().v[3], 7u);
    EXPECT_EQ(g_el1.tpidr_el1, 0xabcu);
    EXPECT_EQ(CntvCtlEl0::read(), 1u);
    EXPECT_EQ(current_vcpu(), &vcpu());
}

TEST_F(Cpu, StoppingSilencesTheGuestTimer) {
    ASSERT_EQ(current_vcpu(), &vcpu());
    CntvCtlEl0::write(1);
    solo().stop(false);
    ASSERT_EQ(irq_exit(), k_idled);
    EXPECT_EQ(solo().state(), GuestState::Stopped);
    EXPECT_EQ(CntvCtlEl0::read(), 0u);
    EXPECT_EQ(VttbrEl2::read(), 0u);
    EXPECT_EQ(current_vcpu(), nullptr);
    // A timer that fires with no vCPU on the CPU is switched off.
    CntvCtlEl0::write(1);
    EXPECT_EQ(vtimer(), tn::irq::Completion::Done);
    EXPECT_EQ(CntvCtlEl0::read(), 0u);
    // Nothing posted: the idle loop waits.
    EXPECT_EQ(idle_cpu0(), k_idled);
    take_console();
}

TEST_F(Cpu, KicksGoToOtherCpusOnly) {
    unsigned sgis = g_sgis;
    kick(0);
    EXPECT_EQ(g_sgis, sgis);
    kick(1);
    EXPECT_EQ(g_sgis, sgis + 1);
}

// The RK3568 numbers its cores by Aff1 (MPIDR 0x000, 0x100, 0x200, 0x300; Aff0
// is always 0), QEMU virt by Aff0: a kick must name its CPU by the whole
// affinity the platform found, never by Aff0 or by the logical number.
TEST_F(Cpu, KicksNameTheCpuByItsWholeAffinity) {
    Board& b = board_for_test();
    const Board saved = b;
    for (unsigned i = 0; i < 4; ++i)
        b.cpu_mpidr[i] = u64{i} << 8;
    for (unsigned cpu = 1; cpu < 4; ++cpu) {
        kick(cpu);
        EXPECT_EQ(g_last_sgi.mode, tn::irq::SgiTarget::Mode::Cpu) << "CPU " << cpu;
        EXPECT_EQ(g_last_sgi.cpu, tn::irq::CpuAffinity{u64{cpu} << 8}) << "CPU " << cpu;
        EXPECT_EQ(g_last_sgi.cpu.aff1(), cpu);
        EXPECT_EQ(g_last_sgi.cpu.aff0(), 0u);
    }
    b = saved;
}

TEST(Mmu, MapsRamAndMortisesOwnDevices) {
    init_env();
    g_el2_mmu = {};
    g_el2_mmu_result = {};
    Board b = board();  // QEMU virt's GIC and UART
    b.gicd = 0x0800'0000;
    b.gicd_size = 0x1'0000;
    b.gicr = 0x080a'0000;
    b.gicr_size = 0xf6'0000;
    b.uart = 0x0900'0000;
    b.uart_size = 0x1000;
    ASSERT_TRUE(enable_mmu(b));
    ASSERT_EQ(g_el2_mmu.calls, 1u);
    ASSERT_EQ(g_el2_mmu.ram_count, 1u);
    EXPECT_EQ(g_el2_mmu.ram[0].base, b.ram[0].base);
    EXPECT_EQ(g_el2_mmu.ram[0].size, b.ram[0].size);
    ASSERT_EQ(g_el2_mmu.device_count, 3u);  // GIC distributor, redistributors, console UART
    EXPECT_EQ(g_el2_mmu.devices[0].base, b.gicd);
    EXPECT_EQ(g_el2_mmu.devices[0].size, b.gicd_size);
    EXPECT_EQ(g_el2_mmu.devices[1].base, b.gicr);
    EXPECT_EQ(g_el2_mmu.devices[1].size, b.gicr_size);
    EXPECT_EQ(g_el2_mmu.devices[2].base, b.uart);
    EXPECT_EQ(g_el2_mmu.devices[2].size, b.uart_size);
    EXPECT_EQ(g_el2_mmu.table_count, u64{CONFIG_LIBMORTISE_CORE_EL2_TABLES});
    EXPECT_EQ(g_el2_mmu.vtcr, stage2::vtcr(tn::arch::mmu::pa_range()));
    take_console();
}

TEST(Mmu, NamesTheFailure) {
    init_env();
    g_el2_mmu_result = tn::err(tn::arch::mmu::Error::TooManyTables);
    EXPECT_FALSE(enable_mmu(board()));
    EXPECT_NE(take_console().find("out of EL2 translation tables (raise LIBMORTISE_CORE_EL2_TABLES)"),
              std::string::npos);
    g_el2_mmu_result = tn::err(tn::arch::mmu::Error::BadRange);
    EXPECT_FALSE(enable_mmu(board()));
    EXPECT_NE(take_console().find("bad memory range for the EL2 MMU"), std::string::npos);
    g_el2_mmu_result = {};
}

}  // namespace
}  // namespace mortise::test
