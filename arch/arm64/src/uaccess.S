/*
 * The kernel's only accesses to a process's memory (tn/arch/uspace.hpp).
 * Leaf functions that touch no stack: a data abort between
 * tn_uaccess_start and tn_uaccess_end resumes at tn_uaccess_fault
 * (uaccess_fixup(), called by the kernel's synchronous exception path),
 * which returns -1 to the caller with x30 intact.
 *
 *   long tn_arch_copy_user(void *dst, const void *src, size_t n)
 *       0, or -1 when an access faulted
 *   long tn_arch_copy_user_string(char *dst, const char *src, size_t max)
 *       the length without the NUL (copied, NUL included), -1 when an
 *       access faulted, -2 when no NUL came within max bytes
 */

	.section .text.tn_uaccess, "ax"
	.globl	tn_uaccess_start, tn_uaccess_end, tn_uaccess_fault
	.globl	tn_arch_copy_user, tn_arch_copy_user_string

	.balign	16
tn_uaccess_start:
	.type	tn_arch_copy_user, %function
tn_arch_copy_user:
	cmp	x2, #8
	b.lo	2f
1:	ldr	x3, [x1], #8		/* eight bytes at a time */
	str	x3, [x0], #8
	sub	x2, x2, #8
	cmp	x2, #8
	b.hs	1b
2:	cbz	x2, 4f
3:	ldrb	w3, [x1], #1		/* the tail */
	strb	w3, [x0], #1
	subs	x2, x2, #1
	b.ne	3b
4:	mov	x0, #0
	ret
	.size	tn_arch_copy_user, . - tn_arch_copy_user

	.type	tn_arch_copy_user_string, %function
tn_arch_copy_user_string:
	mov	x4, #0
1:	cmp	x4, x2
	b.hs	2f
	ldrb	w3, [x1, x4]
	strb	w3, [x0, x4]
	cbz	w3, 3f
	add	x4, x4, #1
	b	1b
2:	mov	x0, #-2
	ret
3:	mov	x0, x4
	ret
	.size	tn_arch_copy_user_string, . - tn_arch_copy_user_string
tn_uaccess_end:

tn_uaccess_fault:
	mov	x0, #-1
	ret
