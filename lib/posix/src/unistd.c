/*
 * lib/posix: the <unistd.h> calls newlib's libc.a leaves out and that mean
 * something on Tenon. getpid() comes from lib/newlib's system layer.
 * No signals are ever delivered, so the sleeps are never interrupted and
 * pause() never returns.
 */
#include <errno.h>
#include <stdint.h>
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
