/*
 * EL2 exception vectors (Arm ARM D1.10.2: 16 entries of 0x80 bytes).
 *
 * From a guest (lower EL, AArch64): the guest's general registers, ELR, SPSR,
 * ESR, FAR and HPFAR are saved as a mortise::vcpu::GuestRegs at the top of this
 * CPU's stack (the stack is empty while a guest runs), C++ handles the exit
 * and may edit the frame (emulation results, PC advance), then the frame is
 * restored and we return to the guest:
 *   synchronous  -> mortise_guest_sync(regs)
 *   HVC (AArch64) -> first mortise_guest_hvc_fast(regs) on a partial frame
 *                   (x0-x18 and x30: what the C ABI clobbers); it runs the
 *                   hypercalls the table marks fast and returns true, and the
 *                   guest is resumed at once. False: the frame is completed
 *                   and the exit goes to mortise_guest_sync like any other.
 *   IRQ, FIQ     -> mortise_guest_irq(regs)
 *   IRQ (AArch64) -> first mortise_guest_irq_fast(regs) on the same partial
 *                   frame as HVC: true when it dealt with the interrupt
 *                   (the guest's virtual timer) and the guest resumes; false:
 *                   the frame is completed, then mortise_guest_irq.
 *   SError       -> mortise_guest_serror(regs)
 * AArch32 guests are not supported: their exits go to mortise_guest_sync,
 * which stops the guest.
 *
 * From Mortise itself (current EL, SP_EL2): an IRQ while idle goes to lib/irq
 * (tn_arch_irq with a tn::arch::Frame); anything else is a Mortise bug,
 * reported by mortise_el2_fatal, and the machine stops.
 */

#define GUEST_FRAME	304
#define HOST_FRAME	288

#include <tn/arch/frame_asm.h>

.macro guest_entry handler
	.balign	0x80
	sub	sp, sp, #GUEST_FRAME
	frame_save_x0_x29
	mov	x1, #\handler
	b	guest_exit
.endm

.macro host_fatal kind
	.balign	0x80
	sub	sp, sp, #HOST_FRAME
	frame_save_x0_x29
	mov	x1, #\kind
	b	host_fatal_common
.endm

#define H_SYNC		0
#define H_IRQ		1
#define H_SERROR	2
#define EC_HVC64	0x16

/* A synchronous exit from AArch64: HVC takes the fast path (guest_hvc), the
 * rest the full one. */
.macro guest_sync_entry
	.balign	0x80
	sub	sp, sp, #GUEST_FRAME
	stp	x0, x1, [sp, #0]
	mrs	x0, esr_el2
	ubfx	x1, x0, #26, #6
	cmp	x1, #EC_HVC64
	b.eq	guest_hvc
	ldp	x0, x1, [sp, #0]
	frame_save_x0_x29
	mov	x1, #H_SYNC
	b	guest_exit
.endm

	.section .text.mortise_vectors, "ax"
	.balign	2048
	.globl	mortise_vectors
mortise_vectors:
	/* Current EL with SP_EL0: never used. */
	host_fatal 0
	host_fatal 1
	host_fatal 2
	host_fatal 3
	/* Current EL with SP_EL2: Mortise. */
	host_fatal 0
	.balign	0x80
	b	host_irq
	host_fatal 2
	host_fatal 3
	/* Lower EL, AArch64: a guest. */
	guest_sync_entry
	.balign	0x80
	sub	sp, sp, #GUEST_FRAME
	stp	x0, x1, [sp, #0]
	b	guest_irq
	guest_entry H_IRQ
	guest_entry H_SERROR
	/* Lower EL, AArch32: not supported, reported as a synchronous exit. */
	guest_entry H_SYNC
	guest_entry H_IRQ
	guest_entry H_IRQ
	guest_entry H_SERROR

/* x1 = which handler. Saves the exit state, calls it with the frame, returns
 * to the guest through mortise_enter_guest's tail. */
guest_exit:
	stp	x30, xzr, [sp, #240]
guest_exit_x30_saved:
	frame_save_syndrome el2, x2, x3
	mrs	x2, hpfar_el2
	str	x2, [sp, #288]
	mov	x29, xzr
	mov	x0, sp
	cmp	x1, #H_IRQ
	b.eq	1f
	b.hi	2f
	bl	mortise_guest_sync
	b	guest_return
1:	bl	mortise_guest_irq
	b	guest_return
2:	bl	mortise_guest_serror
	b	guest_return

/* HVC or IRQ from AArch64, x0-x1 saved. Saves what a C call may clobber
 * (x2-x18, x30) and calls the fast handler (x1) with the frame; x19-x29 stay
 * in the registers, and ELR/SPSR_EL2 in theirs (EL2 runs with every
 * exception masked and takes none here). The full exit's handler (x0) waits
 * in the frame's unused SP slot. */
guest_hvc:
	mov	x0, #H_SYNC
	adr	x1, mortise_guest_hvc_fast
	b	guest_fast
guest_irq:
	mov	x0, #H_IRQ
	adr	x1, mortise_guest_irq_fast
guest_fast:
	frame_save_x2_x17
	str	x18, [sp, #144]
	stp	x30, x0, [sp, #240]
	mov	x0, sp
	blr	x1
	cbz	w0, 1f
	frame_load_x0_x17
	ldr	x18, [sp, #144]
	ldr	x30, [sp, #240]
	add	sp, sp, #GUEST_FRAME
	eret
	/* Not for the fast path: the rest of the frame, then the full exit. */
1:	str	x19, [sp, #152]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	ldr	x1, [sp, #248]
	str	xzr, [sp, #248]
	b	guest_exit_x30_saved

/*
 * mortise_enter_guest(GuestRegs* regs): enters (or re-enters) the guest whose
 * frame is @regs, which must be the top-of-stack frame of this CPU. Never
 * returns; the guest's next exit comes back through the vectors.
 */
	.globl	mortise_enter_guest
	.type	mortise_enter_guest, %function
mortise_enter_guest:
	mov	sp, x0
guest_return:
	ldp	x0, x1, [sp, #256]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	frame_load_x0_x30
	add	sp, sp, #GUEST_FRAME
	eret
	.size	mortise_enter_guest, . - mortise_enter_guest

host_irq:
	sub	sp, sp, #HOST_FRAME
	frame_save_x0_x29
	add	x0, sp, #HOST_FRAME
	stp	x30, x0, [sp, #240]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #256]
	stp	xzr, xzr, [sp, #272]
	mov	x0, sp
	bl	tn_arch_irq
	ldp	x0, x1, [sp, #256]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	frame_load_x0_x30
	add	sp, sp, #HOST_FRAME
	eret

host_fatal_common:
	add	x0, sp, #HOST_FRAME
	stp	x30, x0, [sp, #240]
	frame_save_syndrome el2, x2, x3
	mov	x0, sp
	bl	mortise_el2_fatal
	b	tn_arch_halt
