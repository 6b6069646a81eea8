// The calling CPU's logical number, kept in TPIDR_EL1 (set at each CPU's entry
// and never changed: Tenon threads do not use TPIDR_EL1).
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

inline unsigned cpu_index() {
    u64 v;
    // Not volatile: the value is constant for the life of the CPU, so the
    // compiler may reuse one read. Threads are pinned to their CPU.
    asm("mrs %0, tpidr_el1" : "=r"(v));
    return static_cast<unsigned>(v);
}

}  // namespace tn::arch
