#include "event_clock.hpp"

namespace tn::clock {

namespace {

// Deadlines saturate instead of wrapping: a period of centuries means never.
u64 saturating_add(u64 a, u64 b) { return a > ~u64{0} - b ? ~u64{0} : a + b; }

}  // namespace

Result<void, Error> EventClock::install(Device& device, u64 freq_hz) {
    Conversion c = TN_TRY(Conversion::try_create(freq_hz));
    device.stop();
    m_device = &device;
    m_conversion = c;
    m_mode = Mode::Idle;
    return {};
}

void EventClock::set_callback(Callback callback, void* ctx) {
    m_callback = callback;
    m_ctx = ctx;
}

Result<void, Error> EventClock::arm_at(u64 deadline_ns) {
    if (!m_device)
        return err(Error::NoDevice);
    m_mode = Mode::OneShot;
    m_deadline = m_conversion.to_ticks(deadline_ns);
    m_device->program(m_deadline);
    return {};
}

Result<void, Error> EventClock::arm_periodic(u64 period_ns) {
    if (!m_device)
        return err(Error::NoDevice);
    if (period_ns == 0)
        return err(Error::BadPeriod);
    m_mode = Mode::Periodic;
    m_period = m_conversion.to_ticks(period_ns);
    m_deadline = saturating_add(m_device->counter(), m_period);
    m_device->program(m_deadline);
    return {};
}

void EventClock::stop() {
    m_mode = Mode::Idle;
    if (m_device)
        m_device->stop();
}

// Next deadline one period after the last one; if that has already passed,
// skip whole periods so the deadline stays on the original grid and lies in
// the future (a late callback must not cause a burst of catch-up events).
void EventClock::advance_period(u64 now) {
    m_deadline = saturating_add(m_deadline, m_period);
    if (m_deadline <= now) {
        u64 missed = (now - m_deadline) / m_period + 1;
        m_deadline = saturating_add(m_deadline, missed * m_period);
        m_overruns += missed;
    }
    m_device->program(m_deadline);
}

void EventClock::expired() {
    if (!m_device)
        return;
    u64 now = m_device->counter();
    if (m_mode == Mode::Idle) {
        m_device->stop();
        return;
    }
    if (now < m_deadline)
        return;  // Raised for an earlier deadline that was since replaced.
    if (m_mode == Mode::Periodic) {
        advance_period(now);
    } else {
        // Idle before the callback, so that it may arm the next event.
        m_mode = Mode::Idle;
        m_device->stop();
    }
    if (m_callback)
        m_callback(m_ctx);
}

}  // namespace tn::clock
