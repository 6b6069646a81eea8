/* A pipe and two message queues between this process and two children. */
#include <fcntl.h>
#include <mqueue.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BYTES 10000 /* more than a pipe holds: the writer blocks */

static int run_pipe(void) {
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipeline: pipe");
        return 1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    char *argv[] = {"pipe-reader", NULL};
    pid_t child;
    int rc = posix_spawn(&child, "pipe-reader", &fa, NULL, argv, NULL);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        printf("pipeline: posix_spawn: %d\n", rc);
        return 1;
    }
    close(fds[0]);
    char buf[333];
    int sent = 0;
    while (sent < BYTES) {
        int n = BYTES - sent < (int)sizeof buf ? BYTES - sent : (int)sizeof buf;
        for (int i = 0; i < n; ++i)
            buf[i] = (char)((sent + i) * 7 + 3);
        int w = (int)write(fds[1], buf, (size_t)n);
        if (w <= 0) {
            perror("pipeline: write");
            return 1;
        }
        sent += w;
    }
    close(fds[1]);
    int status;
    if (waitpid(child, &status, 0) != child)
        return 1;
    printf("pipeline: sent %d bytes, pipe-reader exited with %d\n", sent, WEXITSTATUS(status));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static int run_mq(void) {
    struct mq_attr attr = {0};
    attr.mq_maxmsg = 4;
    attr.mq_msgsize = 64;
    mqd_t ping = mq_open("/ping", O_CREAT | O_WRONLY, 0600, &attr);
    mqd_t pong = mq_open("/pong", O_CREAT | O_RDONLY, 0600, &attr);
    if (ping == (mqd_t)-1 || pong == (mqd_t)-1) {
        perror("pipeline: mq_open");
        return 1;
    }
    char *argv[] = {"mq-peer", NULL};
    pid_t child;
    if (posix_spawn(&child, "mq-peer", NULL, NULL, argv, NULL) != 0)
        return 1;
    for (int i = 0; i < 8; ++i) { /* more than the queue holds: the sender blocks */
        char msg[32];
        int n = snprintf(msg, sizeof msg, "message %d", i);
        if (mq_send(ping, msg, (size_t)n + 1, (unsigned)i % 3) != 0) {
            perror("pipeline: mq_send");
            return 1;
        }
    }
    char reply[64];
    ssize_t n = mq_receive(pong, reply, sizeof reply, NULL);
    int status;
    waitpid(child, &status, 0);
    printf("pipeline: mq-peer replied \"%s\" (%d bytes) and exited with %d\n", n > 0 ? reply : "", (int)n,
           WEXITSTATUS(status));
    mq_close(ping);
    mq_close(pong);
    mq_unlink("/ping");
    mq_unlink("/pong");
    return n > 0 && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(void) {
    int rc = run_pipe();
    rc |= run_mq();
    return rc;
}
