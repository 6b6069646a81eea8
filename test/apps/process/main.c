/* Kernel side of the process tests (test/qemu/process-*.test). */
#include <errno.h>
#include <stdio.h>
#include <tn/process.h>

int main(void) {
    printf("process: spawn of a missing program: %d\n", tn_process_spawn("no-such-program", NULL));
    return 0;
}
