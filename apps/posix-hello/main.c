/*
 * posix-hello: the smallest program of the POSIX environment (newlib and
 * lib/posix), for comparing its footprint with apps/helloworld's
 * (footprint.posix-hello in `make bench`). A printf of a double pulls in the
 * C library's floating-point formatting, as almost any real program does.
 */
#include <stdio.h>

int main(void) {
    printf("Hello from POSIX on Tenon\n");
    printf("pi is about %.5f\n", 3.14159265358979);
    return 0;
}
