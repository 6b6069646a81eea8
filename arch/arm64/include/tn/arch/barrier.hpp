// Memory and instruction barriers the portable code needs by name (Arm ARM
// DDI 0487, B2.3.12 DSB and B2.3.11 ISB), so that no portable .cpp holds asm.
//
// Arch contract (arch/fake implements the same names for host tests): any
// exception level, any context (thread, interrupt handler, boot code); none
// blocks. Each is also a compiler barrier.
#pragma once

namespace tn::arch {

/// DSB ISH: every memory access before it has completed for the inner
/// shareable domain (the other CPUs and their translation table walkers)
/// before anything after it runs. Use: translation tables written through
/// the caches, before another CPU's walker may read them.
inline void data_sync_inner() { asm volatile("dsb ish" ::: "memory"); }

/// ISB: the instructions after it are fetched again and see the effect of
/// earlier system-register writes (context synchronization).
inline void instruction_sync() { asm volatile("isb" ::: "memory"); }

}  // namespace tn::arch
