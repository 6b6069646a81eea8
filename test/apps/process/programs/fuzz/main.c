/* A bounded random system-call fuzzer: numbers and arguments from a fixed
 * seed, pointers drawn from a list of interesting addresses. The kernel must
 * answer every call (an error is fine) and never stop or hang. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tn/syscall_abi.h>
#include <tn/usyscall.h>

static unsigned long long state = 0x9e3779b97f4a7c15ull;

static unsigned long long next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(int argc, char **argv) {
    const int calls = argc > 1 ? atoi(argv[1]) : 3000;
    static char buf[4096];
    static long scratch[8]; /* a small object of its own the calls may overwrite */
    char *heap = malloc(4096);
    const unsigned long pointers[] = {
        0, 1, 0x40000000ul, 0x40080000ul, 0x8000000ul, 0x9000000ul, TN_USER_BASE, TN_USER_LOAD,
        (unsigned long)buf, (unsigned long)heap, TN_USER_END - 8, TN_USER_END, ~0ul, ~0ul - 4095,
        (unsigned long)scratch, 0x7fffffff0000ul};
    const unsigned np = sizeof pointers / sizeof pointers[0];
    int answered = 0;
    pid_t self = getpid();
    for (int i = 0; i < calls; ++i) {
        long nr = (long)(next() % (TN_SYS_COUNT + 4));
        long a[6];
        for (int k = 0; k < 6; ++k) {
            unsigned long long r = next();
            switch (r % 4) {
            case 0: a[k] = (long)pointers[(r >> 8) % np]; break;
            case 1: a[k] = (long)((r >> 8) % 64); break;
            case 2: a[k] = -(long)((r >> 8) % 4); break;
            default: a[k] = (long)(r >> 3); break;
            }
        }
        /* What would end, stall or blind the fuzzer itself, not the kernel:
         * exiting or killing itself, reading a console or a pipe it also
         * writes, sleeping, a blocking queue or wait, shrinking its own heap,
         * closing or replacing its console descriptors, ending its thread,
         * starting threads at random addresses, sleeping on a futex word. */
        int fd_low = a[0] >= 0 && a[0] <= 2;
        if (nr == TN_SYS_EXIT || (nr == TN_SYS_KILL && (a[0] == self || a[0] == 0)) ||
            (nr == TN_SYS_READ && a[0] >= 0 && a[0] < 64) || (nr == TN_SYS_WRITE && fd_low) ||
            nr == TN_SYS_NANOSLEEP || nr == TN_SYS_MQ_RECEIVE || nr == TN_SYS_MQ_SEND ||
            (nr == TN_SYS_WAITPID && !(a[2] & 1)) || (nr == TN_SYS_BRK && (unsigned long)a[0] < (unsigned long)sbrk(0)) ||
            (nr == TN_SYS_CLOSE && fd_low) || (nr == TN_SYS_DUP2 && a[1] >= 0 && a[1] <= 2) ||
            nr == TN_SYS_THREAD_EXIT || nr == TN_SYS_THREAD_CREATE || nr == TN_SYS_FUTEX_WAIT)
            continue;
        if (i % 50 == 0) /* pipes it made never fill up */
            for (int fd = 3; fd < 64; ++fd)
                close(fd);
        tn_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        ++answered;
    }
    printf("fuzz: %d of %d calls made, all answered\n", answered, calls);
    return 0;
}
