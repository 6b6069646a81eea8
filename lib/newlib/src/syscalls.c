/*
 * The system calls newlib's libc.a is built to call (--disable-newlib-
 * supplied-syscalls). A Tenon image has one program, the console as file
 * descriptors 0-2 and no file system: the console calls work, the others
 * fail with the errno POSIX gives for what is missing, never with a silent
 * success.
 */
#include <errno.h>
#include <reent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/types.h>

#include <tn/sched.h>

#include "libc_impl.h"

/* errno here is the calling thread's (newlib's macro: __getreent()->_errno).
 * libc.a's _r wrappers also copy a global int errno they clear before each
 * call; it stays 0 because nothing here writes it, so they never overwrite
 * the thread's value with another thread's. */

#define CONSOLE_FDS 3
/* Input is polled at this period while a reader waits (no thread keeps the
 * CPU meanwhile). */
#define READ_POLL_NS 1000000u

char* __env[1] = {0};
char** environ = __env;

static int fail(int e) {
    errno = e;
    return -1;
}

int _write(int fd, const void* buf, size_t n) {
    if (fd != 1 && fd != 2)
        return fail(EBADF);  /* stdin is not open for writing; nothing else is open */
    tn_libc_console_write(buf, n);
    return (int)n;
}

static int wait_byte(void) {
    for (;;) {
        int c = tn_libc_console_try_getc();
        if (c >= 0)
            return c;
        tn_thread_sleep_ns(READ_POLL_NS);
    }
}

/* fd 0 reads a line, as a terminal in canonical mode would: the bytes are
 * echoed, backspace/DEL erase, CR or LF ends the line (returned as LF),
 * Ctrl-D on an empty line is end of file. */
int _read(int fd, void* buf, size_t n) {
    if (fd != 0)
        return fail(EBADF);
    char* out = buf;
    size_t len = 0;
    while (len < n) {
        int c = wait_byte();
        if (c == '\r' || c == '\n') {
            out[len++] = '\n';
            tn_libc_console_write("\n", 1);
            break;
        }
        if (c == 0x04) {  /* Ctrl-D */
            if (len == 0)
                return 0;
            break;
        }
        if (c == 0x7f || c == 0x08) {
            if (len > 0) {
                --len;
                tn_libc_console_write("\b \b", 3);
            }
            continue;
        }
        out[len++] = (char)c;
        char echo = (char)c;
        tn_libc_console_write(&echo, 1);
    }
    return (int)len;
}

/* The console stays open (a program may fclose(stdout) and still exit
 * cleanly); no other descriptor exists. */
int _close(int fd) { return fd >= 0 && fd < CONSOLE_FDS ? 0 : fail(EBADF); }

off_t _lseek(int fd, off_t offset, int whence) {
    (void)offset;
    (void)whence;
    return fd >= 0 && fd < CONSOLE_FDS ? fail(ESPIPE) : fail(EBADF);
}

int _fstat(int fd, struct stat* st) {
    if (fd < 0 || fd >= CONSOLE_FDS)
        return fail(EBADF);
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR | 0620;  /* a terminal: stdio line-buffers it */
    st->st_blksize = 0;
    return 0;
}

int _isatty(int fd) {
    if (fd >= 0 && fd < CONSOLE_FDS)
        return 1;
    errno = EBADF;
    return 0;
}

int _open(const char* path, int flags, ...) {
    (void)path;
    (void)flags;
    return fail(ENOSYS);  /* no file system */
}

int _stat(const char* path, struct stat* st) {
    (void)path;
    (void)st;
    return fail(ENOSYS);
}

int _link(const char* old, const char* new) {
    (void)old;
    (void)new;
    return fail(ENOSYS);
}

int _unlink(const char* path) {
    (void)path;
    return fail(ENOSYS);
}

int _fork(void) { return fail(ENOSYS); }

int _wait(int* status) {
    (void)status;
    return fail(ECHILD);
}

int _execve(const char* path, char* const argv[], char* const envp[]) {
    (void)path;
    (void)argv;
    (void)envp;
    return fail(ENOSYS);
}

/* malloc does not use it (malloc.c); a program that calls sbrk() gets no
 * memory rather than memory the heap also hands out. */
void* _sbrk(ptrdiff_t increment) {
    (void)increment;
    errno = ENOMEM;
    return (void*)-1;
}

/* The one program's process ID. */
int _getpid(void) { return 1; }

void _exit(int status) { tn_libc_power_off(status); }

/* kill() to the one process (pid 1, or 0 and -1, which include it), and
 * raise() for a signal whose action is the default (abort() raises SIGABRT).
 * A handler installed with signal() runs (through raise(), which resets it
 * as signal() semantics say), SIG_IGN ignores; the default ends the program
 * with 128 + the signal number, as a shell reports it. Signal 0 checks that
 * the process exists. */
int _kill(int pid, int sig) {
    if (pid != 1 && pid != 0 && pid != -1)
        return fail(ESRCH);
    if (sig < 0 || sig >= NSIG)
        return fail(EINVAL);
    if (sig == 0)
        return 0;
    struct _reent* r = _REENT;
    if (r->_sig_func && r->_sig_func[sig] != SIG_DFL)
        return raise(sig) == 0 ? 0 : -1;
    fflush(NULL);
    char msg[64];
    int n = sig == SIGABRT ? snprintf(msg, sizeof msg, "\nabort()\n")
                           : snprintf(msg, sizeof msg, "\nkilled by signal %d\n", sig);
    if (n > 0)
        tn_libc_console_write(msg, (size_t)n);
    tn_libc_power_off(128 + sig);
}

/* Returning from main() is exit(main's value) (C11 5.1.2.2.3): atexit()
 * handlers run and stdio is flushed before the image powers off with the
 * status (lib/boot's default skips both). */
void tn_main_returned(int status) { exit(status); }
