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

/// Entry @p index of @p n's `reg` translated to a host-physical range through its buses' `ranges` (the GIC's
/// too, for its ITS children). False if there is no such entry, it is empty, or it is not CPU-visible.
bool host_reg(const tn::fdt::Fdt& host, tn::fdt::Node n, usize index, partition::Region& out);

/// The host-physical `reg` ranges of the bus masters of @p host, adjacent ones merged, as dma_regions()
/// documents; with @p every_master, of every node host_platform() counts as one (disabled ones included).
/// Returns the range count, or @p cap + 1 if they do not fit.
unsigned dma_ranges(const tn::fdt::Fdt& host, partition::Region* out, unsigned cap, bool every_master);

}  // namespace mortise::guestdt::detail
