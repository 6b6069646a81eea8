/*
 * Entry point of every Tenon image, reached from the Image header (image.S)
 * with the MMU off and x0 = physical address of the device tree.
 *
 * Entry sequence: note the exception level; at EL2 configure EL2 minimally and
 * drop to EL1; apply our own R_AARCH64_RELATIVE relocations (the image is linked
 * -pie, so this makes it position independent); clear BSS; point SP_EL0 at
 * the exception stack and install the vectors; set up the boot stack; call
 * tn_plat_start(dtb, entry_el).
 */

#include "asm.h"
#include <tn/arch/stack_layout.h>

	.section .text.tn_arch_entry, "ax"
	.globl	tn_arch_entry
tn_arch_entry:
	mov	x19, x0			/* device tree (booting.rst: x0) */
	mrs	x20, CurrentEL
	ubfx	x20, x20, #2, #2	/* x20: the exception level we were entered at */
	cmp	x20, #2
	b.eq	from_el2
	cmp	x20, #1
	b.ne	tn_arch_halt		/* EL3 (QEMU secure=on) is not supported */

el1_entry:
	msr	daifset, #0xf
	sctlr_el1_reset x0
#ifdef CONFIG_TN_SMP
	msr	tpidr_el1, xzr		/* logical CPU 0 (tn/arch/cpu.hpp) */
#endif
	bl	tn_arch_relocate	/* x9 = load offset, kept across clear_bss (image.S) */
	bl	tn_arch_clear_bss
	adr_l	x0, tn_arch_load_offset
	str	x9, [x0]
	set_exc_stack xzr, x0, x1	/* before the vectors: they switch to it */
	adr	x0, tn_vectors
	msr	vbar_el1, x0
	isb
	adr_l	x0, tn_boot_stack_top
	mov	sp, x0
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	mov	x1, x20
	bl	tn_plat_start
	b	tn_arch_halt

from_el2:
	el2_to_el1 el1_entry
	.ltorg

