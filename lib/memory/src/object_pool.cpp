// Untyped fixed-size pool over a caller buffer (see tn/mem/object_pool.hpp).
//
// Buffer layout: [u32 link per slot][padding to align][slot 0][slot 1]...
#include <tn/mem/object_pool.hpp>

namespace tn::mem {

namespace {

constexpr usize layout_bytes(uptr start, u64 count, usize stride, usize align) {
    uptr slots = align_up(start + count * sizeof(u32), align);
    return (slots - start) + count * stride;
}

}  // namespace

Result<RawPool, Error> RawPool::try_create(void* buffer, usize bytes, usize size, usize align) {
    uptr start = reinterpret_cast<uptr>(buffer);
    if (buffer == nullptr || !is_aligned(start, alignof(u32)) || start + bytes < start || size == 0 ||
        !is_pow2(align) || size > bytes)
        return err(Error::InvalidArgument);
    usize stride = slot_stride(size, align);
    // First guess ignores the padding, which is < align <= stride, so at most
    // one step back is needed.
    u64 count = bytes / (sizeof(u32) + stride);
    if (count > detail::SlotList::k_max_slots)
        count = detail::SlotList::k_max_slots;
    while (count > 0 && layout_bytes(start, count, stride, align) > bytes)
        --count;
    if (count == 0)
        return err(Error::InvalidArgument);

    RawPool pool;
    pool.m_links = static_cast<u32*>(buffer);
    pool.m_base = align_up(start + count * sizeof(u32), align);
    pool.m_stride = stride;
    pool.m_count = static_cast<u32>(count);
    return pool;
}

Result<void*, Error> RawPool::alloc() {
    u32 i = TN_TRY(m_slots.take(m_links, m_count));
    return reinterpret_cast<void*>(m_base + usize{i} * m_stride);
}

Result<void, Error> RawPool::free(void* ptr) {
    if (!owns(ptr))
        return err(Error::NotOwned);
    usize offset = reinterpret_cast<uptr>(ptr) - m_base;
    if (offset % m_stride != 0)
        return err(Error::BadPointer);
    u32 index = static_cast<u32>(offset / m_stride);
    if (auto r = m_slots.check_used(m_links, index); !r)
        return r;
    m_slots.give(m_links, index);
    return {};
}

bool RawPool::owns(const void* ptr) const {
    uptr p = reinterpret_cast<uptr>(ptr);
    return p >= m_base && p - m_base < usize{m_count} * m_stride;
}

}  // namespace tn::mem
