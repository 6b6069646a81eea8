/* Starts a child that outlives it, and ends without waiting: the child is
 * detached, and freed by the kernel once it ends. */
#include <spawn.h>

int main(void) {
    char *argv[] = {"sleeper", "30", NULL};
    pid_t pid;
    return posix_spawn(&pid, "sleeper", NULL, NULL, argv, NULL);
}
