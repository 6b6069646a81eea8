/* Tries to reach memory that is not its own through system calls; each
 * attempt must fail with EFAULT and leave the kernel unharmed. Then reads
 * the owner's heap address in its own space. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <mqueue.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <tn/syscall_abi.h>
#include <tn/usyscall.h>

#define KERNEL ((void *)0x40080000ul)
#define BELOW_LOAD ((void *)(TN_USER_BASE + 0x1000))
#define PAST_WINDOW ((void *)TN_USER_END)

static int failures;

static void expect_efault(const char *what, long rc) {
    int ok = rc == -EFAULT;
    failures += !ok;
    printf("spy: %s -> %ld%s\n", what, rc, ok ? " (EFAULT)" : " WRONG");
}

int main(int argc, char **argv) {
    expect_efault("write from a kernel address", tn_syscall3(TN_SYS_WRITE, 1, (long)KERNEL, 16));
    expect_efault("write from below the program", tn_syscall3(TN_SYS_WRITE, 1, (long)BELOW_LOAD, 16));
    expect_efault("write across the window's end", tn_syscall3(TN_SYS_WRITE, 1, (long)PAST_WINDOW - 4, 16));
    int fds[2];
    pipe(fds);
    write(fds[1], "abcdefgh", 8);
    expect_efault("read into a kernel address", tn_syscall3(TN_SYS_READ, fds[0], (long)KERNEL, 4));
    expect_efault("read into its own text", tn_syscall3(TN_SYS_READ, fds[0], (long)(void *)&main, 4));
    expect_efault("pipe() into a kernel address", tn_syscall1(TN_SYS_PIPE, (long)KERNEL));
    expect_efault("clock_gettime into a kernel address", tn_syscall2(TN_SYS_CLOCK_GETTIME, CLOCK_MONOTONIC, (long)KERNEL));
    expect_efault("nanosleep from a kernel address", tn_syscall1(TN_SYS_NANOSLEEP, (long)KERNEL));
    expect_efault("spawn with a kernel name", tn_syscall3(TN_SYS_SPAWN, (long)KERNEL, 0, 0));
    const char *bad_argv[] = {"hello", (const char *)KERNEL, NULL};
    expect_efault("spawn with a kernel argv string", tn_syscall3(TN_SYS_SPAWN, (long)"hello", (long)bad_argv, 0));
    expect_efault("mq_open with a kernel name", tn_syscall4(TN_SYS_MQ_OPEN, (long)KERNEL, O_RDONLY, 0, 0));
    expect_efault("proc_info into a kernel address", tn_syscall2(TN_SYS_PROC_INFO, 0, (long)KERNEL));
    long nr = tn_syscall0(TN_SYS_COUNT + 100);
    printf("spy: unknown call -> %ld%s\n", nr, nr == -ENOSYS ? " (ENOSYS)" : " WRONG");
    failures += nr != -ENOSYS;
    int k = kill(getppid(), SIGKILL);
    printf("spy: kill(parent, SIGKILL) -> %d (%s)\n", k, k == -1 && errno == EPERM ? "EPERM" : "WRONG");
    failures += !(k == -1 && errno == EPERM);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    struct sched_param high = {.sched_priority = 31};
    posix_spawnattr_setschedparam(&attr, &high);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSCHEDPARAM);
    char *hello_argv[] = {"hello", NULL};
    pid_t child;
    int rc = posix_spawn(&child, "hello", NULL, &attr, hello_argv, NULL);
    printf("spy: spawn above its own priority -> %d (%s)\n", rc, rc == EPERM ? "EPERM" : "WRONG");
    failures += rc != EPERM;
    posix_spawnattr_destroy(&attr);

    if (argc > 1) {
        /* Its own heap grown over the owner's address: same address, its
         * own (zeroed) memory there. */
        unsigned long addr = strtoul(argv[1], NULL, 16);
        while ((unsigned long)sbrk(0) < addr + 64)
            if (sbrk(4096) == (void *)-1)
                break;
        const char *there = (const char *)addr;
        int seen = memcmp(there, "TOPSECRET", 9) == 0;
        printf("spy: the owner's heap address 0x%lx holds %s\n", addr, seen ? "the SECRET (WRONG)" : "only its own memory");
        failures += seen;
    }
    return failures ? 1 : 0;
}
