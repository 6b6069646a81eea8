/// @file
/// @brief Symmetric multiprocessing (lib/boot): logical CPU numbers, per-CPU data, and which
/// CPUs are online.
///
/// CPU 0 is the one the image was entered on; the platform numbers the others
/// 1..k_max_cpus-1 in device-tree order as it starts them with PSCI CPU_ON,
/// before main() runs. A secondary CPU that fails to come up is reported and
/// left out: online_count() says how many made it.
///
/// With CONFIG_TN_MAX_CPUS=1 everything here is a constant: this_cpu() is 0,
/// PerCpu<T> is one T, and no SMP code is linked in.
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

#ifdef CONFIG_TN_SMP
#include <tn/arch/cpu.hpp>
#elif defined(__aarch64__)
#include <tn/arch/irqflags.hpp>
#endif

/// CPUs: numbers, per-CPU data, cross-CPU calls (lib/boot).
namespace tn::smp {

#ifdef CONFIG_TN_MAX_CPUS
inline constexpr unsigned k_max_cpus = CONFIG_TN_MAX_CPUS;
#else
/// CPUs the image supports (CONFIG_TN_MAX_CPUS).
inline constexpr unsigned k_max_cpus = 1;
#endif

/// Logical number of the calling CPU, 0 .. k_max_cpus-1. Context: any.
inline unsigned this_cpu() {
#ifdef CONFIG_TN_SMP
    return arch::cpu_index();
#else
    return 0;
#endif
}

/// SGIs the kernel keeps for itself; applications use 0-13.
inline constexpr u32 k_call_sgi = 15;     ///< smp::run_on()
inline constexpr u32 k_resched_sgi = 14;  ///< lib/sched: "reschedule on the way out"

/// Why run_on() failed.
enum class Error : u8 {
    BadCpu,   ///< No such logical CPU (k_max_cpus or above).
    Offline,  ///< The CPU is not online.
    NoIpi,    ///< The interrupt controller refused the SGI.
};

/// Printable name of @p e, for logs.
const char* error_name(Error e);

/// Runs fn(arg) on @p cpu and returns once it has run there: directly when
/// @p cpu is the calling CPU, otherwise in the target's IRQ context (IRQs
/// masked, so @p fn must not block) through SGI k_call_sgi. While it waits the
/// caller runs calls other CPUs make to it, so two CPUs calling each other do
/// not deadlock.
/// @param cpu the logical CPU.
/// @param fn the function; must not block.
/// @param arg passed to @p fn.
/// @retval Error::BadCpu @p cpu is k_max_cpus or above.
/// @retval Error::Offline @p cpu is not online.
/// @retval Error::NoIpi the interrupt controller refused the SGI.
/// @context Thread or IRQ. @blocking Busy-waits until @p fn has run.
#if defined(CONFIG_TN_SMP) || !defined(__aarch64__)
Result<void, Error> run_on(unsigned cpu, void (*fn)(void*), void* arg);
#else
inline Result<void, Error> run_on(unsigned cpu, void (*fn)(void*), void* arg) {
    if (cpu != 0)
        return err(Error::BadCpu);
    u64 irq_state = arch::irq_save();
    fn(arg);
    arch::irq_restore(irq_state);
    return {};
}
#endif

/// CPUs that completed their bring-up, the boot CPU included. @context Any.
unsigned online_count();
/// True once @p cpu completed its bring-up. @context Any.
bool online(unsigned cpu);
/// MPIDR_EL1 of @p cpu (its GIC routing identity); 0 for an unknown CPU. @context Any.
u64 mpidr(unsigned cpu);

/// One T per CPU, each in its own cache line so that CPUs updating their own
/// slot do not contend. local() is the calling CPU's slot.
template <typename T>
class PerCpu {
public:
    /// The calling CPU's T. Stable only while the caller cannot migrate
    /// (threads never do; an interrupt handler stays on its CPU).
    T& local() { return m_slots[this_cpu()].value; }
    /// The calling CPU's T.
    const T& local() const { return m_slots[this_cpu()].value; }
    // With one CPU the index can only be 0: say so, so no multiply is left.
    /// CPU @p cpu's T. @pre cpu < k_max_cpus
    T& operator[](unsigned cpu) { return m_slots[k_max_cpus == 1 ? 0 : cpu].value; }
    /// CPU @p cpu's T. @pre cpu < k_max_cpus
    const T& operator[](unsigned cpu) const { return m_slots[k_max_cpus == 1 ? 0 : cpu].value; }

private:
    struct alignas(64) Slot {
        T value;
    };
    Slot m_slots[k_max_cpus]{};
};

// Platform side: bring-up bookkeeping (lib/boot/src/smp.cpp).

/// Records the boot CPU (logical 0) as online. Called once from tn::boot::run().
void boot_cpu_online(u64 mpidr);
/// Records that @p cpu (MPIDR @p mpidr) is about to be started.
void cpu_starting(unsigned cpu, u64 mpidr);
/// Called by @p cpu itself at the end of its bring-up.
void cpu_online(unsigned cpu);

}  // namespace tn::smp
