// What every Mortise host platform does the same way once it has found its
// board (mortise/platform.hpp): the physical GICv3 and the EL2 timer through
// the shared drivers on the boot CPU, and each secondary CPU's share of them
// before it joins the idle loop. The board's own code stays in plat/mortise-*.
#include <mortise/platform.hpp>
#include <tn/arch/fault.hpp>
#include <tn/drivers/arm_generic_timer.hpp>
#include <tn/drivers/gicv3.hpp>
#include <tn/irq.hpp>
#include <tn/irq_impl.hpp>
#include <tn/plat.hpp>
#include <tn/smp.hpp>

#include "core.hpp"

namespace mortise {

namespace {

[[noreturn]] void fail(const char* what, unsigned code) {
    MLOG("cannot start: %s (error %u)", what, code);
    tn::plat::power_off(1);
}

}  // namespace

void init_host_interrupts(const Board& b) {
    auto gic = tn::gicv3::try_init({b.gicd, b.gicr, b.gicr_size});
    if (!gic.ok())
        fail("GICv3", static_cast<unsigned>(gic.error()));
    tn::irq::install(*gic.value());
    if (auto r = tn::arm_generic_timer::try_init(tn::arm_generic_timer::k_hyp_timer_intid); !r.ok())
        fail("EL2 physical timer", static_cast<unsigned>(r.error()));
    init_cpu_interrupts();
}

}  // namespace mortise

// A CPU the platform started (tn::plat::start_secondary_cpus) arrives here from
// the arch's EL2 entry: its GIC interface and EL2 timer, then the idle loop. A
// CPU that cannot take interrupts stays out (halted) rather than run guests.
extern "C" [[noreturn]] void mortise_secondary_start(unsigned cpu) {
    if (auto r = tn::irq::init_this_cpu(); !r.ok()) {
        MLOG("CPU %u: cannot set up its GIC interface (%s)", cpu, tn::irq::error_name(r.error()));
        tn::arch::tn_arch_halt();
    }
    if (!tn::arm_generic_timer::init_this_cpu().ok()) {
        MLOG("CPU %u: cannot set up its EL2 timer", cpu);
        tn::arch::tn_arch_halt();
    }
    mortise::init_cpu_interrupts();
    tn::smp::cpu_online(cpu);
    tn_secondary_main(cpu);
}
