// The context of one virtual CPU (Arm ARM DDI 0487: the AArch64 EL1&0
// translation regime's system registers, the general registers, FP/SIMD and
// the EL1 virtual timer), and the world switch that moves it between a
// physical CPU and memory.
//
// While a vCPU runs, most of its state lives in the physical CPU: the EL2
// vectors save only the general registers, PC and PSTATE (GuestRegs) on each
// exit, and Mortise (built -mgeneral-regs-only, never touching EL1 registers)
// leaves the rest in place. save()/restore() move the remainder when the
// physical CPU runs another vCPU or none (pause, stop, restart, mode-2
// scheduling). Offsets of GuestRegs, El1Regs and FpRegs are fixed by
// src/*.S and the EL2 vectors (static_asserts below).
#pragma once

#include <tn/arch/fpu.hpp>
#include <tn/types.hpp>

namespace mortise::vcpu {

using tn::u32;
using tn::u64;

/// Saved by the EL2 vectors at every exit from the guest, restored at entry.
/// Its first 36 words have tn::arch::Frame's layout (sp unused), so it can be
/// handed to code that takes a Frame (lib/irq's IRQ entry).
struct GuestRegs {
    u64 x[31];
    u64 sp_unused;  ///< the guest's SP_EL1/SP_EL0 stay in El1Regs
    u64 pc;      ///< ELR_EL2: where the guest resumes
    u64 pstate;  ///< SPSR_EL2
    u64 esr;     ///< ESR_EL2 of this exit (0 for interrupts)
    u64 far;     ///< FAR_EL2
    u64 hpfar;   ///< HPFAR_EL2: IPA[47:12] of a stage-2 fault, in bits [43:4]
    u64 reserved;
};
static_assert(sizeof(GuestRegs) == 304 && sizeof(GuestRegs) % 16 == 0);
static_assert(__builtin_offsetof(GuestRegs, pc) == 256 && __builtin_offsetof(GuestRegs, hpfar) == 288);

/// EL1 system registers of the guest (and the EL0 ones EL1 context-switches).
struct El1Regs {
    u64 sctlr, actlr, cpacr, ttbr0, ttbr1, tcr, esr, afsr0, afsr1, far, mair, amair, vbar, contextidr,
        tpidr_el0, tpidrro_el0, tpidr_el1, cntkctl, par, sp_el0, sp_el1, elr, spsr, csselr, mdscr;
    u64 cntv_ctl, cntv_cval;  ///< the guest's virtual timer
    u64 reserved;
};
static_assert(sizeof(El1Regs) == 28 * 8);

/// V0-V31, FPCR, FPSR: saved and loaded by arch/arm64's tn_arch_fp_save() /
/// tn_arch_fp_restore(), the same code Tenon's threads use.
using FpRegs = tn::arch::FpRegisters;

/// SCTLR_EL1 as a guest first sees it: MMU and caches off, little endian,
/// the RES1 bits set (the value the arm64 boot code also writes).
constexpr u64 k_sctlr_el1_reset = 0x30d0'0800;
/// PSTATE of a vCPU's first instruction: EL1h, D, A, I, F masked.
constexpr u64 k_pstate_el1h_masked = 0x3c5;

/// Everything of a vCPU that is not in the physical CPU while another runs.
struct Context {
    GuestRegs regs;
    El1Regs el1;
    FpRegs fp;
};

/// A vCPU's context at its first instruction: @p entry with x0 = @p x0 at
/// EL1h, MMU off, every other register zero (Linux booting.rst's entry state).
void reset(Context& ctx, u64 entry, u64 x0);

}  // namespace mortise::vcpu

extern "C" {
/// Stores / loads the calling CPU's EL1 system registers and virtual timer
/// (src/sysregs.S). Context: EL2, IRQs masked, no guest running here.
void mortise_vcpu_save_el1(mortise::vcpu::El1Regs* regs);
void mortise_vcpu_restore_el1(const mortise::vcpu::El1Regs* regs);
}
