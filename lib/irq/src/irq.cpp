// The image's one dispatcher and its handler table, sized by LIBIRQ_MAX_INTID,
// behind the free functions of tn/irq.hpp.
#include <tn/irq.hpp>
#include <tn/irq_impl.hpp>

#include "dispatcher.hpp"
#include "irq_internal.hpp"

namespace tn::irq {

namespace {

}  // namespace

constinit Slot detail::g_slots[detail::k_slot_count] = {};

// constinit: the platform installs the controller before lib/boot runs static
// constructors, so nothing here may need one.
constinit Dispatcher detail::g_dispatcher{detail::g_slots, detail::k_slot_count};

namespace {
auto& g_dispatcher = detail::g_dispatcher;
}  // namespace

void install(Controller& controller) { g_dispatcher.install(controller); }

Result<void, Error> register_handler(u32 intid, Handler handler, void* ctx) {
    return g_dispatcher.register_handler(intid, handler, ctx);
}
Result<void, Error> unregister_handler(u32 intid) { return g_dispatcher.unregister_handler(intid); }
Result<void, Error> enable(u32 intid) { return g_dispatcher.enable(intid); }
Result<void, Error> disable(u32 intid) { return g_dispatcher.disable(intid); }
Result<void, Error> set_priority(u32 intid, u8 priority) { return g_dispatcher.set_priority(intid, priority); }
Result<void, Error> set_trigger(u32 intid, Trigger trigger) { return g_dispatcher.set_trigger(intid, trigger); }
Result<void, Error> set_affinity(u32 intid, CpuAffinity cpu) { return g_dispatcher.set_affinity(intid, cpu); }
Result<void, Error> send_sgi(u32 intid, SgiTarget target) { return g_dispatcher.send_sgi(intid, target); }
Result<void, Error> raise(u32 intid) { return g_dispatcher.raise(intid); }
Result<void, Error> deactivate(Event event) { return g_dispatcher.deactivate(event); }
Result<void, Error> init_this_cpu() { return g_dispatcher.init_this_cpu(); }
Stats stats() { return g_dispatcher.stats(); }

const char* controller_name() {
    Controller* c = g_dispatcher.controller();
    return c ? c->name() : "none";
}

}  // namespace tn::irq
