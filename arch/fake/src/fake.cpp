// The fake arch's state and its ucontext context switch (see README.md).
#include <tn/arch/context.hpp>
#include <tn/arch/cpu.hpp>
#include <tn/arch/irqflags.hpp>

#include <stdio.h>
#include <stdlib.h>

namespace tn::arch {

namespace fake {
bool g_irqs_masked = true;
void (*g_wfi_hook)() = nullptr;
u64 g_counter = 0;
}  // namespace fake

namespace {

[[noreturn]] void die(const char* why) {
    fprintf(stderr, "arch/fake: %s\n", why);
    abort();
}

// makecontext() passes only ints: the context being started is handed over
// here instead (one host thread, so one slot suffices).
Context* g_starting = nullptr;

void start_trampoline() {
    Context* ctx = g_starting;
    g_starting = nullptr;
    void (*entry)(void*) = ctx->entry;
    ctx->entry = nullptr;
    entry(ctx->arg);
    die("a context's entry function returned");
}

}  // namespace

void init_context(Context& ctx, void (*entry)(void*), void* arg, u64 stack_base, u64 stack_top) {
    if (getcontext(&ctx.uc) != 0)
        die("getcontext failed");
    ctx.uc.uc_stack.ss_sp = reinterpret_cast<void*>(stack_base);
    ctx.uc.uc_stack.ss_size = (stack_top & ~u64{15}) - stack_base;
    ctx.uc.uc_link = nullptr;
    ctx.entry = entry;
    ctx.arg = arg;
    makecontext(&ctx.uc, start_trampoline, 0);
}

void switch_context(Context& from, Context& to) {
    if (!fake::g_irqs_masked)
        die("switch_context with IRQs unmasked");
    if (to.entry)
        g_starting = &to;
    if (swapcontext(&from.uc, &to.uc) != 0)
        die("swapcontext failed");
}

void wait_for_interrupt() {
    if (!fake::g_wfi_hook)
        die("wait_for_interrupt: nothing can interrupt (every thread is blocked for ever?)");
    fake::g_wfi_hook();
}

}  // namespace tn::arch
