/// @file
/// @brief The guest-physical map of the virtual machine Mortise gives every guest:
/// where the emulated GICv3, the emulated PL011 and guest RAM are, as IPAs.
///
/// It is QEMU virt's layout (hw/arm/virt.c memory map), so a Tenon image for
/// QEMU virt, or Linux, boots under Mortise unmodified; Mortise also describes
/// it in each guest's device tree (hyp/guestdt). This header is the one place
/// that defines it: the hypervisor side (hyp/partition keeps pass-through
/// devices out of these windows, hyp/guestdt describes them, hyp/core maps
/// and emulates them, hyp/vgic and hyp/vuart check their frames fit) and the
/// guest platform (plat/mortise-guest) take it from here. Header-only: the
/// hidden Kconfig symbol PLAT_MORTISE_GUEST_MAP exports it to an image.
#pragma once

#include <tn/addr.hpp>
#include <tn/types.hpp>

/// The virtual board of a Mortise guest.
namespace tn::plat::mortise_guest::map {

// (No digit separators in this file: the API reference's doxygen reads the
// quote in 0x0900'0000 inside braces as a character literal.)

/// GICv3 distributor: one 64 KiB frame (Arm IHI 0069, 12.1).
constexpr Ipa k_gicd{0x08000000};
constexpr u64 k_gicd_size = 0x10000;  ///< Bytes of the distributor window.
/// GICv3 redistributors: one RD_base + SGI_base frame pair per vCPU, vCPU 0 first.
constexpr Ipa k_gicr{0x080A0000};
constexpr u64 k_gicr_stride = 0x20000;  ///< Bytes per vCPU in the redistributor window.
/// The emulated PL011: one 4 KiB register page.
constexpr Ipa k_uart{0x09000000};
constexpr u64 k_uart_size = 0x1000;  ///< Bytes of the UART window.
/// The PL011's interrupt: SPI 1.
constexpr u32 k_uart_intid = 33;
/// Guest RAM starts here and runs for the size the partition description gives.
constexpr Ipa k_ram{0x40000000};
/// Inter-VM channels: each channel a guest is a member of appears in this window at the same
/// IPA in every member, a doorbell page then the shared memory k_ivc_shm_offset after it
/// (hyp/partition places them in description order, each slot k_ivc_slot_align aligned).
constexpr Ipa k_ivc{0x20000000};
constexpr u64 k_ivc_size = 0x10000000;        ///< Bytes of the channel window.
constexpr u64 k_ivc_shm_offset = 0x10000;     ///< Shared memory starts this far after the doorbell page.
constexpr u64 k_ivc_slot_align = 0x10000;     ///< Slots (and shared memory) are 64 KiB aligned.
/// A channel's default doorbell: INTID k_ivc_intid_base + its index in the description.
constexpr u32 k_ivc_intid_base = 240;

/// The distributor window.
constexpr IpaRange gicd() { return {k_gicd, k_gicd_size}; }
/// The redistributor window of a guest with @p vcpus vCPUs.
constexpr IpaRange gicr(unsigned vcpus) { return {k_gicr, k_gicr_stride * vcpus}; }
/// The UART window.
constexpr IpaRange uart() { return {k_uart, k_uart_size}; }
/// The RAM window of a guest with @p size bytes of RAM.
constexpr IpaRange ram(u64 size) { return {k_ram, size}; }
/// The channel window.
constexpr IpaRange ivc() { return {k_ivc, k_ivc_size}; }

static_assert(k_gicd + k_gicd_size <= k_gicr && k_uart + k_uart_size <= k_ivc && k_ivc + k_ivc_size <= k_ram,
              "windows in address order");

}  // namespace tn::plat::mortise_guest::map
