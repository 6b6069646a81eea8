// Kernel thread context switch (AArch64): the callee-saved registers of a
// switched-out thread (AAPCS64 §6.1.1), saved and restored by tn_arch_switch.
// Everything else is caller-saved, so the C++ caller has already spilled what
// it needs; an interrupted thread's full register frame sits on its own stack
// (vectors.S), below the frames of the IRQ path that switched away from it.
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

struct Context {
    u64 x19_x28[10];
    u64 fp;  // x29
    u64 lr;  // x30: where the thread resumes
    u64 sp;
};
static_assert(sizeof(Context) == 104, "offsets are fixed by context.S");

}  // namespace tn::arch

extern "C" {
/// Saves the caller's context in *from and resumes *to (context.S).
void tn_arch_switch(tn::arch::Context* from, tn::arch::Context* to);
/// First code of a new context: calls x19(x20), never returns.
extern char tn_arch_context_start[];
}

namespace tn::arch {

/// Prepares @p ctx so that the first tn_arch_switch() to it calls
/// entry(arg) on the stack that ends at @p stack_top. @p entry must not
/// return (it halts the CPU if it does).
inline void init_context(Context& ctx, void (*entry)(void*), void* arg, u64 stack_top) {
    ctx = {};
    ctx.x19_x28[0] = reinterpret_cast<u64>(entry);
    ctx.x19_x28[1] = reinterpret_cast<u64>(arg);
    ctx.lr = reinterpret_cast<u64>(tn_arch_context_start);
    ctx.sp = stack_top & ~u64{15};
}

}  // namespace tn::arch
