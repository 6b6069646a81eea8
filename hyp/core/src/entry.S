/*
 * Entry of the Mortise image (EL2).
 *
 * Like a Tenon image it starts with the Linux arm64 Image header, so QEMU
 * -kernel and U-Boot booti load it anywhere 2 MiB aligned and enter it at
 * offset 0 with the MMU off and x0 = the device tree. Unlike Tenon it stays at
 * EL2. Entered at EL1 (QEMU without virtualization=on, firmware that drops to
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

#define R_AARCH64_RELATIVE	1027
/* Each CPU's stack: a guard page (unmapped), then the stack (tenon-arm64.lds). */
#define STACK_SIZE	((CONFIG_ARCH_ARM64_BOOT_STACK_SIZE + 4095) & ~4095)
#define STACK_STRIDE	(4096 + STACK_SIZE)

	.section .text.boot, "ax"
	.globl	_start
_start:
	b	mortise_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.long	__tn_image_size_lo	/* image_size: file plus BSS */
	.long	__tn_image_size_hi
	.quad	0xa			/* flags: little endian, 4 KiB pages, anywhere */
	.quad	0
	.quad	0
	.quad	0
	.ascii	"ARM\x64"		/* magic */
	.long	0

mortise_entry:
	mov	x19, x0
	mrs	x20, CurrentEL
	ubfx	x20, x20, #2, #2
	cmp	x20, #2
	b.ne	1f
	el2_setup
	msr	tpidr_el2, xzr
1:	msr	daifset, #0xf
	bl	relocate		/* x9 = load offset */
	bl	clear_bss
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

relocate:
	adr	x0, _start
	ldr	x1, link_base
	sub	x9, x0, x1
	adr_l	x2, __rela_start
	adr_l	x3, __rela_end
1:	cmp	x2, x3
	b.hs	2f
	ldp	x4, x5, [x2], #16
	ldr	x6, [x2], #8
	cmp	x5, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x6, x6, x9
	str	x6, [x4, x9]
	b	1b
2:	ret

	.balign	8
link_base:
	.long	__tn_link_base_lo
	.long	__tn_link_base_hi

/* BSS is Device memory with the MMU off (no DC ZVA): plain stores. */
clear_bss:
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
	b	2f
1:	stp	xzr, xzr, [x0], #16
2:	cmp	x0, x1
	b.lo	1b
	ret

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
	adr_l	x0, tn_arch_cpu_stacks
	ldr	x1, =STACK_STRIDE
	madd	x0, x19, x1, x0
	mov	sp, x0
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	bl	mortise_secondary_start
	b	tn_arch_halt
	.ltorg

	.globl	tn_arch_halt
	.type	tn_arch_halt, %function
tn_arch_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b

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

	.section .bss.tn_arch_load_offset, "aw", %nobits
	.balign	8
	.globl	tn_arch_load_offset
tn_arch_load_offset:
	.quad	0

	.section .tn_boot_stack, "aw", %nobits
	.balign	16
	.space	STACK_SIZE
	.globl	tn_boot_stack_top
tn_boot_stack_top:

	.section .tn_cpu_stacks, "aw", %nobits
	.balign	4096
	.globl	tn_arch_cpu_stacks
tn_arch_cpu_stacks:
	.space	(CONFIG_TN_MAX_CPUS - 1) * STACK_STRIDE
