/* Blocks until a kill ends it: reading its standard input (a pipe nobody
 * writes), or with argv[1] "mq", receiving from an empty message queue. */
#include <fcntl.h>
#include <mqueue.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "mq")) {
        struct mq_attr attr = {0};
        attr.mq_maxmsg = 2;
        attr.mq_msgsize = 16;
        mqd_t q = mq_open("/blocker", O_CREAT | O_RDONLY, 0600, &attr);
        char msg[16];
        return (int)mq_receive(q, msg, sizeof msg, NULL);
    }
    char c;
    return (int)read(0, &c, 1);
}
