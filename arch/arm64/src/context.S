/*
 * Kernel thread context switch (tn/arch/context.hpp).
 *
 *   void tn_arch_switch(Context* from, Context* to)   x0, x1
 *
 * Saves x19-x28, x29, x30 and sp of the running code in *from and loads
 * *to's; returning then continues where *to was switched out (or, for a new
 * context, at tn_arch_context_start).
 *
 * With EL0 support (CONFIG_ARCH_ARM64_EL0) a context also carries
 * TPIDR_EL0 at #112 (a process thread's thread pointer, which EL0 may set
 * itself: saved and loaded on every switch), and the
 * TTBR0_EL1 value of its address space at #104 (0: the kernel's tables,
 * tn_arch_kernel_ttbr); the switch loads it only when it differs from the
 * outgoing context's, so switches between kernel threads and between the
 * threads of one process cost a compare. User mappings are tagged with the
 * process's ASID and the kernel's are global: no TLB flush.
 */

#include "asm.h"

	.section .text.tn_arch_switch, "ax"
	.globl	tn_arch_switch
	.type	tn_arch_switch, %function
tn_arch_switch:
	mov	x9, sp
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	str	x9, [x0, #96]
	ldp	x19, x20, [x1, #0]
	ldp	x21, x22, [x1, #16]
	ldp	x23, x24, [x1, #32]
	ldp	x25, x26, [x1, #48]
	ldp	x27, x28, [x1, #64]
	ldp	x29, x30, [x1, #80]
	ldr	x9, [x1, #96]
	mov	sp, x9
#ifdef CONFIG_ARCH_ARM64_EL0
	mrs	x10, tpidr_el0
	str	x10, [x0, #112]
	ldr	x10, [x1, #112]
	msr	tpidr_el0, x10
	ldr	x10, [x0, #104]
	ldr	x0, [x1, #104]
	cmp	x10, x0
	b.ne	tn_arch_load_root
#endif
	ret
	.size	tn_arch_switch, . - tn_arch_switch

#ifdef CONFIG_ARCH_ARM64_EL0
	/* void tn_arch_load_root(u64 ttbr): TTBR0_EL1 = ttbr, or the kernel's
	 * tables for 0. The kernel's mappings are global and the same in every
	 * process's tables, so the code running here stays mapped. */
	.globl	tn_arch_load_root
	.type	tn_arch_load_root, %function
tn_arch_load_root:
	cbnz	x0, 1f
	adr_l	x0, tn_arch_kernel_ttbr
	ldr	x0, [x0]
1:	msr	ttbr0_el1, x0
	isb
	ret
	.size	tn_arch_load_root, . - tn_arch_load_root
#endif

	/* init_context() put the entry in x19 and its argument in x20. */
	.globl	tn_arch_context_start
	.type	tn_arch_context_start, %function
tn_arch_context_start:
	mov	x0, x20
	blr	x19
	b	tn_arch_halt
	.size	tn_arch_context_start, . - tn_arch_context_start
