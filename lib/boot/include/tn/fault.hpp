/// @file
/// @brief Fatal exception and assertion reports (lib/boot): what the arch's
/// vectors hand up when an exception cannot be handled (tn/arch/fault.hpp's
/// hooks), printed on the console before the platform powers off with
/// tn::arch::k_fault_status.
///
/// The report lives here, above the console and the platform contract, so
/// that the arch stays below both: it only decodes (tn/arch/esr.hpp) and
/// calls the hooks.
#pragma once

#include <tn/arch/fault.hpp>
#include <tn/arch/frame.hpp>
#include <tn/types.hpp>

/// Fatal exception reports (lib/boot).
namespace tn::fault {

/// The thread a fault report names and the stack it ran on, as the scheduler
/// describes it (tn_fault_thread()).
struct Thread {
    const char* name = nullptr;  ///< Its name; nullptr when there is no scheduler.
    u64 guard_base = 0;          ///< Lowest address of the unmapped range below its stack.
    u64 stack_base = 0;          ///< Lowest address of its stack (end of the unmapped range).
    u64 stack_top = 0;           ///< One past its highest; 0: the CPU's boot stack (tn/arch/stacks.hpp).
};

/// Prints the decoded report of @p frame. @p kind: 0 synchronous, 1 IRQ,
/// 2 FIQ, 3 SError. Names the running thread and its stack, and says when the
/// exception is a stack overflow (the fault or SP in the unmapped range below
/// the stack). @context Exception handler, IRQs masked.
void report(const arch::Frame& frame, unsigned kind);

}  // namespace tn::fault

extern "C" {
/// Describes the thread running on the calling CPU in @p out for a fault
/// report; false when there is none. Provided by the scheduler (lib/sched);
/// lib/boot's weak default returns false. Called from the fault handler on
/// the exception stack with IRQs masked, possibly while the faulting thread
/// holds any lock: it takes no lock and reads only the CPU's own state.
bool tn_fault_thread(tn::fault::Thread* out);
}
