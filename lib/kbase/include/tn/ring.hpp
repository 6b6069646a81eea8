/// @file
/// @brief Lock-free single-producer/single-consumer ring buffer, e.g. bytes from an
/// interrupt handler (the producer) to thread context (the consumer).
///
/// Classic Lamport queue with free-running indices (Lamport 1983, "Specifying
/// concurrent program modules"; the acquire/release form is the one of the
/// Linux kernel's Documentation/core-api/circular-buffers.rst):
///
///   m_head  written by the producer only: slots [m_tail, m_head) hold data;
///   m_tail  written by the consumer only: slots [m_head, m_tail + Capacity) are free.
///
/// Both indices count up forever and wrap at 2^32 (Index = u32); the slot of
/// index i is i % Capacity, and m_head - m_tail (mod 2^32) is the fill level,
/// which is why Capacity must be a power of two no larger than 2^31. All
/// Capacity slots are usable (no slot is sacrificed to tell full from empty).
/// Index is a parameter only so the host tests can wrap a u8 index quickly.
///
/// Ordering: the producer writes the slot, then publishes it with a release
/// store of m_head; the consumer's acquire load of m_head therefore sees the
/// slot's contents. Symmetrically the consumer's release store of m_tail after
/// reading a slot keeps the producer (acquire load of m_tail) from overwriting
/// it early. Each side reads its own index relaxed: nobody else writes it.
///
/// When the ring is full, push() drops the new element and counts it in
/// dropped(): the producer is an interrupt handler that must not wait.
///
/// Context: exactly one producer and one consumer at a time, on any CPUs (an
/// interrupt handler and the thread it interrupts are fine). No locks, no
/// allocation, no blocking; every operation is O(1).
#pragma once

#include <tn/types.hpp>

namespace tn {

/// Single-producer/single-consumer ring of @p Capacity elements of @p T (see
/// the file comment). All-zero when constructed, so a static ring is in .bss.
template <class T, usize Capacity, class Index = u32>
class SpscRing {
    static_assert(is_pow2(Capacity), "ring capacity must be a power of two");
    static_assert(Index(-1) > Index(0), "indices must be unsigned");
    static_assert(Capacity <= (usize{Index(-1)} >> 1) + 1, "free-running indices need capacity <= 2^(bits - 1)");
    static_assert(__is_trivially_copyable(T), "slots are copied without constructors");

public:
    /// Elements the ring holds.
    static constexpr usize capacity() { return Capacity; }

    // --- Producer side --------------------------------------------------------

    /// Appends @p v. Returns false and counts a drop if the ring is full.
    bool push(T v) {
        Index head = __atomic_load_n(&m_head, __ATOMIC_RELAXED);
        Index tail = __atomic_load_n(&m_tail, __ATOMIC_ACQUIRE);
        if (fill(head, tail) == Capacity) {
            // Single writer: a plain read-modify-write is race-free and avoids
            // an exclusive-monitor loop on cores without LSE atomics.
            __atomic_store_n(&m_dropped, __atomic_load_n(&m_dropped, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
            return false;
        }
        m_slots[head % Capacity] = v;
        __atomic_store_n(&m_head, static_cast<Index>(head + 1), __ATOMIC_RELEASE);
        return true;
    }

    // --- Consumer side --------------------------------------------------------

    /// Removes the oldest element into @p out. Returns false if the ring is empty.
    bool pop(T& out) {
        Index tail = __atomic_load_n(&m_tail, __ATOMIC_RELAXED);
        Index head = __atomic_load_n(&m_head, __ATOMIC_ACQUIRE);
        if (head == tail)
            return false;
        out = m_slots[tail % Capacity];
        __atomic_store_n(&m_tail, static_cast<Index>(tail + 1), __ATOMIC_RELEASE);
        return true;
    }

    // --- Either side ----------------------------------------------------------

    /// Elements stored. Exact for the calling side's own view: the producer may
    /// only add, the consumer only remove, between this and its next call.
    usize size() const {
        Index tail = __atomic_load_n(&m_tail, __ATOMIC_ACQUIRE);
        Index head = __atomic_load_n(&m_head, __ATOMIC_ACQUIRE);
        return fill(head, tail);
    }
    /// size() == 0.
    bool empty() const { return size() == 0; }
    /// Elements push() refused because the ring was full, since construction.
    /// Wraps at 2^64.
    u64 dropped() const { return __atomic_load_n(&m_dropped, __ATOMIC_RELAXED); }

private:
    // The cast undoes integer promotion, so narrow indices wrap like u32 ones.
    static constexpr usize fill(Index head, Index tail) { return static_cast<Index>(head - tail); }

    // Producer-written and consumer-written indices on separate cache lines
    // (64 bytes on every Armv8-A core we target), so each side's stores do not
    // invalidate the other side's line.
    alignas(64) Index m_head = 0;
    u64 m_dropped = 0;
    alignas(64) Index m_tail = 0;
    alignas(64) T m_slots[Capacity] = {};
};

/// The common case: bytes from a device's receive interrupt.
template <usize Capacity>
using ByteRing = SpscRing<u8, Capacity>;

}  // namespace tn
