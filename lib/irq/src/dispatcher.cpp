// Validation before any state change (decode, then invoke): every public
// operation checks its arguments, and the controller is called only once they
// are known good.
#include "dispatcher.hpp"

namespace tn::irq {

const char* error_name(Error e) {
    static const char* const names[] = {"OutOfRange",  "AlreadyRegistered", "NotRegistered", "NoHandler",
                                        "NoController", "NotSpi",           "NotSgi",        "BadPriority",
                                        "BadCpu",       "Unsupported",      "Timeout"};
    return enum_name(names, e);
}

Result<void, Error> Dispatcher::check_intid(u32 intid) const {
    if (intid >= m_slot_count || is_special(intid))
        return err(Error::OutOfRange);
    if (m_controller && intid > m_controller->last_intid())
        return err(Error::OutOfRange);
    return {};
}

// The controller, once @p intid is known to be one it implements.
Result<Controller*, Error> Dispatcher::configurable(u32 intid) const {
    TN_TRY(check_intid(intid));
    if (!m_controller)
        return err(Error::NoController);
    return m_controller;
}

bool Dispatcher::registered(u32 intid) const {
    return __atomic_load_n(&m_slots[intid].handler, __ATOMIC_ACQUIRE) != nullptr;
}

Result<void, Error> Dispatcher::register_handler(u32 intid, Handler handler, void* ctx) {
    TN_TRY(check_intid(intid));
    if (!handler)
        return err(Error::NoHandler);
    if (registered(intid))
        return err(Error::AlreadyRegistered);
    m_slots[intid].ctx = ctx;
    __atomic_store_n(&m_slots[intid].handler, handler, __ATOMIC_RELEASE);
    return {};
}

Result<void, Error> Dispatcher::unregister_handler(u32 intid) {
    TN_TRY(check_intid(intid));
    if (!registered(intid))
        return err(Error::NotRegistered);
    if (m_controller)
        m_controller->disable(intid);
    __atomic_store_n(&m_slots[intid].handler, Handler{nullptr}, __ATOMIC_RELEASE);
    m_slots[intid].ctx = nullptr;
    return {};
}

Result<void, Error> Dispatcher::enable(u32 intid) {
    Controller* c = TN_TRY(configurable(intid));
    if (!registered(intid))
        return err(Error::NotRegistered);
    c->enable(intid);
    return {};
}

Result<void, Error> Dispatcher::disable(u32 intid) {
    Controller* c = TN_TRY(configurable(intid));
    c->disable(intid);
    return {};
}

Result<void, Error> Dispatcher::set_priority(u32 intid, u8 priority) {
    Controller* c = TN_TRY(configurable(intid));
    if (priority >= k_priority_mask)
        return err(Error::BadPriority);
    c->set_priority(intid, priority);
    return {};
}

Result<void, Error> Dispatcher::set_trigger(u32 intid, Trigger trigger) {
    Controller* c = TN_TRY(configurable(intid));
    // SGIs are edge-triggered by definition (IHI 0069H.b §4.4).
    if (is_sgi(intid))
        return trigger == Trigger::Edge ? Result<void, Error>{} : err(Error::Unsupported);
    return c->set_trigger(intid, trigger);
}

Result<void, Error> Dispatcher::set_affinity(u32 intid, CpuAffinity cpu) {
    Controller* c = TN_TRY(configurable(intid));
    if (!is_spi(intid))
        return err(Error::NotSpi);
    return c->set_affinity(intid, cpu);
}

Result<void, Error> Dispatcher::send_sgi(u32 intid, SgiTarget target) {
    if (!is_sgi(intid))
        return err(Error::NotSgi);
    if (!m_controller)
        return err(Error::NoController);
    return m_controller->send_sgi(intid, target);
}

Result<void, Error> Dispatcher::raise(u32 intid) {
    Controller* c = TN_TRY(configurable(intid));
    if (is_sgi(intid))
        return err(Error::Unsupported);
    c->set_pending(intid);
    return {};
}

Result<void, Error> Dispatcher::deactivate(Event event) {
    Controller* c = TN_TRY(configurable(event.intid));
    c->deactivate(event);
    return {};
}

Result<void, Error> Dispatcher::init_this_cpu() {
    if (!m_controller)
        return err(Error::NoController);
    return m_controller->init_cpu();
}

void Dispatcher::disown(u32 intid) {
    if (intid <= m_controller->last_intid())
        m_controller->disable(intid);
    ++m_stats.unhandled;
    m_stats.last_unhandled = intid;
}

Dispatcher::Summary Dispatcher::dispatch_pending() {
    Summary s = {};
    // Invariant: each iteration acknowledges one interrupt and ends it (or,
    // for Completion::Deferred, drops its priority); the loop stops when the
    // CPU interface has nothing left above the running priority.
    for (;;) {
        Event e = m_controller->acknowledge();
        if (is_special(e.intid))
            break;
        Handler h = e.intid < m_slot_count ? __atomic_load_n(&m_slots[e.intid].handler, __ATOMIC_ACQUIRE)
                                            : nullptr;
        Completion done = Completion::Done;
        if (h) {
            done = h(e, m_slots[e.intid].ctx);
            ++s.handled;
        } else {
            // Nobody owns it: keep it from firing again. Disabling before the
            // deactivation means a level interrupt cannot become pending anew.
            // An INTID beyond the controller's range (an LPI) has no enable bit.
            if (e.intid <= m_controller->last_intid())
                m_controller->disable(e.intid);
            ++s.unhandled;
            s.last_unhandled = e.intid;
        }
        m_controller->priority_drop(e);
        if (done == Completion::Done)
            m_controller->deactivate(e);
    }
    m_stats.handled += s.handled;
    m_stats.unhandled += s.unhandled;
    if (s.unhandled)
        m_stats.last_unhandled = s.last_unhandled;
    return s;
}

}  // namespace tn::irq
