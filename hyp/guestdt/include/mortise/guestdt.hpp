#pragma once
#include <mortise/partition.hpp>
namespace mortise::guestdt {
/// The guest-physical memory map every guest sees: the QEMU virt layout, so an unmodified Tenon (or Linux) boots.
constexpr u64 k_gicd = 0x0800'0000, k_gicd_size = 0x1'0000;
constexpr u64 k_gicr = 0x080A'0000, k_gicr_stride = 0x2'0000;  // one GICv3 redistributor frame pair per vCPU
constexpr u64 k_uart = 0x0900'0000, k_uart_size = 0x1000;     // emulated PL011, SPI 1 (INTID 33)
constexpr u64 k_ram = 0x4000'0000;                            // guest RAM base (IPA)
constexpr u32 k_uart_intid = 33;
/// Writes the guest's device tree (memory, cpus with enable-method psci, GICv3, armv8 timer, PL011 + chosen
/// stdout-path, psci method "hvc", chosen/bootargs) into buf. Returns the blob size, or 0 if @p cap is too small.
u64 build(const partition::Guest& g, void* buf, u64 cap);
}
