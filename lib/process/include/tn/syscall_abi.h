/**
 * @file
 * @brief Tenon's process system-call ABI, version 1 (lib/process).
 *
 * Shared by the kernel (lib/process) and the user runtime that programs link
 * (lib/process/user). C, no dependencies: it is part of the ABI.
 *
 * Calling convention (AArch64, EL0 -> EL1):
 *  - `svc #0`; the call number in x8, up to six arguments in x0-x5.
 *  - The result comes back in x0: >= 0 on success, -errno on failure (errno
 *    values are newlib's, <errno.h>). Every other general register, SP_EL0
 *    and the FP/SIMD registers are preserved.
 *  - An unknown number returns -ENOSYS (88); a pointer argument the process
 *    may not access returns -EFAULT (14) and never faults the kernel.
 *  - `svc` with an immediate other than 0 is reserved: it returns -ENOSYS.
 *
 * Versioning: numbers are only ever added. TN_SYS_ABI_VERSION returns
 * TN_SYSCALL_ABI_VERSION; a program can check it at start.
 *
 * Address space of a process (every process sees the same layout, in its own
 * translation tables): [TN_USER_BASE, TN_USER_END). The program is loaded at
 * TN_USER_LOAD; its heap follows its last segment and grows with
 * TN_SYS_BRK; its main stack ends at TN_USER_END, with an unmapped guard
 * page below it. Everything else (the kernel, other processes) faults.
 */
#ifndef TN_SYSCALL_ABI_H
#define TN_SYSCALL_ABI_H

/** The ABI version TN_SYS_ABI_VERSION returns. */
#define TN_SYSCALL_ABI_VERSION 1

/** The user window's first byte: one gigabyte of every process's address space. */
#define TN_USER_BASE 0x6000000000ull
/** One past the user window's last byte. */
#define TN_USER_END 0x6040000000ull
/** Where the loader places a program's first segment. */
#define TN_USER_LOAD 0x6000400000ull

/* Call numbers (x8). Arguments: x0, x1, ...; "->" what x0 holds on success. */
#define TN_SYS_ABI_VERSION 0  /**< () -> TN_SYSCALL_ABI_VERSION */
#define TN_SYS_EXIT 1         /**< (int status): never returns */
#define TN_SYS_WRITE 2        /**< (int fd, const void *buf, size_t len) -> bytes written */
#define TN_SYS_READ 3         /**< (int fd, void *buf, size_t len) -> bytes read, 0 at end of file */
#define TN_SYS_GETPID 4       /**< () -> pid */
#define TN_SYS_GETPPID 5      /**< () -> parent's pid (0: started by the kernel) */
#define TN_SYS_SPAWN 6        /**< (const char *program, const char *const argv[], const tn_spawn_fds *fds,
                                  const tn_spawn_attr *attr) -> pid */
