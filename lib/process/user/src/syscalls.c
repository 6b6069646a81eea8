/*
 * The system layer newlib's libc.a calls (--disable-newlib-supplied-
 * syscalls), for a Tenon process: each is a system call (<tn/usyscall.h>)
 * where the ABI has one, and an errno POSIX gives for what is missing
 * otherwise (no file system: open() fails with ENOENT). newlib's
 * per-thread state and locks are thread.c's and locks.c's; its malloc
 * grows the heap with _sbrk().
 */
#include <errno.h>
#include <reent.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <tn/usyscall.h>

#include "user_impl.h"

/* errno here is newlib's macro, the one struct _reent's. libc.a's _r
 * wrappers also clear a global int errno (libc.a's reent.o) before each
 * call and copy it when it is set afterwards; nothing here writes it. */

long tn_user_result(long r) {
    if (r < 0 && r >= -4095) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

static int fail(int e) {
    errno = e;
    return -1;
}

int _write(int fd, const void* buf, size_t n) {
    return (int)tn_user_result(tn_syscall3(TN_SYS_WRITE, fd, (long)buf, (long)n));
}

int _read(int fd, void* buf, size_t n) {
    return (int)tn_user_result(tn_syscall3(TN_SYS_READ, fd, (long)buf, (long)n));
}

int _close(int fd) { return (int)tn_user_result(tn_syscall1(TN_SYS_CLOSE, fd)); }

void _exit(int status) {
    tn_syscall1(TN_SYS_EXIT, status);
    for (;;)
        __asm__ volatile("brk #1");
}

/* The break: the kernel's after TN_SYS_BRK, asked for once. Shrinking is
 * allowed (a negative increment); a break the kernel refuses leaves it
 * where it was and fails with ENOMEM, as sbrk() does. */
void* _sbrk(ptrdiff_t incr) {
    static uintptr_t cur;
    if (!cur)
        cur = (uintptr_t)tn_syscall1(TN_SYS_BRK, 0);
    uintptr_t old = cur, want = old + (uintptr_t)incr;
    if ((incr > 0 && want < old) || (incr < 0 && want > old)) {
        errno = ENOMEM;
        return (void*)-1;
    }
    uintptr_t got = (uintptr_t)tn_syscall1(TN_SYS_BRK, (long)want);
    if (got != want) {
        errno = ENOMEM;
        return (void*)-1;
    }
    cur = got;
    return (void*)old;
}

int _getpid(void) { return (int)tn_syscall0(TN_SYS_GETPID); }

pid_t getppid(void) { return (pid_t)tn_syscall0(TN_SYS_GETPPID); }

/* kill() and raise()'s default action. */
int _kill(int pid, int sig) { return (int)tn_user_result(tn_syscall2(TN_SYS_KILL, pid, sig)); }

/* Descriptors 0-2 are the terminal (the console, or what a parent mapped
 * there); others are pipes. */
int _isatty(int fd) {
    if (fd >= 0 && fd <= 2)
        return 1;
    errno = fd < 0 ? EBADF : ENOTTY;
    return 0;
}

int _fstat(int fd, struct stat* st) {
    if (fd < 0)
        return fail(EBADF);
    *st = (struct stat){0};
    st->st_mode = fd <= 2 ? S_IFCHR : S_IFIFO;
    st->st_blksize = 1024;
    return 0;
}

off_t _lseek(int fd, off_t off, int whence) {
    (void)fd;
    (void)off;
    (void)whence;
    return fail(ESPIPE);
}

/* No file system. */
int _open(const char* path, int flags, ...) {
    (void)path;
    (void)flags;
    return fail(ENOENT);
}

int _stat(const char* path, struct stat* st) {
    (void)path;
    (void)st;
    return fail(ENOENT);
}

int _link(const char* old, const char* new) {
    (void)old;
    (void)new;
    return fail(ENOENT);
}

int _unlink(const char* path) {
    (void)path;
    return fail(ENOENT);
}

int _mkdir(const char* path, mode_t mode) {
    (void)path;
    (void)mode;
    return fail(ENOSYS);
}

int _fcntl(int fd, int cmd, ...) {
    (void)fd;
    (void)cmd;
    return fail(ENOSYS);
}

/* No fork or exec: posix_spawn() starts a program (docs/processes.md). */
int _fork(void) { return fail(ENOSYS); }

int _execve(const char* path, char* const argv[], char* const envp[]) {
    (void)path;
    (void)argv;
    (void)envp;
    return fail(ENOSYS);
}

clock_t _times(struct tms* t) {
    (void)t;
    return (clock_t)fail(ENOSYS);
}

/* Clocks and sleeps. */

int clock_gettime(clockid_t clock, struct timespec* ts) {
    return (int)tn_user_result(tn_syscall2(TN_SYS_CLOCK_GETTIME, clock, (long)ts));
}

int _gettimeofday(struct timeval* tv, void* tz) {
    (void)tz;
    if (!tv)
        return 0;
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return -1;
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}

/* Nothing interrupts a sleep (no signal handlers run in a process): the
 * remaining time is always 0. */
int nanosleep(const struct timespec* req, struct timespec* rem) {
    if (tn_user_result(tn_syscall1(TN_SYS_NANOSLEEP, (long)req)) < 0)
        return -1;
    if (rem)
        *rem = (struct timespec){0};
    return 0;
}

unsigned sleep(unsigned seconds) {
    struct timespec ts = {.tv_sec = seconds, .tv_nsec = 0};
    nanosleep(&ts, NULL);
    return 0;
}

int usleep(useconds_t us) {
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000};
    return nanosleep(&ts, NULL);
}

int sched_yield(void) { return (int)tn_user_result(tn_syscall0(TN_SYS_YIELD)); }
