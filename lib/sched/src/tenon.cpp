// lib/sched on the target: the port of core.hpp and the entry points the
// arch and boot code call.
//
// Thread stacks live in a window of the kernel's address space outside the
// identity map (tn/mem/stack_window.hpp): one slot per thread, the stack
// pages mapped from the page pool at the top of the slot with the arch MMU
// code, the slot's lowest page never mapped (the guard), and the Thread at
// the very top of the stack. A thread made ready for another CPU gets there
// with SGI smp::k_resched_sgi.
#include <tn/fault.hpp>
#include <tn/arch/mmu.hpp>
#include <tn/console.hpp>
#include <tn/init.hpp>
#include <tn/irq.hpp>
#include <tn/mem/page_alloc.hpp>
#include <tn/mem/stack_window.hpp>
#include <tn/plat.hpp>
#include <tn/smp.hpp>
#include <string.h>

#include "core.hpp"

namespace tn::sched {

namespace {

constexpr u64 k_window = 0x40'0000'0000;  // 256 GiB: below 2^39, above any RAM of QEMU virt we map
constexpr u64 k_page = mem::StackWindow<1>::k_page;
constexpr u64 k_slot = CONFIG_LIBSCHED_STACK_SLOT_SIZE;
static_assert(k_slot % k_page == 0 && k_slot >= 2 * k_page, "stack slot: whole pages, guard plus stack");

mem::StackWindow<CONFIG_LIBSCHED_MAX_THREADS> g_window{k_window, k_slot};

u64* alloc_table(void*) {
    auto r = plat::page_allocator().alloc(0);
    if (!r.ok())
        return nullptr;
    auto* table = reinterpret_cast<u64*>(r.value().value());
    memset(table, 0, k_page);
    return table;
}

irq::Completion on_resched_sgi(irq::Event, void*) { return irq::Completion::Done; }

Result<void, irq::Error> enable_resched_sgi() {
    TN_TRY(irq::set_priority(smp::k_resched_sgi, irq::k_default_priority));
    return irq::enable(smp::k_resched_sgi);
}

int sched_init() {
    auto r = init_boot_cpu();
    if (!r.ok()) {
        tn_printf("sched: cannot create the idle thread: %s\n", error_name(r.error()));
        return -1;
    }
    if (!irq::register_handler(smp::k_resched_sgi, on_resched_sgi, nullptr).ok() || !enable_resched_sgi().ok())
        return -2;
    return 0;
}

}  // namespace

TN_INIT(sched_init, TN_INIT_LIB);

u64 port::map_stack(ThreadStack& stack, u64 pages) {
    int slot = g_window.alloc();
    if (slot < 0)
        return 0;
    auto pa = plat::page_allocator().alloc_pages(pages);
    if (!pa.ok()) {
        g_window.free(slot);
        return 0;
    }
    u64 base = g_window.stack_base(slot, pages);
    if (!arch::mmu::map_kernel_pages(base, pa.value().value(), pages * k_page, alloc_table, nullptr).ok()) {
        (void)plat::page_allocator().free_pages(pa.value(), pages);
        g_window.free(slot);
        return 0;
    }
    stack.slot = slot;
    stack.pa = pa.value().value();
    stack.pages = pages;
    return g_window.slot_top(slot);
}

void port::unmap_stack(const ThreadStack& stack) {
    arch::mmu::unmap_kernel_pages(g_window.stack_base(stack.slot, stack.pages), stack.pages * k_page);
    (void)plat::page_allocator().free_pages(PhysAddr{stack.pa}, stack.pages);
    g_window.free(stack.slot);
}

u64 port::max_stack_pages() { return g_window.max_pages(); }

void port::send_resched([[maybe_unused]] unsigned cpu) {
#ifdef CONFIG_TN_SMP
    (void)irq::send_sgi(smp::k_resched_sgi, irq::SgiTarget::to(irq::CpuAffinity{smp::mpidr(cpu)}));
#endif
}

}  // namespace tn::sched

using namespace tn;
using namespace tn::sched;

#ifdef CONFIG_ARCH_ARM64_ECTX_LAZY
// The lazy FP trap loads the registers of the thread running on this CPU.
extern "C" tn::arch::FpContext* tn_arch_fp_current() { return &running_here()->fp; }
#endif

// A fault report names the thread that faulted and, for a thread with a
// stack of its own, the stack and the unmapped rest of its slot below it (an
// overflow lands there). Lock-free: the faulting thread may hold the lock.
extern "C" bool tn_fault_thread(tn::fault::Thread* out) {
    const Thread* t = running_here();
    if (!t)
        return false;  // before sched_init
    out->name = t->name;
    if (t->stack.pages != 0) {
        out->guard_base = g_window.slot_base(t->stack.slot);
        out->stack_base = g_window.stack_base(t->stack.slot, t->stack.pages);
        out->stack_top = reinterpret_cast<u64>(t);  // the Thread sits at the top of its stack
    }
    return true;
}

#ifdef CONFIG_TN_SMP
void tn::sched::start_secondary_cpu(unsigned cpu) {
    Locked held;
    init_secondary_cpu(cpu);
    if (!enable_resched_sgi().ok())
        tn_printf("sched: CPU %u cannot enable its reschedule SGI\n", cpu);
}

// Not in a hypervisor image: Mortise's idle loop, which also runs its mode-1
// vCPUs, is the idle thread there; its tn_secondary_main() calls
// start_secondary_cpu() first. (lib/boot's default is weak too, so this one
// cannot be.)
#ifndef CONFIG_TN_HYPERVISOR
extern "C" [[noreturn]] void tn_secondary_main(unsigned cpu) {
    start_secondary_cpu(cpu);
    idle_loop();
}
#endif
#endif
