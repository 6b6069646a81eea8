/*
 * process-demo: the kernel side of an image with EL0 programs
 * (docs/processes.md). It starts programs/sh, a small shell that runs the
 * other programs by name, lists processes and kills them, and powers off
 * with the shell's exit status.
 */
#include <stdio.h>

#ifdef CONFIG_LIBPROCESS
#include <sys/wait.h>
#include <tn/process.h>

int main(void) {
    printf("process-demo: programs:");
    for (unsigned i = 0; tn_program_name(i); ++i)
        printf(" %s", tn_program_name(i));
    printf("\n");
    const char *argv[] = {"sh", NULL};
    int pid = tn_process_spawn("sh", argv);
    if (pid < 0) {
        printf("process-demo: cannot start sh: %d\n", pid);
        return 1;
    }
    int status;
    tn_process_wait(pid, &status, 0);
    printf("process-demo: sh ended (%s %d)\n", WIFEXITED(status) ? "exit" : "signal",
           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
#else
int main(void) {
    printf("process-demo: CONFIG_LIBPROCESS is off: no programs\n");
    return 0;
}
#endif
