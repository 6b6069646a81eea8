// Fixed-block memory pool (tn/sync.hpp). allocate() takes a block from the
// free list, else the next never-used block; free() pushes onto the free
// list, or, when threads wait, hands the block to the first of them through
// the wait's wake value, so the woken waiter has its block and nobody
// arriving in between can take it (no barging).
//
// The uncontended cases are inline in the header under the bare kernel lock;
// the slow paths here run inside that lock hold (Locked over
// KernelLock::Held).
#include <tn/assert.hpp>
#include <tn/sync.hpp>

namespace tn::sync {

using sched::Locked;

bool BlockPool::is_free(const FreeBlock* b) const {
    for (const FreeBlock* f = m_free; f != nullptr; f = f->next) {
        if (f == b)
            return true;
    }
    return false;
}

Result<void*, Error> BlockPool::allocate_slow(u64 timeout_ns) {
    Locked l{tntimer::KernelLock::Held{}};
    TN_ASSERT(m_free == nullptr);
    if (m_fresh < m_bytes) {
        void* b = static_cast<u8*>(m_storage) + m_fresh;
        m_fresh += m_block_size;
        return b;
    }
    if (timeout_ns == k_no_wait)
        return err(Error::WouldBlock);
    // Only give_to_waiter() wakes a waiter, handing it the block.
    if (sched::wait(l, m_waiters, timeout_ns) == sched::WaitResult::Timeout)
        return err(Error::Timeout);
    return reinterpret_cast<void*>(sched::wake_value(l));
}

Result<void, Error> BlockPool::give_to_waiter(void* block) {
    Locked l{tntimer::KernelLock::Held{}};
    TN_ASSERT(m_free == nullptr && m_fresh == m_bytes);  // waiters wait only while none is left
    static_cast<FreeBlock*>(block)->marker = 0;
    (void)sched::wake_one(l, m_waiters, reinterpret_cast<uptr>(block));
    return {};
}

Result<void, Error> BlockPool::bad_free(usize offset) const {
    if (offset >= m_bytes || offset % m_block_size != 0)
        return err(Error::NotOwner);
    return err(Error::BadState);  // never handed out, or free already
}

u32 BlockPool::available() const {
    Locked l;
    auto n = static_cast<u32>((m_bytes - m_fresh) / m_block_size);
    for (const FreeBlock* f = m_free; f != nullptr; f = f->next)
        ++n;
    return n;
}

}  // namespace tn::sync
