/// @file
/// @brief Interrupt handling (lib/irq, CONFIG_LIBIRQ): handlers by INTID, per-interrupt configuration, software-
/// generated interrupts, and masking IRQs on the calling CPU.
///
/// INTIDs follow the GIC architecture (IHI 0069H.b §2.2.1, IHI 0048B.b §2.2.1):
///
/// | INTIDs    | kind |
/// |-----------|------|
/// | 0-15      | SGIs, software generated (IPIs), banked per target CPU |
/// | 16-31     | PPIs, private to and banked per CPU (the architected timers) |
/// | 32-1019   | SPIs, shared peripheral interrupts |
/// | 1020-1023 | special (spurious); never dispatched, never accepted here |
///
/// Extended SPI/PPI ranges and LPIs are not supported.
///
/// Each interrupt goes through acknowledge, handler, priority drop, deactivate
/// (IHI 0069H.b §4.1, IHI 0048B.b §3.2.1); controllers run with the split end of
/// interrupt (GICC_CTLR.EOImodeNS = 1, ICC_CTLR_EL1.EOImode = 1). A handler that
/// returns Completion::Deferred still gets its priority drop, so the CPU takes
/// other interrupts again, but its interrupt stays active and is not signalled
/// again until someone calls deactivate(): how a hypervisor hands a physical
/// interrupt to a guest, or a driver finishes a level interrupt outside its
/// handler without masking it.
///
/// Context: configure interrupts from thread context, before enabling them or
/// while they are disabled. SGI and PPI configuration changes the calling CPU's
/// banked copy only. Handlers run on the CPU that took the interrupt with IRQs
/// masked (no nesting).
#pragma once

#include <tn/result.hpp>
#include <tn/smp.hpp>
#include <tn/arch/sysreg.hpp>  // MPIDR's affinity fields (layout only: nothing here reads the register)
#if defined(__aarch64__)
#include <tn/arch/irqflags.hpp>
#endif
#include <tn/types.hpp>

