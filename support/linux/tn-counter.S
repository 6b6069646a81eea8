/*
 * tn-counter: prints the virtual counter (CNTVCT_EL0) and its frequency
 * (CNTFRQ_EL0) as two decimal numbers, e.g. "350509267 62500000". Linux lets
 * EL0 read both (its vDSO does); on QEMU virt without a hypervisor the virtual
 * offset is 0, so the first number is the count since reset, and under
 * -icount shift=4 it is the number of instructions executed.
 *
 * No libc: write(2) and exit(2) through the Linux arm64 syscall ABI (x8 the
 * number, x0-x2 the arguments), so the assembler and linker are all it needs.
 */
    .equ SYS_WRITE, 64
    .equ SYS_EXIT, 93

    .text
    .global _start
_start:
    isb                             // no earlier read of the counter
    mrs     x19, cntvct_el0
    mrs     x20, cntfrq_el0
    adr     x1, buf_end
    mov     w4, #'\n'
    strb    w4, [x1, #-1]!
    mov     x0, x20
    bl      put_decimal
    mov     w4, #' '
    strb    w4, [x1, #-1]!
    mov     x0, x19
    bl      put_decimal
    adr     x2, buf_end
    sub     x2, x2, x1              // length
    mov     x0, #1                  // stdout
    mov     x8, #SYS_WRITE
    svc     #0
    mov     x0, #0
    mov     x8, #SYS_EXIT
    svc     #0

/* Stores x0 in decimal just below x1 and moves x1 down to its first digit. */
put_decimal:
    mov     x3, #10
1:  udiv    x5, x0, x3
    msub    x6, x5, x3, x0          // x6 = x0 % 10
    add     w6, w6, #'0'
    strb    w6, [x1, #-1]!
    mov     x0, x5
    cbnz    x0, 1b
    ret

    .bss
    .balign 8
buf:
    .space 48                       // two 20-digit numbers, a space, a newline
buf_end:
