// Mortise's platform layer on QEMU virt at EL2 (the lib/boot contract,
// tn/plat.hpp): console on the PL011, EL2 MMU, the physical GICv3 and the EL2
// timer through the shared drivers, secondary CPUs through PSCI, power-off.
#include <tn/arch/fault.hpp>
#include <tn/arch/psci.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/boot.hpp>
#include <tn/console.hpp>
#include <tn/drivers/arm_generic_timer.hpp>
#include <tn/drivers/gicv3.hpp>
#include <tn/drivers/pl011.hpp>
#include <tn/irq.hpp>
#include <tn/irq_impl.hpp>
#include <tn/plat.hpp>
#include <tn/smp.hpp>

#include "core.hpp"

extern "C" char mortise_secondary_entry[];

namespace mortise {

namespace {

constexpr u64 k_qemu_uart = 0x0900'0000;
constexpr u64 k_online_timeout_ticks_per_s = 1;

tn::pl011::Uart g_uart{k_qemu_uart};

void uart_put(char c, void*) { g_uart.put(c); }

void raw_puts(const char* s) {
    for (; *s; ++s) {
        if (*s == '\n')
            g_uart.put('\r');
        g_uart.put(*s);
    }
}

// Entered at EL1: no EL2 set-up happened, TPIDR_EL2 (the CPU number the
// console lock uses) is out of reach, so the message goes straight to the UART.
[[noreturn]] void refuse_el1() {
    g_uart.init();
    raw_puts("mortise: entered at EL1, but Mortise is a hypervisor and must be entered at EL2.\n"
             "mortise: Start QEMU with -M virt,virtualization=on (make run does; scripts/qemu-run --el2),\n"
             "mortise: or have the boot loader start the image at EL2.\n"
             "mortise: exit status 1, powering off\n");
    g_uart.flush();
    tn::arch::psci_call(tn::arch::PsciConduit::Hvc, tn::arch::psci_fn::system_off);
    tn::arch::tn_arch_halt();
}

[[noreturn]] void fail(const char* what, unsigned code) {
    MLOG("cannot start: %s (error %u)", what, code);
    tn::plat::power_off(1);
}

TN_SYSREG(IdAa64mmfr0El1, "id_aa64mmfr0_el1", u64);

void enable_mmu(const Board& b) {
    const mmu::Range devices[] = {{b.gicd, 0x10000}, {b.gicr, b.gicr_size}, {b.uart, 0x1000}};
    auto vtcr = stage2::vtcr(static_cast<unsigned>(IdAa64mmfr0El1::read() & 0xf));
    if (auto r = mmu::enable(b.ram, b.ram_count, devices, 3, vtcr); !r.ok())
        fail(r.error() == mmu::Error::TooManyTables ? "out of EL2 translation tables "
                                                      "(raise LIBMORTISE_CORE_EL2_TABLES)"
                                                    : "bad memory range for the EL2 MMU",
             static_cast<unsigned>(r.error()));
}

void init_interrupts(const Board& b) {
    auto gic = tn::gicv3::try_init({b.gicd, b.gicr, b.gicr_size});
    if (!gic.ok())
        fail("GICv3", static_cast<unsigned>(gic.error()));
    tn::irq::install(*gic.value());
    if (auto r = tn::arm_generic_timer::try_init(tn::arm_generic_timer::k_hyp_timer_intid); !r.ok())
        fail("EL2 physical timer", static_cast<unsigned>(r.error()));
    init_cpu_interrupts();
}

bool wait_online(unsigned cpu) {
    u64 freq = tn::arch::CntfrqEl0::read();
    u64 deadline = tn::arch::CntpctEl0::read() + freq * k_online_timeout_ticks_per_s;
    while (!tn::smp::online(cpu)) {
        if (tn::arch::CntpctEl0::read() > deadline)
            return false;
        asm volatile("yield");
    }
    return true;
}

}  // namespace

}  // namespace mortise

using namespace mortise;

extern "C" [[noreturn]] void mortise_start(u64 dtb, unsigned entry_el) {
    if (entry_el != 2)
        refuse_el1();
    Board b;
    const char* why = discover(dtb, b);
    g_uart = tn::pl011::Uart{why ? k_qemu_uart : b.uart};
    g_uart.init();
    tn::console::set_sink(uart_put, nullptr);
    if (why) {
        MLOG("cannot start: %s", why);
        g_uart.flush();
        tn::arch::psci_call(tn::arch::PsciConduit::Smc, tn::arch::psci_fn::system_off);
        tn::arch::tn_arch_halt();
    }
    enable_mmu(b);
    init_interrupts(b);
    tn::boot::run();
}

extern "C" [[noreturn]] void mortise_secondary_start(unsigned cpu) {
    if (auto r = tn::irq::init_this_cpu(); !r.ok()) {
        MLOG("CPU %u: cannot set up its GIC interface (%s)", cpu, tn::irq::error_name(r.error()));
        tn::arch::tn_arch_halt();
    }
    if (!tn::arm_generic_timer::init_this_cpu().ok()) {
        MLOG("CPU %u: cannot set up its EL2 timer", cpu);
        tn::arch::tn_arch_halt();
    }
    init_cpu_interrupts();
    tn::smp::cpu_online(cpu);
    idle(cpu);
}

// lib/boot's default idles with IRQs on; Mortise's idle loop also runs vCPUs.
extern "C" [[noreturn]] void tn_secondary_main(unsigned cpu) { idle(cpu); }

namespace tn::plat {

// CPUs are numbered in /cpus order (the partition description's cpu indices);
// the boot CPU must be the first there, as on QEMU virt.
void start_secondary_cpus() {
    const Board& b = board();
    u64 self = arch::MpidrEl1::read() & 0xff00ffffffull;
    if (b.cpu_mpidr[0] != self)
        MLOG("the boot CPU (MPIDR 0x%lx) is not the first in /cpus; CPU numbers may not match the description",
             self);
    for (unsigned cpu = 1; cpu < b.cpu_count; ++cpu) {
        smp::cpu_starting(cpu, b.cpu_mpidr[cpu]);
        auto entry = reinterpret_cast<u64>(mortise_secondary_entry);
        i64 r = arch::psci_call(b.psci, arch::psci_fn::cpu_on, b.cpu_mpidr[cpu], entry, cpu);
        if (r != 0)
            MLOG("cannot start CPU %u (MPIDR 0x%lx): PSCI CPU_ON returned %ld", cpu, b.cpu_mpidr[cpu], r);
        else if (!wait_online(cpu))
            MLOG("CPU %u (MPIDR 0x%lx) did not come online within 1 s", cpu, b.cpu_mpidr[cpu]);
    }
}

void power_off(int status) {
    tn_printf("mortise: exit status %d, powering off\n", status);
    g_uart.flush();
    arch::psci_call(board().psci, arch::psci_fn::system_off);
    arch::tn_arch_halt();
}

}  // namespace tn::plat

// A synchronous exception or SError at EL2 is a bug in Mortise: report and stop.
extern "C" [[noreturn]] void mortise_el2_fatal(tn::arch::Frame* frame, unsigned kind) {
    tn_printf("mortise: fatal exception in the hypervisor itself\n");
    tn_arch_fatal(frame, kind);
}
