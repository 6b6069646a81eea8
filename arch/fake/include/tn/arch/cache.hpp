// Fake arch contract (host tests): host caches are coherent, so instruction
// cache maintenance only fences and counts (per thread), so a test can check
// that code was made executable. Same names and calling contexts as
// arch/arm64's cache.hpp.
#pragma once

#include <atomic>

#include <tn/types.hpp>

namespace tn::arch {

namespace fake {
/// icache_invalidate_all() calls by the calling thread.
inline thread_local u64 g_icache_invalidations = 0;
}  // namespace fake

inline void icache_invalidate_all() {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    ++fake::g_icache_invalidations;
}

}  // namespace tn::arch
