/*
 * EL1 exception vectors (Arm ARM D1.10.2: 16 entries of 0x80 bytes, 2 KiB
 * aligned). Every entry saves a full tn::arch::Frame (include/tn/arch/frame.hpp)
 * and calls C++:
 *   synchronous            -> tn_arch_sync(frame): returns after a lazy FP
 *                             trap (the frame is restored, we eret), else fatal
 *   SError, FIQ            -> tn_arch_fatal(frame, kind), never returns
 *   IRQ                    -> the lean path: saves only what a C call
 *                             clobbers (x0-x18, x30, ELR, SPSR) and calls
 *                             tn_arch_irq_lean(); if that returns nonzero
 *                             (no interrupt controller yet), the registers
 *                             are reloaded and the full-frame path calls
 *                             tn_arch_irq(frame), which reports it.
 * FIQ is not used (Group 0 interrupts stay with the secure side) and reported.
 *
 * Stacks. Kernel code always runs on SP_EL1 (EL1h), and SP_EL0, which nothing
 * else uses (there is no EL0), holds the top of this CPU's exception stack
 * (tn/arch/stack_layout.h; set by entry.S and smp_entry.S):
 *  - An IRQ saves its frame on the interrupted stack, as before: its handler
 *    may switch threads, and the frame then stays with the thread it belongs
 *    to. The IRQ path is exactly what it was without an exception stack.
 *  - A synchronous exception or SError of the kernel switches to the
 *    exception stack first (SPSel = 0), so a thread that ran into its guard
 *    page, whose SP_EL1 points at unmapped memory, still gets its report.
 *    Nothing on this path switches threads, so one stack per CPU is enough;
 *    eret restores SPSel = 1 from SPSR_EL1.M (EL1h), SP_EL1 was never touched.
 *  - An exception while a handler runs on the exception stack (SPSel = 0)
 *    arrives at the "current EL with SP_EL0" entries: a fault in a fault
 *    handler. It is saved below the handler's frames on the same stack and
 *    reported as nested (fault.cpp bounds the nesting).
 *
 * EL0 (CONFIG_ARCH_ARM64_EL0: processes). A thread of a process runs at EL0
 * with SP_EL0 its user stack and SP_EL1 the top of its kernel stack (its
 * thread stack: tn_arch_enter_el0 left it there, just below a 16-byte slot
 * holding the thread's EL0 context, ctx, which every EL0 entry hands to C,
 * and the top of its CPU's exception stack: threads never migrate). Its
 * exceptions save a frame on that kernel stack, the user SP in the frame's
 * sp slot, and set SP_EL0 to this CPU's exception stack again, so the
 * kernel's own exceptions find it as above; the system call may block and
 * the IRQ may switch threads, the frame staying with its thread.
 *  - A system call (SVC, ESR EC 0x15) saves only what a C call clobbers
 *    (x0-x18, x30), the user SP, ELR, SPSR and ESR, at their places in the
 *    full frame layout; x19-x29 stay in their registers, preserved by the C
 *    code and, when the call blocks, by the thread switch (switch_context
 *    saves them). It calls tn_arch_el0_svc(frame, ctx) with IRQs enabled,
 *    which returns with them masked after the kill check (as
 *    tn_arch_el0_exit), and returns to EL0 restoring what it saved.
 *  - Every other synchronous exception (faults, the lazy FP trap) and IRQs
 *    save the full frame (the fault report prints it). The way back,
 *    tn_arch_el0_return, masks IRQs, calls tn_arch_el0_exit(frame, ctx) (a
 *    killed process ends there) and restores the full frame.
 *   SVC         -> tn_arch_el0_svc(frame, ctx)
 *   synchronous -> tn_arch_el0_sync(frame)
 *   IRQ         -> tn_arch_irq_lean(), or tn_arch_irq(frame) without a controller
 *   FIQ, SError -> fatal, as the kernel's
 * Without EL0 support these entries are fatal: nothing runs there.
 */

#include <tn/arch/frame_asm.h>
#ifdef CONFIG_ARCH_ARM64_EL0
/* tn_arch_enter_el0 finds this CPU's exception stack (set_exc_stack); only
 * then, so that a stack size change rebuilds these vectors only where they
 * use it. */
#include <tn/arch/stack_layout.h>
#include "asm.h"
#endif

#define FRAME_SIZE	288
/* The IRQ's lean frame: x0-x17 at [0..143], x18 and x30 at 144, ELR and SPSR
 * at 160. x19-x29 are callee-saved: tn_arch_irq_lean() preserves them, and a
 * thread switch in it (the scheduler's exit hook) saves them in
 * switch_context. */
