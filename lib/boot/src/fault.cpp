// Fatal exception report: what happened, where, on which thread and stack,
// and the registers; then the platform powers off with
// tn::arch::k_fault_status. Runs on the CPU's exception stack (vectors.S).
// The arch's vectors call the hooks defined here (tn/arch/fault.hpp); the
// report is lib/boot's so that the arch does not depend on the console.
#include <tn/arch/cpu.hpp>
#include <tn/arch/esr.hpp>
#include <tn/arch/fault.hpp>
#include <tn/arch/fpu.hpp>
#include <tn/arch/frame.hpp>
#include <tn/arch/irqflags.hpp>
#include <tn/arch/stacks.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/arch/uspace.hpp>
#include <tn/assert.hpp>
#include <tn/console.hpp>
#include <tn/fault.hpp>
#include <tn/plat.hpp>

extern "C" char __tn_image_start[];

namespace tn::fault {

using namespace tn::arch;

namespace {

const char* const k_kind_names[] = {"synchronous exception", "unexpected IRQ", "unexpected FIQ", "SError"};

// Reports in progress on each CPU: the second is a fault in the first's
// report, a third (the second's report faulted too) halts at once.
u8 g_depth[stacks::k_cpus];

unsigned this_cpu() {
    if constexpr (stacks::k_cpus == 1)
        return 0;  // TPIDR_EL1 is set only by SMP images
    unsigned cpu = cpu_index();
    return cpu < stacks::k_cpus ? cpu : 0;
}

// Link-time address of a run-time address, so that addr2line -e <image>.elf
// resolves it whatever address the image was loaded at.
u64 link_address(u64 addr) { return addr - tn_arch_load_offset; }

bool within(u64 addr, u64 lo, u64 hi) { return addr >= lo && addr < hi; }

// The running thread's stack: the scheduler's description, else (no
// scheduler, or a thread that runs on the CPU's boot stack) the boot stack.
Thread running_thread(unsigned cpu) {
    Thread t;
    if (!tn_fault_thread(&t))
        t = {};
    if (t.stack_top == 0) {
        t.guard_base = stacks::guard(cpu);
        t.stack_base = t.guard_base + TN_ARCH_STACK_GUARD;
        t.stack_top = stacks::top(cpu);
    }
    return t;
}

// An access below the stack (a data abort there) or SP below it: the stack
// overflowed into the unmapped range under it.
bool stack_overflow(const Frame& f, const Thread& t) {
    u32 ec = esr::ec(f.esr);
    bool data_abort = ec == esr::ec_code::data_abort_same || ec == esr::ec_code::data_abort_lower;
    if (data_abort && !esr::far_not_valid(f.esr) && within(f.far, t.guard_base, t.stack_base))
        return true;
    return within(f.sp, t.guard_base, t.stack_base);
}

void print_thread(const Thread& t, unsigned cpu) {
    if (t.name)
        tn_printf("  thread \"%s\" on CPU %u", t.name, cpu);
    else
        tn_printf("  CPU %u", cpu);
    tn_printf(", stack 0x%016lx-0x%016lx\n", t.stack_base, t.stack_top);
}

void print_overflow(const Frame& f, const Thread& t, unsigned cpu) {
    if (t.name)
        tn_printf("  stack overflow: thread \"%s\" ran past the bottom of its stack", t.name);
    else
        tn_printf("  stack overflow: CPU %u ran past the bottom of its boot stack", cpu);
    bool above = f.sp >= t.stack_base;
    tn_printf(", 0x%016lx (sp 0x%016lx, bottom%c0x%lx)\n", t.stack_base, f.sp, above ? '+' : '-',
              above ? f.sp - t.stack_base : t.stack_base - f.sp);
}

void print_abort(u64 esr, u64 far) {
    char what[48];
    u32 ec = esr::ec(esr);
    tn_printf("  %s", esr::fsc_describe(esr::fsc(esr), what, sizeof what));
    if (ec == esr::ec_code::data_abort_same || ec == esr::ec_code::data_abort_lower)
        tn_printf(" on %s", esr::write_not_read(esr) ? "write" : "read");
    if (esr::far_not_valid(esr))
        tn_printf(", fault address unknown\n");
    else
        tn_printf(" at address 0x%016lx\n", far);
}

void print_registers(const Frame& f) {
    for (int i = 0; i < 31; ++i)
        tn_printf("  x%-2d 0x%016lx%s", i, f.x[i], (i % 3 == 2 || i == 30) ? "\n" : "");
    tn_printf("  sp  0x%016lx  spsr 0x%08lx\n", f.sp, f.spsr);
}

// Everything but the thread: what a report of a fault in a report prints,
// as the thread's description may be what faulted.
void report_exception(const Frame& f, unsigned kind) {
    u32 ec = esr::ec(f.esr);
    tn_printf("  ESR 0x%08lx (EC 0x%02x, ISS 0x%07x)\n", f.esr, ec, esr::iss(f.esr));
    if (kind == 0 && esr::is_abort(ec))
        print_abort(f.esr, f.far);
    tn_printf("  PC  0x%016lx (link address 0x%lx: addr2line -e <image>.elf 0x%lx)\n", f.elr,
              link_address(f.elr), link_address(f.elr));
    tn_printf("  LR  0x%016lx (link address 0x%lx)\n", f.x[30], link_address(f.x[30]));
}

void print_header(const Frame& f, unsigned kind) {
    tn_printf("\n*** Tenon fatal exception: %s", k_kind_names[kind & 3]);
    if (kind == 0)
        tn_printf(": %s", esr::ec_name(esr::ec(f.esr)));
    tn_printf("\n");
}

// What make symbolize needs to map every run-time address of the report.
void print_image() {
    u64 loaded = reinterpret_cast<u64>(__tn_image_start);
    tn_printf("  image loaded at 0x%lx, linked at 0x%lx (load offset 0x%lx)\n", loaded, link_address(loaded),
              tn_arch_load_offset);
}

}  // namespace

void report(const Frame& f, unsigned kind) {
    unsigned cpu = this_cpu();
    print_header(f, kind);
    Thread t = running_thread(cpu);
    bool overflow = stack_overflow(f, t);
    if (overflow)
        print_overflow(f, t, cpu);
    report_exception(f, kind);
    print_thread(t, cpu);
    print_image();
    print_registers(f);
}

}  // namespace tn::fault

