/**
 * @file
 * @brief The programs an image embeds (lib/process).
 *
 * The build framework turns each of an application's programs
 * (`apps/<app>/programs/<name>/`) into an EL0 ELF executable and embeds it in
 * the image with one record in the `.tn_programs` section; the linker script
 * brackets the section with __tn_programs_start and __tn_programs_end. The
 * kernel looks programs up by name (posix_spawn's path is the name).
 */
#ifndef TN_PROGRAM_TABLE_H
#define TN_PROGRAM_TABLE_H

/** One embedded program. */
struct tn_program {
    const char *name;          /**< Its directory's name, NUL-terminated. */
    const unsigned char *elf;  /**< The ELF file, 8-byte aligned. */
    unsigned long size;        /**< Its size in bytes. */
};

#endif
