// Secondary CPU bring-up on the RK3568 (CONFIG_TN_SMP): each CPU of the
// board (device tree /cpus, else the board's four, one per Aff1: 0x000,
// 0x100, 0x200, 0x300) other than the boot CPU gets the next logical number
// and is started with PSCI CPU_ON through TF-A, one at a time: the boot CPU
// waits until it reports online (or 1 s passes) before starting the next.
#include <tn/arch/sysreg.hpp>
#include <tn/console.hpp>
#include <tn/drivers/arm_generic_timer.hpp>
#include <tn/irq.hpp>
#include <tn/irq_impl.hpp>
#include <tn/plat.hpp>
#include <tn/smp.hpp>

#include "board.hpp"

extern "C" char tn_arch_secondary_entry[];

namespace tn::plat::rk3568 {

namespace {

// Starts @p mpidr as logical CPU @p cpu (cpu_start.cpp); true once it is online.
bool bring_up(unsigned cpu, u64 mpidr) {
    auto entry = reinterpret_cast<u64>(tn_arch_secondary_entry);  // identity mapped: its physical address
    CpuStart s = rk3568::start_cpu(cpu, mpidr, entry, board().psci_smc);
    if (s.psci != 0) {
        tn_printf("rk3568: cannot start CPU with MPIDR 0x%lx: PSCI CPU_ON returned %ld (%s)\n", mpidr, s.psci,
                  psci_error_name(s.psci));
        return false;
    }
    if (!s.online) {
        tn_printf("rk3568: CPU %u (MPIDR 0x%lx) did not come online within 1 s\n", cpu, mpidr);
        return false;
    }
    return true;
}

[[noreturn]] void secondary_fail(unsigned cpu, const char* what, const char* why) {
    tn_printf("rk3568: CPU %u: cannot set up %s: %s\n", cpu, what, why);
    arch::tn_arch_halt();  // never marked online: the boot CPU reports the timeout
}

}  // namespace

}  // namespace tn::plat::rk3568

using namespace tn;
using namespace tn::plat::rk3568;

namespace tn::plat {

void start_secondary_cpus() {
    if (!irq::init_cross_calls().ok()) {
        tn_printf("rk3568: SGI %u for cross-CPU calls unavailable; secondary CPUs left off\n", smp::k_call_sgi);
        return;
    }
    u64 self = arch::MpidrEl1::read() & k_affinity_mask;
    unsigned next = 1;
    for (usize i = 0; i < board().cpu_count; ++i) {
        u64 mpidr = board().cpus[i];
        if (mpidr == self)
            continue;
        if (next == smp::k_max_cpus) {
            tn_printf("rk3568: CPU with MPIDR 0x%lx left off (TN_MAX_CPUS=%u)\n", mpidr, smp::k_max_cpus);
            continue;
        }
        if (bring_up(next, mpidr))
            ++next;
    }
#ifdef CONFIG_PLAT_RK3568_BOOT_INFO
    tn_printf("rk3568: %u CPUs online\n", smp::online_count());
#endif
}

}  // namespace tn::plat

extern "C" [[noreturn]] void tn_plat_secondary_start(unsigned cpu) {
    if (auto r = irq::init_this_cpu(); !r.ok())
        secondary_fail(cpu, "its GIC redistributor and CPU interface", irq::error_name(r.error()));
    if (auto r = arm_generic_timer::init_this_cpu(); !r.ok())
        secondary_fail(cpu, "its timer", "interrupt unavailable");
    if (auto r = irq::enable_cross_calls_this_cpu(); !r.ok())
        secondary_fail(cpu, "its cross-CPU call SGI", irq::error_name(r.error()));
    smp::cpu_online(cpu);
    tn_secondary_main(cpu);
}
