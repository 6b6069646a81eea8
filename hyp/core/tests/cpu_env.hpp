// What the real src/cpu.cpp needs on the host besides core_env.hpp, in
// cpu_env.cpp: host stand-ins for the world switch's assembly and the ICH
// registers (hyp/vgic's ich_el2.cpp is target-only), and for the EL2 MMU
// set-up src/mmu.cpp asks for. Entering a guest and
// waiting for an interrupt cannot return on the host: both jump back to the
// test's on_cpu() call, which says which of the two ended it. The calling
// host thread is CPU 0 (tn::smp::this_cpu() without CONFIG_TN_SMP).
#pragma once

#include <csetjmp>

#include <tn/arch/mmu.hpp>

#include "core_env.hpp"

namespace mortise::test {

/// How code run by on_cpu() ended.
enum Ended : int {
    k_returned = 0,  ///< it returned
    k_entered = 1,   ///< mortise_enter_guest() (g_entered_frame)
    k_idled = 2,     ///< the idle loop found nothing to run and waited for an interrupt
};

/// The ICH registers of CPU 0 (4 list registers, 5 priority bits).
struct IchRegs {
    u64 hcr;
    u64 vmcr;
    u64 lr[ich::k_max_lrs];
};
extern IchRegs g_ich;
/// The EL1 registers of CPU 0, as mortise_vcpu_save_el1()/restore_el1() move them.
extern vcpu::El1Regs g_el1;
/// The frame the last mortise_enter_guest() was given.
extern vcpu::GuestRegs* g_entered_frame;
/// SGIs sent (kicks of other CPUs), and the target of the last one.
extern unsigned g_sgis;
extern tn::irq::SgiTarget g_last_sgi;

/// The last call of tn::arch::mmu::enable_el2() (target-only: it programs
/// EL2's translation registers), with copies of its ranges, and what it returns.
struct El2MmuCall {
    unsigned calls;
    tn::arch::mmu::Range ram[4];
    usize ram_count;
    tn::arch::mmu::Range devices[4];
    usize device_count;
    usize table_count;
    u64 vtcr;
};
extern El2MmuCall g_el2_mmu;
extern tn::Result<void, tn::arch::mmu::Error> g_el2_mmu_result;

extern std::jmp_buf g_jump;
/// Installs the wait-for-interrupt hook.
void arm_idle();

/// Runs @p f as CPU 0 (IRQ context or the idle loop) until it returns,
/// enters a guest or idles.
template <class F>
int on_cpu(F f) {
    arm_idle();
    if (int r = setjmp(g_jump))
        return r;
    f();
    return k_returned;
}

}  // namespace mortise::test
