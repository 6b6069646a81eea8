#include <pthread.h>
#include <stdio.h>
int main(void) { printf("%lu\n", (unsigned long)pthread_self()); return 0; }
