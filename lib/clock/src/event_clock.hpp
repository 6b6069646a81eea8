// The portable state machine behind tn/clock.hpp: Idle, OneShot or Periodic,
// over one Device. The image has one instance (src/clock.cpp), which masks
// IRQs around every call except expired(); unit tests drive their own
// instance with a fake device.
#pragma once

#include <tn/clock.hpp>
#include <tn/clock_impl.hpp>
#include <tn/clock_scale.hpp>

namespace tn::clock {

class EventClock {
public:
    Result<void, Error> install(Device& device, u64 freq_hz);

    u64 now_ticks() const { return m_device ? m_device->counter() : 0; }
    u64 now_ns() const { return m_device ? m_conversion.to_ns(m_device->counter()) : 0; }
    u64 frequency_hz() const { return m_conversion.frequency_hz(); }
    const Conversion& conversion() const { return m_conversion; }
    bool installed() const { return m_device != nullptr; }

    void set_callback(Callback callback, void* ctx);
    Result<void, Error> arm_at(u64 deadline_ns);
    Result<void, Error> arm_periodic(u64 period_ns);
    void stop();
    void expired();
    u64 overruns() const { return m_overruns; }

private:
    enum class Mode : u8 { Idle, OneShot, Periodic };

    void advance_period(u64 now);

    Device* m_device = nullptr;
    Conversion m_conversion;
    Mode m_mode = Mode::Idle;
    u64 m_deadline = 0;  // ticks; valid unless Idle
    u64 m_period = 0;    // ticks; valid if Periodic
    u64 m_overruns = 0;
    Callback m_callback = nullptr;
    void* m_ctx = nullptr;
};

}  // namespace tn::clock
