// Shared between the portable front end (irq.cpp) and the arch IRQ entry.
#pragma once

#include "dispatcher.hpp"

namespace tn::irq::detail {

/// The image's dispatcher.
Dispatcher& dispatcher();

}  // namespace tn::irq::detail
