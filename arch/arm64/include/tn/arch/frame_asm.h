/*
 * Assembly helpers for exception frames (tn/arch/frame.hpp's layout, also the
 * head of Mortise's guest frame): x0-x29 at [sp, #0..232], x30 at [sp, #240].
 * Shared by the EL1 vectors (arch/arm64) and the EL2 vectors (hyp/core).
 */
#ifndef TN_ARCH_FRAME_ASM_H
#define TN_ARCH_FRAME_ASM_H

/* Stores x2-x17 at their frame offsets: with x0, x1, x18 and x30, the
 * registers a C call may clobber (the lean IRQ and hypercall paths). */
.macro frame_save_x2_x17
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
.endm

/* Loads x0-x17 from their frame offsets. */
.macro frame_load_x0_x17
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
.endm

/* Stores x2-x29 (x0 and x1 are stored already, or by the caller). */
.macro frame_save_x2_x29
	frame_save_x2_x17
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
.endm

/* Stores x0-x29; the caller stores x30 with what follows it. */
.macro frame_save_x0_x29
	stp	x0, x1, [sp, #0]
	frame_save_x2_x29
.endm

/* Stores the exception's ELR, SPSR, ESR and FAR of exception level \el (el1 or
 * el2) at [sp, #256..279], through the scratch registers \a and \b. */
.macro frame_save_syndrome el, a, b
	mrs	\a, elr_\el
	mrs	\b, spsr_\el
	stp	\a, \b, [sp, #256]
	mrs	\a, esr_\el
	mrs	\b, far_\el
	stp	\a, \b, [sp, #272]
.endm

/* Loads x0-x30 (after ELR/SPSR were restored through x0/x1). */
.macro frame_load_x0_x30
	frame_load_x0_x17
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
.endm

#endif
