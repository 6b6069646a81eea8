// Scheduling hints (PLAT_MORTISE_GUEST_SCHED_HINT; docs/mortise.md, "Scheduling hints"): lib/sched's
// switch hook reports the running thread's priority to Mortise when it differs from the last one
// reported on this vCPU, so that Mortise schedules the vCPU at what it runs now rather than at one
// fixed priority. A guest Mortise refuses (no max-priority: DENIED) stops reporting after the first.
#include <tn/mortise.hpp>
#include <tn/sched_impl.hpp>
#include <tn/smp.hpp>

namespace tn::mortise {

namespace {

// Per vCPU: the last priority reported plus one; 0 = none yet (the next switch reports).
u8 g_reported[smp::k_max_cpus];
u8 g_on_interrupt = CONFIG_PLAT_MORTISE_GUEST_SCHED_HINT_ON_INTERRUPT;
bool g_off;  // set_sched_hints(false), or Mortise refused

void forget_reported() {
    for (u8& r : g_reported)
        __atomic_store_n(&r, u8{0}, __ATOMIC_RELAXED);
}

}  // namespace

void set_sched_on_interrupt(u8 priority) {
    __atomic_store_n(&g_on_interrupt, priority, __ATOMIC_RELAXED);
    forget_reported();  // the next switch of each vCPU passes it on
}

void set_sched_hints(bool on) {
    __atomic_store_n(&g_off, !on, __ATOMIC_SEQ_CST);
    forget_reported();
    if (!on)
        (void)sched_hint(0, 0);  // this vCPU back to its base priority, no raise
}

}  // namespace tn::mortise

namespace tn::sched {

void switch_hook(u8 priority) {
    using namespace tn::mortise;
    if (__atomic_load_n(&g_off, __ATOMIC_RELAXED))
        return;
    u8& last = g_reported[smp::this_cpu()];
    if (last == priority + 1)
        return;
    const Status s = sched_hint(priority, __atomic_load_n(&g_on_interrupt, __ATOMIC_RELAXED));
    if (s == Status::Denied || s == Status::NotSupported) {
        __atomic_store_n(&g_off, true, __ATOMIC_RELAXED);  // no max-priority, or an older Mortise
        return;
    }
    last = static_cast<u8>(priority + 1);
}

}  // namespace tn::sched
