// Fake arch contract (host tests): the parts of arch/arm64's tn/arch/mmu.hpp
// that portable code calls at run time. Host memory is coherent, so cache
// maintenance only counts what it was asked to clean.
#include <tn/arch/mmu.hpp>

namespace tn::arch {

namespace fake {
/// Bytes clean_to_poc() was asked to clean (all threads).
u64 g_cleaned_to_poc = 0;
}  // namespace fake

namespace mmu {

void clean_to_poc(u64, u64 size) { __atomic_add_fetch(&fake::g_cleaned_to_poc, size, __ATOMIC_RELAXED); }

/// 48-bit physical addresses (encoding 5), as QEMU's max CPU.
unsigned pa_range() { return 5; }

}  // namespace mmu

}  // namespace tn::arch
