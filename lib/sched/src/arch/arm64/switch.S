/*
 * Thread switch (lib/sched): saves the callee-saved registers, frame
 * pointer, return address and stack pointer of the running thread in its
 * Context and loads the next thread's. Everything else is caller-saved by
 * the AAPCS64, so the C++ caller has already spilled what it needs; an
 * interrupted thread's full register frame is on its own stack (vectors.S),
 * below the frames of the IRQ path that switched away from it.
 *
 *   void tn_sched_switch(Context* from, Context* to)   x0, x1
 *
 * A new thread's Context has lr = tn_sched_thread_start and x19 = its Thread.
 */

	.section .text.tn_sched_switch, "ax"
	.globl	tn_sched_switch
	.type	tn_sched_switch, %function
tn_sched_switch:
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
	ret
	.size	tn_sched_switch, . - tn_sched_switch

	.globl	tn_sched_thread_start
	.type	tn_sched_thread_start, %function
tn_sched_thread_start:
	mov	x0, x19
	bl	tn_sched_thread_main	/* never returns */
	b	tn_arch_halt
	.size	tn_sched_thread_start, . - tn_sched_thread_start
