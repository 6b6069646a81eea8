/// @file
/// @brief Provider contract of lib/clock: what a timer driver implements. Only timer
/// drivers include this header; everything else uses tn/clock.hpp.
///
/// A device is a free-running counter plus one comparator on it that raises an
/// interrupt. lib/clock owns the policy (one-shot, periodic, overruns); the
/// driver owns the registers and its interrupt, whose handler calls expired().
#pragma once

#include <tn/clock.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::clock {

/// A counter with one comparator: what a timer driver implements.
class Device {
public:
    /// Current counter value: monotonic, frequency as given to install().
    virtual u64 counter() const = 0;
    /// Raises the device's interrupt once counter() >= @p deadline, at once if
    /// it already is; replaces any earlier deadline. Context: IRQs masked.
    virtual void program(u64 deadline) = 0;
    /// No interrupt until the next program(); a raised one is withdrawn.
    /// Context: IRQs masked.
    virtual void stop() = 0;

protected:
    // Devices are static objects, never destroyed through this interface.
    ~Device() = default;
};

/// Makes @p device the image's clock, counting at @p freq_hz. Called once at
/// boot, before the device's interrupt is enabled.
/// @retval Error::BadFrequency 0 Hz or above 4 GHz (see Conversion::try_create).
/// @context Boot CPU, at boot.
Result<void, Error> install(Device& device, u64 freq_hz);

/// Called by the driver's interrupt handler: runs the callback if the armed
/// deadline has passed, and programs the next periodic deadline or stops the
/// device. A stale or spurious interrupt (deadline not reached, nothing armed)
/// is ignored. Context: IRQ, IRQs masked.
void expired();

}  // namespace tn::clock
