/* Kills a child that spins at EL0 and one blocked in a system call. */
#include <errno.h>
#include <mqueue.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int check(const char *name, pid_t pid, int sig) {
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL); /* let it get going */
    if (kill(pid, sig) != 0) {
        perror("killer: kill");
        return 1;
    }
    int status;
    pid_t got = waitpid(pid, &status, 0);
    int ok = got == pid && WIFSIGNALED(status) && WTERMSIG(status) == sig;
    printf("killer: %s killed by signal %d: %s\n", name, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
           ok ? "ok" : "WRONG");
    return !ok;
}

int main(void) {
    int rc = 0;
    pid_t pid;
    char *spin_argv[] = {"spinner", NULL};
    if (posix_spawn(&pid, "spinner", NULL, NULL, spin_argv, NULL) != 0)
        return 1;
    rc |= check("spinner", pid, SIGKILL);

    int fds[2];
    pipe(fds);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    char *block_argv[] = {"blocker", NULL};
    if (posix_spawn(&pid, "blocker", &fa, NULL, block_argv, NULL) != 0)
        return 1;
    rc |= check("blocker (pipe)", pid, SIGTERM);
    char *mq_argv[] = {"blocker", "mq", NULL};
    if (posix_spawn(&pid, "blocker", NULL, NULL, mq_argv, NULL) != 0)
        return 1;
    rc |= check("blocker (message queue)", pid, SIGKILL);
    mq_unlink("/blocker");
    int status;
    printf("killer: waitpid with no child left -> %d (%s)\n", (int)waitpid(-1, &status, WNOHANG),
           errno == ECHILD ? "ECHILD" : "WRONG");
    return rc;
}
