/*
 * The process API of a Tenon process (lib/process/user), POSIX-shaped, on
 * the system calls of <tn/syscall_abi.h>: posix_spawn (a program by its
 * name; no fork: docs/processes.md), waitpid, pipe, dup2, message queues
 * and tn_proc_get_info. kill, getpid and getppid are in syscalls.c.
 */
#include <errno.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tn/proc.h>
#include <tn/usyscall.h>

#include "user_impl.h"

/* ---- posix_spawn ------------------------------------------------------ */

/* The child gets descriptors 0-2 only (tn_spawn_fds): the file actions
 * are applied, in order, to the child's view of those three as they are
 * recorded, so the actions end as the parent's descriptor each of them
 * will be (-1: closed). */
struct __posix_spawn_file_actions {
    tn_spawn_fds fds;
};

/* POSIX_SPAWN_SETSCHEDPARAM's priority is passed on (tn_spawn_attr: the
 * scheduler's priority, SCHED_FIFO numbers); the other attributes are
 * recorded and ignored (no process groups, signal masks or handlers). */
struct __posix_spawnattr {
    short flags;
    pid_t pgroup;
    struct sched_param param;
    int policy;
    sigset_t sigdefault;
    sigset_t sigmask;
};

int posix_spawn_file_actions_init(posix_spawn_file_actions_t* fa) {
    struct __posix_spawn_file_actions* a = malloc(sizeof *a);
    if (!a)
        return ENOMEM;
    for (int i = 0; i < 3; i++)
        a->fds.fd[i] = i;
    *fa = a;
    return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t* fa) {
    if (!fa || !*fa)
        return EINVAL;
    free(*fa);
    *fa = NULL;
    return 0;
}

/* Only descriptors 0-2 of the child exist: a dup2 to another is ENOTSUP. */
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* fa, int fd, int newfd) {
    if (!fa || !*fa)
        return EINVAL;
    if (fd < 0 || newfd < 0)
        return EBADF;
    if (newfd > 2)
        return ENOTSUP;
    tn_spawn_fds* f = &(*fa)->fds;
    f->fd[newfd] = fd <= 2 ? f->fd[fd] : fd;
    return 0;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t* fa, int fd) {
    if (!fa || !*fa)
        return EINVAL;
    if (fd < 0)
        return EBADF;
    if (fd <= 2)
        (*fa)->fds.fd[fd] = -1;
    return 0;
}

/* No file system to open a file from. */
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t* __restrict fa, int fd,
                                     const char* __restrict path, int oflag, mode_t mode) {
    (void)fa;
    (void)fd;
    (void)path;
    (void)oflag;
    (void)mode;
    return ENOTSUP;
}

int posix_spawnattr_init(posix_spawnattr_t* attr) {
    struct __posix_spawnattr* a = calloc(1, sizeof *a);
    if (!a)
        return ENOMEM;
    *attr = a;
    return 0;
}

int posix_spawnattr_destroy(posix_spawnattr_t* attr) {
    if (!attr || !*attr)
        return EINVAL;
    free(*attr);
    *attr = NULL;
    return 0;
}

#define ATTR_GET(field, type)                                   \
    if (!attr || !*attr || !out)                                \
        return EINVAL;                                          \
    *out = (type)(*attr)->field;                                \
    return 0
#define ATTR_SET(field)                                         \
    if (!attr || !*attr)                                        \
        return EINVAL;                                          \
    (*attr)->field = value;                                     \
    return 0

int posix_spawnattr_getflags(const posix_spawnattr_t* __restrict attr, short* __restrict out) {
    ATTR_GET(flags, short);
}
int posix_spawnattr_setflags(posix_spawnattr_t* attr, short value) { ATTR_SET(flags); }
int posix_spawnattr_getpgroup(const posix_spawnattr_t* __restrict attr, pid_t* __restrict out) {
    ATTR_GET(pgroup, pid_t);
}
int posix_spawnattr_setpgroup(posix_spawnattr_t* attr, pid_t value) { ATTR_SET(pgroup); }
int posix_spawnattr_getschedpolicy(const posix_spawnattr_t* __restrict attr, int* __restrict out) {
    ATTR_GET(policy, int);
}
int posix_spawnattr_setschedpolicy(posix_spawnattr_t* attr, int value) { ATTR_SET(policy); }

