/*
 * Entry of the secondary CPUs (CONFIG_TN_SMP), started by the platform with
 * PSCI CPU_ON(mpidr, tn_arch_secondary_entry, cpu): x0 = the logical CPU
 * number, MMU off, at EL2 or EL1 (firmware decides; QEMU enters at the
 * caller's level, Arm Trusted Firmware at EL2 when it exists).
 *
 * The CPU drops to EL1 like the boot CPU, puts its number in TPIDR_EL1,
 * takes its exception stack (SP_EL0) and the vectors, turns its MMU on with
 * the boot CPU's translation tables and settings (tn_arch_mmu_boot_state,
 * cleaned to memory by mmu.cpp since we read it with the data cache off),
 * and calls tn_plat_secondary_start(cpu) on its own stack. Nothing is stored
 * before the MMU is on, so no cache line of the boot CPU can go stale.
 */

#include "asm.h"
#include <tn/arch/stack_layout.h>

/* Each secondary's stack: a guard page (unmapped by mmu.cpp), then the stack. */

	.section .text.tn_arch_secondary_entry, "ax"
	.globl	tn_arch_secondary_entry
	.type	tn_arch_secondary_entry, %function
tn_arch_secondary_entry:
	mov	x19, x0			/* logical CPU number (PSCI context_id) */
	mrs	x20, CurrentEL
	ubfx	x20, x20, #2, #2
	cmp	x20, #2
	b.eq	secondary_from_el2
	cmp	x20, #1
	b.ne	tn_arch_halt

secondary_el1:
	msr	daifset, #0xf
	sctlr_el1_reset x0
	msr	tpidr_el1, x19
	set_exc_stack x19, x0, x1
	adr_l	x0, tn_vectors
	msr	vbar_el1, x0
	adr_l	x0, tn_arch_mmu_boot_state
	ldp	x1, x2, [x0]		/* MAIR_EL1, TCR_EL1 */
	ldp	x3, x4, [x0, #16]	/* TTBR0_EL1, SCTLR_EL1 */
	msr	mair_el1, x1
	msr	tcr_el1, x2
	msr	ttbr0_el1, x3
	isb
	ic	iallu
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	sctlr_el1, x4
	isb
	set_cpu_stack x19, x0, x1
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	bl	tn_plat_secondary_start
	b	tn_arch_halt

secondary_from_el2:
	el2_to_el1 secondary_el1
	.ltorg
