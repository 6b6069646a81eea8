/*
 * The process.* metrics, measured at EL0 (docs/benchmarks.md, "Processes").
 * One program plays every part, by argv[1]:
 *   pbench <samples> <warmup>  measures and prints the "bench:" lines
 *   pbench yield <n>           the other process of process.switch: n yields
 *   pbench echo                the other process of process.pipe_pingpong:
 *                              copies stdin to stdout byte by byte until EOF
 *   pbench first               the child of process.spawn: writes the counter
 *                              it read first thing in main() to stdout
 */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tn/usyscall.h>

#include "../../bench_stats.h"

static int g_warmup;
static struct pb_samples g_s;

static int fail(const char *what) {
    printf("bench: FAILED %s\n", what);
    return 1;
}

/* A system call with nothing to do: x8 = TN_SYS_GETPID in, x0 out (the ABI
 * preserves every other register, so nothing else is set up). */
static inline long null_syscall(void) {
    register long x8 __asm__("x8") = TN_SYS_GETPID;
    register long x0 __asm__("x0");
    __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
    return x0;
}

static inline void yield_syscall(void) {
    register long x8 __asm__("x8") = TN_SYS_YIELD;
    register long x0 __asm__("x0");
    __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
}

/* Starts pbench with role @role (and @arg), its stdin and stdout the
 * parent's descriptors @in and @out (-1: inherited). */
static pid_t start(const char *role, const char *arg, int in, int out) {
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return -1;
    if (in >= 0)
        posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (out >= 0)
        posix_spawn_file_actions_adddup2(&fa, out, 1);
    char *argv[] = {"pbench", (char *)role, (char *)arg, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "pbench", &fa, NULL, argv, NULL);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

static int reaped(pid_t pid) {
    int status;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* process.stamp: a stamp pair at EL0, included in every sample below. */
static int bench_stamp(void) {
    pb_reset(&g_s, g_warmup);
    while (!pb_full(&g_s)) {
        uint64_t a = pb_stamp();
        uint64_t b = pb_stamp();
        pb_add(&g_s, b - a);
    }
    return pb_report(&g_s, "process.stamp", 1, "");
}

/* process.null_syscall: stamp, svc (TN_SYS_GETPID), stamp. */
static int bench_null_syscall(void) {
    pb_reset(&g_s, g_warmup);
    while (!pb_full(&g_s)) {
        uint64_t a = pb_stamp();
        (void)null_syscall();
        uint64_t b = pb_stamp();
        pb_add(&g_s, b - a);
    }
    return pb_report(&g_s, "process.null_syscall", 1, "");
}

/* process.switch: this process and a second one (same priority, same CPU)
 * yield to each other; a sample is one round trip, two switches. */
static int bench_switch(void) {
    int rounds = g_warmup + g_s.cap;
    char n[16];
    snprintf(n, sizeof n, "%d", rounds);
    pid_t peer = start("yield", n, -1, -1);
    if (peer < 0)
        return fail("process.switch: spawn");
    pb_reset(&g_s, g_warmup);
    for (int i = 0; i < rounds; ++i) {
        uint64_t a = pb_stamp();
        yield_syscall();
        uint64_t b = pb_stamp();
        pb_add(&g_s, b - a);
    }
    if (!reaped(peer))
        return fail("process.switch: peer");
    return pb_report(&g_s, "process.switch", 2, "");
}

/* process.pipe_pingpong: one byte to an echo process through one pipe and
 * back through another; a sample is the round trip. */
static int bench_pipe_pingpong(void) {
    int to[2], from[2];
    if (pipe(to) != 0 || pipe(from) != 0)
        return fail("process.pipe_pingpong: pipe");
    pid_t peer = start("echo", NULL, to[0], from[1]);
    if (peer < 0)
        return fail("process.pipe_pingpong: spawn");
    close(to[0]);
    close(from[1]);
    pb_reset(&g_s, g_warmup);
    char c = 'x';
    while (!pb_full(&g_s)) {
        uint64_t a = pb_stamp();
        if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
            return fail("process.pipe_pingpong: write/read");
        uint64_t b = pb_stamp();
        pb_add(&g_s, b - a);
    }
    close(to[1]);  /* the echo process reads end of file and exits */
    close(from[0]);
    if (!reaped(peer))
        return fail("process.pipe_pingpong: peer");
    return pb_report(&g_s, "process.pipe_pingpong", 1, "");
}

/* process.spawn: from the stamp before posix_spawn() to the child's first
 * stamp in main(), which it sends back through a pipe on its stdout. A tenth
 * of the samples (at least 10) and of the warm-up (at least 1). */
static int bench_spawn(int samples) {
    struct pb_samples s = {g_s.buf, samples / 10 < 10 ? 10 : samples / 10, 0, 0};
    pb_reset(&s, g_warmup / 10 < 1 ? 1 : g_warmup / 10);
    posix_spawn_file_actions_t fa;
    char *argv[] = {"pbench", "first", NULL};
    while (!pb_full(&s)) {
        int fds[2];
        if (pipe(fds) != 0 || posix_spawn_file_actions_init(&fa) != 0)
            return fail("process.spawn: pipe");
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        pid_t pid;
        uint64_t a = pb_stamp();
        int rc = posix_spawn(&pid, "pbench", &fa, NULL, argv, NULL);
        uint64_t b = 0;
        if (rc != 0 || read(fds[0], &b, sizeof b) != (ssize_t)sizeof b)
            return fail("process.spawn: spawn");
        posix_spawn_file_actions_destroy(&fa);
        close(fds[0]);
        close(fds[1]);
        if (!reaped(pid))
            return fail("process.spawn: child");
        pb_add(&s, b - a);
    }
    return pb_report(&s, "process.spawn", 1, "");
}

int main(int argc, char **argv) {
    uint64_t first = pb_stamp(); /* process.spawn's end: first thing in main() */
    if (argc >= 2 && strcmp(argv[1], "first") == 0)
        return write(1, &first, sizeof first) == (ssize_t)sizeof first ? 0 : 1;
    if (argc >= 3 && strcmp(argv[1], "yield") == 0) {
        for (int i = atoi(argv[2]); i > 0; --i)
            yield_syscall();
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "echo") == 0) {
        char c;
        while (read(0, &c, 1) == 1)
            if (write(1, &c, 1) != 1)
                return 1;
        return 0;
    }
    if (argc < 3)
        return fail("usage: pbench <samples> <warmup>");
    int samples = atoi(argv[1]);
    g_warmup = atoi(argv[2]);
    g_s.buf = malloc((size_t)samples * sizeof *g_s.buf);
    g_s.cap = samples;
    if (!g_s.buf || samples <= 0 || g_warmup < 0)
        return fail("pbench: samples");
    if (bench_stamp() || bench_null_syscall() || bench_switch() || bench_pipe_pingpong() || bench_spawn(samples))
        return 1;
    return 0;
}
