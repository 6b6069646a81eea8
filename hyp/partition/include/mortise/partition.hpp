#pragma once
#include <tn/types.hpp>
// Added to the contract: the fixed-width names of tn/types.hpp live in namespace tn, so the contract's
// unqualified u32/u64 need these (repeating them elsewhere in namespace mortise is harmless).
namespace mortise { using tn::u8; using tn::u16; using tn::u32; using tn::u64; using tn::usize; }
namespace mortise::partition {
constexpr unsigned k_max_guests = 8, k_max_regions = 8, k_max_irqs = 32, k_name_len = 32, k_bootargs_len = 256;
struct Region { u64 base; u64 size; };
struct Guest {
    char name[k_name_len];        // unique, [a-z0-9_-]+
    char image[k_name_len];       // name of an image embedded in the host image (the guest app name)
    u64 cpu_mask;                 // physical CPUs by logical index (order of /cpus in the host DT); exclusive
    u64 mem_size;                 // bytes, multiple of 2 MiB
    u64 mem_phys;                 // 0 = Mortise chooses; else fixed host-physical base (2 MiB aligned)
    Region mmio[k_max_regions];   // pass-through device regions (host-physical == guest-physical), page aligned
    unsigned mmio_count;
    u32 irqs[k_max_irqs];         // pass-through SPIs (INTIDs 32..1019), forwarded to this guest
    unsigned irq_count;
    char bootargs[k_bootargs_len];
    bool autostart;               // start at boot
    bool privileged;              // may use the lifecycle hypercalls on other guests
    bool valid;                   // false: validation failed, the guest is never started
};
struct Description { Guest guests[k_max_guests]; unsigned count; };
struct Platform {                 // what the description is validated against
    Region ram[4]; unsigned ram_count;   // host RAM banks
    Region reserved[4]; unsigned reserved_count; // e.g. Mortise's own image and heap
    unsigned cpu_count;
    // Added to the contract (zero-initialised = no such check):
    Region owned_mmio[4]; unsigned owned_mmio_count;  // devices Mortise keeps (GIC, its UART): never passed through
    u32 owned_irqs[4]; unsigned owned_irq_count;      // INTIDs Mortise keeps (its UART's SPI): never passed through
    /// Names of the images embedded in the host image; nullptr skips the "image present" check (the build-time
    /// tool without --images), image_count 0 with a non-null list means no image is embedded.
    const char* const* images; unsigned image_count;
};
/// One problem found: which node and why (a complete sentence naming the fix).
struct Diagnostic { char node[64]; char reason[160]; };
struct Diagnostics { Diagnostic items[32]; unsigned count; unsigned dropped; };
/// Parses a flattened device tree blob holding the description (format documented in docs/mortise.md) and
/// validates it against @p plat. Guests with errors get valid=false and one or more diagnostics; a structurally
/// broken blob returns false. Never reads outside [blob, blob+size).
bool parse(const void* blob, u64 size, const Platform& plat, Description& out, Diagnostics& diag);

// ---- Added to the contract ----

/// Page granule pass-through regions are mapped with; guest RAM is placed in k_mem_align blocks.
constexpr u64 k_page = 0x1000, k_mem_align = 0x20'0000;

/// The guest-physical windows of the devices and RAM every guest sees (the QEMU virt layout that
/// mortise::guestdt generates; guestdt static_asserts that both agree). Pass-through MMIO is mapped
/// host-physical == guest-physical, so it must avoid these windows.
namespace ipa {
constexpr u64 k_gicd = 0x0800'0000, k_gicd_size = 0x1'0000;
constexpr u64 k_gicr = 0x080A'0000, k_gicr_stride = 0x2'0000;
constexpr u64 k_uart = 0x0900'0000, k_uart_size = 0x1000;
constexpr u64 k_ram = 0x4000'0000;
constexpr u32 k_uart_intid = 33;
}  // namespace ipa

/// Number of vCPUs of @p g (one per CPU of its cpu_mask).
constexpr unsigned vcpu_count(const Guest& g) { return static_cast<unsigned>(__builtin_popcountll(g.cpu_mask)); }

/// The QEMU virt platform as scripts/qemu-run boots it: @p ram_size bytes of RAM at 0x4000'0000, @p cpus CPUs,
/// Mortise keeping the GICv3 distributor and redistributors, the PL011 at 0x0900'0000 and its SPI (INTID 33).
/// No reserved region and no image list: add them to the result where they are known.
Platform qemu_virt_platform(u64 ram_size, unsigned cpus);
}
