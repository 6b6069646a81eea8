// Fatal exceptions: the hooks the vectors (vectors.S, el2/vectors.S) call.
// The arch decodes and dispatches only; the layer above provides the hooks:
// lib/boot reports on the console and powers off (tn/fault.hpp), the
// interrupt-controller layer handles IRQs.
#pragma once

#include <tn/arch/frame.hpp>
#include <tn/types.hpp>

namespace tn::arch {

/// Exit status of a run that ended in a fatal exception (as a shell reports a
/// process killed by SIGABRT).
constexpr int k_fault_status = 134;

/// Added to the kind tn_arch_fatal() receives when the exception interrupted
/// an exception handler (vectors.S: the handler's own fault).
constexpr unsigned k_kind_nested = 0x10;

}  // namespace tn::arch

extern "C" {
/// Run-time address minus link-time address of the image, recorded by the
/// entry code when it relocates the image.
extern tn::u64 tn_arch_load_offset;

/// Called by the vectors for synchronous exceptions and SErrors. Never returns.
/// @p kind: 0 synchronous, 1 IRQ, 2 FIQ, 3 SError, plus k_kind_nested for a
/// fault in a handler. Provided by lib/boot (the report).
[[noreturn]] void tn_arch_fatal(tn::arch::Frame* frame, unsigned kind);
/// Called by the vectors for a synchronous exception of the kernel's own EL:
/// returns after a lazy FP/SIMD trap (fp_trap()), else never. Provided by lib/boot.
void tn_arch_sync(tn::arch::Frame* frame);
/// Called by the vectors for an IRQ taken at EL1. Provided by the interrupt
/// controller layer; may modify @p frame (the vectors restore from it).
void tn_arch_irq(tn::arch::Frame* frame);
/// Called by the EL1 vectors for an IRQ, with only the registers a C call
/// clobbers saved (no frame). Returns 0 when handled; nonzero to have the
/// vectors save a full frame and call tn_arch_irq() (no controller yet).
/// Provided by the interrupt controller layer; lib/boot's default returns 1.
int tn_arch_irq_lean();
}
