/**
 * @file
 * @brief Raw system calls of a Tenon process (lib/process/user).
 *
 * `svc #0` with the number in x8 and the arguments in x0-x5, as
 * <tn/syscall_abi.h> fixes it. The result is the kernel's: >= 0 on success,
 * -errno on failure; these helpers do not touch errno (the library
 * functions built on them do).
 */
#ifndef TN_USYSCALL_H
#define TN_USYSCALL_H

#include <tn/syscall_abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A system call with up to six arguments (unused ones are 0). */
static inline long tn_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a0;
    register long x1 __asm__("x1") = a1;
    register long x2 __asm__("x2") = a2;
    register long x3 __asm__("x3") = a3;
    register long x4 __asm__("x4") = a4;
    register long x5 __asm__("x5") = a5;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}

/** A system call with no argument. */
static inline long tn_syscall0(long nr) { return tn_syscall6(nr, 0, 0, 0, 0, 0, 0); }
/** A system call with one argument. */
static inline long tn_syscall1(long nr, long a0) { return tn_syscall6(nr, a0, 0, 0, 0, 0, 0); }
/** A system call with two arguments. */
static inline long tn_syscall2(long nr, long a0, long a1) { return tn_syscall6(nr, a0, a1, 0, 0, 0, 0); }
/** A system call with three arguments. */
static inline long tn_syscall3(long nr, long a0, long a1, long a2) { return tn_syscall6(nr, a0, a1, a2, 0, 0, 0); }
/** A system call with four arguments. */
static inline long tn_syscall4(long nr, long a0, long a1, long a2, long a3) {
    return tn_syscall6(nr, a0, a1, a2, a3, 0, 0);
}

#ifdef __cplusplus
}
#endif

#endif
