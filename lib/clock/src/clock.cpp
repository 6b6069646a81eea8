// The image's event clocks behind the free functions of tn/clock.hpp: one
// per CPU, since the timer is a per-CPU PPI and each CPU's comparator is its
// own (the arm/stop calls and expired() act on the calling CPU's). Time and
// the device are the same for all. Thread-context calls mask IRQs so that
// expired() never sees a half-updated state; expired() itself runs in the
// timer's IRQ with IRQs already masked.
#include <tn/clock.hpp>
#include <tn/clock_impl.hpp>
#include <tn/irq.hpp>
#include <tn/smp.hpp>

#include "event_clock.hpp"

namespace tn::clock {

namespace {
// constinit: installed by the platform before static constructors run.
constinit smp::PerCpu<EventClock> g_clock;
}

Result<void, Error> install(Device& device, u64 freq_hz) {
    irq::LocalGuard masked;
    for (unsigned cpu = 0; cpu < smp::k_max_cpus; ++cpu)
        TN_TRY(g_clock[cpu].install(device, freq_hz));
    return {};
}

void expired() { g_clock.local().expired(); }

u64 now_ns() { return g_clock[0].now_ns(); }
u64 now_ticks() { return g_clock[0].now_ticks(); }
u64 frequency_hz() { return g_clock[0].frequency_hz(); }
u64 ticks_to_ns(u64 ticks) { return g_clock[0].installed() ? g_clock[0].conversion().to_ns(ticks) : 0; }
u64 overruns() {
    u64 n = 0;
    for (unsigned cpu = 0; cpu < smp::k_max_cpus; ++cpu)
        n += g_clock[cpu].overruns();
    return n;
}

// One callback for every CPU's event: set in each (before the secondaries
// arm anything, at boot).
void set_callback(Callback callback, void* ctx) {
    irq::LocalGuard masked;
    for (unsigned cpu = 0; cpu < smp::k_max_cpus; ++cpu)
        g_clock[cpu].set_callback(callback, ctx);
}

Result<void, Error> arm_at(u64 deadline_ns) {
    irq::LocalGuard masked;
    return g_clock.local().arm_at(deadline_ns);
}

Result<void, Error> arm_periodic(u64 period_ns) {
    irq::LocalGuard masked;
    return g_clock.local().arm_periodic(period_ns);
}

void stop() {
    irq::LocalGuard masked;
    g_clock.local().stop();
}

}  // namespace tn::clock
