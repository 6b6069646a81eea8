// The contract between Mortise's core (hyp/core) and the platform library of
// the board it runs on (plat/mortise-*, selected by TN_PLATFORM). The core
// names no board and no address: it learns the machine from board() and
// otherwise uses lib/boot's platform contract (tn/plat.hpp:
// start_secondary_cpus, power_off) and drives the console UART's input
// through the functions below, whatever kind of UART the board has (a PL011
// on QEMU virt, a 16550 on rk3568).
//
// The platform owns the boot CPU's path: the arch's EL2 entry calls
// mortise_start(dtb, entry_el) (arch/arm64/src/el2/entry.S), which discovers
// the board, brings up the console, calls enable_mmu() and
// init_host_interrupts() and runs lib/boot (tn::boot::run: secondary CPUs,
// then main()). Each CPU the platform's start_secondary_cpus() started enters
// the core's mortise_secondary_start(cpu): its GIC interface and EL2 timer,
// init_cpu_interrupts(), online, then the idle loop (tn_secondary_main).
#pragma once

#include <tn/types.hpp>

namespace mortise {

constexpr unsigned k_max_cpus = CONFIG_TN_MAX_CPUS;

struct Range {
    tn::u64 base;
    tn::u64 size;
};

/// The host machine as the platform found it. Guests are laid out against it.
struct Board {
    Range ram[4];
    unsigned ram_count;
    tn::u64 uart, uart_size;    ///< the console UART Mortise keeps for itself (its register frame)
    tn::u32 uart_intid;         ///< its interrupt (an SPI, level-triggered like every console UART's)
    tn::u32 maintenance_intid;  ///< the GIC's virtual-interface maintenance PPI
    tn::u64 gicd, gicd_size;    ///< GICv3 distributor
    tn::u64 gicr, gicr_size;    ///< GICv3 redistributors
    tn::u64 cpu_mpidr[k_max_cpus];  ///< by logical CPU number (the partition description's cpu indices)
    unsigned cpu_count;
    tn::u64 dtb, dtb_size;  ///< the host device tree (guests' trees are derived from it)
};

// ---- Provided by the platform ----

/// The board. @pre mortise_start discovered it (true from lib/boot's run on).
/// Any CPU, any context: it never changes after boot.
const Board& board();

// Console input. The core owns the console UART's interrupt (Board::uart_intid):
// it registers its handler and enables the INTID at the GIC; the platform owns
// the UART itself, whose receive path differs by kind. The core's handler runs
// console_rx_clear() and then console_try_get() until it returns -1.

/// Unmasks the console UART's receive interrupts (data received, and data left
/// in the FIFO once the line went idle), leaving every other source masked.
/// Boot CPU, thread context (the core's main()), once, after the core registered
/// its handler for Board::uart_intid; IRQs may be unmasked. Cannot fail.
void console_rx_enable();

/// Acknowledges the console UART's receive interrupt. Must come before the reads
/// (console_try_get()), never after: a byte arriving after the last read must
/// raise the interrupt again, which an acknowledgement after the loop would
/// cancel. IRQ context on the CPU taking Board::uart_intid (one at a time).
void console_rx_clear();

/// The oldest byte the console UART received, or -1 when none is waiting. Line
/// errors are dropped with their byte's flags (the console has no use for them).
/// Never blocks. The core's interrupt handler only (one CPU at a time).
int console_try_get();

// ---- Provided by the core, for the platform's boot path ----

/// Builds Mortise's own EL2 address space for @p b (RAM, the image with W^X,
/// the GIC and the UART) and turns the MMU and caches on; also publishes what
/// the secondary CPUs load. Boot CPU, MMU off, IRQs masked, console up.
/// False after reporting why not (naming the Kconfig option to raise).
bool enable_mmu(const Board& b);

/// Sets up the calling CPU's hypervisor interrupts (kick SGI, virtual timer and
/// GIC maintenance PPIs). Every CPU, once its GIC interface and EL2 timer are
/// up and before it is marked online; IRQs masked.
void init_cpu_interrupts();

/// Sets up the physical GICv3 of @p b and the EL2 timer through the shared
/// drivers, then init_cpu_interrupts(); a failure is reported and powers off
/// (status 1). Boot CPU, after enable_mmu(), IRQs masked.
void init_host_interrupts(const Board& b);

}  // namespace mortise
