// The Rockchip RK3568 as the device tree U-Boot passes describes it
// (docs/boards/rk3568.md): RAM banks from /memory (U-Boot adds them; the
// kernel's .dtb has none), the console from /chosen stdout-path (UART2, a
// Synopsys DesignWare APB UART, 1,500,000 baud), the GIC-600's distributor
// and redistributor frames, the CPUs by MPIDR (one Cortex-A55 per Aff1:
// 0x000, 0x100, 0x200, 0x300), PSCI through SMC to TF-A, and the generic
// timer's virtual PPI. Discovery is portable: it only reads the tree, so host
// tests run it on the real rk3568 .dtbs (plat/rk3568/tests). Both platforms
// of the board build this part (PLAT_RK3568_DT): Tenon's at EL1 (plat/rk3568)
// and Mortise's at EL2 (plat/mortise-rk3568), which also share start_cpu().
#pragma once

#include <tn/drivers/ns16550.hpp>
#include <tn/fdt.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::plat::rk3568 {

constexpr usize k_max_ram_banks = 8;
constexpr usize k_max_cpus = 8;
/// MPIDR_EL1 affinity fields Aff3..Aff0 (what /cpus reg and PSCI CPU_ON use).
constexpr u64 k_affinity_mask = 0xff00ffffffull;

/// What the board code needs from the tree; discover() sets a bit for each
/// part it could not find.
enum Part : u32 {
    k_ram = 1u << 0,      ///< No available /memory node with a reg.
    k_console = 1u << 1,  ///< stdout-path missing, or not a 16550/DesignWare UART with a reg.
    k_gic = 1u << 2,      ///< No arm,gic-v3 with distributor and redistributor frames.
    k_cpus = 1u << 3,     ///< No /cpus with a PSCI-started CPU.
    k_psci = 1u << 4,     ///< No arm,psci node with method "smc" or "hvc".
    k_timer = 1u << 5,    ///< No arm,armv8-timer virtual PPI.
};
constexpr u32 k_all_parts = 0x3f;

/// One sentence for part @p p (a single Part bit): what is missing and how to fix it.
const char* missing_text(u32 p);

/// The console UART: the node /chosen stdout-path names.
struct Console {
    ns16550::Config uart;  ///< From the node (reg, reg-shift, reg-io-width) and the stdout-path options.
    u32 intid;             ///< GIC INTID of its first interrupt; 0 if it has none.
    fdt::Node node;        ///< The UART's node, for more of its properties.
};

/// The GIC-600 (arm,gic-v3) frames from its node's reg entries.
struct Gic {
    u64 dist;                 ///< Distributor (GICD) base.
    u64 dist_size;            ///< Its size (64 KiB).
    u64 redist;               ///< The first redistributor region (GIC-600: one, 128 KiB per CPU).
    u64 redist_size;          ///< Its size (4 x 128 KiB on rk3568).
    u32 maintenance_intid;    ///< The virtual interface's maintenance PPI (the node's interrupts); 0 if none.
};

/// What discover() found in the tree.
struct Board {
    fdt::Region ram[k_max_ram_banks];  ///< /memory banks, tree order.
    usize ram_count;                   ///< Entries of ram in use.
    Console console;                   ///< The stdout-path UART.
    Gic gic;                           ///< The interrupt controller.
    u64 cpus[k_max_cpus];  ///< MPIDR affinities, tree order; only CPUs with enable-method "psci".
    usize cpu_count;       ///< Entries of cpus in use.
    bool psci_smc;         ///< PSCI conduit: SMC (true) or HVC.
    u32 timer_intid;       ///< EL1 virtual timer PPI.
    u32 missing;           ///< Part bits discover() could not fill.
};

/// Reads everything Board holds from @p dt; each part not found sets its
/// bit in Board::missing and leaves its fields zero. Any context.
Board discover(const fdt::Fdt& dt);

/// The RAM bank holding @p address, or nullptr.
const fdt::Region* bank_holding(const Board& b, u64 address);

/// How start_cpu() went.
struct CpuStart {
    i64 psci;     ///< CPU_ON's status: 0 when the call succeeded
    bool online;  ///< the CPU reported online within 1 s (only when psci == 0)
};

/// Starts the CPU whose MPIDR affinity is @p mpidr (a Board::cpus entry) as
/// logical CPU @p cpu: tn::smp::cpu_starting(), then PSCI CPU_ON(mpidr,
/// @p entry, cpu) through SMC (@p psci_smc) or HVC, then waits up to 1 s (by
/// the generic counter) for it to call tn::smp::cpu_online(). @p entry is a
/// physical address (the caller's images run identity mapped). Boot CPU,
/// thread context, one CPU at a time, so numbering and console output stay
/// deterministic. Not built into host tests.
CpuStart start_cpu(unsigned cpu, u64 mpidr, u64 entry, bool psci_smc);

/// The name of a PSCI return code (DEN 0022D 5.2.2), for messages.
const char* psci_error_name(i64 r);

}  // namespace tn::plat::rk3568
