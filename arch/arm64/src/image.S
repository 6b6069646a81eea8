/*
 * What every AArch64 image shares, whatever EL it runs at (the Tenon entry in
 * entry.S, Mortise's EL2 entry in el2/entry.S): the Linux arm64 Image header
 * (Documentation/arch/arm64/booting.rst), so QEMU -kernel, U-Boot booti and
 * Mortise's loader place the image at any 2 MiB-aligned address and enter it
 * at offset 0 with the MMU off and x0 = the device tree; the self-relocation
 * and BSS clearing the entries call; the halt loop; the load offset; the boot
 * CPU's stack and the secondary CPUs' stacks.
 */

#include "asm.h"
#include <tn/arch/stack_layout.h>

#define R_AARCH64_RELATIVE	1027

	.section .text.boot, "ax"
	.globl	_start
_start:
	b	tn_arch_entry		/* code0: entry.S or el2/entry.S */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.long	__tn_image_size_lo	/* image_size: file plus BSS; two 32-bit */
	.long	__tn_image_size_hi	/* halves so -pie resolves them statically */
	.quad	0xa			/* flags: little endian, 4 KiB pages, anywhere */
	.long	__tn_file_size_lo	/* res2: the file's size, so a loader can */
	.long	__tn_file_size_hi	/* tell a copy that was cut short (Linux: 0) */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE/COFF header */

/*
 * Applies the .rela.dyn table: every entry is R_AARCH64_RELATIVE (checked at
 * link time by support/scripts/checkimage.py), i.e. *(offset + d) = addend + d
 * where d is the distance between the run-time and link-time load address.
 */
	.globl	tn_arch_relocate
tn_arch_relocate:
	adr	x0, _start
	ldr	x1, link_base
	sub	x9, x0, x1
	adr_l	x2, __rela_start
	adr_l	x3, __rela_end
1:	cmp	x2, x3
	b.hs	2f
	ldp	x4, x5, [x2], #16	/* r_offset, r_info */
	ldr	x6, [x2], #8		/* r_addend */
	cmp	x5, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x6, x6, x9
	str	x6, [x4, x9]
	b	1b
2:	ret

	/* Link-time address of _start, as two 32-bit halves of absolute linker
	 * symbols: -pie resolves ABS32 statically, but would turn an ABS64 into a
	 * dynamic relocation (which is what we are trying to apply). */
	.balign	8
link_base:
	.long	__tn_link_base_lo
	.long	__tn_link_base_hi

/*
 * BSS is 16-byte aligned and sized (linker script). With the MMU off it is Device
 * memory, where DC ZVA faults, so it is cleared with stores: 64 bytes per loop
 * iteration (7 instructions where one STP per iteration takes 12; BSS holds the
 * translation tables, tens of KiB), then the 16-byte remainder.
 */
	.globl	tn_arch_clear_bss
tn_arch_clear_bss:
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
	sub	x2, x1, x0
	bic	x2, x2, #63
	add	x2, x0, x2		/* end of the whole 64-byte blocks */
	b	2f
1:	stp	xzr, xzr, [x0]
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	add	x0, x0, #64
2:	cmp	x0, x2
	b.lo	1b
	b	4f
3:	stp	xzr, xzr, [x0], #16
4:	cmp	x0, x1
	b.lo	3b
	ret

	.globl	tn_arch_halt
	.type	tn_arch_halt, %function
tn_arch_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b
	.ltorg

	/* Run-time minus link-time address of the image (tn/arch/fault.hpp). */
	.section .bss.tn_arch_load_offset, "aw", %nobits
	.balign	8
	.globl	tn_arch_load_offset
tn_arch_load_offset:
	.quad	0

	/* Placed by the linker script above a guard page (a hole in the layout,
	 * never mapped by the MMU). */
	.section .tn_boot_stack, "aw", %nobits
	.balign	16
	.space	TN_ARCH_STACK_SIZE
	.globl	tn_boot_stack_top
tn_boot_stack_top:

#ifdef CONFIG_TN_SMP
	/* CPUs 1 .. CONFIG_TN_MAX_CPUS-1: stack, guard page, stack, ... (the
	 * first stack's guard is a hole the linker script leaves below it);
	 * placed after the boot stack, never loaded or cleared. */
	.section .tn_cpu_stacks, "aw", %nobits
	.balign	4096
	.globl	tn_arch_cpu_stacks
tn_arch_cpu_stacks:
	.space	(CONFIG_TN_MAX_CPUS - 1) * TN_ARCH_STACK_STRIDE - TN_ARCH_STACK_GUARD
#endif

#ifndef CONFIG_TN_HYPERVISOR
	/* Every CPU's exception stack (vectors.S), laid out like the CPU stacks
	 * (the first guard page a hole in the layout); placed after the CPU
	 * stacks by the linker script, never loaded. */
	.section .tn_exc_stacks, "aw", %nobits
	.balign	4096
	.globl	tn_arch_exc_stacks
tn_arch_exc_stacks:
	.space	TN_ARCH_STACK_CPUS * TN_ARCH_EXC_STACK_STRIDE - TN_ARCH_STACK_GUARD
#endif
