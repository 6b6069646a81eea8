/*
 * A minimal shell for the process demo: runs the image's programs by name,
 * lists processes and programs, kills. One command per line:
 *   <program> [args...] [&]   run it (and wait for it, unless '&')
 *   ps                        the kernel's processes
 *   programs                  the programs embedded in the image
 *   kill <pid> [signal]       SIGTERM, or the signal number given
 *   wait                      wait for every background child
 *   exit [status]             leave the shell
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tn/proc.h>

#define LINE_MAX_ 128
#define ARGS_MAX 16

/* Reads a line with echo and backspace; false at the end of input. */
static int read_line(char *line, int size) {
    int n = 0;
    for (;;) {
        char c;
        if (read(0, &c, 1) != 1)
            return 0;
        if (c == '\r' || c == '\n') {
            write(1, "\n", 1);
            line[n] = 0;
            return 1;
        }
        if ((c == 0x7f || c == '\b') && n > 0) {
            --n;
            write(1, "\b \b", 3);
        } else if (c >= ' ' && n < size - 1) {
            line[n++] = c;
            write(1, &c, 1);
        }
    }
}

static void report(pid_t pid, int status) {
    if (WIFSIGNALED(status))
        printf("[%d] killed by signal %d\n", (int)pid, WTERMSIG(status));
    else if (WEXITSTATUS(status))
        printf("[%d] exit %d\n", (int)pid, WEXITSTATUS(status));
}

static void ps(void) {
    tn_proc_info info;
    printf("  PID  PPID PRIO PAGES STATE   PROGRAM\n");
    for (int i = 0; tn_proc_get_info(i, &info) == 0; ++i)
        printf("%5d %5d %4d %5llu %-7s %s\n", info.pid, info.ppid, info.priority, info.pages,
               info.state == TN_PROC_ZOMBIE ? "zombie" : "running", info.program);
}

static void programs(void) {
    char name[TN_PROGRAM_NAME_MAX + 1];
    for (int i = 0; tn_proc_program_name(i, name, sizeof name) >= 0; ++i)
        printf("%s\n", name);
}

static void run(char **argv, int background) {
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, NULL);
    if (rc) {
        printf("sh: %s: %s\n", argv[0], rc == ENOENT ? "no such program (try 'programs')" : strerror(rc));
        return;
    }
    if (background) {
        printf("[%d] %s\n", (int)pid, argv[0]);
        return;
    }
    int status;
    if (waitpid(pid, &status, 0) == pid)
        report(pid, status);
}

int main(void) {
    char line[LINE_MAX_];
    printf("sh: pid %d; 'help' lists the commands\n", (int)getpid());
    for (;;) {
        int status;
        pid_t done;
        while ((done = waitpid(-1, &status, WNOHANG)) > 0) /* background children that ended */
            report(done, status), printf("[%d] done\n", (int)done);
        printf("$ ");
        fflush(stdout);
        if (!read_line(line, sizeof line))
            return 0;
        char *argv[ARGS_MAX + 1];
        int argc = 0;
        for (char *tok = strtok(line, " \t"); tok && argc < ARGS_MAX; tok = strtok(NULL, " \t"))
            argv[argc++] = tok;
        argv[argc] = NULL;
        if (argc == 0)
            continue;
        int background = !strcmp(argv[argc - 1], "&");
        if (background)
            argv[--argc] = NULL;
        if (argc == 0)
            continue;
        if (!strcmp(argv[0], "help")) {
            printf("<program> [args] [&]  ps  programs  kill <pid> [signal]  wait  exit [status]\n");
        } else if (!strcmp(argv[0], "ps")) {
            ps();
        } else if (!strcmp(argv[0], "programs")) {
            programs();
        } else if (!strcmp(argv[0], "kill") && argc >= 2) {
            int sig = argc > 2 ? atoi(argv[2]) : SIGTERM;
            if (kill(atoi(argv[1]), sig) != 0)
                printf("sh: kill: %s\n", strerror(errno));
        } else if (!strcmp(argv[0], "wait")) {
            while ((done = waitpid(-1, &status, 0)) > 0)
                report(done, status), printf("[%d] done\n", (int)done);
        } else if (!strcmp(argv[0], "exit")) {
            return argc > 1 ? atoi(argv[1]) : 0;
        } else {
            run(argv, background);
        }
    }
}
