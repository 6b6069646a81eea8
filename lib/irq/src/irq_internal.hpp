// Shared between the portable front end (irq.cpp) and the arch IRQ entry.
#pragma once

#include "dispatcher.hpp"

namespace tn::irq::detail {

/// Size of the image's handler table.
constexpr u32 k_slot_count = CONFIG_LIBIRQ_MAX_INTID + 1;
/// The image's handler table (src/irq.cpp), the dispatcher's slots: the IRQ
/// entry indexes it directly.
extern Slot g_slots[k_slot_count];
/// The image's dispatcher (src/irq.cpp).
extern Dispatcher g_dispatcher;
/// The image's dispatcher.
inline Dispatcher& dispatcher() { return g_dispatcher; }

}  // namespace tn::irq::detail
