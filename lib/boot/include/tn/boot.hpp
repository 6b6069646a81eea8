// Application start-up shared by every platform.
#pragma once

namespace tn::boot {

/// Runs static constructors and main(), then powers off with main's status.
/// Called once by the platform on the boot CPU.
[[noreturn]] void run();

}  // namespace tn::boot
