// QEMU virt board code shared by the platforms that run on that board at
// either exception level: Tenon at EL1 (plat/qemu-virt, plat/mortise-guest)
// and Mortise at EL2 (plat/mortise-qemu-virt). It reads the device tree QEMU
// passes and starts CPUs through PSCI; what each level does with the answers
// (fall back to board constants, or refuse to run) stays with its platform.
#pragma once

#include <tn/arch/psci.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/fdt.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::plat::qemu_virt {

/// MPIDR_EL1 affinity fields Aff3-Aff0: what /cpus reg values and CPU_ON name.
constexpr u64 k_affinity_mask = arch::MpidrEl1::affinity_mask;
/// hw/arm/virt.c a15irqmap: UART0 is SPI 1, for trees whose PL011 has no `interrupts`.
constexpr u32 k_uart_intid = 33;
/// GICv3 binding: the virtual-interface maintenance interrupt is PPI 9 on every Arm
/// reference design (and on QEMU virt), for trees that do not name it.
constexpr u32 k_gic_maintenance_intid = 25;

/// The console PL011: the first available arm,pl011 node.
struct Uart {
    u64 base;             ///< its first reg entry
    u64 size;             ///< of its first reg entry
    u32 intid;            ///< from the tree, else k_uart_intid
    bool intid_from_tree; ///< the tree gave the intid
};

/// A CPU node of /cpus (device_type "cpu", available, with a decodable reg).
struct Cpu {
    u64 mpidr;  ///< reg, masked with k_affinity_mask
    bool psci;  ///< enable-method is "psci"
};

/// Called for each CPU node, in tree order; returns false to stop the walk.
using CpuVisitor = bool (*)(const Cpu& cpu, void* ctx);

/// The PSCI conduit the tree's /psci node names. Errors: the tree's (NotFound: no node).
Result<arch::PsciConduit, fdt::Error> psci_conduit(const fdt::Fdt& dt);

/// The console UART. Errors: NotFound when the tree has no arm,pl011 node.
Result<Uart, fdt::Error> console_uart(const fdt::Fdt& dt);

/// Walks /cpus. Returns false when the tree has no /cpus node. Any context.
bool for_each_cpu(const fdt::Fdt& dt, CpuVisitor visit, void* ctx);

/// The calling CPU's affinity (MPIDR_EL1 & k_affinity_mask).
u64 own_affinity();

/// How start_cpu() went.
struct CpuStart {
    i64 psci;       ///< CPU_ON's status: 0 when the call succeeded
    bool online;    ///< the CPU reported online within 1 s (only when psci == 0)
};

/// Starts the CPU @p mpidr as logical CPU @p cpu: tn::smp::cpu_starting(), then PSCI
/// CPU_ON(mpidr, @p entry, cpu) through @p conduit, then waits up to 1 s (by the
/// generic counter) for it to call tn::smp::cpu_online(). Boot CPU, thread context,
/// one CPU at a time (numbering and console output stay deterministic).
CpuStart start_cpu(unsigned cpu, u64 mpidr, u64 entry, arch::PsciConduit conduit);

/// The name of a PSCI return code (DEN 0022D 5.2.2), for messages.
const char* psci_error_name(i64 r);

}  // namespace tn::plat::qemu_virt
