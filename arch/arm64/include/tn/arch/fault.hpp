// Fatal exceptions: reported on the console, then the system powers off.
#pragma once

#include <tn/arch/frame.hpp>
#include <tn/types.hpp>

namespace tn::arch {

/// Exit status of a run that ended in a fatal exception (as a shell reports a
/// process killed by SIGABRT).
constexpr int k_fault_status = 134;


/// Prints the decoded report of @p frame. @p kind: 0 synchronous, 1 IRQ,
/// 2 FIQ, 3 SError.
void report_fatal(const Frame& frame, unsigned kind);

}  // namespace tn::arch

extern "C" {
/// Run-time address minus link-time address of the image, recorded by the
/// entry code when it relocates the image.
extern tn::u64 tn_arch_load_offset;

/// Called by the vectors for synchronous exceptions and SErrors. Never returns.
[[noreturn]] void tn_arch_fatal(tn::arch::Frame* frame, unsigned kind);
/// Called by the vectors for an IRQ taken at EL1. Provided by the interrupt
/// controller layer; may modify @p frame (the vectors restore from it).
void tn_arch_irq(tn::arch::Frame* frame);
}
