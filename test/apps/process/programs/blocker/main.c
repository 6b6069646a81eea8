/* Blocks reading its standard input (a pipe nobody writes): a kill ends it. */
#include <unistd.h>

int main(void) {
    char c;
    return (int)read(0, &c, 1);
}
