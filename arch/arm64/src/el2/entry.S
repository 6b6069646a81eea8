/*
 * Entry of a Mortise image (EL2), reached from the Image header (image.S)
 * like a Tenon image, with the MMU off and x0 = the device tree. Unlike Tenon
 * it stays at EL2. Entered at EL1 (QEMU without virtualization=on, firmware that drops to
 * EL1) it still relocates itself and sets up a stack, so that C++ can print why
 * it refuses to run (mortise_start with entry_el = 1).
 *
 * Boot CPU: note the EL, EL2 set-up, relocate (the image is linked -pie), clear
 * BSS, boot stack, TPIDR_EL2 = 0 (logical CPU 0, tn/arch/cpu.hpp), then
 * mortise_start(dtb, entry_el) (src/boot.cpp).
 * Secondary CPUs: PSCI CPU_ON(mpidr, mortise_secondary_entry, cpu) enters them
 * at EL2 with x0 = their logical number; they load the boot CPU's EL2 MMU
 * state (mortise_mmu_boot_state, cleaned to memory by mmu.cpp) and call
 * mortise_secondary_start(cpu) on their own stack.
 */

#include "el2.h"
#include <tn/arch/stack_layout.h>

	.section .text.tn_arch_entry, "ax"
	.globl	tn_arch_entry
tn_arch_entry:
	mov	x19, x0
	mrs	x20, CurrentEL
	ubfx	x20, x20, #2, #2
	cmp	x20, #2
	b.ne	1f
	el2_setup
	msr	tpidr_el2, xzr
1:	msr	daifset, #0xf
	bl	tn_arch_relocate	/* x9 = load offset (image.S) */
	bl	tn_arch_clear_bss
	adr_l	x0, tn_arch_load_offset
	str	x9, [x0]
	adr_l	x0, tn_boot_stack_top
	mov	sp, x0
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	mov	x1, x20
	bl	mortise_start
	b	tn_arch_halt

	.section .text.mortise_secondary_entry, "ax"
	.globl	mortise_secondary_entry
	.type	mortise_secondary_entry, %function
mortise_secondary_entry:
	mov	x19, x0
	el2_setup
	msr	tpidr_el2, x19
	adr_l	x0, mortise_mmu_boot_state
	ldp	x1, x2, [x0]		/* MAIR_EL2, TCR_EL2 */
	ldp	x3, x4, [x0, #16]	/* TTBR0_EL2, SCTLR_EL2 */
	ldr	x5, [x0, #32]		/* VTCR_EL2 */
	msr	mair_el2, x1
	msr	tcr_el2, x2
	msr	ttbr0_el2, x3
	msr	vtcr_el2, x5
	isb
	ic	iallu
	tlbi	alle2
	tlbi	vmalls12e1
	dsb	nsh
	isb
	msr	sctlr_el2, x4
	isb
	set_cpu_stack x19, x0, x1
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	bl	mortise_secondary_start
	b	tn_arch_halt
	.ltorg

/*
 * mortise_run_on_stack(top, fn, arg): continues at fn(arg) on the empty stack
 * that ends at top, abandoning the caller's frames (a CPU that stops its guest
 * from inside a trap handler goes back to its idle loop this way).
 */
	.section .text.mortise_run_on_stack, "ax"
	.globl	mortise_run_on_stack
	.type	mortise_run_on_stack, %function
mortise_run_on_stack:
	mov	sp, x0
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x2
	blr	x1
	b	tn_arch_halt
