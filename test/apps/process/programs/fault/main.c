/* Faults in the way argv[1] names; the kernel must kill only this process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int sink;
/* A pointer the loader relocates: in the read-only-after-relocation part. */
const char *const relro_table[] = {"relocated"};

static volatile int depth = 1 << 30;

/* Each call takes 1 KiB of stack; depth is never reached. */
static int recurse(int n) {
    volatile char pad[1024];
    pad[0] = (char)n;
    if (n >= depth)
        return pad[0];
    return recurse(n + 1) + pad[0];
}

int main(int argc, char **argv) {
    const char *kind = argc > 1 ? argv[1] : "";
    printf("fault: %s\n", kind);
    fflush(stdout);
    if (!strcmp(kind, "null")) {
        sink = *(volatile int *)0;
    } else if (!strcmp(kind, "text")) {
        *(volatile int *)(void *)&main = 0;
    } else if (!strcmp(kind, "kernel")) {
        sink = *(volatile int *)0x40080000ul; /* QEMU virt RAM: the kernel's */
    } else if (!strcmp(kind, "kernel-write")) {
        *(volatile int *)0x40080000ul = 1;
    } else if (!strcmp(kind, "relro")) {
        printf("fault: relro_table[0] = \"%s\"\n", *(const char *const volatile *)&relro_table[0]);
        *(const char *volatile *)&relro_table[0] = 0;
    } else if (!strcmp(kind, "undef")) {
        __asm__ volatile("udf #0");
    } else if (!strcmp(kind, "sysreg")) {
        unsigned long v;
        __asm__ volatile("mrs %0, sctlr_el1" : "=r"(v));
        sink = (int)v;
    } else if (!strcmp(kind, "stack")) {
        sink = recurse(0);
    } else if (!strcmp(kind, "exec-heap")) {
        unsigned *code = malloc(64);
        code[0] = 0xd65f03c0; /* ret */
        ((void (*)(void))code)();
    }
    printf("fault: %s: still running (WRONG)\n", kind);
    return 0;
}
