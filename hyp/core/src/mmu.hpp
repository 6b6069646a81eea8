// Mortise's own address space: the EL2 stage-1 MMU (identity map with W^X).
#pragma once

#include <mortise/platform.hpp>
#include <tn/types.hpp>

namespace mortise::mmu {

using tn::u64;

/// Makes [base, base + size) visible to an observer with the MMU or caches
/// off (a guest starting at EL1): clean and invalidate to the point of coherency.
void clean_to_poc(u64 base, u64 size);

}  // namespace mortise::mmu
