/// @file
/// @brief Provider contract of lib/irq: what an interrupt-controller driver implements
/// and how the platform installs it. Only controller drivers and platforms
/// include this header; everything else uses tn/irq.hpp.
///
/// lib/irq validates every argument before it calls a controller: INTIDs are in
/// range and of the right kind (an SPI for set_affinity, an SGI for send_sgi),
/// priorities are below k_priority_mask. A controller checks only what depends
/// on its hardware: which CPUs exist, which trigger bits are programmable.
///
/// An abstract class without RTTI: one indirect call per operation, the same
/// as a table of function pointers, but the compiler checks the signatures and
/// each driver keeps its state (register bases) as members.
#pragma once

#include <tn/irq.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::irq {

/// How lib/irq's interrupt entry may reach a controller's CPU interface
/// directly, without a virtual call per acknowledge and end of interrupt
/// (Controller::cpu_interface()).
struct CpuInterface {
    /// The register interface the entry may use inline.
    enum class Kind : u8 {
        Generic,  ///< Only through the Controller's virtual calls.
        Gicv2,    ///< Memory-mapped GICC at @ref base (IAR, EOIR, DIR; EOImode 1).
        Gicv3,    ///< ICC_IAR1_EL1, ICC_EOIR1_EL1, ICC_DIR_EL1 (EOImode 1).
    };
    Kind kind = Kind::Generic;  ///< Which interface.
    uptr base = 0;              ///< Kind::Gicv2: the CPU interface's base address (banked per CPU).
};

/// An interrupt controller: what a GIC driver implements.
class Controller {
public:
    /// The CPU interface the interrupt entry may access inline, with the same
    /// effect as acknowledge(), priority_drop() and deactivate(). The default,
    /// Kind::Generic, keeps every access behind the virtual calls.
    virtual CpuInterface cpu_interface() const { return {}; }

    /// For logs: "GICv2", "GICv3".
    virtual const char* name() const = 0;
    /// Highest INTID the hardware implements (from GICD_TYPER.ITLinesNumber).
    virtual u32 last_intid() const = 0;
    /// Brings up the calling CPU's interface (redistributor, CPU interface).
    virtual Result<void, Error> init_cpu() = 0;

    /// Acknowledges the highest-priority pending interrupt on the calling CPU
    /// (reads the IAR). event.intid is special (1020-1023) when none is pending.
    virtual Event acknowledge() = 0;
    /// Priority drop of an acknowledged interrupt (EOIR write with EOImode 1).
    virtual void priority_drop(Event event) = 0;
    /// Deactivation of an interrupt after its priority drop (DIR write).
    virtual void deactivate(Event event) = 0;

    /// Lets @p intid be signalled.
    virtual void enable(u32 intid) = 0;
    /// Returns once the interrupt can no longer be signalled (GICv3: RWP clear).
    virtual void disable(u32 intid) = 0;
    /// Sets @p intid's priority (validated by lib/irq).
    virtual void set_priority(u32 intid, u8 priority) = 0;
    /// @pre !is_sgi(intid)
    virtual Result<void, Error> set_trigger(u32 intid, Trigger trigger) = 0;
    /// @pre is_spi(intid)
    virtual Result<void, Error> set_affinity(u32 intid, CpuAffinity cpu) = 0;
    /// @pre is_sgi(intid)
    virtual Result<void, Error> send_sgi(u32 intid, SgiTarget target) = 0;
    /// @pre !is_sgi(intid)
    virtual void set_pending(u32 intid) = 0;

protected:
    // Controllers are static objects, never destroyed through this interface.
    ~Controller() = default;
};

/// Cross-CPU calls (tn::smp::run_on, CONFIG_TN_SMP): registers the handler of
/// SGI smp::k_call_sgi and enables it on the calling (boot) CPU, before any
/// secondary starts. Errors: those of register_handler and enable.
Result<void, Error> init_cross_calls();
/// Enables the cross-call SGI on the calling secondary CPU (SGIs are banked).
Result<void, Error> enable_cross_calls_this_cpu();

/// Makes @p controller the one every call of tn/irq.hpp and every IRQ goes to.
/// Called once by the platform on the boot CPU, after the controller's own
/// initialisation and before IRQs are unmasked.
void install(Controller& controller);

}  // namespace tn::irq
