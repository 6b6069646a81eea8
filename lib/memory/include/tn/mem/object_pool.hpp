/// @file
/// @brief Fixed-size object pools: O(1) allocation and release of equally sized slots,
/// for kernel objects whose count is fixed at build or boot time (threads,
/// timers, vCPUs, page-table pages of one size).
///
/// Algorithm: a LIFO free list of slot indices (the classic segregated free
/// list, Knuth TAOCP 2.5) plus a bump index for never-used slots, so setup is
/// O(1). The links live out of band, one u32 per slot, and a used slot's link
/// holds a marker instead; so alloc, free and the double-free check are each
/// O(1) worst case, and a write through a dangling pointer into a freed slot
/// cannot corrupt the pool (the pool never reads or writes slot memory).
/// Cost: 4 bytes per slot.
///
/// Two front ends over the same core:
///  * RawPool: untyped slots of a size and alignment given at run time, carved
///    from a caller buffer (links first, then the slots).
///  * ObjectPool<T, N>: N objects of type T in storage inside the pool object
///    itself; create() constructs, destroy() destructs. Its constructor is
///    constexpr and yields all-zero bytes, so a static pool is constant-
///    initialized into .bss: no boot code and no image bytes.
///
/// Thread safety: none; the caller serializes calls on one pool (the kernel
/// wraps it in its own lock). No global state: any number of instances.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include <tn/mem/error.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::mem {

namespace detail {

/// The index free list shared by RawPool and ObjectPool. Slots at and above
/// m_fresh have never been handed out and are taken in order; released slots
/// go on a LIFO list threaded through the link array (a link holds 1 + the
/// next index, 0 ends the list). Links are only read after being written, and
/// the all-zero state is the empty pool, so setup is O(1) and a static pool is
/// pure .bss. The owner keeps the link array and the slot count and passes
/// them in, which keeps ObjectPool constexpr-constructible.
class SlotList {
public:
    static constexpr u32 k_used = 0xFFFF'FFFF;  // link of an allocated slot
    static constexpr u32 k_max_slots = 0xFFFF'FFF0;

    /// @retval OutOfMemory all @p count slots are in use
    Result<u32, Error> take(u32* links, u32 count) {
        u32 i;
        if (m_released != 0) {
            i = m_released - 1;
            m_released = links[i];
        } else if (m_fresh < count) {
            i = m_fresh++;
        } else {
            return err(Error::OutOfMemory);
        }
        links[i] = k_used;
        ++m_used;
        return i;
    }

    /// Succeeds when slot @p index is allocated. @pre index < count
    /// @retval DoubleFree the slot is free (released, or never handed out)
    Result<void, Error> check_used(const u32* links, u32 index) const {
        if (index >= m_fresh || links[index] != k_used)
            return err(Error::DoubleFree);
        return {};
    }

    /// @pre check_used(links, index) succeeded
    void give(u32* links, u32 index) {
        links[index] = m_released;
        m_released = index + 1;
        --m_used;
    }

    constexpr u32 used_count() const { return m_used; }

private:
    u32 m_released = 0;
    u32 m_fresh = 0;
    u32 m_used = 0;
};

}  // namespace detail

/// Untyped pool over a caller buffer.
class RawPool {
public:
    /// Bytes between the starts of two slots.
    static constexpr usize slot_stride(usize size, usize align) { return align_up(size, align); }

    /// Buffer bytes for @p count slots, for a buffer aligned to at least
    /// max(align, 4): the links, padding to @p align, then the slots.
    static constexpr usize bytes_for(u32 count, usize size, usize align) {
        return align_up(usize{count} * sizeof(u32), align) + usize{count} * slot_stride(size, align);
    }

    /// Empty pool: every alloc() fails with OutOfMemory.
    constexpr RawPool() = default;

    /// Carves as many slots of @p size bytes aligned to @p align from
    /// [buffer, buffer + bytes) as fit. The pool owns the buffer from now on.
    /// @retval InvalidArgument null or wrapping buffer, buffer not aligned to 4,
    ///         size == 0, align not a power of two, or room for no slot
    static Result<RawPool, Error> try_create(void* buffer, usize bytes, usize size, usize align);

    /// A slot of slot_size() bytes. O(1).
    /// @retval OutOfMemory every slot is in use
    Result<void*, Error> alloc();

    /// Returns a slot. O(1); on error nothing changes.
    /// @retval NotOwned   ptr is not inside the slot area
    /// @retval BadPointer ptr is inside but not at the start of a slot
    /// @retval DoubleFree the slot is already free
    Result<void, Error> free(void* ptr);

    /// True if @p ptr lies in the slot area.
    bool owns(const void* ptr) const;
    /// Slots in the pool.
    u32 capacity() const { return m_count; }
    /// Slots not in use.
    u32 free_count() const { return m_count - m_slots.used_count(); }
    /// Bytes between slot starts (the size rounded up to the alignment).
    usize slot_size() const { return m_stride; }

private:
    u32* m_links = nullptr;
    uptr m_base = 0;
    usize m_stride = 0;
    u32 m_count = 0;
    detail::SlotList m_slots;
};

/// N objects of type T with storage inside the pool.
template <class T, u32 N>
class ObjectPool {
    static_assert(N > 0 && N <= detail::SlotList::k_max_slots, "ObjectPool: N out of range");
    static_assert(std::is_object_v<T> && !std::is_array_v<T>, "ObjectPool: T must be a non-array object type");

public:
    constexpr ObjectPool() = default;
    ObjectPool(const ObjectPool&) = delete;
    ObjectPool& operator=(const ObjectPool&) = delete;

    /// Constructs a T from @p args in a free slot. O(1) plus T's constructor.
    /// @retval OutOfMemory all N objects are alive
    template <class... Args>
    Result<T*, Error> create(Args&&... args) {
        u32 i = TN_TRY(m_slots.take(m_links, N));
        return ::new (static_cast<void*>(&m_storage[usize{i} * sizeof(T)])) T(std::forward<Args>(args)...);
    }

    /// Destroys @p obj and frees its slot. O(1) plus T's destructor. The
    /// pointer is validated before the destructor runs: on error nothing changes.
    /// @retval NotOwned   obj is not inside this pool
    /// @retval BadPointer obj is inside but not at the start of an object
    /// @retval DoubleFree the object was already destroyed
    Result<void, Error> destroy(T* obj) {
        u32 i = TN_TRY(index_of(obj));
        if (auto r = m_slots.check_used(m_links, i); !r)
            return r;
        obj->~T();
        m_slots.give(m_links, i);
        return {};
    }

    /// True if @p obj is the start of a slot of this pool.
    bool owns(const T* obj) const { return index_of(obj).ok(); }
    /// N.
    static constexpr u32 capacity() { return N; }
    /// Objects that can still be created.
    constexpr u32 free_count() const { return N - m_slots.used_count(); }

private:
    Result<u32, Error> index_of(const T* obj) const {
        uptr p = reinterpret_cast<uptr>(obj);
        uptr base = reinterpret_cast<uptr>(&m_storage[0]);
        if (p < base || p - base >= sizeof(m_storage))
            return err(Error::NotOwned);
        if ((p - base) % sizeof(T) != 0)
            return err(Error::BadPointer);
        return static_cast<u32>((p - base) / sizeof(T));
    }

    // Zero-initialized only so that a static pool is a constant (and lands in
    // .bss); the pool never reads storage or links it has not written.
    alignas(T) unsigned char m_storage[sizeof(T) * N] = {};
    u32 m_links[N] = {};
    detail::SlotList m_slots;
};

}  // namespace tn::mem
