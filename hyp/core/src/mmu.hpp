// Mortise's own address space (mmu.cpp builds it: enable_mmu(), declared in
// mortise/platform.hpp) and the cache maintenance guest loading needs.
#pragma once

#include <tn/arch/mmu.hpp>

namespace mortise::mmu {

/// Makes [base, base + size) visible to a guest starting at EL1 with its MMU
/// and caches off: clean and invalidate to the point of coherency.
using tn::arch::mmu::clean_to_poc;

}  // namespace mortise::mmu
