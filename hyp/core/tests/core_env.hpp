// The environment hyp/core runs in on the host: the board (RAM is a host
// buffer), the GIC (tn::irq: accepts everything, keeps the handlers) and
// power-off (which aborts: tests keep a guest running), in core_env.cpp.
// The physical CPUs' side is either the real src/cpu.cpp with
// tests/cpu_env.cpp (the world switch's assembly and the ICH registers), or
// tests/cpu_stub.cpp (start requests and kicks only; the test plays a
// vCPU's entry and exit on any CPU). One host thread.
#pragma once

#include <string>

#include <tn/irq.hpp>

#include "core.hpp"

namespace mortise::test {

/// Handlers registered with tn::irq (by INTID), and deactivations asked for.
constexpr unsigned k_irq_slots = 1024;
struct IrqHandler {
    tn::irq::Handler fn;
    void* arg;
};
extern IrqHandler g_handlers[k_irq_slots];
extern unsigned g_deactivated[k_irq_slots];
/// The slot input_guests_changed() last named (main.cpp's console switch is not in the tests).
extern int g_input_freed;
/// Everything printed on the console since the last take_console().
std::string take_console();
/// Sets up the board and the console capture (once per process).
void init_env();
/// The board board() returns, for a test that needs another machine's layout
/// (restore what it changes: the board is shared by every test of the binary).
Board& board_for_test();

// ---- cpu_stub.cpp ----

/// Start requests per physical CPU (post_start), and the vCPU on each.
extern Vcpu* g_posted[k_max_cpus];
extern Vcpu* g_on_cpu[k_max_cpus];
extern unsigned g_kicks;
/// The vCPU current_vcpu() returns (the one whose exit trap.cpp handles).
extern Vcpu* g_current;
/// The CPU of @p v takes its start request and enters the guest (cpu.cpp's
/// idle loop and run_vcpu); false if nothing was posted for it.
bool enter(Vcpu& v);
/// @p v leaves its CPU (before_entry seeing its guest not Running).
void leave(Vcpu& v);

}  // namespace mortise::test