int posix_spawnattr_getschedparam(const posix_spawnattr_t* __restrict attr, struct sched_param* __restrict out) {
    if (!attr || !*attr || !out)
        return EINVAL;
    *out = (*attr)->param;
    return 0;
}
int posix_spawnattr_setschedparam(posix_spawnattr_t* __restrict attr, const struct sched_param* __restrict value) {
    if (!attr || !*attr || !value)
        return EINVAL;
    (*attr)->param = *value;
    return 0;
}
int posix_spawnattr_getsigdefault(const posix_spawnattr_t* __restrict attr, sigset_t* __restrict out) {
    ATTR_GET(sigdefault, sigset_t);
}
int posix_spawnattr_setsigdefault(posix_spawnattr_t* __restrict attr, const sigset_t* __restrict value) {
    if (!attr || !*attr || !value)
        return EINVAL;
    (*attr)->sigdefault = *value;
    return 0;
}
int posix_spawnattr_getsigmask(const posix_spawnattr_t* __restrict attr, sigset_t* __restrict out) {
    ATTR_GET(sigmask, sigset_t);
}
int posix_spawnattr_setsigmask(posix_spawnattr_t* __restrict attr, const sigset_t* __restrict value) {
    if (!attr || !*attr || !value)
        return EINVAL;
    (*attr)->sigmask = *value;
    return 0;
}

/* @p path is a program's name (what the image embeds); the environment is
 * not passed (the ABI has none); attributes are ignored. Returns an error
 * number, as POSIX has it, not -1. */
int posix_spawn(pid_t* __restrict pid, const char* __restrict path, const posix_spawn_file_actions_t* fa,
                const posix_spawnattr_t* __restrict attr, char* const argv[], char* const envp[]) {
    (void)envp;
    const tn_spawn_fds* fds = fa && *fa ? &(*fa)->fds : NULL;
    tn_spawn_attr how = {-1, -1};
    if (attr && *attr && ((*attr)->flags & POSIX_SPAWN_SETSCHEDPARAM))
        how.priority = (*attr)->param.sched_priority;
    long r = tn_syscall4(TN_SYS_SPAWN, (long)path, (long)argv, (long)fds, (long)&how);
    if (r < 0)
        return (int)-r;
    if (pid)
        *pid = (pid_t)r;
    return 0;
}

/* No PATH: the name is looked up as posix_spawn() does. */
int posix_spawnp(pid_t* __restrict pid, const char* __restrict file, const posix_spawn_file_actions_t* fa,
                 const posix_spawnattr_t* __restrict attr, char* const argv[], char* const envp[]) {
    return posix_spawn(pid, file, fa, attr, argv, envp);
}

/* ---- waiting, pipes, descriptors -------------------------------------- */

/* The status is <sys/wait.h>'s encoding: exit status << 8, or the signal
 * that ended the child in the low 7 bits. */
pid_t waitpid(pid_t pid, int* status, int options) {
    return (pid_t)tn_user_result(tn_syscall3(TN_SYS_WAITPID, pid, (long)status, options));
}

pid_t wait(int* status) { return waitpid(-1, status, 0); }

pid_t _wait(int* status) { return waitpid(-1, status, 0); }

int pipe(int fds[2]) { return (int)tn_user_result(tn_syscall1(TN_SYS_PIPE, (long)fds)); }

int dup2(int oldfd, int newfd) { return (int)tn_user_result(tn_syscall2(TN_SYS_DUP2, oldfd, newfd)); }

/* ---- message queues ---------------------------------------------------- */

mqd_t mq_open(const char* name, int oflag, ...) {
    unsigned mode = 0;
    const struct mq_attr* attr = NULL;
    if (oflag & O_CREAT) {
        va_list ap;
        va_start(ap, oflag);
        mode = va_arg(ap, unsigned);
        attr = va_arg(ap, const struct mq_attr*);
        va_end(ap);
    }
    return (mqd_t)tn_user_result(tn_syscall4(TN_SYS_MQ_OPEN, (long)name, oflag, mode, (long)attr));
}

int mq_close(mqd_t mqdes) { return (int)tn_user_result(tn_syscall1(TN_SYS_MQ_CLOSE, mqdes)); }

int mq_unlink(const char* name) { return (int)tn_user_result(tn_syscall1(TN_SYS_MQ_UNLINK, (long)name)); }

int mq_send(mqd_t mqdes, const char* msg, size_t len, unsigned prio) {
    return (int)tn_user_result(tn_syscall4(TN_SYS_MQ_SEND, mqdes, (long)msg, (long)len, prio));
}

ssize_t mq_receive(mqd_t mqdes, char* msg, size_t len, unsigned* prio) {
    return (ssize_t)tn_user_result(tn_syscall4(TN_SYS_MQ_RECEIVE, mqdes, (long)msg, (long)len, (long)prio));
}

/* ---- Tenon ------------------------------------------------------------- */

int tn_proc_get_info(int index, tn_proc_info* info) {
    return (int)tn_user_result(tn_syscall2(TN_SYS_PROC_INFO, index, (long)info));
}

int tn_proc_abi_version(void) { return (int)tn_syscall0(TN_SYS_ABI_VERSION); }

int tn_proc_program_name(int index, char* name, size_t len) {
    return (int)tn_user_result(tn_syscall3(TN_SYS_PROGRAM_NAME, index, (long)name, (long)len));
}
