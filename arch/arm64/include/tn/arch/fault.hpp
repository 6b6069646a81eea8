// Fatal exceptions: reported on the console, then the system powers off.
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

/// The thread a fault report names and the stack it ran on, as the scheduler
/// describes it (tn_arch_fault_thread()).
struct FaultThread {
    const char* name = nullptr;  ///< Its name; nullptr when there is no scheduler.
    u64 guard_base = 0;          ///< Lowest address of the unmapped range below its stack.
    u64 stack_base = 0;          ///< Lowest address of its stack (end of the unmapped range).
    u64 stack_top = 0;           ///< One past its highest; 0: the CPU's boot stack (stacks.hpp).
};

/// Prints the decoded report of @p frame. @p kind: 0 synchronous, 1 IRQ,
/// 2 FIQ, 3 SError. Names the running thread and its stack, and says when the
/// exception is a stack overflow (the fault or SP in the unmapped range below
/// the stack).
void report_fatal(const Frame& frame, unsigned kind);

}  // namespace tn::arch

extern "C" {
/// Run-time address minus link-time address of the image, recorded by the
/// entry code when it relocates the image.
extern tn::u64 tn_arch_load_offset;

/// Called by the vectors for synchronous exceptions and SErrors. Never returns.
/// @p kind: as report_fatal()'s, plus k_kind_nested for a fault in a handler.
[[noreturn]] void tn_arch_fatal(tn::arch::Frame* frame, unsigned kind);
/// Called by the vectors for an IRQ taken at EL1. Provided by the interrupt
/// controller layer; may modify @p frame (the vectors restore from it).
void tn_arch_irq(tn::arch::Frame* frame);

/// Describes the thread running on the calling CPU in @p out for a fault
/// report; false when there is none. Provided by the scheduler (lib/sched);
/// the arch's weak default returns false. Called from the fault handler on
/// the exception stack with IRQs masked, possibly while the faulting thread
/// holds any lock: it takes no lock and reads only the CPU's own state.
bool tn_arch_fault_thread(tn::arch::FaultThread* out);
}
