// The environment hyp/core's guests and traps (src/guest.cpp, trap.cpp,
// shell.cpp, images.cpp) run in on the host: the board (RAM is a host
// buffer), the GIC (tn::irq), the physical CPUs' side (cpu.cpp: start
// requests, kicks; the test plays a vCPU's entry and exit), the ICH
// registers and power-off (which aborts: tests keep a guest running). One
// host thread.
#pragma once

#include <string>

#include "core.hpp"

namespace mortise::test {

/// Start requests per physical CPU (post_start), and the vCPU on each.
extern Vcpu* g_posted[k_max_cpus];
extern Vcpu* g_on_cpu[k_max_cpus];
extern unsigned g_kicks;
/// The vCPU current_vcpu() returns (the one whose exit trap.cpp handles).
extern Vcpu* g_current;
/// Everything printed on the console since the last take_console().
std::string take_console();
/// Sets up the board and the console capture (once per process).
void init_env();

/// The CPU of @p v takes its start request and enters the guest (cpu.cpp's
/// idle loop and run_vcpu); false if nothing was posted for it.
bool enter(Vcpu& v);
/// @p v leaves its CPU (before_entry seeing its guest not Running).
void leave(Vcpu& v);

}  // namespace mortise::test
