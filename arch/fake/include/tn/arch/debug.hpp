// Fake arch contract (host tests): there are no debug registers to clear.
// Same names as arch/arm64's debug.hpp.
#pragma once

namespace tn::arch {

inline void clear_breakpoints_and_watchpoints() {}

}  // namespace tn::arch
