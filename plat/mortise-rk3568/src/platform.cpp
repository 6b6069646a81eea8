// Mortise's platform on the RK3568 at EL2 (the lib/boot contract, tn/plat.hpp,
// and Mortise's, mortise/platform.hpp): the boot path from the arch's EL2
// entry, the console (output and input) on the stdout-path 16550 (UART2, a
// DesignWare APB UART: 32-bit registers 4 bytes apart), the GIC-600 and the
// EL2 timer (hyp/core's init_host_interrupts), secondary CPUs and power-off through
// PSCI to TF-A.
#include <mortise/platform.hpp>
#include <tn/arch/fault.hpp>
#include <tn/arch/psci.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/boot.hpp>
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/drivers/ns16550.hpp>
#include <tn/plat.hpp>
#include <tn/plat/rk3568.hpp>

#include "board.hpp"

/// One line on the console from Mortise.
#define MLOG(fmt, ...) tn_printf("mortise: " fmt "\n" __VA_OPT__(, ) __VA_ARGS__)

extern "C" char mortise_secondary_entry[];

namespace tn::plat::mortise_rk3568 {

namespace {

// Until the device tree names the console: UART2, the debug console of every
// RK3568 board, at the line firmware set up (1,500,000 8N1; init() keeps the divisor).
ns16550::Uart g_uart{ns16550::Config{CONFIG_PLAT_RK3568_UART_BASE, 2, 4, true, 0, 0}};
// The receive FIFO level for the received-data interrupt: half of its 64 bytes;
// fewer bytes raise the character-timeout interrupt after four character times
// (27 us at 1,500,000 baud), so a single key press is not held back.
constexpr ns16550::RxLevel k_rx_level = ns16550::RxLevel::Half;

void uart_put(char c, void*) { g_uart.put(c); }

void raw_puts(const char* s) {
    for (; *s; ++s) {
        if (*s == '\n')
            g_uart.put('\r');
        g_uart.put(*s);
    }
}

// Entered at EL1: no EL2 set-up happened, TPIDR_EL2 (the CPU number the
// console lock uses) is out of reach, so the message goes straight to the
// UART. PSCI through SMC: TF-A serves EL1 callers too.
[[noreturn]] void refuse_el1() {
    g_uart.init();
    raw_puts("mortise: entered at EL1, but Mortise is a hypervisor and must be entered at EL2.\n"
             "mortise: Boot it with U-Boot's booti from a U-Boot that runs at EL2 (mainline and Rockchip's\n"
             "mortise: do, above TF-A); a U-Boot or loader that drops to EL1 first cannot start Mortise.\n"
             "mortise: exit status 1, powering off\n");
    g_uart.flush();
    arch::psci_call(arch::PsciConduit::Smc, arch::psci_fn::system_off);
    arch::tn_arch_halt();
}

// No usable device tree: say why on UART2 and stop (PSCI through SMC: TF-A).
[[noreturn]] void refuse_board(const char* why) {
    MLOG("cannot start: %s", why);
    g_uart.flush();
    arch::psci_call(arch::PsciConduit::Smc, arch::psci_fn::system_off);
    arch::tn_arch_halt();
}

arch::PsciConduit conduit() { return psci_smc() ? arch::PsciConduit::Smc : arch::PsciConduit::Hvc; }

// One line of what Mortise found: on a board being brought up, the first thing to compare with the tree.
void report(const mortise::Board& b) {
    const ns16550::Config& u = console_uart();
    MLOG("rk3568: console %s UART at 0x%lx (reg-shift %u, %u-byte access, INTID %u), GICv3 GICD 0x%lx GICR "
         "0x%lx+0x%lx, %u CPUs, PSCI via %s, timer %lu Hz",
         u.dw_apb ? "DesignWare" : "16550", b.uart, u.reg_shift, u.io_width, b.uart_intid, b.gicd, b.gicr,
         b.gicr_size, b.cpu_count, psci_smc() ? "smc" : "hvc", clock::frequency_hz());
}

}  // namespace

}  // namespace tn::plat::mortise_rk3568

using namespace tn;
using namespace tn::plat::mortise_rk3568;

extern "C" [[noreturn]] void mortise_start(u64 dtb, unsigned entry_el) {
    if (entry_el != 2)
        refuse_el1();
    const char* why = discover(dtb);
    if (!why)
        g_uart = ns16550::Uart{console_uart()};
    g_uart.init();
    console::set_sink(uart_put, nullptr);
    if (why)
        refuse_board(why);
    if (!mortise::enable_mmu(mortise::board()))
        plat::power_off(1);
    mortise::init_host_interrupts(mortise::board());
    report(mortise::board());
    boot::run();
}

// Console input for the core (mortise/platform.hpp) on the same UART. The
// received-data and character-timeout interrupts clear as the FIFO is read,
// the line-status one as LSR is read (console_try_get() reads it first);
// acknowledging reads IIR, and USR for a DesignWare busy-detect interrupt,
// which nothing else would clear.
namespace mortise {

void console_rx_enable() { g_uart.enable_rx_interrupts(k_rx_level); }
void console_rx_clear() { (void)g_uart.acknowledge(); }
int console_try_get() { return g_uart.try_get(); }

}  // namespace mortise

namespace tn::plat {

// Logical CPU n is Board::cpu_mpidr[n] (the boot CPU first, board.cpp): the
// partition description's CPU numbers. CPU_ON names each by its full MPIDR
// affinity (0x100, 0x200, 0x300 on rk3568).
void start_secondary_cpus() {
    const mortise::Board& b = mortise::board();
    auto entry = reinterpret_cast<u64>(mortise_secondary_entry);
    for (unsigned cpu = 1; cpu < b.cpu_count; ++cpu) {
        rk3568::CpuStart s = rk3568::start_cpu(cpu, b.cpu_mpidr[cpu], entry, psci_smc());
        if (s.psci != 0)
            MLOG("cannot start CPU %u (MPIDR 0x%lx): PSCI CPU_ON returned %ld (%s)", cpu, b.cpu_mpidr[cpu], s.psci,
                 rk3568::psci_error_name(s.psci));
        else if (!s.online)
            MLOG("CPU %u (MPIDR 0x%lx) did not come online within 1 s", cpu, b.cpu_mpidr[cpu]);
    }
}

void power_off(int status) {
    tn_printf("mortise: exit status %d, powering off\n", status);
    g_uart.flush();
    arch::psci_call(conduit(), arch::psci_fn::system_off);
    tn_puts("mortise: PSCI SYSTEM_OFF failed, halting");
    arch::tn_arch_halt();
}

}  // namespace tn::plat
