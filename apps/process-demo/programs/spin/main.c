/* Counts at EL0 forever, printing every few hundred million iterations:
 * something for the shell's kill. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    unsigned long n = 0;
    for (;;)
        if (++n % 200000000 == 0)
            printf("spin %d: %lu\n", (int)getpid(), n);
}
