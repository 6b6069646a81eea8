// Fake arch contract (host tests): one CPU, a counter the test environment
// sets. Same names and calling contexts as arch/arm64's cpu.hpp.
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

namespace fake {
extern u64 g_counter;
/// Sets what read_counter() returns (never goes backwards on the target:
/// the environment only moves it forward).
inline void set_counter(u64 ticks) { g_counter = ticks; }
}  // namespace fake

inline unsigned cpu_index() { return 0; }
inline u64 read_counter() { return fake::g_counter; }

}  // namespace tn::arch
