/* EL2 register values shared by Mortise's boot and secondary entry paths (entry.S). */
#pragma once

/* SCTLR_EL2 with the MMU and caches off: only the RES1 bits (Arm ARM D17.2.119). */
#define SCTLR_EL2_RES1		0x30c50830
/* HCR_EL2 while Mortise runs without a guest: EL1 is AArch64, and physical
 * IRQs, FIQs and SErrors are taken to EL2 (IMO/FMO/AMO), also while at EL2. */
#define HCR_EL2_HOST		((1 << 31) | (1 << 5) | (1 << 4) | (1 << 3))
/* CNTHCTL_EL2: EL1 may read the physical counter (EL1PCTEN) but not use the
 * physical timer (EL1PCEN clear: it is Mortise's to share out, guests get the
 * virtual timer). */
#define CNTHCTL_EL2_GUEST	0x1
/* CPTR_EL2: FP/SIMD not trapped (TFP clear: guests' FP runs natively, Mortise
 * switches its context), trace register accesses trapped (TTA, bit 20). */
#define CPTR_EL2_MORTISE	(CPTR_EL2_RES1_NO_TRAP | (1 << 20))
/* MDCR_EL2 trap bits: PMU (TPMCR 5, TPM 6) and debug (TDA 9, TDOSA 10, TDRA 11)
 * registers trap to EL2, where Mortise gives guests read-as-zero (hyp/vcpu
 * sysreg_trap.hpp); TDE clear: a guest's debug exceptions go to its own EL1.
 * HPMN (bits 4:0) keeps its reset value; hyp/core adds HPMD per CPU. */
#define MDCR_EL2_TRAPS_PMU	0x60
#define MDCR_EL2_TRAPS_DEBUG	0xe00
#define MDCR_EL2_HPMN_MASK	0x1f
/* SRE, DFB, DIB, Enable: system-register GIC interface at EL2, and EL1 may use it. */
#define ICC_SRE_EL2_VALUE	0xf
#define SPSR_EL1H_MASKED	0x3c5

#include "../asm.h"

/* The EL2 state every CPU starts Mortise with. Clobbers x0. */
.macro el2_setup
	msr	daifset, #0xf
	ldr	x0, =SCTLR_EL2_RES1
	msr	sctlr_el2, x0
	isb
	ldr	x0, =HCR_EL2_HOST
	msr	hcr_el2, x0
	ldr	x0, =CPTR_EL2_MORTISE
	msr	cptr_el2, x0
	mrs	x0, mdcr_el2
	and	x0, x0, #MDCR_EL2_HPMN_MASK
	orr	x0, x0, #MDCR_EL2_TRAPS_PMU
	orr	x0, x0, #MDCR_EL2_TRAPS_DEBUG
	msr	mdcr_el2, x0
	/* EL1 gets no access to the implementation-defined control registers
	 * (on Cortex-A53/A55: CPUACTLR, CPUECTLR, L2CTLR, L2ECTLR, L2ACTLR). */
	msr	actlr_el2, xzr
	mov	x0, #CNTHCTL_EL2_GUEST
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	msr	hstr_el2, xzr
	msr	vttbr_el2, xzr
	mov	x0, #ICC_SRE_EL2_VALUE
	msr	ICC_SRE_EL2, x0
	isb
	adr_l	x0, mortise_vectors
	msr	vbar_el2, x0
	isb
.endm
