// Fatal exception report: what happened, where, and the registers, then the
// platform powers off with tn::arch::k_fault_status.
#include <tn/arch/esr.hpp>
#include <tn/arch/fault.hpp>
#include <tn/arch/fpu.hpp>
#include <tn/arch/frame.hpp>
#include <tn/console.hpp>
#include <tn/plat.hpp>


namespace tn::arch {

namespace {

const char* const k_kind_names[] = {"synchronous exception", "unexpected IRQ", "unexpected FIQ", "SError"};

// Link-time address of a run-time address, so that addr2line -e <image>.elf
// resolves it whatever address the image was loaded at.
u64 link_address(u64 addr) { return addr - tn_arch_load_offset; }

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

}  // namespace

void report_fatal(const Frame& f, unsigned kind) {
    u32 ec = esr::ec(f.esr);
    tn_printf("\n*** Tenon fatal exception: %s", k_kind_names[kind & 3]);
    if (kind == 0)
        tn_printf(": %s", esr::ec_name(ec));
    tn_printf("\n  ESR 0x%08lx (EC 0x%02x, ISS 0x%07x)\n", f.esr, ec, esr::iss(f.esr));
    if (kind == 0 && esr::is_abort(ec))
        print_abort(f.esr, f.far);
    tn_printf("  PC  0x%016lx (link address 0x%lx: addr2line -e <image>.elf 0x%lx)\n", f.elr,
              link_address(f.elr), link_address(f.elr));
    tn_printf("  LR  0x%016lx (link address 0x%lx)\n", f.x[30], link_address(f.x[30]));
    print_registers(f);
}

}  // namespace tn::arch

extern "C" [[noreturn]] void tn_arch_fatal(tn::arch::Frame* frame, unsigned kind) {
    tn::arch::report_fatal(*frame, kind);
    tn::plat::power_off(tn::arch::k_fault_status);
}

// Synchronous exceptions of the kernel's own EL: an FP/SIMD access trap may
// be the lazy FP context switch (then the instruction runs again); anything
// else is fatal.
extern "C" void tn_arch_sync(tn::arch::Frame* frame) {
    using namespace tn::arch;
    if (esr::ec(frame->esr) == esr::ec_code::fp_access) {
        const char* why = "";
        if (fp_trap(*frame, why))
            return;
        report_fatal(*frame, 0);
        tn_printf("  %s\n", why);
        tn::plat::power_off(k_fault_status);
    }
    tn_arch_fatal(frame, 0);
}

// Without an interrupt-controller library nothing enables IRQs, so one arriving
// here is a bug worth a report.
extern "C" [[gnu::weak]] void tn_arch_irq(tn::arch::Frame* frame) {
    tn::arch::report_fatal(*frame, 1);
    tn::plat::power_off(tn::arch::k_fault_status);
}
