/*
 * FP/SIMD register context (tn/arch/fpu.hpp):
 *   void tn_arch_fp_save(FpContext* ctx)            x0
 *   void tn_arch_fp_restore(const FpContext* ctx)   x0
 * Layout: q0-q31 at 16-byte steps, then FPCR at 512 and FPSR at 520.
 * The .arch_extension line lets this file assemble although the rest of the
 * kernel is built -mgeneral-regs-only.
 */
	.arch_extension fp
	.arch_extension simd

	.section .text.tn_arch_fp_save, "ax"
	.globl	tn_arch_fp_save
	.type	tn_arch_fp_save, %function
tn_arch_fp_save:
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	mrs	x1, fpcr
	mrs	x2, fpsr
	str	x1, [x0, #512]
	str	x2, [x0, #520]
	ret
	.size	tn_arch_fp_save, . - tn_arch_fp_save

	.section .text.tn_arch_fp_restore, "ax"
	.globl	tn_arch_fp_restore
	.type	tn_arch_fp_restore, %function
tn_arch_fp_restore:
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	ldr	x1, [x0, #512]
	ldr	x2, [x0, #520]
	msr	fpcr, x1
	msr	fpsr, x2
	ret
	.size	tn_arch_fp_restore, . - tn_arch_fp_restore
