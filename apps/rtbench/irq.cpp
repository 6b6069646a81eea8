// Interrupt latency and its phases (paper Figure 8), with an SGI the CPU
// sends itself: it is made pending while IRQs are masked, and unmasking takes
// it at once, so the stamp just before the unmasking instruction marks the
// moment the interrupt is taken (one instruction earlier). Points in time:
//   t0  stamp, then "msr daifclr" takes the pending SGI
//   te  lib/irq's entry stamp (LIBIRQ_PHASE_STAMPS): context saved, C entry
//   th  first instruction of the handler (its own stamp)
//   tl  last stamp of the handler, just before it returns
//   t3  first stamp in the interrupted code after the eret
// Metrics: irq.save = te - t0, irq.dispatch = th - te, irq_latency = th - t0,
// irq.restore = t3 - tl (priority drop, deactivate, the check for a further
// pending interrupt, the scheduler's exit hook, context restore, eret) and
// irq_roundtrip = t3 - t0.
//
// QEMU makes an SGI pending synchronously with the register write that
// requests it; on hardware, poll the pending state before taking t0.
#include <tn/console.hpp>
#include <tn/irq.hpp>

#include "bench.hpp"

using namespace tn;

namespace rtbench {

namespace {

// SGIs 14 and 15 belong to the kernel (tn/smp.hpp); 7 is unused.
constexpr u32 k_sgi = 7;

volatile u64 g_handler_first;
volatile u64 g_handler_last;

irq::Completion on_sgi(irq::Event, void*) {
    u64 first = stamp();
    g_handler_first = first;
    g_handler_last = stamp();
    return irq::Completion::Done;
}

struct Times {
    u64 t0, te, th, tl, t3;
};

Times take_one() {
    u64 flags = irq::local_save_disable();
    if (!irq::send_sgi(k_sgi, irq::SgiTarget::self()).ok())
        fail("irq: send_sgi");
    u64 t0 = stamp();
    irq::local_enable();
    u64 t3 = stamp();
    irq::local_restore(flags);
#ifdef CONFIG_LIBIRQ_PHASE_STAMPS
    u64 te = irq::entry_stamp();
#else
    u64 te = 0;
#endif
    return {t0, te, g_handler_first, g_handler_last, t3};
}

enum class Phase { Latency, Save, Dispatch, Restore, Roundtrip };

void measure(Phase phase, const char* metric) {
    reset();
    while (!full()) {
        Times t = take_one();
        // The entry stamp is the latest interrupt's: when another one (a tick,
        // an IPI from a busy CPU) came in between, it is not this SGI's, and
        // the sample is taken again.
        if ((phase == Phase::Save || phase == Phase::Dispatch) && !(t.t0 <= t.te && t.te <= t.th))
            continue;
        switch (phase) {
        case Phase::Latency: add(t.th - t.t0); break;
        case Phase::Save: add(t.te - t.t0); break;
        case Phase::Dispatch: add(t.th - t.te); break;
        case Phase::Restore: add(t.t3 - t.tl); break;
        case Phase::Roundtrip: add(t.t3 - t.t0); break;
        }
    }
    report(metric);
}

}  // namespace

void run_irq() {
    if (!irq::register_handler(k_sgi, on_sgi, nullptr).ok() || !irq::enable(k_sgi).ok())
        fail("irq: register SGI handler");
    measure(Phase::Latency, "irq_latency");
    measure(Phase::Roundtrip, "irq_roundtrip");
#ifdef CONFIG_LIBIRQ_PHASE_STAMPS
    measure(Phase::Save, "irq.save");
    measure(Phase::Dispatch, "irq.dispatch");
#else
    tn_puts("bench: irq.save and irq.dispatch need LIBIRQ_PHASE_STAMPS=y");
#endif
    measure(Phase::Restore, "irq.restore");
    (void)irq::unregister_handler(k_sgi);
}

}  // namespace rtbench
