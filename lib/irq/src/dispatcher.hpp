// The portable core of lib/irq: a handler table, argument validation and the
// acknowledge / handle / priority drop / deactivate loop. One instance serves
// the image (src/irq.cpp); unit tests build their own around a fake controller.
//
// Lock-free publication: a handler slot is written as (ctx, then handler with
// release ordering) and read as (handler with acquire, then ctx), so an IRQ on
// another CPU never runs a new handler with a stale context. Registration of
// one INTID from two CPUs at once is not supported (boot-time configuration).
#pragma once

#include <tn/irq.hpp>
#include <tn/irq_impl.hpp>

namespace tn::irq {

struct Slot {
    Handler handler;
    void* ctx;
};

class Dispatcher {
public:
    /// @p slots: storage for INTIDs 0 .. slot_count - 1, zero-initialised.
    constexpr Dispatcher(Slot* slots, u32 slot_count) : m_slots(slots), m_slot_count(slot_count) {}

    void install(Controller& controller) {
        m_cpu_interface = controller.cpu_interface();
        m_controller = &controller;
    }
    Controller* controller() const { return m_controller; }
    /// The installed controller's CPU interface (Kind::Generic if none).
    const CpuInterface& cpu_interface() const { return m_cpu_interface; }

    Result<void, Error> register_handler(u32 intid, Handler handler, void* ctx);
    Result<void, Error> unregister_handler(u32 intid);
    Result<void, Error> enable(u32 intid);
    Result<void, Error> disable(u32 intid);
    Result<void, Error> set_priority(u32 intid, u8 priority);
    Result<void, Error> set_trigger(u32 intid, Trigger trigger);
    Result<void, Error> set_affinity(u32 intid, CpuAffinity cpu);
    Result<void, Error> send_sgi(u32 intid, SgiTarget target);
    Result<void, Error> raise(u32 intid);
    Result<void, Error> deactivate(Event event);
    Result<void, Error> init_this_cpu();

    /// What one dispatch_pending() call did.
    struct Summary {
        u32 handled;
        u32 unhandled;
        u32 last_unhandled;  ///< Valid if unhandled != 0.
    };
    /// Handles every interrupt pending on the calling CPU, highest priority
    /// first, until the controller reports a special INTID. An interrupt
    /// without a handler is disabled (so it cannot storm) and ended.
    /// Context: IRQ, IRQs masked. @pre controller() != nullptr
    Summary dispatch_pending();

    // For an IRQ entry that runs its own acknowledge / handler / end loop
    // (src/arch/arm64/entry.cpp): the table and the bookkeeping.
    /// The slot of @p intid. @pre intid < slot_count()
    Slot& slot(u32 intid) { return m_slots[intid]; }
    /// Number of slots (INTIDs 0 .. slot_count() - 1).
    u32 slot_count() const { return m_slot_count; }
    /// Adds @p n handled interrupts to stats().
    void count_handled(u32 n) { m_stats.handled += n; }
    /// An acknowledged interrupt without a handler: disables it (so it cannot
    /// storm) and counts it. The caller still ends it.
    void disown(u32 intid);

    Stats stats() const { return m_stats; }

private:
    Result<void, Error> check_intid(u32 intid) const;
    Result<Controller*, Error> configurable(u32 intid) const;
    bool registered(u32 intid) const;

    Slot* m_slots;
    u32 m_slot_count;
    Controller* m_controller = nullptr;
    CpuInterface m_cpu_interface = {};
    Stats m_stats = {};
};

}  // namespace tn::irq
