/* Minimal <string.h> of the Tenon nolibc library. */
#ifdef TN_NEWLIB_HEADERS
/* C code that sees newlib (lib/newlib exports this macro with its header
 * path) gets newlib's full <string.h>; nolibc's definitions still win at link
 * time, so the kernel's string functions stay free of FP/SIMD registers
 * (docs/newlib.md). */
#include_next <string.h>
#else
#ifndef TN_NOLIBC_STRING_H
#define TN_NOLIBC_STRING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strchr(const char* s, int c);

#ifdef __cplusplus
}
#endif

#endif
#endif
