// Fake arch contract (host tests): the guest's stage 1 is whatever the test
// installs in fake::g_guest_stage1 (none: every translation faults). Same
// names and calling contexts as arch/arm64's at.hpp.
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

namespace fake {
/// Plays the guest's stage-1 translation for guest_va_to_ipa() on the calling thread.
inline thread_local bool (*g_guest_stage1)(u64 va, u64& ipa) = nullptr;
}  // namespace fake

inline bool guest_va_to_ipa(u64 va, u64& ipa) { return fake::g_guest_stage1 && fake::g_guest_stage1(va, ipa); }

}  // namespace tn::arch
