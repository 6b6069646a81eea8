/*
 * lib/posix: the <unistd.h>, <sys/mman.h> and <sys/utsname.h> calls newlib's
 * libc.a leaves out and that mean something on Tenon. getpid() comes from lib/newlib's system layer.
 * No signals are ever delivered, so the sleeps are never interrupted and
 * pause() never returns.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <tn/sched.h>

unsigned sleep(unsigned seconds) {
    tn_thread_sleep_ns((uint64_t)seconds * 1000000000ull);
    return 0;  /* no signal can cut it short: nothing left to sleep */
}

int usleep(useconds_t useconds) {
    tn_thread_sleep_ns((uint64_t)useconds * 1000ull);
    return 0;
}

/* The image is the only process; like a first process, it has no parent. */
pid_t getppid(void) { return 0; }

int pause(void) {
    for (;;)
        tn_thread_sleep_ns(3600ull * 1000000000ull);
}

/* Memory locking (<sys/mman.h>): nothing on Tenon is ever paged out, so every
 * page is locked already. Only bad arguments fail, as POSIX asks. */
int mlockall(int flags) {
    if (flags == 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE))) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int munlockall(void) { return 0; }

int mlock(const void* addr, size_t len) {
    (void)addr;
    (void)len;
    return 0;
}

int munlock(const void* addr, size_t len) {
    (void)addr;
    (void)len;
    return 0;
}

static void copy_name(char* to, const char* from) {
    size_t n = strlen(from);
    if (n >= _UTSNAME_LENGTH)
        n = _UTSNAME_LENGTH - 1;
    memcpy(to, from, n);
    to[n] = 0;
}

int uname(struct utsname* name) {
    if (!name) {
        errno = EFAULT;
        return -1;
    }
    copy_name(name->sysname, "Tenon");
    copy_name(name->nodename, "tenon");
    copy_name(name->release, "TenonOS");
    copy_name(name->version, TN_POSIX_PLATFORM);
    copy_name(name->machine, "aarch64");
    return 0;
}

/* GNU's sched_getcpu(), which newlib's <sched.h> declares: the CPU the
 * calling thread is pinned to. */
int sched_getcpu(void) { return (int)tn_sched_this_cpu(); }
