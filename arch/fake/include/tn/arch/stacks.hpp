// Fake arch contract (host tests): each CPU's stack is a host buffer that no
// code runs on; it only gives the per-CPU addresses code derives from a
// stack's top (Mortise keeps a vCPU's exit frame just below it). Same names
// as arch/arm64's stacks.hpp, without the EL1 exception stacks.
#pragma once

#include <tn/types.hpp>

namespace tn::arch::stacks {

/// Bytes per CPU: a guard page and a page of stack.
constexpr u64 k_stride = 2 * 4096;
#ifdef CONFIG_TN_MAX_CPUS
constexpr unsigned k_cpus = CONFIG_TN_MAX_CPUS;
#else
constexpr unsigned k_cpus = 1;
#endif

namespace fake {
alignas(4096) inline u8 g_stacks[k_cpus][k_stride];
}  // namespace fake

/// The initial stack pointer of CPU @p cpu (< k_cpus).
inline u64 top(unsigned cpu) { return reinterpret_cast<u64>(fake::g_stacks[cpu]) + k_stride; }
/// The page below CPU @p cpu's stack (< k_cpus); not protected on the host.
inline u64 guard(unsigned cpu) { return reinterpret_cast<u64>(fake::g_stacks[cpu]); }

}  // namespace tn::arch::stacks
