// Kernel thread context switch (AArch64): the callee-saved registers of a
// switched-out thread (AAPCS64 §6.1.1), saved and restored by tn_arch_switch.
// Everything else is caller-saved, so the C++ caller has already spilled what
// it needs; an interrupted thread's full register frame sits on its own stack
// (vectors.S), below the frames of the IRQ path that switched away from it.
//
// Arch contract (the scheduler's side; arch/fake implements the same names
// for host tests):
//   Context                      opaque saved state of a switched-out thread
//   init_context(ctx, entry, arg, stack_base, stack_top)
//                                a new thread's first switch calls entry(arg)
//   switch_context(from, to)     saves the caller in from, resumes to
// Calling context of both functions: kernel thread code on the CPU both
// contexts belong to, IRQs masked, the scheduler lock held (the context
// switched to releases it). Neither allocates or blocks.
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

struct Context {
    u64 x19_x28[10];
    u64 fp;  // x29
    u64 lr;  // x30: where the thread resumes
    u64 sp;
    u64 ttbr;    // TTBR0_EL1 of the thread's address space; 0: the kernel's (ARCH_ARM64_EL0)
    u64 tpidr0;  // TPIDR_EL0, a process thread's thread pointer (ARCH_ARM64_EL0)
};
static_assert(sizeof(Context) == 120, "offsets are fixed by context.S");

}  // namespace tn::arch

extern "C" {
/// Saves the caller's context in *from and resumes *to (context.S).
void tn_arch_switch(tn::arch::Context* from, tn::arch::Context* to);
/// First code of a new context: calls x19(x20), never returns.
extern char tn_arch_context_start[];
/// Loads @p ttbr (0: the kernel's tables) into TTBR0_EL1 (context.S).
void tn_arch_load_root(tn::u64 ttbr);
}

namespace tn::arch {

/// Prepares @p ctx so that the first switch_context() to it calls
/// entry(arg) on the stack [@p stack_base, @p stack_top). @p entry must not
/// return (it halts the CPU if it does). AArch64 needs only the top.
/// @context Any; @p ctx must not be running. @blocking No.
inline void init_context(Context& ctx, void (*entry)(void*), void* arg, [[maybe_unused]] u64 stack_base,
                         u64 stack_top) {
    ctx = {};
    ctx.x19_x28[0] = reinterpret_cast<u64>(entry);
    ctx.x19_x28[1] = reinterpret_cast<u64>(arg);
    ctx.lr = reinterpret_cast<u64>(tn_arch_context_start);
    ctx.sp = stack_top & ~u64{15};
}

/// Saves the running code's context in @p from and resumes @p to; returns
/// when some later switch_context() resumes @p from.
/// @context Thread code, IRQs masked, scheduler lock held. @blocking Until
/// switched back to.
inline void switch_context(Context& from, Context& to) { tn_arch_switch(&from, &to); }

/// Sets the translation root @p ctx runs with: a process's TTBR0_EL1 value
/// (tables | ASID << 48), or 0 for the kernel's tables. switch_context()
/// loads it when it differs from the outgoing context's (ARCH_ARM64_EL0;
/// without it every context runs in the kernel's tables).
/// @context Kernel lock held, @p ctx not running on another CPU.
inline void set_translation_root(Context& ctx, u64 ttbr) { ctx.ttbr = ttbr; }

/// Makes the calling CPU translate with @p ttbr (set_translation_root()'s
/// meaning) at once: for the running context after set_translation_root().
inline void load_translation_root([[maybe_unused]] u64 ttbr) {
#ifdef CONFIG_ARCH_ARM64_EL0
    tn_arch_load_root(ttbr);
#endif
}

}  // namespace tn::arch
