/*
 * process-demo: an image with two EL0 programs (programs/hello,
 * programs/echo-args) that the build embeds (docs/processes.md).
 */
#include <stdio.h>

int main(void) {
    printf("process-demo: the image embeds its programs\n");
    return 0;
}
