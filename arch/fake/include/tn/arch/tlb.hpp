// Fake arch contract (host tests): there is no TLB; the flushes are counted
// per thread (one host thread is one CPU). Same names and calling contexts as
// arch/arm64's tlb.hpp.
#pragma once

#include <atomic>

#include <tn/types.hpp>

namespace tn::arch {

namespace fake {
/// tlb_invalidate_guest_local() calls by the calling thread.
inline thread_local u64 g_guest_tlb_flushes = 0;
/// tlb_invalidate_guest_ipa() calls by the calling thread, and the last one's arguments.
inline thread_local u64 g_guest_ipa_flushes = 0;
inline thread_local u64 g_guest_ipa_flush_vttbr = 0, g_guest_ipa_flush_ipa = 0;
}  // namespace fake

inline void tlb_invalidate_guest_local() {
    std::atomic_signal_fence(std::memory_order_seq_cst);
    ++fake::g_guest_tlb_flushes;
}

inline void tlb_invalidate_guest_ipa(u64 vttbr, u64 ipa) {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    ++fake::g_guest_ipa_flushes;
    fake::g_guest_ipa_flush_vttbr = vttbr;
    fake::g_guest_ipa_flush_ipa = ipa;
}

}  // namespace tn::arch
