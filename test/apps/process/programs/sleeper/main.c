/* Sleeps for a minute: a kill ends it first. */
#include <time.h>

int main(void) {
    struct timespec ts = {60, 0};
    nanosleep(&ts, NULL);
    return 0;
}
