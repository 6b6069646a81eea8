// Fake arch contract (host tests): there is no TLB; the flush is counted per
// thread (one host thread is one CPU). Same names and calling contexts as
// arch/arm64's tlb.hpp.
#pragma once

#include <atomic>

#include <tn/types.hpp>

namespace tn::arch {

namespace fake {
/// tlb_invalidate_guest_local() calls by the calling thread.
inline thread_local u64 g_guest_tlb_flushes = 0;
}  // namespace fake

inline void tlb_invalidate_guest_local() {
    std::atomic_signal_fence(std::memory_order_seq_cst);
    ++fake::g_guest_tlb_flushes;
}

}  // namespace tn::arch
