// Instruction-cache maintenance (Arm ARM DDI 0487, D7.5.9 and D7.5.10). Data
// cache maintenance to the point of coherency is tn::arch::mmu::clean_to_poc
// (tn/arch/mmu.hpp).
//
// Arch contract (arch/fake implements the same names for host tests): any
// exception level, any context; none blocks.
#pragma once

namespace tn::arch {

/// IC IALLUIS, DSB ISH, ISB: every CPU of the inner shareable domain drops
/// its instruction cache (to the point of unification), and the caller's
/// later fetches see code written before the call. Use: code was written to
/// memory (a guest image loaded) that some CPU is about to execute; the data
/// must already be cleaned far enough (clean_to_poc for a guest that starts
/// with its caches off).
inline void icache_invalidate_all() { asm volatile("ic ialluis\n\tdsb ish\n\tisb" ::: "memory"); }

}  // namespace tn::arch
