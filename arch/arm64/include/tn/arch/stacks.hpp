// Where each CPU's boot stack, its exception stack and their guard pages are
// (tn/arch/stack_layout.h), for code that switches stacks or maps around them
// (the MMU set-up, Mortise's per-CPU frames, fault reports).
#pragma once

#include <tn/arch/stack_layout.h>
#include <tn/types.hpp>

extern "C" char tn_boot_stack_top[], __tn_stack_guard[];
#ifdef CONFIG_TN_SMP
extern "C" char tn_arch_cpu_stacks[];
#endif
#ifndef CONFIG_TN_HYPERVISOR
extern "C" char tn_arch_exc_stacks[];
#endif

namespace tn::arch::stacks {

constexpr u64 k_stride = TN_ARCH_STACK_STRIDE;
/// CPUs with a stack of their own: every CPU the image supports with CONFIG_TN_SMP, else CPU 0.
#ifdef CONFIG_TN_SMP
constexpr unsigned k_cpus = CONFIG_TN_MAX_CPUS;
#else
constexpr unsigned k_cpus = 1;
#endif

/// The initial stack pointer of CPU @p cpu (< k_cpus).
inline u64 top(unsigned cpu) {
#ifdef CONFIG_TN_SMP
    if (cpu != 0)
        return reinterpret_cast<u64>(tn_arch_cpu_stacks) + cpu * k_stride - TN_ARCH_STACK_GUARD;
#endif
    (void)cpu;
    return reinterpret_cast<u64>(tn_boot_stack_top);
}

/// The unmapped page below CPU @p cpu's stack (< k_cpus).
inline u64 guard(unsigned cpu) {
#ifdef CONFIG_TN_SMP
    if (cpu != 0)
        return reinterpret_cast<u64>(tn_arch_cpu_stacks) + (cpu - 1) * k_stride - TN_ARCH_STACK_GUARD;
#endif
    (void)cpu;
    return reinterpret_cast<u64>(__tn_stack_guard);
}

#ifndef CONFIG_TN_HYPERVISOR
/// The unmapped page below CPU @p cpu's exception stack (< k_cpus); the
/// stack spans [exc_guard + TN_ARCH_STACK_GUARD, exc_top). EL1 images only.
inline u64 exc_guard(unsigned cpu) {
    return reinterpret_cast<u64>(tn_arch_exc_stacks) + cpu * u64{TN_ARCH_EXC_STACK_STRIDE} - TN_ARCH_STACK_GUARD;
}

/// The initial SP_EL0 of CPU @p cpu (< k_cpus): the top of its exception stack.
inline u64 exc_top(unsigned cpu) { return exc_guard(cpu) + TN_ARCH_EXC_STACK_STRIDE; }
#endif

}  // namespace tn::arch::stacks
