#include <tn/arch/sysreg.hpp>
#include <tn/clock_impl.hpp>
#include <tn/drivers/arm_generic_timer.hpp>
#include <tn/irq.hpp>

namespace tn::arm_generic_timer {

namespace {

#ifdef CONFIG_DRV_TIMER_ARM_GENERIC_EL2
// A hypervisor image leaves the EL1 timers to its guests and uses the EL2
// physical timer (CNTHP_CTL_EL2 has the same ENABLE/IMASK/ISTATUS layout)
// against the physical counter.
using Ctl = arch::CnthpCtlEl2;
using Cval = arch::CnthpCvalEl2;
inline u64 read_counter() { return arch::CntpctEl0::read(); }
#else
// The EL1 virtual timer against the virtual counter.
using Ctl = arch::CntvCtlEl0;
using Cval = arch::CntvCvalEl0;
inline u64 read_counter() { return arch::CntvctEl0::read(); }
#endif

class VirtualTimer final : public clock::Device {
public:
    // The ISB keeps the counter read from being performed early, ahead of
    // the code the caller wants to time (Arm ARM: counter reads may be
    // speculated and reordered without it).
    u64 counter() const override {
        asm volatile("isb" ::: "memory");
        return read_counter();
    }

    // The timer condition is CNTVCT >= CVAL (a past deadline fires at once);
    // the ISB makes the new comparator take effect before the caller goes on,
    // e.g. ends the interrupt of the previous deadline.
    void program(u64 deadline) override {
        Cval::write(deadline);
        Ctl::write(Ctl::Enable::bits(1));
        asm volatile("isb" ::: "memory");
    }

    // Disabled, the timer deasserts its interrupt.
    void stop() override {
        Ctl::write(0);
        asm volatile("isb" ::: "memory");
    }
};

constinit VirtualTimer g_timer;
u32 g_intid;

irq::Completion on_interrupt(irq::Event, void*) {
    clock::expired();
    return irq::Completion::Done;
}

// The trigger is level by the architecture; a GIC that fixes PPI
// configuration already has it so, hence Unsupported is fine here.
// PPI configuration is banked per CPU: each CPU sets up its own copy.
Result<void, irq::Error> setup_local_interrupt(u32 intid) {
    if (auto r = irq::set_trigger(intid, irq::Trigger::Level); !r.ok() && r.error() != irq::Error::Unsupported)
        return r;
    TN_TRY(irq::set_priority(intid, irq::k_default_priority));
    return irq::enable(intid);
}

Result<void, irq::Error> setup_interrupt(u32 intid) {
    TN_TRY(irq::register_handler(intid, on_interrupt, nullptr));
    return setup_local_interrupt(intid);
}

}  // namespace

Result<void, Error> try_init(u32 intid) {
    u64 freq = arch::CntfrqEl0::read() & 0xffff'ffff;  // Upper 32 bits are RES0.
    if (!clock::install(g_timer, freq).ok())
        return err(Error::BadFrequency);
    if (!setup_interrupt(intid).ok())
        return err(Error::IrqUnavailable);
    g_intid = intid;
    return {};
}

Result<void, Error> init_this_cpu() {
    if (!g_intid)
        return err(Error::IrqUnavailable);
    Ctl::write(0);
    if (!setup_local_interrupt(g_intid).ok())
        return err(Error::IrqUnavailable);
    return {};
}

}  // namespace tn::arm_generic_timer
