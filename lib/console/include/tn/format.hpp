/// @file
/// @brief Formatted output without a C library (lib/console).
///
/// Formatted output without a C library: the printf subset the kernel needs.
///
/// Conversions: d i u x X o p s c %. Flags: - 0 + space #. Width and precision
/// as numbers or '*'. Lengths: hh h l ll z j t. No floating point: the kernel is
/// built -mgeneral-regs-only. An unknown conversion is copied through verbatim.
#pragma once

#include <stdarg.h>

#include <tn/types.hpp>

/// printf-style formatting (lib/console).
namespace tn::fmt {

/// Receives one output character.
using Put = void (*)(char c, void* ctx);

/// Formats @p fmt through @p put.
/// @param put receives each character.
/// @param ctx passed to @p put.
/// @param fmt format string.
/// @param ap the arguments.
/// @return the number of characters produced.
/// @context Any. @blocking No.
usize vformat_to(Put put, void* ctx, const char* fmt, va_list ap);

/// snprintf semantics: writes at most @p size - 1 characters and a NUL (when
/// @p size > 0).
/// @param buf the buffer.
/// @param size bytes in @p buf.
/// @param fmt format string.
/// @param ap the arguments.
/// @return the length the full output would have had.
/// @context Any. @blocking No.
usize vformat(char* buf, usize size, const char* fmt, va_list ap);
/// vformat() with the arguments given directly.
/// @context Any. @blocking No.
usize format(char* buf, usize size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

}  // namespace tn::fmt
