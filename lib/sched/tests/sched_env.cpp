// See sched_env.hpp.
#include "sched_env.hpp"

#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>

#include <tn/arch/cpu.hpp>
#include <tn/arch/irqflags.hpp>
#include <tn/clock.hpp>
#include <tn/init.hpp>
#include <tn/irq.hpp>
#include <tn/smp.hpp>

#include "core.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ENV_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define ENV_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ENV_POISON(p, n) ((void)(p), (void)(n))
#define ENV_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

using tn::u64;

// The init table, gathered by inittab.ld in the order the target's linker
// script gives it (by level).
extern "C" const tn::init::Record __tn_inittab_start[];
extern "C" const tn::init::Record __tn_inittab_end[];

namespace {

constexpr u64 k_page = 4096;
constexpr u64 k_never = ~u64{0};

u64 g_now = 0;
u64 g_deadline = k_never;  // the clock event, as lib/tntimer programmed it
bool g_pending = false;    // the clock event fired, its interrupt not yet taken
unsigned g_depth = 0;      // interrupt nesting
u64 g_interrupts = 0;
unsigned g_stacks = 0;
tn::clock::Callback g_callback = nullptr;
void* g_callback_ctx = nullptr;

[[noreturn]] void die(const char* why) {
    fprintf(stderr, "sched_env: %s\n", why);
    abort();
}

void set_time(u64 ns) {
    g_now = ns;
    tn::arch::fake::set_counter(ns);
    if (g_deadline != k_never && g_now >= g_deadline) {
        g_deadline = k_never;
        g_pending = true;
    }
}

// An interrupt as the vector code runs it: IRQs masked, depth counted, the
// handler, then the exit hook (which may switch to another thread; this one
// finishes its exit when it is switched back to).
void take_interrupt(void (*fn)(void*), void* arg) {
    u64 state = tn::arch::irq_save();
    ++g_depth;
    fn(arg);
    --g_depth;
    tn_irq_exit_hook();
    tn::arch::irq_restore(state);
}

void clock_event(void*) {
    ++g_interrupts;
    if (g_callback)
        g_callback(g_callback_ctx);
}

// IRQs were just unmasked: a pending clock interrupt is taken now.
void deliver_pending() {
    while (g_pending && !tn::arch::fake::g_irqs_masked && g_depth == 0) {
        g_pending = false;
        take_interrupt(clock_event, nullptr);
    }
}

// The idle thread waits for an interrupt: the next one is the earliest timer.
void wait_for_interrupt() {
    if (g_pending)
        return;
    if (g_deadline == k_never)
        die("every thread is blocked and no timer is armed: the test would hang");
    set_time(g_deadline);
}

}  // namespace

namespace sched_env {

void boot() {
    static bool booted = false;
    if (booted)
        return;
    booted = true;
    tn::arch::fake::g_wfi_hook = wait_for_interrupt;
    tn::arch::irq_disable();
    tn::smp::boot_cpu_online(0);  // as the platform's boot code does
    auto failure = tn::init::run(__tn_inittab_start, __tn_inittab_end);
    if (failure.record)
        die("an init function failed");
    if (!tn::sched::init_boot_cpu().ok())
        die("init_boot_cpu failed");
    tn::irq::local_enable();
}

u64 now() { return g_now; }

void advance(u64 ns) {
    set_time(g_now + ns);
    deliver_pending();
}

void interrupt(void (*fn)(void*), void* arg) {
    if (tn::arch::fake::g_irqs_masked)
        die("interrupt() with IRQs masked");
    take_interrupt(fn, arg);
}

u64 clock_interrupts() { return g_interrupts; }
unsigned live_stacks() { return g_stacks; }

}  // namespace sched_env

// ---- tn::clock: the virtual clock

namespace tn::clock {
u64 now_ns() { return g_now; }
u64 now_ticks() { return g_now; }
u64 frequency_hz() { return 1'000'000'000; }
void set_callback(Callback callback, void* ctx) {
    g_callback = callback;
    g_callback_ctx = ctx;
}
Result<void, Error> arm_at(u64 deadline_ns) {
    g_deadline = deadline_ns;
    set_time(g_now);  // a past deadline fires at once
    return {};
}
Result<void, Error> arm_periodic(u64) { die("tick mode is not modelled"); }
void stop() { g_deadline = k_never; }
u64 overruns() { return 0; }
}  // namespace tn::clock

// ---- tn::irq: masking through the arch contract

namespace tn::irq {
void local_enable() {
    arch::irq_enable();
    deliver_pending();
}
void local_disable() { arch::irq_disable(); }
u64 local_save_disable() { return arch::irq_save(); }
void local_restore(u64 state) {
    arch::irq_restore(state);
    deliver_pending();
}
void wait_for_interrupt() { arch::wait_for_interrupt(); }
bool in_interrupt() { return g_depth != 0; }
}  // namespace tn::irq

// ---- lib/sched's port: stacks from the host heap, one CPU

namespace tn::sched::port {

// [guard page][stack pages]: the guard is poisoned, so under ASan an
// overflow is reported as the target's guard page would fault.
u64 map_stack(ThreadStack& stack, u64 pages) {
    void* p = aligned_alloc(k_page, (pages + 1) * k_page);
    if (!p)
        return 0;
    ENV_POISON(p, k_page);
    ++g_stacks;
    stack.slot = 0;
    stack.pa = reinterpret_cast<u64>(p);
    stack.pages = pages;
    return stack.pa + (pages + 1) * k_page;
}

void unmap_stack(const ThreadStack& stack) {
    void* p = reinterpret_cast<void*>(stack.pa);
    ENV_UNPOISON(p, (stack.pages + 1) * k_page);
    free(p);
    --g_stacks;
}

u64 max_stack_pages() { return CONFIG_LIBSCHED_STACK_SLOT_SIZE / k_page - 1; }

void send_resched(unsigned) { die("send_resched: the host environment has one CPU"); }

}  // namespace tn::sched::port
