// Fake arch contract (host tests): barriers are host fences (sequentially
// consistent), so code that relies on them for ordering between CPUs keeps
// that ordering between host threads. Same names and calling contexts as
// arch/arm64's barrier.hpp.
#pragma once

#include <atomic>

namespace tn::arch {

inline void data_sync_inner() { std::atomic_thread_fence(std::memory_order_seq_cst); }
inline void instruction_sync() { std::atomic_signal_fence(std::memory_order_seq_cst); }

}  // namespace tn::arch
