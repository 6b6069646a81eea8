// Fake arch contract (host tests): thread contexts are ucontext_t, switched
// with swapcontext() on the one host thread that runs the test. Same names
// and calling contexts as arch/arm64/include/tn/arch/context.hpp.
#pragma once

#include <ucontext.h>

#include <tn/types.hpp>

namespace tn::arch {

struct Context {
    ucontext_t uc;
    void (*entry)(void*);  // nullptr once started (or for an adopted context)
    void* arg;
    // Its stack, for the sanitizers' stack-switch annotations (an adopted
    // context's is learnt when it is first switched away from).
    const void* stack_bottom;
    usize stack_size;
    u64 ttbr;  // set_translation_root(): recorded only
};

/// A new context runs entry(arg) on [stack_base, stack_top) at its first
/// switch; @p entry must not return (the test aborts if it does).
void init_context(Context& ctx, void (*entry)(void*), void* arg, u64 stack_base, u64 stack_top);
/// Saves the caller in @p from and resumes @p to. IRQs must be masked (the
/// fake checks it, as the scheduler's lock discipline requires).
void switch_context(Context& from, Context& to);
/// Records the translation root of @p ctx (the host has one address space).
inline void set_translation_root(Context& ctx, u64 ttbr) { ctx.ttbr = ttbr; }
/// The host has one address space: nothing to load.
inline void load_translation_root(u64) {}

}  // namespace tn::arch
