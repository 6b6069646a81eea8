// Secondary CPU bring-up on QEMU virt (CONFIG_TN_SMP).
//
// The CPUs are the device tree's /cpus/cpu@N nodes (reg = MPIDR affinity,
// enable-method "psci"); the boot CPU is the one whose reg matches its own
// MPIDR_EL1. Each other CPU, in tree order, gets the next logical number and
// is started with PSCI CPU_ON(mpidr, tn_arch_secondary_entry, number), one at
// a time: the boot CPU waits for it to report online (or a timeout) before
// starting the next, so numbering and console output are deterministic.
// Without a device tree, CPUs with Aff0 = 1, 2, ... are tried until PSCI
// says there is no such CPU (QEMU virt numbers its CPUs that way).
#if !defined(CONFIG_LIBIRQ) || !defined(CONFIG_DRV_TIMER_ARM_GENERIC)
#error "QEMU virt: TN_MAX_CPUS > 1 needs interrupts (cross-CPU calls): enable DRV_IRQ_GICV2 or DRV_IRQ_GICV3, and DRV_TIMER_ARM_GENERIC"
#endif

#include <tn/arch/psci.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/console.hpp>
#include <tn/drivers/arm_generic_timer.hpp>
#include <tn/fdt.hpp>
#include <tn/irq.hpp>
#include <tn/irq_impl.hpp>
#include <tn/plat.hpp>
#include <tn/plat/qemu_virt.hpp>
#include <tn/smp.hpp>

#include "board.hpp"

extern "C" char tn_arch_secondary_entry[];

namespace tn::plat::qemu_virt {

namespace {

// PSCI return codes (DEN 0022D §5.2.2).
constexpr i64 k_psci_invalid_parameters = -2;

// Starts @p mpidr as logical CPU @p cpu. Returns the PSCI status.
i64 start_cpu(unsigned cpu, u64 mpidr) {
    auto entry = reinterpret_cast<u64>(tn_arch_secondary_entry);  // identity mapped: also its physical address
    CpuStart s = qemu_virt::start_cpu(cpu, mpidr, entry, board().psci);
    if (s.psci == 0 && !s.online)
        tn_printf("Tenon: CPU %u (MPIDR 0x%lx) did not come online within 1 s\n", cpu, mpidr);
    return s.psci;
}

void report_failure(u64 mpidr, i64 r) {
    tn_printf("Tenon: cannot start CPU with MPIDR 0x%lx: PSCI CPU_ON returned %ld (%s)\n", mpidr, r,
              psci_error_name(r));
}

struct Walk {
    u64 self;
    unsigned& next;
    bool any;  // the tree has a CPU node
};

bool start_node(const Cpu& c, void* ctx) {
    Walk& w = *static_cast<Walk*>(ctx);
    w.any = true;
    if (c.mpidr == w.self)
        return true;
    if (!c.psci) {
        tn_printf("Tenon: CPU with MPIDR 0x%lx has no PSCI enable-method; left off\n", c.mpidr);
        return true;
    }
    if (w.next == smp::k_max_cpus) {
        tn_printf("Tenon: CPU with MPIDR 0x%lx left off (TN_MAX_CPUS=%u)\n", c.mpidr, smp::k_max_cpus);
        return true;
    }
    if (i64 r = start_cpu(w.next, c.mpidr); r != 0)
        report_failure(c.mpidr, r);
    else
        ++w.next;
    return true;
}

// The tree's CPU nodes, in order. Returns false if it has no usable /cpus.
bool start_from_device_tree(unsigned& next) {
    auto dt = device_tree();
    if (!dt.ok())
        return false;
    Walk w{own_affinity(), next, false};
    return for_each_cpu(dt.value(), start_node, &w) && w.any;
}

void start_by_probing(unsigned& next) {
    u64 cluster = own_affinity() & ~u64{0xff};
    for (u64 aff0 = 0; aff0 < 256 && next < smp::k_max_cpus; ++aff0) {
        u64 mpidr = cluster | aff0;
        if (mpidr == own_affinity())
            continue;
        i64 r = start_cpu(next, mpidr);
        if (r == k_psci_invalid_parameters)
            return;  // no such CPU: the end of the cluster
        if (r != 0)
            report_failure(mpidr, r);
        else
            ++next;
    }
}

[[noreturn]] void secondary_fail(unsigned cpu, const char* what, const char* why) {
    tn_printf("Tenon: CPU %u: cannot set up %s: %s\n", cpu, what, why);
    // Never marked online: the boot CPU reports the timeout and goes on.
    arch::tn_arch_halt();
}

}  // namespace

}  // namespace tn::plat::qemu_virt

using namespace tn;
using namespace tn::plat::qemu_virt;

namespace tn::plat {

void start_secondary_cpus() {
    if (!irq::init_cross_calls().ok()) {
        tn_printf("Tenon: SGI %u for cross-CPU calls unavailable; secondary CPUs left off\n", smp::k_call_sgi);
        return;
    }
    unsigned next = 1;
    if (!start_from_device_tree(next))
        start_by_probing(next);
#ifdef CONFIG_PLAT_QEMU_VIRT_BOOT_INFO
    tn_printf("Tenon: %u of %u CPUs online\n", smp::online_count(), next);
#endif
}

}  // namespace tn::plat


extern "C" [[noreturn]] void tn_plat_secondary_start(unsigned cpu) {
    if (auto r = irq::init_this_cpu(); !r.ok())
        secondary_fail(cpu, "its interrupt controller interface", irq::error_name(r.error()));
    if (auto r = arm_generic_timer::init_this_cpu(); !r.ok())
        secondary_fail(cpu, "its timer", "interrupt unavailable");
    if (auto r = irq::enable_cross_calls_this_cpu(); !r.ok())
        secondary_fail(cpu, "its cross-CPU call SGI", irq::error_name(r.error()));
#ifdef CONFIG_PLAT_QEMU_VIRT_BOOT_INFO
    tn_printf("Tenon: CPU %u online, MPIDR 0x%lx\n", cpu, own_affinity());
#endif
    smp::cpu_online(cpu);
    tn_secondary_main(cpu);
}
