/*
 * EL1 exception vectors (Arm ARM D1.10.2: 16 entries of 0x80 bytes, 2 KiB
 * aligned). Every entry saves a full tn::arch::Frame (include/tn/arch/frame.hpp)
 * on the current stack and calls C++:
 *   synchronous and SError -> tn_arch_fatal(frame, kind), never returns
 *   IRQ                    -> tn_arch_irq(frame), then the frame is restored
 *                             (the handler may edit it) and we eret.
 * FIQ is not used (Group 0 interrupts stay with the secure side) and reported.
 */

#include <tn/arch/frame_asm.h>

#define FRAME_SIZE	288
#define KIND_SYNC	0
#define KIND_IRQ	1
#define KIND_FIQ	2
#define KIND_SERROR	3

.macro save_frame
	sub	sp, sp, #FRAME_SIZE
	frame_save_x0_x29
	add	x0, sp, #FRAME_SIZE
	stp	x30, x0, [sp, #240]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #256]
	mrs	x0, esr_el1
	mrs	x1, far_el1
	stp	x0, x1, [sp, #272]
.endm

.macro restore_frame
	ldp	x0, x1, [sp, #256]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	frame_load_x0_x30
	add	sp, sp, #FRAME_SIZE
.endm

.macro fatal_entry kind
	.balign	0x80
	save_frame
	mov	x0, sp
	mov	x1, #\kind
	bl	tn_arch_fatal
	b	tn_arch_halt
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
	/* Current EL with SP_EL0: never used (we always run on SP_EL1). */
	fatal_entry KIND_SYNC
	fatal_entry KIND_IRQ
	fatal_entry KIND_FIQ
	fatal_entry KIND_SERROR
	/* Current EL with SP_ELx: the kernel. */
	sync_entry
	irq_entry
	fatal_entry KIND_FIQ
	fatal_entry KIND_SERROR
	/* Lower EL, AArch64: no EL0 yet. */
	fatal_entry KIND_SYNC
	fatal_entry KIND_IRQ
	fatal_entry KIND_FIQ
	fatal_entry KIND_SERROR
	/* Lower EL, AArch32: not supported. */
	fatal_entry KIND_SYNC
	fatal_entry KIND_IRQ
	fatal_entry KIND_FIQ
	fatal_entry KIND_SERROR

sync_common:
	save_frame
	mov	x0, sp
	bl	tn_arch_sync
	restore_frame
	eret

irq_common:
	save_frame
	mov	x0, sp
	bl	tn_arch_irq
	restore_frame
	eret
