// The C interface (tn/irq.h): thin forwarders to tn/irq.hpp.
#include <tn/irq.h>
#include <tn/irq.hpp>

using namespace tn;
using irq::Error;

// A C handler is called through the C++ Handler type: the same arguments (an
// 8-byte struct of two u32, a pointer) and a one-byte result in both.
static_assert(sizeof(tn_irq_event_t) == sizeof(irq::Event) && alignof(tn_irq_event_t) == alignof(irq::Event));
static_assert(sizeof(tn_irq_completion_t) == sizeof(irq::Completion));
static_assert(TN_IRQ_DONE == static_cast<int>(irq::Completion::Done) &&
              TN_IRQ_DEFERRED == static_cast<int>(irq::Completion::Deferred));

namespace {

int to_errno(Error e) {
    switch (e) {
    case Error::AlreadyRegistered: return -TN_EBUSY;
    case Error::NotRegistered: return -TN_ENOENT;
    case Error::NoController: return -TN_ENODEV;
    case Error::Unsupported: return -TN_EPERM;
    case Error::Timeout: return -TN_ETIMEDOUT;
    case Error::OutOfRange:
    case Error::NoHandler:
    case Error::NotSpi:
    case Error::NotSgi:
    case Error::BadPriority:
    case Error::BadCpu: return -TN_EINVAL;
    }
    return -TN_EINVAL;
}

int to_int(const Result<void, Error>& r) { return r.ok() ? 0 : to_errno(r.error()); }

}  // namespace

extern "C" {

int tn_irq_register(uint32_t intid, tn_irq_handler_t handler, void* ctx) {
    return to_int(irq::register_handler(intid, reinterpret_cast<irq::Handler>(reinterpret_cast<void (*)()>(handler)), ctx));
}
int tn_irq_unregister(uint32_t intid) { return to_int(irq::unregister_handler(intid)); }
int tn_irq_enable(uint32_t intid) { return to_int(irq::enable(intid)); }
int tn_irq_disable(uint32_t intid) { return to_int(irq::disable(intid)); }
int tn_irq_set_priority(uint32_t intid, uint8_t priority) { return to_int(irq::set_priority(intid, priority)); }

int tn_irq_set_trigger(uint32_t intid, tn_irq_trigger_t trigger) {
    if (trigger != TN_IRQ_LEVEL && trigger != TN_IRQ_EDGE)
        return -TN_EINVAL;
    return to_int(irq::set_trigger(intid, trigger == TN_IRQ_EDGE ? irq::Trigger::Edge : irq::Trigger::Level));
}

int tn_irq_set_affinity(uint32_t intid, uint64_t mpidr) {
    return to_int(irq::set_affinity(intid, irq::CpuAffinity{mpidr}));
}

int tn_irq_send_sgi(uint32_t intid, tn_irq_sgi_mode_t mode, uint64_t mpidr) {
    irq::SgiTarget target = irq::SgiTarget::self();
    switch (mode) {
    case TN_IRQ_SGI_CPU: target = irq::SgiTarget::to(irq::CpuAffinity{mpidr}); break;
    case TN_IRQ_SGI_OTHERS: target = irq::SgiTarget::others(); break;
    case TN_IRQ_SGI_SELF: break;
    default: return -TN_EINVAL;
    }
    return to_int(irq::send_sgi(intid, target));
}

int tn_irq_raise(uint32_t intid) { return to_int(irq::raise(intid)); }
int tn_irq_deactivate(tn_irq_event_t event) { return to_int(irq::deactivate({event.intid, event.raw})); }

void tn_irq_local_enable(void) { irq::local_enable(); }
void tn_irq_local_disable(void) { irq::local_disable(); }
uint64_t tn_irq_local_save_disable(void) { return irq::local_save_disable(); }
void tn_irq_local_restore(uint64_t state) { irq::local_restore(state); }
int tn_irq_in_interrupt(void) { return irq::in_interrupt() ? 1 : 0; }

}  // extern "C"
