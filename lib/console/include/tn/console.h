/*
 * C interface to the console (tn/console.hpp): formatted output to every
 * console device and input from the input source.
 */
#ifndef TN_CONSOLE_H
#define TN_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

int tn_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int tn_vprintf(const char* fmt, va_list ap);
/* Writes @p s and a newline, like puts(). */
int tn_puts(const char* s);
int tn_snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
/* The next input byte, waiting for one (tn::console::wait_getc()); -1 without input. */
int tn_getchar(void);
/* The next input byte if one is waiting, else -1 (tn::console::try_getc()). */
int tn_try_getchar(void);

#ifdef __cplusplus
}
#endif

#endif /* TN_CONSOLE_H */
