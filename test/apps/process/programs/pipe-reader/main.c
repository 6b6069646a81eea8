/* Reads its standard input (a pipe) to the end and checks the pattern. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    char buf[256];
    int total = 0, bad = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) {
            perror("pipe-reader: read");
            return 2;
        }
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; ++i)
            bad += buf[i] != (char)((total + i) * 7 + 3);
        total += (int)n;
    }
    printf("pipe-reader: %d bytes, %s\n", total, bad ? "pattern WRONG" : "pattern ok");
    return bad ? 1 : 0;
}