/// Interrupts: handlers, configuration, SGIs, local masking (lib/irq).
namespace tn::irq {

/// Why a request was refused. No call changes any state when it fails.
enum class Error : u8 {
    OutOfRange,         ///< INTID above LIBIRQ_MAX_INTID or the controller's last INTID, or special.
    AlreadyRegistered,  ///< The INTID has a handler; unregister it first.
    NotRegistered,      ///< The INTID has no handler (enable, configure, unregister).
    NoHandler,          ///< register_handler() was given a null handler.
    NoController,       ///< No controller installed yet (the platform installs one at boot).
    NotSpi,             ///< Affinity applies to SPIs only.
    NotSgi,             ///< send_sgi() takes an SGI (INTID 0-15).
    BadPriority,        ///< Priority at or above k_priority_mask would never be signalled.
    BadCpu,             ///< The target CPU is unknown to the controller.
    Unsupported,        ///< The hardware fixes this setting (an SGI's trigger, a PPI's on some GICs).
    Timeout,            ///< The controller did not respond (GICv3 redistributor wake-up).
};

/// Printable name of @p e ("AlreadyRegistered"), for logs. @context Any.
const char* error_name(Error e);

constexpr u32 k_ppi_first = 16;        ///< First PPI (SGIs are 0 to 15).
constexpr u32 k_spi_first = 32;        ///< First SPI.
constexpr u32 k_spi_last = 1019;       ///< Last SPI.
constexpr u32 k_special_first = 1020;  ///< First special INTID.
constexpr u32 k_special_last = 1023;   ///< Last special INTID.

/// True for an SGI (0-15).
constexpr bool is_sgi(u32 intid) { return intid < k_ppi_first; }
/// True for a PPI (16-31).
constexpr bool is_ppi(u32 intid) { return intid >= k_ppi_first && intid < k_spi_first; }
/// True for an SPI (32-1019).
constexpr bool is_spi(u32 intid) { return intid >= k_spi_first && intid <= k_spi_last; }
/// True for a special INTID (1020-1023).
constexpr bool is_special(u32 intid) { return intid >= k_special_first && intid <= k_special_last; }

/// Priorities: lower values are more urgent. Controllers set the CPU interface's
/// priority mask to k_priority_mask, so only values below it are ever signalled;
/// how many low-order bits are implemented depends on the GIC (at least the
/// upper four, IHI 0069H.b §4.8), unimplemented ones read as zero.
constexpr u8 k_priority_mask = 0xf0;
/// Priority of an interrupt nobody configured.
constexpr u8 k_default_priority = 0xa0;

/// How a PPI or SPI signals.
enum class Trigger : u8 {
    Level,  ///< While the device holds its line.
    Edge    ///< Once per rising edge.
};

/// What the dispatcher does after a handler returns.
enum class Completion : u8 {
    Done,      ///< Priority drop and deactivate now.
    Deferred,  ///< Priority drop now; the handler's owner calls deactivate() later.
};

/// One acknowledged interrupt. @p raw is the controller's acknowledge value,
/// which its end-of-interrupt registers need back (a GICv2 SGI carries the
/// requesting CPU in it, IHI 0048B.b §4.4.4).
struct Event {
    u32 intid;  ///< The interrupt.
    u32 raw;    ///< The controller's acknowledge value.
};

/// Runs in IRQ context with IRQs masked. Must not block.
using Handler = Completion (*)(Event event, void* ctx);

/// A CPU, named by the affinity fields of its MPIDR_EL1 (Aff3 [39:32], Aff2
/// [23:16], Aff1 [15:8], Aff0 [7:0]): the identity both GIC generations route
/// by. The other MPIDR_EL1 bits (U, MT) are dropped.
class CpuAffinity {
public:
    /// The CPU whose MPIDR_EL1 is @p mpidr.
    constexpr explicit CpuAffinity(u64 mpidr) : m_value(mpidr & k_mask) {}
    /// The affinity fields in their MPIDR_EL1 positions.
    constexpr u64 value() const { return m_value; }
    /// Aff0 (MPIDR_EL1[7:0]).
    constexpr u32 aff0() const { return static_cast<u32>(arch::MpidrEl1::Aff0::get(m_value)); }
    /// Aff1 (MPIDR_EL1[15:8]).
    constexpr u32 aff1() const { return static_cast<u32>(arch::MpidrEl1::Aff1::get(m_value)); }
    /// Aff2 (MPIDR_EL1[23:16]).
    constexpr u32 aff2() const { return static_cast<u32>(arch::MpidrEl1::Aff2::get(m_value)); }
    /// Aff3 (MPIDR_EL1[39:32]).
    constexpr u32 aff3() const { return static_cast<u32>(arch::MpidrEl1::Aff3::get(m_value)); }
    /// Same CPU.
    constexpr bool operator==(const CpuAffinity&) const = default;

private:
    static constexpr u64 k_mask = arch::MpidrEl1::affinity_mask;
    u64 m_value;
};

/// Where send_sgi() delivers.
struct SgiTarget {
    /// Who receives the SGI.
    enum class Mode : u8 {
        Cpu,     ///< The CPU named by cpu.
        Others,  ///< Every CPU but the sender.
        Self     ///< The sender.
    };
    Mode mode;        ///< Who receives it.
    CpuAffinity cpu;  ///< Only for Mode::Cpu.

