// Exceptions Mortise injects into a guest at EL1: what the CPU itself would
// have done had the abort been taken to EL1 instead of EL2 (Arm ARM chapter D1,
// "Exception entry"). Used when a Linux guest touches an IPA with no RAM or
// device of its partition behind it: the guest gets a synchronous external
// abort, reports it in its own log and goes on (a user process gets SIGBUS),
// instead of being stopped; and when a Linux guest (kernel or process) touches
// a system register Mortise does not give guests: an undefined instruction,
// as on a CPU without that register.
//
// Portable: the function only computes the new register values; the caller
// (hyp/core's trap handler, on the vCPU's own CPU in mode 1, where the
// guest's EL1 registers are live) writes them.
#pragma once

#include <mortise/vcpu.hpp>

namespace mortise::vcpu {

/// Features of the CPU that change PSTATE on exception entry.
struct EntryFeatures {
    bool pan = false;   ///< FEAT_PAN (ID_AA64MMFR1_EL1.PAN != 0)
    bool ssbs = false;  ///< FEAT_SSBS (ID_AA64PFR1_EL1.SSBS != 0)
};

/// The guest's EL1 registers an injected exception reads.
struct El1Entry {
    u64 vbar = 0;   ///< VBAR_EL1
    u64 sctlr = 0;  ///< SCTLR_EL1 (SPAN, DSSBS)
};

/// What an injected exception writes: the EL1 exception registers, and the
/// PC and PSTATE the guest resumes with (ELR_EL2 / SPSR_EL2).
struct Injection {
    u64 esr_el1;
    u64 far_el1;
    u64 elr_el1;
    u64 spsr_el1;
    u64 pc;
    u64 pstate;
};

/// Vector offsets from VBAR_EL1 of a synchronous exception taken to EL1
/// (Arm ARM chapter D1, "Exception vectors").
constexpr u64 k_vector_current_sp0 = 0x000;  ///< from EL1t
constexpr u64 k_vector_current_spx = 0x200;  ///< from EL1h
constexpr u64 k_vector_lower_a64 = 0x400;    ///< from EL0, AArch64
constexpr u64 k_vector_lower_a32 = 0x600;    ///< from EL0, AArch32 (a Linux guest's 32-bit process)

/// DFSC/IFSC 0b010000: synchronous external abort, not on a translation
/// table walk.
constexpr u32 k_fsc_external_abort = 0x10;

/// A synchronous external abort for the guest exit in @p r, which must be a
/// data or instruction abort from an AArch64 guest (ESR_EL2.EC 0x24 or
/// 0x20): ESR_EL1 gets the same- or lower-EL abort class for where the guest
/// was, IL and (for data) WnR from ESR_EL2, DFSC/IFSC external abort, no
/// instruction syndrome; FAR_EL1 the faulting virtual address (FAR_EL2);
/// ELR_EL1 the faulting instruction; SPSR_EL1 the guest's PSTATE. The guest
/// resumes at its vector for a synchronous exception from where it was, in
/// EL1h with D, A, I and F masked (PAN and SSBS as SCTLR_EL1 asks).
Injection external_abort(const GuestRegs& r, const El1Entry& el1, EntryFeatures cpu);

/// An undefined-instruction exception for the trapped instruction of @p r
/// (a system register access Mortise does not give guests, from EL1 or EL0):
/// ESR_EL1 EC 0 (unknown reason) with IL from ESR_EL2, ELR_EL1 the instruction, SPSR_EL1
/// the guest's PSTATE; the guest resumes at its vector as for external_abort.
Injection undefined_instruction(const GuestRegs& r, const El1Entry& el1, EntryFeatures cpu);

}  // namespace mortise::vcpu
