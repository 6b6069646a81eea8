/* Runs at EL0 and never enters the kernel: only a kill ends it. */
int main(void) {
    for (volatile unsigned long i = 0;; ++i) {
    }
}
