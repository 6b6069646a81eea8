/*
 * process-demo: an image with two EL0 programs (programs/hello,
 * programs/echo-args) that the build embeds (docs/processes.md). For now
 * it lists the embedded programs from the .tn_programs table, as the
 * kernel's loader will find them.
 */
#include <stdio.h>
#include <string.h>

#ifdef CONFIG_LIBPROCESS
#include <tn/program_table.h>

extern const struct tn_program __tn_programs_start[];
extern const struct tn_program __tn_programs_end[];

int main(void) {
    int bad = 0;
    for (const struct tn_program* p = __tn_programs_start; p < __tn_programs_end; p++) {
        /* An AArch64 ET_DYN ELF64, 8-byte aligned. */
        int ok = ((unsigned long)p->elf & 7) == 0 && p->size >= 64 && memcmp(p->elf, "\177ELF\2\1", 6) == 0 &&
                 p->elf[16] == 3 && p->elf[18] == 183;
        printf("process-demo: program %s: %lu bytes, %s\n", p->name, p->size, ok ? "ELF ok" : "FAILED");
        bad += !ok;
    }
    printf("process-demo: %d programs embedded\n", (int)(__tn_programs_end - __tn_programs_start));
    return bad;
}
#else
int main(void) {
    printf("process-demo: CONFIG_LIBPROCESS is off: no programs\n");
    return 0;
}
#endif
