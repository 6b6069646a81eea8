/* An EL0 program: prints through newlib's stdio and exits with status 3. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    printf("hello from pid %d (parent %d)\n", (int)getpid(), (int)getppid());
    return 3;
}
