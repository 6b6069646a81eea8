/* Takes the messages "pipeline" sends on /ping and answers on /pong. */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    mqd_t ping = mq_open("/ping", O_RDONLY);
    mqd_t pong = mq_open("/pong", O_WRONLY);
    if (ping == (mqd_t)-1 || pong == (mqd_t)-1) {
        perror("mq-peer: mq_open");
        return 1;
    }
    int got = 0;
    for (int i = 0; i < 8; ++i) {
        char msg[64];
        if (mq_receive(ping, msg, sizeof msg, NULL) > 0 && strncmp(msg, "message ", 8) == 0)
            ++got;
    }
    char reply[32];
    int n = snprintf(reply, sizeof reply, "got %d messages", got);
    mq_send(pong, reply, (size_t)n + 1, 0);
    return got == 8 ? 0 : 1;
}
