/// @file
/// @brief Kernel console (lib/console, CONFIG_LIBCONSOLE): output sink, input source, printf.
///
/// Kernel console: one output sink and one input source (both registered by the
/// platform) and the C-compatible printf/getchar family on top of them. A newline (LF) is
/// sent as CR LF; input bytes are passed on as received (a terminal sends
/// CR for Enter, a pipe LF).
///
/// Each output call (write(), tn_printf(), ...) comes out whole: it runs with
/// IRQs masked and, with SMP, under an output lock that is re-entrant per CPU
/// (so a fault report raised while printing still comes out). Input must have
/// one reader at a time (the source is a single-consumer queue).
#pragma once

#include <stdarg.h>

#include <tn/format.hpp>
#include <tn/types.hpp>

/// The kernel console (lib/console).
namespace tn::console {

/// Installs the output sink. Until one is installed, output is dropped.
/// Called by the platform at boot.
/// @param put called for each output character.
/// @param ctx passed to @p put.
/// @context Thread, at boot. @blocking No.
void set_sink(fmt::Put put, void* ctx);
/// Writes @p n bytes of @p s (LF as CR LF), whole (see the file comment).
/// @context Any (ISR ok). @blocking No (busy-waits on the device).
void write(const char* s, usize n);

/// Where input comes from; the hooks get @p ctx. Installed by the platform.
struct Source {
    /// The next received byte, or -1 if none is waiting. Must not block.
    int (*try_get)(void* ctx);
    /// Returns when try_get() may have a byte: an interrupt-driven source
    /// sleeps until the next interrupt. nullptr for a polled source, whose
    /// readers then spin on try_get().
    void (*wait)(void* ctx);
    /// Bytes lost because the source's buffer was full; nullptr if it keeps
    /// no count.
    u64 (*dropped)(void* ctx);
    void* ctx;  ///< Passed to the hooks.
};

/// Installs the input source. Until one is installed there is no input.
/// @pre @p source.try_get is not null.
/// @context Thread, at boot (called by the platform). @blocking No.
void set_source(const Source& source);
/// The next input byte (0-255), or -1 if none is waiting or there is no
/// source.
/// @context Thread only. @blocking No.
int try_getc();
/// The next input byte, waiting for one as the source allows: an interrupt-
/// driven source sleeps in WFI between checks and unmasks IRQs on the calling
/// CPU to let its interrupt in (they stay unmasked); a polled one spins. -1 at
/// once if there is no source.
/// @context Thread only. @blocking Yes, until a byte arrives.
int wait_getc();
/// Input bytes the source lost to a full buffer since boot (0 if it keeps no count).
/// @context Any. @blocking No.
u64 input_dropped();

}  // namespace tn::console

#include <tn/console.h>
