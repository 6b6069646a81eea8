/*
 * World switch of the EL1 system registers (hyp/vcpu/include/mortise/vcpu.hpp,
 * struct El1Regs: field n at offset 8n). At EL2 with HCR_EL2.E2H clear, the
 * *_EL1 names reach the guest's registers directly.
 *
 * The virtual timer is disabled before its comparator is loaded, and its
 * control written last, so a restore never fires a stale deadline against
 * the new CNTVOFF_EL2 (which the caller sets first).
 */

	.section .text.mortise_vcpu_save_el1, "ax"
	.globl	mortise_vcpu_save_el1
	.type	mortise_vcpu_save_el1, %function
mortise_vcpu_save_el1:
	mrs	x1, sctlr_el1
	mrs	x2, actlr_el1
	stp	x1, x2, [x0, #0]
	mrs	x1, cpacr_el1
	mrs	x2, ttbr0_el1
	stp	x1, x2, [x0, #16]
	mrs	x1, ttbr1_el1
	mrs	x2, tcr_el1
	stp	x1, x2, [x0, #32]
	mrs	x1, esr_el1
	mrs	x2, afsr0_el1
	stp	x1, x2, [x0, #48]
	mrs	x1, afsr1_el1
	mrs	x2, far_el1
	stp	x1, x2, [x0, #64]
	mrs	x1, mair_el1
	mrs	x2, amair_el1
	stp	x1, x2, [x0, #80]
	mrs	x1, vbar_el1
	mrs	x2, contextidr_el1
	stp	x1, x2, [x0, #96]
	mrs	x1, tpidr_el0
	mrs	x2, tpidrro_el0
	stp	x1, x2, [x0, #112]
	mrs	x1, tpidr_el1
	mrs	x2, cntkctl_el1
	stp	x1, x2, [x0, #128]
	mrs	x1, par_el1
	mrs	x2, sp_el0
	stp	x1, x2, [x0, #144]
	mrs	x1, sp_el1
	mrs	x2, elr_el1
	stp	x1, x2, [x0, #160]
	mrs	x1, spsr_el1
	mrs	x2, csselr_el1
	stp	x1, x2, [x0, #176]
	mrs	x1, mdscr_el1
	mrs	x2, cntv_ctl_el0
	stp	x1, x2, [x0, #192]
	mrs	x1, cntv_cval_el0
	str	x1, [x0, #208]
	/* Stop the timer so it cannot interrupt the next vCPU's guest. */
	msr	cntv_ctl_el0, xzr
	isb
	ret
	.size	mortise_vcpu_save_el1, . - mortise_vcpu_save_el1

	.section .text.mortise_vcpu_restore_el1, "ax"
	.globl	mortise_vcpu_restore_el1
	.type	mortise_vcpu_restore_el1, %function
mortise_vcpu_restore_el1:
	ldp	x1, x2, [x0, #0]
	msr	sctlr_el1, x1
	msr	actlr_el1, x2
	ldp	x1, x2, [x0, #16]
	msr	cpacr_el1, x1
	msr	ttbr0_el1, x2
	ldp	x1, x2, [x0, #32]
	msr	ttbr1_el1, x1
	msr	tcr_el1, x2
	ldp	x1, x2, [x0, #48]
	msr	esr_el1, x1
	msr	afsr0_el1, x2
	ldp	x1, x2, [x0, #64]
	msr	afsr1_el1, x1
	msr	far_el1, x2
	ldp	x1, x2, [x0, #80]
	msr	mair_el1, x1
	msr	amair_el1, x2
	ldp	x1, x2, [x0, #96]
	msr	vbar_el1, x1
	msr	contextidr_el1, x2
	ldp	x1, x2, [x0, #112]
	msr	tpidr_el0, x1
	msr	tpidrro_el0, x2
	ldp	x1, x2, [x0, #128]
	msr	tpidr_el1, x1
	msr	cntkctl_el1, x2
	ldp	x1, x2, [x0, #144]
	msr	par_el1, x1
	msr	sp_el0, x2
	ldp	x1, x2, [x0, #160]
	msr	sp_el1, x1
	msr	elr_el1, x2
	ldp	x1, x2, [x0, #176]
	msr	spsr_el1, x1
	msr	csselr_el1, x2
	ldr	x1, [x0, #192]
	msr	mdscr_el1, x1
	msr	cntv_ctl_el0, xzr
	ldr	x1, [x0, #208]
	msr	cntv_cval_el0, x1
	ldr	x1, [x0, #200]
	msr	cntv_ctl_el0, x1
	isb
	ret
	.size	mortise_vcpu_restore_el1, . - mortise_vcpu_restore_el1
