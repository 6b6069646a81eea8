/**
 * @file
 * @brief C interface to the console (tn/console.hpp): formatted output to the
 * console device and input from the input source.
 *
 * Enable with CONFIG_LIBCONSOLE (every platform selects it). Output goes to
 * the UART (or, in a Mortise guest, the hypervisor's console); a newline (LF) is sent
 * as CR LF. The format conversions are those of tn/format.hpp: no floating
 * point. The output of one call comes out whole: it is written with IRQs
 * masked (and, with SMP, under a lock), so neither an interrupt handler nor
 * another CPU can cut into it.
 */
#ifndef TN_CONSOLE_H
#define TN_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Formats @p fmt and its arguments to the console, like printf().
 * @param fmt format string (conversions of tn/format.hpp).
 * @return the number of characters written.
 * @context Any (ISR ok). @blocking No (busy-waits on the device while its FIFO is full).
 */
int tn_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
/**
 * tn_printf() with a va_list.
 * @param fmt format string.
 * @param ap the arguments.
 * @return the number of characters written.
 * @context Any (ISR ok). @blocking No (busy-waits on the device).
 */
int tn_vprintf(const char* fmt, va_list ap);
/**
 * Writes @p s and a newline, like puts().
 * @param s a NUL-terminated string.
 * @return a non-negative value.
 * @context Any (ISR ok). @blocking No (busy-waits on the device).
 */
int tn_puts(const char* s);
/**
 * Formats into @p buf like snprintf(): at most @p size - 1 characters and a
 * NUL (when @p size > 0).
 * @param buf the buffer.
 * @param size bytes in @p buf.
 * @param fmt format string.
 * @return the length the full output would have had.
 * @context Any. @blocking No.
 */
int tn_snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
/**
 * The next input byte, waiting for one (tn::console::wait_getc()).
 * @return the byte (0-255), or -1 at once if there is no input source.
 * @context Thread only (one reader at a time). @blocking Yes, until a byte
 *          arrives: sleeps in WFI with IRQs unmasked, or spins on a polled source.
 */
int tn_getchar(void);
/**
 * The next input byte if one is waiting (tn::console::try_getc()).
 * @return the byte (0-255), or -1 if none is waiting or there is no source.
 * @context Thread only (one reader at a time). @blocking No.
 */
int tn_try_getchar(void);

#ifdef __cplusplus
}
#endif

#endif /* TN_CONSOLE_H */
