// Mortise's platform on QEMU virt at EL2 (the lib/boot contract, tn/plat.hpp,
// and Mortise's, mortise/platform.hpp): the boot path from the arch's EL2
// entry, the console (output and input) on the PL011, the physical GICv3 and the EL2 timer
// (hyp/core's init_host_interrupts), secondary CPUs and power-off through PSCI.
#include <mortise/platform.hpp>
#include <tn/arch/fault.hpp>
#include <tn/arch/psci.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/boot.hpp>
#include <tn/console.hpp>
#include <tn/drivers/pl011.hpp>
#include <tn/plat.hpp>
#include <tn/plat/qemu_virt.hpp>

#include "board.hpp"

/// One line on the console from Mortise.
#define MLOG(fmt, ...) tn_printf("mortise: " fmt "\n" __VA_OPT__(, ) __VA_ARGS__)

extern "C" char mortise_secondary_entry[];

namespace tn::plat::mortise_qemu_virt {

namespace {

// Until the device tree names the console: where QEMU virt has its UART.
pl011::Uart g_uart{CONFIG_PLAT_QEMU_VIRT_UART_BASE};

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
    arch::psci_call(arch::PsciConduit::Hvc, arch::psci_fn::system_off);
    arch::tn_arch_halt();
}

// No usable device tree: say why on QEMU virt's UART and stop. PSCI through
// SMC: QEMU emulates EL3 firmware when it starts us at EL2.
[[noreturn]] void refuse_board(const char* why) {
    MLOG("cannot start: %s", why);
    g_uart.flush();
    arch::psci_call(arch::PsciConduit::Smc, arch::psci_fn::system_off);
    arch::tn_arch_halt();
}

}  // namespace

}  // namespace tn::plat::mortise_qemu_virt

using namespace tn;
using namespace tn::plat::mortise_qemu_virt;

extern "C" [[noreturn]] void mortise_start(u64 dtb, unsigned entry_el) {
    if (entry_el != 2)
        refuse_el1();
    const char* why = discover(dtb);
    if (!why)
        g_uart = pl011::Uart{mortise::board().uart};
    g_uart.init();
    console::set_sink(uart_put, nullptr);
    if (why)
        refuse_board(why);
    if (!mortise::enable_mmu(mortise::board()))
        plat::power_off(1);
    mortise::init_host_interrupts(mortise::board());
    boot::run();
}

// Console input for the core (mortise/platform.hpp) on the same PL011.
namespace mortise {

// The receive interrupt at an eighth of the FIFO (QEMU raises it on the first
// byte whatever the level) and the receive timeout for bytes left below it.
void console_rx_enable() { g_uart.enable_rx_interrupts(pl011::RxLevel::Eighth); }
void console_rx_clear() { g_uart.clear_rx_interrupts(); }
int console_try_get() { return g_uart.try_get(); }

}  // namespace mortise

namespace tn::plat {

// The boot CPU must be the first in /cpus, as on QEMU virt: CPU numbers are
// the partition description's.
void start_secondary_cpus() {
    const mortise::Board& b = mortise::board();
    if (b.cpu_mpidr[0] != qemu_virt::own_affinity())
        MLOG("the boot CPU (MPIDR 0x%lx) is not the first in /cpus; CPU numbers may not match the description",
             qemu_virt::own_affinity());
    auto entry = reinterpret_cast<u64>(mortise_secondary_entry);
    for (unsigned cpu = 1; cpu < b.cpu_count; ++cpu) {
        qemu_virt::CpuStart s = qemu_virt::start_cpu(cpu, b.cpu_mpidr[cpu], entry, psci());
        if (s.psci != 0)
            MLOG("cannot start CPU %u (MPIDR 0x%lx): PSCI CPU_ON returned %ld", cpu, b.cpu_mpidr[cpu], s.psci);
        else if (!s.online)
            MLOG("CPU %u (MPIDR 0x%lx) did not come online within 1 s", cpu, b.cpu_mpidr[cpu]);
    }
}

void power_off(int status) {
    tn_printf("mortise: exit status %d, powering off\n", status);
    g_uart.flush();
    arch::psci_call(psci(), arch::psci_fn::system_off);
    arch::tn_arch_halt();
}

}  // namespace tn::plat