extern "C" [[noreturn]] void tn_arch_fatal(tn::arch::Frame* frame, unsigned kind) {
    using namespace tn::fault;
    tn::u8& depth = g_depth[this_cpu()];
    if (++depth > 2)
        tn_arch_halt();  // the report of a fault in a report faulted as well
    if (depth == 2 || (kind & k_kind_nested)) {
        tn_printf("\n*** Tenon: exception in an exception handler; its report:");
        print_header(*frame, kind & 3);
        report_exception(*frame, kind & 3);
        print_image();
        print_registers(*frame);
    } else {
        report(*frame, kind & 3);
    }
    tn::plat::power_off(k_fault_status);
}

// Without a scheduler there is no thread to name (lib/sched overrides this).
extern "C" [[gnu::weak]] bool tn_fault_thread(tn::fault::Thread*) { return false; }

// Synchronous exceptions of the kernel's own EL: an FP/SIMD access trap may
// be the lazy FP context switch (then the instruction runs again); anything
// else is fatal.
extern "C" void tn_arch_sync(tn::arch::Frame* frame) {
    using namespace tn::fault;
#ifdef CONFIG_ARCH_ARM64_EL0
    // A process's memory that the kernel's accessors could not reach: they
    // return an error (tn/arch/uspace.hpp).
    if (esr::ec(frame->esr) == esr::ec_code::data_abort_same && tn::arch::uaccess_fixup(*frame))
        return;
#endif
    if (esr::ec(frame->esr) == esr::ec_code::fp_access) {
        const char* why = "";
        if (fp_trap(*frame, why))
            return;
        report(*frame, 0);
        tn_printf("  %s\n", why);
        tn::plat::power_off(k_fault_status);
    }
    tn_arch_fatal(frame, 0);
}

// Without an interrupt-controller library nothing enables IRQs, so one arriving
// here is a bug worth a report.
extern "C" [[gnu::weak]] void tn_arch_irq(tn::arch::Frame* frame) {
    tn::fault::report(*frame, 1);
    tn::plat::power_off(tn::arch::k_fault_status);
}
// The vectors' lean IRQ entry: ask for the full frame, for the report above.
extern "C" [[gnu::weak]] int tn_arch_irq_lean() { return 1; }

// A failed TN_ASSERT (tn/assert.hpp): a kernel bug, reported like a fault. The
// caller's address is given at link time for addr2line / make symbolize.
extern "C" [[noreturn]] void tn_assert_failed(const char* expr, const char* file, int line) {
    using namespace tn::fault;
    irq_disable();
    tn::u64 caller = reinterpret_cast<tn::u64>(__builtin_return_address(0));
    tn_printf("\n*** assertion failed on CPU %u: %s\n  at %s:%d (called from 0x%lx)\n", this_cpu(), expr, file, line,
              link_address(caller));
    print_image();
    tn::plat::power_off(k_fault_status);
}
