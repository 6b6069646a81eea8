/*
 * EL1 exception vectors (Arm ARM D1.10.2: 16 entries of 0x80 bytes, 2 KiB
 * aligned). Every entry saves a full tn::arch::Frame (include/tn/arch/frame.hpp)
 * on the current stack and calls C++:
 *   synchronous and SError -> tn_arch_fatal(frame, kind), never returns
 *   IRQ                    -> tn_arch_irq(frame), then the frame is restored
 *                             (the handler may edit it) and we eret.
 * FIQ is not used (Group 0 interrupts stay with the secure side) and reported.
 */

#define FRAME_SIZE	288
#define KIND_SYNC	0
#define KIND_IRQ	1
#define KIND_FIQ	2
#define KIND_SERROR	3

.macro save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
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
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
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
