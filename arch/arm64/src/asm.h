/* Assembler helpers shared by the entry paths of the boot and secondary CPUs. */
#pragma once

#define SPSR_EL1H_DAIF_MASKED	0x3c5
#define HCR_EL2_RW		(1 << 31)
#define CNTHCTL_EL1PCTEN_PCEN	0x3
#define CPTR_EL2_RES1_NO_TRAP	0x33ff
#define ICC_SRE_EL2		S3_4_C12_C9_5
#define ICC_SRE_EL2_SRE		0x1
#define ICC_SRE_EL2_ENABLE	0x8

/* reg = run-time address of sym (PC-relative, +/-4 GiB). */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

/*
 * SCTLR_EL1 at a known value: MMU and caches off, RES1 bits set. CPACR_EL1 per
 * the FP context mode (tn/arch/fpu.hpp): FP/SIMD enabled only for eager ectx,
 * trapped otherwise (lazy: until a thread's first FP instruction; off: always).
 */
.macro sctlr_el1_reset tmp
	movz	\tmp, #0x0800
	movk	\tmp, #0x30d0, lsl #16
	msr	sctlr_el1, \tmp
#ifdef CONFIG_ARCH_ARM64_ECTX_EAGER
	mov	\tmp, #(3 << 20)
	msr	cpacr_el1, \tmp
#else
	msr	cpacr_el1, xzr
#endif
	isb
.endm

/*
 * Minimal EL2 set-up before running the image at EL1, then eret to \target at
 * EL1h with DAIF masked: EL1 is AArch64 and traps nothing to EL2, EL1 owns the
 * physical timer and counter with a zero virtual offset, FP/SIMD is not
 * trapped, and (on GICv3) EL1 may use the ICC system registers. Clobbers x0.
 */
.macro el2_to_el1 target
	mov	x0, #HCR_EL2_RW
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #CNTHCTL_EL1PCTEN_PCEN
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	mov	x0, #CPTR_EL2_RES1_NO_TRAP
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4		/* GIC system register interface implemented? */
	cbz	x0, .Lsre_done\@
	mrs	x0, ICC_SRE_EL2
	orr	x0, x0, #ICC_SRE_EL2_SRE
	orr	x0, x0, #ICC_SRE_EL2_ENABLE
	msr	ICC_SRE_EL2, x0
	isb
.Lsre_done\@:
	mov	x0, #SPSR_EL1H_DAIF_MASKED
	msr	spsr_el2, x0
	adr_l	x0, \target
	msr	elr_el2, x0
	eret
.endm
