// Pass-through devices in the guest's device tree, copied from the host's (passthrough.cpp).
#pragma once

#include <mortise/guestdt.hpp>

#include <tn/fdt.hpp>
#include <tn/fdt_writer.hpp>

namespace mortise::guestdt::detail {

/// Adds the host nodes of @p g's pass-through devices, then the fixed clocks they use, as children of the node
/// @p w has open (the guest root, whose interrupt-parent is the guest GIC). Copied clocks get phandles from
/// @p first_phandle up. A full buffer leaves @p w failed, as for any other node.
void passthrough(tn::fdt::Writer& w, const partition::Guest& g, const tn::fdt::Fdt& host, u32 first_phandle);

}  // namespace mortise::guestdt::detail
