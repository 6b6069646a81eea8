/// @file
/// @brief Application start-up shared by every platform.
#pragma once

/// Application start-up (lib/boot).
namespace tn::boot {

/// Exit status when an init function fails (EX_SOFTWARE).
constexpr int k_init_failed_status = 70;

/// Runs static constructors, the init functions by level (tn/init.hpp) and
/// main(), then powers off with main's status.
/// Called once by the platform on the boot CPU.
/// @context Boot CPU, at boot. @blocking Never returns.
[[noreturn]] void run();

}  // namespace tn::boot
