/* Sleeps for argv[1] milliseconds (default: a minute; a kill ends it first). */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    long ms = argc > 1 ? atol(argv[1]) : 60000;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
    return 0;
}
