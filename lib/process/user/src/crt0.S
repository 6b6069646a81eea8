/*
 * A program's entry point (lib/process/user). The kernel enters _start at
 * EL0 with x0 = argc, x1 = argv, x2 = envp (<tn/syscall_abi.h>), sp at the
 * top of the main stack and the BSS already zero (the loader fills a
 * segment's memory beyond its file bytes with zeros). The outermost frame
 * record is zero, so a backtrace ends here.
 */
	.text
	.global _start
	.type _start, %function
_start:
	mov	x29, #0
	mov	x30, #0
	mov	x9, sp
	and	x9, x9, #~15
	mov	sp, x9
	bl	__tn_user_start
	/* __tn_user_start does not return; if it did, fault here. */
	brk	#0
	.size _start, . - _start

/* newlib's __libc_init_array and __libc_fini_array call these around the
 * init and fini arrays; a program has no .init/.fini code. */
	.global _init
	.type _init, %function
_init:
	ret
	.size _init, . - _init

	.global _fini
	.type _fini, %function
_fini:
	ret
	.size _fini, . - _fini

	.section .note.GNU-stack,"",%progbits
