/// @file
/// @brief Monotonic time and the clock event (lib/clock, CONFIG_LIBCLOCK).
///
/// Monotonic time and one programmable timer event per image, on top of a
/// counter/comparator driver (tn/clock_impl.hpp) such as the Arm generic timer.
///
/// Time is the hardware counter converted to nanoseconds; it starts wherever
/// the counter started (at or before boot) and never goes backwards. Deadlines
/// are absolute times on the same scale and are converted to ticks rounding
/// up, so an event never fires early; periods are whole ticks, so a period
/// that is not a whole number of ticks runs slow by less than one tick per
/// period. Periodic deadlines advance from the previous deadline, not from when
/// the callback ran, so the rate does not drift with interrupt latency.
///
/// Context: the arm/stop calls may be made from thread context or from the
/// callback itself; they mask IRQs on the calling CPU while they update the
/// timer. SMP: the timer is a per-CPU PPI, so each CPU has an event of its
/// own: arm_at(), arm_periodic() and stop() act on the calling CPU's, whose
/// expiry runs the callback on that CPU; the callback is the same for all.
///
/// The event has one owner: with lib/tntimer in the image (every image with
/// lib/sched) that is tntimer, so applications use tn::tntimer timers (or
/// sleep) and only read the time here.
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

/// Monotonic time and the clock event (lib/clock).
namespace tn::clock {

/// Why a clock call failed.
enum class Error : u8 {
    NoDevice,      ///< No timer driver installed (none configured, or it failed at boot).
    BadFrequency,  ///< The counter reports 0 Hz or more than 4 GHz (firmware did not set CNTFRQ_EL0).
    BadPeriod,     ///< A period of zero.
};

/// Printable name of @p e, for logs. @context Any.
const char* error_name(Error e);

/// Runs in IRQ context with IRQs masked, each time the event fires.
using Callback = void (*)(void* ctx);

/// Nanoseconds of monotonic time; 0 before a device is installed.
/// @context Any (ISR ok). @blocking No.
u64 now_ns();
/// The raw counter and its frequency, for measurements that should not depend
/// on the conversion. 0 before a device is installed.
/// @context Any (ISR ok). @blocking No.
u64 now_ticks();
/// The time of counter value @p ticks on the now_ns() scale (rounded down, as
/// now_ns() rounds; a deadline there converts back to the same tick). 0
/// before a device is installed.
/// @context Any (ISR ok). @blocking No.
u64 ticks_to_ns(u64 ticks);
/// Counter frequency in Hz (CNTFRQ_EL0); 0 before a device is installed.
/// @context Any (ISR ok). @blocking No.
u64 frequency_hz();

/// Installs the function the event calls (nullptr: none), on every CPU.
/// Takes effect for the next expiry.
/// @param callback runs in IRQ context at each expiry.
/// @param ctx passed to @p callback.
/// @context Thread or the callback itself. @blocking No.
void set_callback(Callback callback, void* ctx);
/// Fires the calling CPU's event once at @p deadline_ns (a past deadline
/// fires at once), replacing any event already armed there.
/// @param deadline_ns absolute time (now_ns() scale).
/// @retval Error::NoDevice no timer driver installed.
/// @context Thread or the callback itself. @blocking No.
Result<void, Error> arm_at(u64 deadline_ns);
/// Fires the calling CPU's event every @p period_ns, the first one period
/// from now, replacing any event already armed there.
/// @param period_ns the period, rounded to whole ticks.
/// @retval Error::NoDevice no timer driver installed.
/// @retval Error::BadPeriod @p period_ns is 0.
/// @context Thread or the callback itself. @blocking No.
Result<void, Error> arm_periodic(u64 period_ns);
/// Cancels the calling CPU's armed event, if any. @context Thread or the
/// callback itself.
void stop();
/// Periods the periodic events (of all CPUs) skipped because an expiry was handled more than
/// one period late (the callback runs once for them, not once each).
/// @context Any.
u64 overruns();

}  // namespace tn::clock