#define TN_SYS_WAITPID 7      /**< (int pid, int *status, int options) -> pid, 0 with WNOHANG and nothing yet */
#define TN_SYS_KILL 8         /**< (int pid, int sig) -> 0 */
#define TN_SYS_BRK 9          /**< (void *new_break or NULL) -> the break after the call */
#define TN_SYS_CLOSE 10       /**< (int fd) -> 0 */
#define TN_SYS_PIPE 11        /**< (int fds[2]) -> 0; fds[0] reads, fds[1] writes */
#define TN_SYS_DUP2 12        /**< (int oldfd, int newfd) -> newfd */
#define TN_SYS_YIELD 13       /**< () -> 0 */
#define TN_SYS_CLOCK_GETTIME 14 /**< (int clock, struct timespec *ts) -> 0; CLOCK_REALTIME 1 or CLOCK_MONOTONIC 4 */
#define TN_SYS_NANOSLEEP 15   /**< (const struct timespec *req) -> 0 */
#define TN_SYS_MQ_OPEN 16     /**< (const char *name, int oflag, unsigned mode, const struct mq_attr *attr) -> descriptor */
#define TN_SYS_MQ_SEND 17     /**< (int mqd, const char *msg, size_t len, unsigned prio) -> 0 */
#define TN_SYS_MQ_RECEIVE 18  /**< (int mqd, char *msg, size_t len, unsigned *prio) -> bytes */
#define TN_SYS_MQ_CLOSE 19    /**< (int mqd) -> 0 */
#define TN_SYS_MQ_UNLINK 20   /**< (const char *name) -> 0 */
#define TN_SYS_PROC_INFO 21   /**< (int index, struct tn_proc_info *info) -> 0; -ESRCH past the last process */
#define TN_SYS_PROGRAM_NAME 22 /**< (int index, char *name, size_t len) -> its length; the index-th embedded program's name, NUL-terminated; -ESRCH past the last, -ERANGE when len is too small */
#define TN_SYS_THREAD_CREATE 23 /**< (void (*entry)(void *), void *arg, void *tls, const tn_thread_attr *attr) -> tid; the new thread starts at entry with x0 = arg, TPIDR_EL0 = tls and its own stack (LIBPROCESS_THREAD_STACK_SIZE, a guard page below); entry must not return (end with TN_SYS_THREAD_EXIT) */
#define TN_SYS_THREAD_EXIT 24   /**< (void *value): ends the calling thread, never returns; the last thread's exit ends the process with status 0 */
#define TN_SYS_THREAD_JOIN 25   /**< (int tid, void **value) -> 0; waits for the thread to end and frees it */
#define TN_SYS_THREAD_DETACH 26 /**< (int tid) -> 0; the thread is freed when it ends, nobody joins it */
#define TN_SYS_GETTID 27        /**< () -> the calling thread's id (the main thread's is the pid) */
#define TN_SYS_FUTEX_WAIT 28    /**< (const unsigned *addr, unsigned expected, const struct timespec *timeout or NULL) -> 0 when woken (or spuriously), -EAGAIN when *addr != expected, -ETIMEDOUT */
#define TN_SYS_FUTEX_WAKE 29    /**< (const unsigned *addr, int count) -> threads woken, at most count, highest priority first */
#define TN_SYS_COUNT 30 /**< One past the highest call number. */

/** Which of the parent's descriptors become the child's 0, 1 and 2
 * (TN_SYS_SPAWN's third argument; NULL: the child inherits 0, 1, 2). */
typedef struct tn_spawn_fds {
    int fd[3]; /**< The parent's descriptor for each; -1: the child's stays closed. */
} tn_spawn_fds;

/** How the child's thread is scheduled (TN_SYS_SPAWN's fourth argument;
 * NULL: as the caller's). A process may not give a child a priority above
 * its own (EPERM). */
typedef struct tn_spawn_attr {
    int priority; /**< Scheduler priority (POSIX SCHED_FIFO numbers: 1 lowest); -1: the caller's. */
    int cpu;      /**< The CPU it runs on; -1: the caller's. */
} tn_spawn_attr;

/** How TN_SYS_THREAD_CREATE schedules the new thread (NULL: as the caller). */
typedef struct tn_thread_attr {
    int priority; /**< Scheduler priority, not above the caller's (EPERM); -1: the caller's. */
    int cpu;      /**< The CPU it runs on; -1: the caller's. */
} tn_thread_attr;

#define TN_PROGRAM_NAME_MAX 31 /**< Bytes of a program name, without the NUL. */
#define TN_ARG_MAX 1024        /**< Bytes of argv strings, NULs included. */
#define TN_ARGC_MAX 16         /**< Arguments, argv[0] included. */

/** One process as TN_SYS_PROC_INFO reports it. */
typedef struct tn_proc_info {
    int pid;                               /**< Its process ID. */
    int ppid;                              /**< Its parent's (0: the kernel, or its parent ended). */
    int state;                             /**< TN_PROC_RUNNING or TN_PROC_ZOMBIE. */
    int priority;                          /**< Its thread's scheduler priority. */
    unsigned long long pages;              /**< Memory it holds, in 4 KiB pages (its tables included). */
    char program[TN_PROGRAM_NAME_MAX + 1]; /**< The program it runs. */
    int threads;                           /**< Its threads that have not ended (0 for a zombie). */
} tn_proc_info;

#define TN_PROC_RUNNING 0 /**< tn_proc_info::state: it runs (or waits). */
#define TN_PROC_ZOMBIE 1  /**< tn_proc_info::state: it ended; its parent has not waited yet. */

#endif
