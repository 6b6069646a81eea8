// The image's one event clock behind the free functions of tn/clock.hpp.
// Thread-context calls mask IRQs so that expired() never sees a half-updated
// state; expired() itself runs in the timer's IRQ with IRQs already masked.
#include <tn/clock.hpp>
#include <tn/clock_impl.hpp>
#include <tn/irq.hpp>

#include "event_clock.hpp"

namespace tn::clock {

namespace {
// constinit: installed by the platform before static constructors run.
constinit EventClock g_clock;
}

Result<void, Error> install(Device& device, u64 freq_hz) {
    irq::LocalGuard masked;
    return g_clock.install(device, freq_hz);
}

void expired() { g_clock.expired(); }

u64 now_ns() { return g_clock.now_ns(); }
u64 now_ticks() { return g_clock.now_ticks(); }
u64 frequency_hz() { return g_clock.frequency_hz(); }
u64 overruns() { return g_clock.overruns(); }

void set_callback(Callback callback, void* ctx) {
    irq::LocalGuard masked;
    g_clock.set_callback(callback, ctx);
}

Result<void, Error> arm_at(u64 deadline_ns) {
    irq::LocalGuard masked;
    return g_clock.arm_at(deadline_ns);
}

Result<void, Error> arm_periodic(u64 period_ns) {
    irq::LocalGuard masked;
    return g_clock.arm_periodic(period_ns);
}

void stop() {
    irq::LocalGuard masked;
    g_clock.stop();
}

}  // namespace tn::clock
