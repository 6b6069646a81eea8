// More interrupts pending at once than a GIC virtual CPU interface has list
// registers (QEMU: 4). With IRQs masked the app sends itself SGIs 0-13, then
// unmasks them and spins without touching anything a hypervisor traps: under
// Mortise the only way the SGIs beyond the first list-register load arrive is
// the maintenance interrupt Mortise asks for when it could not load them all
// (ICH_HCR_EL2.UIE), whose exit refills the list registers. On bare QEMU the
// physical GIC delivers them directly. Each SGI must arrive exactly once.
#include <tn/console.hpp>
#include <tn/irq.hpp>

namespace {

using namespace tn;

constexpr u32 k_sgis = 14;  // 14 and 15 are Tenon's own (tn/smp.hpp); with one CPU neither is in use
constexpr u64 k_spin_limit = 200'000'000;

volatile u32 g_hits[k_sgis];
volatile u32 g_total;

irq::Completion on_sgi(irq::Event e, void*) {
    if (e.intid < k_sgis) {
        g_hits[e.intid] = g_hits[e.intid] + 1;
        g_total = g_total + 1;
    }
    return irq::Completion::Done;
}

}  // namespace

int main() {
    for (u32 i = 0; i < k_sgis; ++i)
        if (!irq::register_handler(i, on_sgi, nullptr).ok() || !irq::enable(i).ok()) {
            tn_printf("sgi-flood: FAILED: cannot set up SGI %u\n", i);
            return 2;
        }
    irq::local_disable();
    for (u32 i = 0; i < k_sgis; ++i)
        if (!irq::send_sgi(i, irq::SgiTarget::self()).ok()) {
            tn_printf("sgi-flood: FAILED: cannot send SGI %u\n", i);
            return 2;
        }
    irq::local_enable();
    u64 spins = 0;
    while (g_total < k_sgis && spins < k_spin_limit)
        spins = spins + 1;
    irq::local_disable();
    for (u32 i = 0; i < k_sgis; ++i)
        if (g_hits[i] != 1) {
            tn_printf("sgi-flood: FAILED: SGI %u arrived %u times (%u of %u in all)\n", i, g_hits[i], g_total,
                      k_sgis);
            return 3;
        }
    tn_printf("sgi-flood: %u SGIs pending at once, each taken once\n", k_sgis);
    return 0;
}
