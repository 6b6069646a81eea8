// The calling CPU's logical number, kept in TPIDR_EL1 (set at each CPU's entry
// and never changed: Tenon threads do not use TPIDR_EL1). A hypervisor image
// (CONFIG_TN_HYPERVISOR, running at EL2) keeps it in TPIDR_EL2 instead: the
// EL1 register belongs to whichever guest runs on the CPU.
//
// Arch contract (arch/fake implements the same names for host tests):
//   cpu_index()     the calling CPU's logical number
//   read_counter()  the free-running system counter, in clock::frequency_hz()
//                   ticks (the scheduler's run-time statistics)
// Both: any context (thread, interrupt handler), never block.
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

inline unsigned cpu_index() {
    u64 v;
    // Not volatile: the value is constant for the life of the CPU, so the
    // compiler may reuse one read. Threads are pinned to their CPU.
#ifdef CONFIG_TN_HYPERVISOR
    asm("mrs %0, tpidr_el2" : "=r"(v));
#else
    asm("mrs %0, tpidr_el1" : "=r"(v));
#endif
    return static_cast<unsigned>(v);
}

/// The virtual counter (CNTVCT_EL0), without an ordering barrier: a read may
/// run a few instructions early, which accounting does not mind. In a
/// hypervisor image the physical one (CNTPCT_EL0): the virtual counter at
/// EL2 is offset by the CNTVOFF_EL2 of whichever guest was loaded last.
inline u64 read_counter() {
    u64 v;
#ifdef CONFIG_TN_HYPERVISOR
    asm volatile("mrs %0, cntpct_el0" : "=r"(v));
#else
    asm volatile("mrs %0, cntvct_el0" : "=r"(v));
#endif
    return v;
}

}  // namespace tn::arch
