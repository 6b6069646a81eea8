// Kernel console: one output sink (registered by the platform) and the
// C-compatible printf family on top of it. '\n' is sent as "\r\n".
//
// Not yet serialised between CPUs: concurrent callers may interleave output.
#pragma once

#include <stdarg.h>

#include <tn/format.hpp>
#include <tn/types.hpp>

namespace tn::console {

/// Installs the output sink. Until one is installed, output is dropped.
void set_sink(fmt::Put put, void* ctx);
/// Writes @p n bytes of @p s.
void write(const char* s, usize n);

}  // namespace tn::console

extern "C" {
int tn_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int tn_vprintf(const char* fmt, va_list ap);
/// Writes @p s and a newline, like puts().
int tn_puts(const char* s);
int tn_snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
}
