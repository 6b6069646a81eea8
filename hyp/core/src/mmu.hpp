// Mortise's own address space: the EL2 stage-1 MMU (identity map with W^X).
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

namespace mortise::mmu {

using tn::u64;

struct Range {
    u64 base;
    u64 size;
};

enum class Error : tn::u8 { TooManyTables, BadRange };

/// Builds the EL2 tables and turns the MMU and caches on (boot CPU, MMU off,
/// IRQs masked): every RAM bank read/write never executable, the image's text
/// read-only executable and rodata read-only, the stack guard pages unmapped,
/// @p devices as Device-nGnRE. Also publishes the state the secondary CPUs
/// load (with @p vtcr, the stage-2 control every CPU uses).
tn::Result<void, Error> enable(const Range* ram, unsigned ram_count, const Range* devices, unsigned device_count,
                               u64 vtcr);

/// Makes [base, base + size) visible to an observer with the MMU or caches
/// off (a guest starting at EL1): clean and invalidate to the point of coherency.
void clean_to_poc(u64 base, u64 size);

}  // namespace mortise::mmu
