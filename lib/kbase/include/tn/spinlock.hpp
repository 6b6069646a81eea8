/// @file
/// @brief Spinlocks for data shared between CPUs.
///
/// A ticket lock: CPUs get the lock in the order they asked for it, so no CPU
/// waits for ever behind faster ones, and a waiter spins on a line it only
/// reads. The holder must not block; data also touched by IRQ handlers is
/// locked with IRQs masked on the calling CPU first (irq::LocalGuard, then
/// the lock).
///
/// With CONFIG_TN_MAX_CPUS=1 (and on the host unless TN_HOST_SMP is set) the
/// lock is empty and costs nothing.
#pragma once

#include <tn/types.hpp>

#if defined(CONFIG_TN_SMP) || defined(TN_HOST_SMP)
#define TN_SPINLOCK_REAL 1
#endif

namespace tn {

/// A ticket lock (see the file comment). Context: any; never held across
/// a blocking call.
class Spinlock {
public:
    /// Unlocked.
    constexpr Spinlock() = default;
    Spinlock(const Spinlock&) = delete;
    Spinlock& operator=(const Spinlock&) = delete;

#ifdef TN_SPINLOCK_REAL
    void lock() {
        u32 ticket = __atomic_fetch_add(&m_next, 1, __ATOMIC_RELAXED);
        while (__atomic_load_n(&m_owner, __ATOMIC_ACQUIRE) != ticket)
            relax();
    }
    void unlock() { __atomic_store_n(&m_owner, m_owner + 1, __ATOMIC_RELEASE); }
    bool try_lock() {
        u32 owner = __atomic_load_n(&m_owner, __ATOMIC_RELAXED);
        u32 expected = owner;
        return __atomic_compare_exchange_n(&m_next, &expected, owner + 1, false, __ATOMIC_ACQUIRE,
                                           __ATOMIC_RELAXED);
    }

private:
    static void relax() {
#if defined(__aarch64__)
        asm volatile("yield" ::: "memory");
#endif
    }
    u32 m_next = 0;
    u32 m_owner = 0;
#else
    /// Spins until the caller holds the lock (FIFO among CPUs).
    void lock() {}
    /// Releases the lock. @pre the caller holds it.
    void unlock() {}
    /// Takes the lock if it is free. @return true if the caller now holds it.
    bool try_lock() { return true; }
#endif
};

/// Holds @p lock for its lifetime.
class SpinlockGuard {
public:
    /// Takes @p lock (released by the destructor).
    explicit SpinlockGuard(Spinlock& lock) : m_lock(lock) { m_lock.lock(); }
    ~SpinlockGuard() { m_lock.unlock(); }
    SpinlockGuard(const SpinlockGuard&) = delete;
    SpinlockGuard& operator=(const SpinlockGuard&) = delete;

private:
    Spinlock& m_lock;
};

}  // namespace tn