#define LEAN_SIZE	176
#define KIND_SYNC	0
#define KIND_IRQ	1
#define KIND_FIQ	2
#define KIND_SERROR	3
#define KIND_NESTED	0x10	/* tn/arch/fault.hpp: k_kind_nested */
/* Above the frame of an exception from EL0 (tn_arch_enter_el0 put them
 * there): the thread's EL0 context and its CPU's exception stack top. */
#define EL0_CTX		FRAME_SIZE
#define EL0_EXC_STACK	(FRAME_SIZE + 8)

/* Saves the frame on the current stack (SP_EL1): the IRQ path. */
.macro save_frame
	sub	sp, sp, #FRAME_SIZE
	frame_save_x0_x29
	add	x0, sp, #FRAME_SIZE
	stp	x30, x0, [sp, #240]
	frame_save_syndrome el1, x0, x1
.endm

/* Saves the frame on the exception stack (SP_EL0), whose frame records the
 * interrupted SP_EL1; leaves SPSel = 0. */
.macro save_frame_exc_stack
	msr	spsel, #0
	sub	sp, sp, #FRAME_SIZE
	frame_save_x0_x29
	msr	spsel, #1
	mov	x0, sp
	msr	spsel, #0
	stp	x30, x0, [sp, #240]
	frame_save_syndrome el1, x0, x1
.endm

/* The lean IRQ frame: what a C call clobbers, ELR and SPSR. One macro, so
 * that it is one source line: a debugger's prologue analysis reads the line
 * whole and finds x30's slot (as with save_frame), and unwinds through it. */
.macro save_lean
	sub	sp, sp, #LEAN_SIZE
	stp	x0, x1, [sp, #0]
	frame_save_x2_x17
	stp	x18, x30, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #160]
.endm

.macro restore_frame
	ldp	x0, x1, [sp, #256]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	frame_load_x0_x30
	add	sp, sp, #FRAME_SIZE
.endm

/* Lower ELs (nothing runs there): fatal, reported from SP_EL1, which is this
 * CPU's current kernel stack. */
.macro fatal_entry kind
	.balign	0x80
	save_frame
	mov	x0, sp
	mov	x1, #\kind
	bl	tn_arch_fatal
	b	tn_arch_halt
.endm

/* The kernel's FIQ and SError: fatal, reported from the exception stack. */
.macro exc_fatal_entry kind
	.balign	0x80
	save_frame_exc_stack
	mov	x0, sp
	mov	x1, #\kind
	bl	tn_arch_fatal
	b	tn_arch_halt
.endm

/* An exception while on the exception stack: saved below what is there. */
.macro nested_entry kind
	.balign	0x80
	msr	spsel, #0
	sub	sp, sp, #FRAME_SIZE
	frame_save_x0_x29
	mov	x1, #(\kind | KIND_NESTED)
	b	nested_common
.endm

.macro irq_entry
	.balign	0x80
	b	irq_common
.endm

.macro sync_entry
	.balign	0x80
	b	sync_common
.endm

	.section .text.tn_vectors, "ax"
	.balign	2048
	.globl	tn_vectors
tn_vectors:
	/* Current EL with SP_EL0: a handler on the exception stack faulted. */
	nested_entry KIND_SYNC
	nested_entry KIND_IRQ
	nested_entry KIND_FIQ
	nested_entry KIND_SERROR
	/* Current EL with SP_ELx: the kernel. */
	sync_entry
	irq_entry
	exc_fatal_entry KIND_FIQ
	exc_fatal_entry KIND_SERROR
	/* Lower EL, AArch64: a process's thread, or nothing. */
#ifdef CONFIG_ARCH_ARM64_EL0
	.balign	0x80
	b	el0_sync
	.balign	0x80
	b	el0_irq
	exc_fatal_entry KIND_FIQ
	exc_fatal_entry KIND_SERROR
#else
	fatal_entry KIND_SYNC
	fatal_entry KIND_IRQ
	fatal_entry KIND_FIQ
	fatal_entry KIND_SERROR
#endif
	/* Lower EL, AArch32: not supported. */
	fatal_entry KIND_SYNC
	fatal_entry KIND_IRQ
	fatal_entry KIND_FIQ
	fatal_entry KIND_SERROR

sync_common:
	save_frame_exc_stack
	mov	x0, sp
	bl	tn_arch_sync
	restore_frame
	eret

irq_common:
	save_lean
	bl	tn_arch_irq_lean
	cbnz	w0, irq_full
	ldp	x0, x1, [sp, #160]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	frame_load_x0_x17
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #LEAN_SIZE
	eret

/* No controller: the interrupted registers back (ELR and SPSR were never
 * changed), then the full frame for tn_arch_irq()'s report. */
irq_full:
	frame_load_x0_x17
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #LEAN_SIZE
	save_frame
	mov	x0, sp
	bl	tn_arch_irq
	restore_frame
	eret

/* x0-x29 saved, x1 = kind; the interrupted code ran on this stack too. */
nested_common:
	add	x0, sp, #FRAME_SIZE
	stp	x30, x0, [sp, #240]
	frame_save_syndrome el1, x2, x3
	mov	x0, sp
	bl	tn_arch_fatal
	b	tn_arch_halt

#ifdef CONFIG_ARCH_ARM64_EL0
/* The frame of an exception from EL0, on the thread's kernel stack (SP_EL1),
 * the user SP in its sp slot; then SP_EL0 = this CPU's exception stack. */
.macro save_el0_frame
	sub	sp, sp, #FRAME_SIZE
	frame_save_x0_x29
	mrs	x0, sp_el0
	stp	x30, x0, [sp, #240]
	frame_save_syndrome el1, x0, x1
	ldr	x0, [sp, #EL0_EXC_STACK]
	msr	sp_el0, x0
.endm

/* EC 0x15 (SVC from AArch64): the lean system-call path; else the full frame. */
el0_sync:
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mrs	x0, esr_el1
	lsr	w1, w0, #26
	cmp	w1, #0x15
	b.ne	el0_sync_full
	frame_save_x2_x17
	str	x18, [sp, #144]
	mrs	x1, sp_el0
	stp	x30, x1, [sp, #240]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #256]
	str	x0, [sp, #272]
	ldp	x1, x2, [sp, #EL0_CTX]
	msr	sp_el0, x2
	msr	daifclr, #2
	mov	x0, sp
	bl	tn_arch_el0_svc
	/* IRQs masked, the kill check done. */
	ldp	x0, x1, [sp, #256]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldr	x0, [sp, #248]
	msr	sp_el0, x0
	frame_load_x0_x17
	ldr	x18, [sp, #144]
	ldr	x30, [sp, #240]
	add	sp, sp, #FRAME_SIZE
	eret

/* x0 and x1 are saved: the rest of the full frame. */
el0_sync_full:
	frame_save_x2_x29
	mrs	x0, sp_el0
	stp	x30, x0, [sp, #240]
	frame_save_syndrome el1, x0, x1
	ldr	x0, [sp, #EL0_EXC_STACK]
	msr	sp_el0, x0
	mov	x0, sp
	bl	tn_arch_el0_sync
	b	tn_arch_el0_return

el0_irq:
	save_el0_frame
	bl	tn_arch_irq_lean
	cbz	w0, tn_arch_el0_return
	mov	x0, sp
	bl	tn_arch_irq
	/* fall through */

/* sp = the frame to return to EL0 with. */
	.globl	tn_arch_el0_return
tn_arch_el0_return:
	msr	daifset, #2
	mov	x0, sp
	ldr	x1, [sp, #EL0_CTX]
	bl	tn_arch_el0_exit
	ldp	x0, x1, [sp, #256]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldr	x0, [sp, #248]
	msr	sp_el0, x0
	frame_load_x0_x30
	add	sp, sp, #FRAME_SIZE
	eret

/* void tn_arch_enter_el0(pc, sp, a0, a1, a2, ctx): ctx and the top of this
 * CPU's exception stack in a 16-byte slot on the kernel stack (where every
 * EL0 entry finds them, above its frame: EL0_CTX, EL0_EXC_STACK; the thread
 * never leaves this CPU), then a frame with every register zero but x0-x2,
 * then the way back to EL0 (SPSR 0: EL0t, IRQs unmasked). */
	.globl	tn_arch_enter_el0
	.type	tn_arch_enter_el0, %function
tn_arch_enter_el0:
	msr	daifset, #2
	mrs	x6, tpidr_el1
	set_exc_stack x6, x7, x8
	stp	x5, x7, [sp, #-16]!
	sub	sp, sp, #FRAME_SIZE
	mov	x5, #0
1:	str	xzr, [sp, x5]
	add	x5, x5, #8
	cmp	x5, #FRAME_SIZE
	b.lo	1b
	stp	x2, x3, [sp, #0]
	str	x4, [sp, #16]
	str	x1, [sp, #248]
	str	x0, [sp, #256]
	b	tn_arch_el0_return
	.size	tn_arch_enter_el0, . - tn_arch_enter_el0
	.ltorg
#endif
