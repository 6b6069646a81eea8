// The fake arch's state and its ucontext context switch (see README.md).
#include <tn/arch/context.hpp>
#include <tn/arch/cpu.hpp>
#include <tn/arch/fpu.hpp>
#include <tn/arch/irqflags.hpp>

#include <stdio.h>
#include <stdlib.h>

// Tell AddressSanitizer about every stack switch, so it checks each thread
// against its own stack (and does not mistake a switch for a stack overflow).
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define FAKE_START_SWITCH(save, bottom, size) __sanitizer_start_switch_fiber(save, bottom, size)
#define FAKE_FINISH_SWITCH(save, bottom, size) __sanitizer_finish_switch_fiber(save, bottom, size)
#else
#define FAKE_START_SWITCH(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#define FAKE_FINISH_SWITCH(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#endif

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
// The context a switch leaves: the one it arrives in records its stack.
Context* g_leaving = nullptr;

// First thing after arriving in a context (sanitizer bookkeeping).
void arrived(void* fake_stack) {
    const void* bottom = nullptr;
    usize size = 0;
    FAKE_FINISH_SWITCH(fake_stack, &bottom, &size);
    if (g_leaving && !g_leaving->stack_bottom) {
        g_leaving->stack_bottom = bottom;
        g_leaving->stack_size = size;
    }
    g_leaving = nullptr;
}

void start_trampoline() {
    arrived(nullptr);
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
    ctx.stack_bottom = ctx.uc.uc_stack.ss_sp;
    ctx.stack_size = ctx.uc.uc_stack.ss_size;
    makecontext(&ctx.uc, start_trampoline, 0);
}

void switch_context(Context& from, Context& to) {
    if (!fake::g_irqs_masked)
        die("switch_context with IRQs unmasked");
    if (to.entry)
        g_starting = &to;
    g_leaving = &from;
    void* fake_stack = nullptr;
    FAKE_START_SWITCH(&fake_stack, to.stack_bottom, to.stack_size);
    if (swapcontext(&from.uc, &to.uc) != 0)
        die("swapcontext failed");
    arrived(fake_stack);
}

void wait_for_interrupt() {
    if (!fake::g_wfi_hook)
        die("wait_for_interrupt: nothing can interrupt (every thread is blocked for ever?)");
    fake::g_wfi_hook();
}

}  // namespace tn::arch

namespace tn::arch::fake {

FpRegisters& fp_registers() {
    thread_local FpRegisters regs{};
    return regs;
}

}  // namespace tn::arch::fake

extern "C" void tn_arch_fp_save(tn::arch::FpRegisters* regs) { *regs = tn::arch::fake::fp_registers(); }
extern "C" void tn_arch_fp_restore(const tn::arch::FpRegisters* regs) { tn::arch::fake::fp_registers() = *regs; }
