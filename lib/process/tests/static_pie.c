/* A tiny static-pie for lib/process's ELF loader test (tests/unit.mk builds
 * it with the AArch64 cross compiler when one is installed): pointers in
 * initialised data and the GOT give it R_AARCH64_RELATIVE relocations; .bss
 * makes its data segment's memory larger than its file bytes. */
static int counter = 3;
static int zeroed[64];
int *counter_ptr = &counter;
int *zeroed_ptr = &zeroed[1];
const char *greeting = "hello";
static int one(void) { return 1; }
int (*volatile fn)(void) = one;

void _start(void)
{
    for (;;)
        *counter_ptr += fn() + greeting[0] + zeroed_ptr[0];
}
