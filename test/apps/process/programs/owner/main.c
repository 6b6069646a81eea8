/* Keeps a secret in its heap and asks "spy" to find it at the same address
 * in its own address space. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int main(void) {
    char *secret = malloc(64);
    strcpy(secret, "TOPSECRET-of-owner");
    char where[32];
    snprintf(where, sizeof where, "%lx", (unsigned long)secret);
    char *argv[] = {"spy", where, NULL};
    pid_t pid;
    if (posix_spawn(&pid, "spy", NULL, NULL, argv, NULL) != 0)
        return 1;
    int status;
    waitpid(pid, &status, 0);
    printf("owner: spy exited with %d; the secret is intact: %s\n", WEXITSTATUS(status),
           strcmp(secret, "TOPSECRET-of-owner") ? "NO" : "yes");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
