/*
 * The per-CPU stacks image.S reserves: CPU 0 runs on the boot stack, CPU n
 * (1 <= n < CONFIG_TN_MAX_CPUS) on the n-th of tn_arch_cpu_stacks; each stack
 * sits above a guard page the MMU leaves unmapped. Every CPU of a Tenon image
 * also has an exception stack (tn_arch_exc_stacks, each above a guard page of
 * its own): SP_EL0 points to its top, and the EL1 vectors run synchronous
 * exceptions and SErrors on it, so a thread that overflowed its stack still
 * gets its fault report (vectors.S). For assembly and C++ alike
 * (tn/arch/stacks.hpp); a header of its own, so a change of a stack size
 * rebuilds only what lays out or finds stacks.
 *
 * Each array is stack, guard page, stack, ..., stack: the guard page below
 * an array's first stack is a hole the linker script leaves in the layout (no
 * section's bytes), like the boot stack's (__tn_stack_guard).
 */
#pragma once

#define TN_ARCH_STACK_GUARD	4096
#define TN_ARCH_STACK_SIZE	((CONFIG_ARCH_ARM64_BOOT_STACK_SIZE + 4095) & ~4095)
#define TN_ARCH_STACK_STRIDE	(TN_ARCH_STACK_GUARD + TN_ARCH_STACK_SIZE)

/* A fault report needs about 1 KiB (fault.cpp and the console); the default
 * 8 KiB leaves room for the frames and reports of a fault while reporting a
 * fault, the deepest nesting fault.cpp allows. */
#define TN_ARCH_EXC_STACK_SIZE	((CONFIG_ARCH_ARM64_EXC_STACK_SIZE + 4095) & ~4095)
#define TN_ARCH_EXC_STACK_STRIDE	(TN_ARCH_STACK_GUARD + TN_ARCH_EXC_STACK_SIZE)

#ifdef CONFIG_TN_SMP
#define TN_ARCH_STACK_CPUS	CONFIG_TN_MAX_CPUS
#else
#define TN_ARCH_STACK_CPUS	1
#endif

#ifdef __ASSEMBLER__
/* sp = top of the stack of CPU \cpu (>= 1):
 * tn_arch_cpu_stacks + \cpu * stride - guard. Needs adr_l
 * (arch/arm64/src/asm.h). Clobbers \tmp and \tmp2. */
.macro	set_cpu_stack cpu, tmp, tmp2
	adr_l	\tmp, tn_arch_cpu_stacks
	ldr	\tmp2, =TN_ARCH_STACK_STRIDE
	madd	\tmp, \cpu, \tmp2, \tmp
	sub	\tmp, \tmp, #TN_ARCH_STACK_GUARD
	mov	sp, \tmp
.endm

/* SP_EL0 = top of the exception stack of CPU \cpu (any CPU; xzr for CPU 0):
 * tn_arch_exc_stacks + (\cpu + 1) * stride - guard. Clobbers \tmp and \tmp2. */
.macro	set_exc_stack cpu, tmp, tmp2
	adr_l	\tmp, tn_arch_exc_stacks
	ldr	\tmp2, =TN_ARCH_EXC_STACK_STRIDE
	madd	\tmp, \cpu, \tmp2, \tmp
	add	\tmp, \tmp, \tmp2
	sub	\tmp, \tmp, #TN_ARCH_STACK_GUARD
	msr	sp_el0, \tmp
.endm
#endif