    /// The CPU @p cpu.
    static constexpr SgiTarget to(CpuAffinity cpu) { return {Mode::Cpu, cpu}; }
    /// Every CPU but the sender.
    static constexpr SgiTarget others() { return {Mode::Others, CpuAffinity{0}}; }
    /// The sender itself.
    static constexpr SgiTarget self() { return {Mode::Self, CpuAffinity{0}}; }
};

/// Makes @p handler run, with @p ctx, whenever @p intid is taken. Does not
/// enable the interrupt.
/// @param intid the interrupt.
/// @param handler runs in IRQ context with IRQs masked; must not block.
/// @param ctx passed to @p handler.
/// @retval Error::OutOfRange @p intid above LIBIRQ_MAX_INTID or the controller's last, or special.
/// @retval Error::NoHandler @p handler is null.
/// @retval Error::AlreadyRegistered @p intid has a handler.
/// @context Thread. @blocking No.
Result<void, Error> register_handler(u32 intid, Handler handler, void* ctx);
/// Disables @p intid (when a controller is installed) and removes its handler.
/// @retval Error::OutOfRange @p intid out of range.
/// @retval Error::NotRegistered @p intid has no handler.
/// @context Thread. @blocking No.
Result<void, Error> unregister_handler(u32 intid);

/// Lets @p intid be signalled.
/// @retval Error::OutOfRange @p intid out of range.
/// @retval Error::NotRegistered @p intid has no handler (register it first).
/// @retval Error::NoController no controller installed.
/// @context Thread or IRQ. @blocking No.
Result<void, Error> enable(u32 intid);
/// Stops @p intid being signalled; one already acknowledged still completes.
/// @retval Error::OutOfRange @p intid out of range.
/// @retval Error::NoController no controller installed.
/// @context Thread or IRQ. @blocking No.
Result<void, Error> disable(u32 intid);
/// Sets the priority of @p intid (lower values are more urgent).
/// @param intid the interrupt.
/// @param priority below k_priority_mask.
/// @retval Error::OutOfRange @p intid out of range.
/// @retval Error::BadPriority @p priority at or above k_priority_mask.
/// @retval Error::NoController no controller installed.
/// @context Thread, while @p intid is disabled. @blocking No.
Result<void, Error> set_priority(u32 intid, u8 priority);
/// Sets whether @p intid is level- or edge-triggered.
/// @retval Error::OutOfRange @p intid out of range.
/// @retval Error::NoController no controller installed.
/// @retval Error::Unsupported SGIs are always edge; PPIs may be fixed by the implementation.
/// @context Thread, while @p intid is disabled. @blocking No.
Result<void, Error> set_trigger(u32 intid, Trigger trigger);
/// Routes SPI @p intid to @p cpu.
/// @retval Error::OutOfRange @p intid out of range.
/// @retval Error::NotSpi @p intid is not an SPI.
/// @retval Error::NoController no controller installed.
/// @retval Error::BadCpu the controller does not know @p cpu.
/// @context Thread. @blocking No.
Result<void, Error> set_affinity(u32 intid, CpuAffinity cpu);
/// Sends SGI @p intid. Memory written before the call is visible to the
/// handler on the target CPU. SGIs 14 and 15 are the kernel's (tn/smp.hpp).
/// @retval Error::NotSgi @p intid is not 0-15.
/// @retval Error::NoController no controller installed.
/// @retval Error::BadCpu the controller does not know the target CPU.
/// @context Thread or IRQ. @blocking No.
Result<void, Error> send_sgi(u32 intid, SgiTarget target);
/// Makes PPI or SPI @p intid pending by software, as if its device had raised
/// it (GICD_ISPENDR).
/// @retval Error::OutOfRange @p intid out of range.
/// @retval Error::NoController no controller installed.
/// @retval Error::Unsupported an SGI: use send_sgi().
/// @context Thread or IRQ. @blocking No.
Result<void, Error> raise(u32 intid);
/// Ends an interrupt whose handler returned Completion::Deferred, on the CPU
/// that acknowledged it.
/// @retval Error::OutOfRange the event's INTID is out of range.
/// @retval Error::NoController no controller installed.
/// @context Thread or IRQ, on the acknowledging CPU. @blocking No.
Result<void, Error> deactivate(Event event);

/// Sets up the calling CPU's interface to the controller (secondary CPUs; the
/// platform does it for the boot CPU).
/// @retval Error::NoController no controller installed.
/// @retval Error::Timeout the redistributor did not wake up (GICv3).
/// @retval Error::BadCpu the controller does not know the calling CPU.
/// @context The secondary CPU itself, at bring-up. @blocking No.
Result<void, Error> init_this_cpu();
/// Name of the installed controller ("GICv3"), or "none". @context Any.
const char* controller_name();

/// Interrupt counters since boot (stats()).
struct Stats {
    u64 handled;          ///< Interrupts that ran a handler.
    u64 unhandled;        ///< Interrupts without a handler (each was disabled).
    u32 last_unhandled;   ///< INTID of the latest one, 0 if none.
};
/// The counters. @context Any.
Stats stats();

// Masking on the calling CPU (tn/arch/irqflags.hpp on AArch64; inline: they
// sit on every scheduler and lock path). wait_for_interrupt() returns with the
// IRQ mask as it was; with IRQs unmasked the handler has run by then, and with
// them masked a pending interrupt still ends the wait.
#if defined(__aarch64__)
/// Unmasks IRQs on the calling CPU. @context Any.
inline void local_enable() { arch::irq_enable(); }
/// Masks IRQs on the calling CPU. @context Any.
inline void local_disable() { arch::irq_disable(); }
/// Masks IRQs and returns the previous state for local_restore(). @context Any.
inline u64 local_save_disable() { return arch::irq_save(); }
/// Restores the mask state @p state from local_save_disable(). @context Any.
inline void local_restore(u64 state) { arch::irq_restore(state); }
/// Waits (WFI) until an interrupt is pending. @context Any. @blocking Until an interrupt.
inline void wait_for_interrupt() { arch::wait_for_interrupt(); }
#else
void local_enable();
void local_disable();
u64 local_save_disable();
void local_restore(u64 state);
void wait_for_interrupt();
#endif

/// True while the calling CPU runs an interrupt handler. Inline on the
/// target: every scheduler preemption point asks.
#if defined(__aarch64__)
namespace detail {
/// Interrupt nesting depth per CPU (src/arch/arm64/entry.cpp).
extern smp::PerCpu<unsigned> g_irq_depth;
}  // namespace detail
/// True while the calling CPU runs an interrupt handler. @context Any.
inline bool in_interrupt() { return detail::g_irq_depth.local() != 0; }
#else
bool in_interrupt();
#endif

/// Runs @p fn(@p arg) at once, in interrupt context, on the calling CPU: for
/// tests and benchmarks of handler code without a device (Thread-Metric's
/// interrupt tests). A software entry, not an exception: IRQs are masked,
/// the CPU counts as in an interrupt (in_interrupt() is true inside, so
/// blocking calls refuse and a thread made ready waits for the exit), then
/// the interrupt exit path runs (the scheduler's exit hook): a thread @p fn
/// made ready that is more urgent than the caller runs before offload()
/// returns. The caller's IRQ mask is restored. Called from a handler (or
/// nested), @p fn just runs inside it and the outer exit does the rest. No
/// controller is involved: stats() does not count it, and no priority is
/// active meanwhile.
/// @param fn the routine; must not block.
/// @param arg passed to @p fn.
/// @context Thread or IRQ, IRQs masked or not. @blocking No (but may switch threads on exit).
void offload(void (*fn)(void*), void* arg);

#ifdef CONFIG_LIBIRQ_PHASE_STAMPS
/// The virtual counter (CNTVCT_EL0) read at the start of the C interrupt
/// entry of the latest interrupt taken on the calling CPU, once the vector
/// code has saved the interrupted context; 0 before the first one. For
/// benchmarks (LIBIRQ_PHASE_STAMPS): the interval from taking the interrupt
/// to this stamp is the context save, from it to the handler the dispatch.
u64 entry_stamp();
#endif

/// IRQs masked on the calling CPU for the guard's lifetime.
class LocalGuard {
public:
    LocalGuard() : m_state(local_save_disable()) {}
    ~LocalGuard() { local_restore(m_state); }
    LocalGuard(const LocalGuard&) = delete;
    LocalGuard& operator=(const LocalGuard&) = delete;

private:
    u64 m_state;
};

}  // namespace tn::irq
