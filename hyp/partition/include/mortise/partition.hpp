#pragma once
#include <tn/addr.hpp>
#include <tn/mortise_abi.hpp>
#include <tn/plat/mortise_guest_map.hpp>
#include <tn/types.hpp>
// Added to the contract: the fixed-width names of tn/types.hpp live in namespace tn, so the contract's
// unqualified u32/u64 need these (repeating them elsewhere in namespace mortise is harmless).
namespace mortise { using tn::u8; using tn::u16; using tn::u32; using tn::u64; using tn::usize; }
namespace mortise::partition {
constexpr unsigned k_max_guests = 8, k_max_regions = 8, k_max_irqs = 32, k_name_len = 32, k_bootargs_len = 256;
/// Platform capacities: a GICv2 with all four frames plus the console UART is five owned regions; a real
/// board's tree (rk3568) has some thirty DMA-capable device ranges once adjacent ones are merged.
constexpr unsigned k_max_owned_mmio = 8, k_max_owned_irqs = 4, k_max_dma_mmio = 48;
/// A range of host-physical addresses (RAM banks, device registers).
using Region = tn::PhysRange;
/// The kernel a guest boots (`kernel` in the description; Tenon when absent).
enum class Kernel : u8 { Tenon, Linux };
/// What an embedded blob is, for the checks that need more than its name.
enum class BlobKind : u8 { LinuxImage, Initramfs, DtOverlay };
/// An embedded Linux Image, initramfs or device-tree overlay as the checks see it: its size, and for
/// an Image its first bytes (the arm64 header, mortise/kernel_image.hpp), for an overlay all of them.
struct Blob {
    const char* name;
    BlobKind kind;
    u64 size;
    const u8* head;     ///< the first head_size bytes (nullptr: not known)
    u64 head_size;
};
struct Guest {
    char name[k_name_len];        // unique, [a-z0-9_-]+
    char image[k_name_len];       // name of an image embedded in the host image (the guest app name)
    u64 cpu_mask;                 // physical CPUs by logical index (order of /cpus in the host DT); exclusive
    u64 mem_size;                 // bytes, multiple of 2 MiB
    tn::PhysAddr mem_phys;        // 0 = Mortise chooses; else fixed host-physical base (2 MiB aligned)
    Region mmio[k_max_regions];   // pass-through device regions (host-physical; guest at passthrough_ipa()), page aligned
    unsigned mmio_count;
    u32 irqs[k_max_irqs];         // pass-through SPIs (INTIDs 32..1019), forwarded to this guest
    unsigned irq_count;
    char bootargs[k_bootargs_len];
    bool autostart;               // start at boot
    bool privileged;              // may use the lifecycle hypercalls on other guests
    bool valid;                   // false: validation failed, the guest is never started
    // Added to the contract:
    Kernel kernel;                // what `image` is: a Tenon application or a Linux kernel
    char initramfs[k_name_len];   // Linux: the embedded initramfs (empty: none)
    char dt_overlay[k_name_len];  // Linux: the embedded device-tree overlay applied to its tree (empty: none)
    bool identity_ram;            // `identity-mapped`: RAM at IPA = PA (mem_phys), for DMA pass-through
    bool dma_unsafe_accepted;     // `dma-unsafe-accepted`: trusted with a DMA device no SMMU confines
    bool dma;                     // an mmio region holds a DMA-capable device (Platform::dma_mmio)
    u64 colors;                   // `colors`: bit c = LLC colour c (mortise/color.hpp); 0 = RAM not coloured
    u8 mode;                      // `mode`: 1 (default) owns its CPUs; 2 shares them with other mode-2 guests
    u8 priority;                  // `priority` of a mode-2 guest's vCPUs, k_min_priority..k_max_priority
    u32 budget_us;                // `budget-us`: each vCPU's CPU time per period (mode 2); 0 = no reservation
    u32 period_us;                // `period-us`: the reservation's period; 0 with budget_us 0
    u8 max_priority;              // `max-priority`: the ceiling of its scheduling hints (mode 2); 0 = none
};
/// The `priority` range of mode-2 guests (lib/sched thread priorities: 0 is the idle thread's).
constexpr unsigned k_min_priority = 1, k_max_priority = 31, k_default_priority = 1;
/// The `budget-us` / `period-us` range: lib/sched's (tn::sched::k_min_budget_ns, k_max_period_ns; Mortise
/// checks they agree), a budget from 10 us up to the period, a period up to 100 s.
constexpr u32 k_min_budget_us = 10, k_max_period_us = 100'000'000;
constexpr unsigned k_max_channels = tn::mortise_abi::ivc::k_max_channels;
constexpr unsigned k_max_members = tn::mortise_abi::ivc::k_max_members;
/// Shared memory of one channel: a multiple of 4 KiB from 8 KiB to 16 MiB.
constexpr u64 k_channel_min = 0x2000, k_channel_max = 0x100'0000;
/// An inter-VM channel (`/mortise/channels/<name>` in the description; docs/mortise.md, "Inter-VM channels").
struct Channel {
    char name[k_name_len];            // unique among channels, [a-z0-9_-]+
    u8 members[k_max_members];        // indices into Description::guests; member i is members[i]
    unsigned member_count;            // 2..k_max_members
    u8 read_only_mask;                // bit i: member i gets a read-only mapping (`read-only`)
    u32 doorbell_intid[k_max_members];// the SPI (INTID) each member receives its doorbell on
    u64 size;                         // bytes of shared memory, multiple of 4 KiB
    tn::Ipa doorbell_ipa;             // the doorbell page, the same IPA in every member
    tn::Ipa shm_ipa;                  // the shared memory, the same IPA in every member
    bool uncached;                    // a Linux member: every member maps it Normal Non-cacheable
    bool valid;                       // false: refused (or a member was), never set up
};
/// Images one instance pool may list.
constexpr unsigned k_max_pool_images = 8;
/// The pool of on-demand instances (`/mortise/instance-pool`; docs/mortise.md, "On-demand instances"):
/// host RAM and CPUs that no boot-time guest gets, from which the shell or a privileged guest creates
/// instances of the listed images at run time.
struct InstancePool {
    bool present;                 // the description has the node
    bool valid;                   // false: refused, no instance can be created
    u64 mem_size;                 // bytes, multiple of 2 MiB: carved at boot, before the guests' RAM
    u64 cpu_mask;                 // CPUs instances may get (mode 1: one vCPU per CPU); no guest's
    char images[k_max_pool_images][k_name_len];  // the embedded images instances may run
    unsigned image_count;
    // Added: `mode` (1, the default: each instance vCPU gets a pool CPU of its own; 2: the pool's CPUs are
    // shared by the instances' vCPUs and the description's mode-2 guests, scheduled by lib/sched).
    u8 mode;
};
struct Description {
    Guest guests[k_max_guests]; unsigned count;
    // Added to the contract: inter-VM channels, in document order (the index is the channel id).
    Channel channels[k_max_channels]; unsigned channel_count;
    // Added to the contract: the on-demand instances' pool (present = false without one).
    InstancePool pool;
    // Added: the LLC colour count the guests' `colors` are indices of (Platform::colors).
    unsigned colors;
};
/// Is guest @p guest a member of @p c? Its member index, or -1.
constexpr int member_index(const Channel& c, unsigned guest) {
    for (unsigned i = 0; i < c.member_count; ++i)
        if (c.members[i] == guest) return static_cast<int>(i);
    return -1;
}
/// Each channel's shared memory is carved in k_channel_granule blocks, all of them as one block of whole
/// k_channel_pool_align units (Mortise maps it with 2 MiB blocks where it can).
constexpr u64 k_channel_granule = 0x1'0000, k_channel_pool_align = 0x20'0000;
/// Host RAM Mortise carves for the channels of @p d, as one block: the sizes of the valid channels each
/// rounded up to 64 KiB, the total rounded up to 2 MiB; 0 without a valid channel. parse() counts it
/// against free RAM before the guests' memory.
constexpr u64 channel_pool_size(const Description& d) {
    u64 total = 0;
    for (unsigned i = 0; i < d.channel_count && i < k_max_channels; ++i)
        if (d.channels[i].valid)
            total += (d.channels[i].size + k_channel_granule - 1) & ~(k_channel_granule - 1);
    return (total + k_channel_pool_align - 1) & ~(k_channel_pool_align - 1);
}
/// Where channel @p c's shared memory starts in the pool of channel_pool_size(): after the earlier valid
/// channels' rounded sizes, in description order (index @p id).
constexpr u64 channel_pool_offset(const Description& d, unsigned id) {
    u64 at = 0;
    for (unsigned i = 0; i < id && i < d.channel_count && i < k_max_channels; ++i)
        if (d.channels[i].valid)
            at += (d.channels[i].size + k_channel_granule - 1) & ~(k_channel_granule - 1);
    return at;
}
struct Platform {                 // what the description is validated against
    Region ram[4]; unsigned ram_count;   // host RAM banks
    Region reserved[4]; unsigned reserved_count; // e.g. Mortise's own image and heap
    unsigned cpu_count;
    // Added to the contract (zero-initialised = no such check):
    // Devices Mortise keeps (GIC, its UART): never passed through.
    Region owned_mmio[k_max_owned_mmio]; unsigned owned_mmio_count;
    /// What each owned_mmio region is ("GIC distributor"), for the refusal; nullptr: a generic sentence.
    const char* owned_mmio_names[k_max_owned_mmio];
    // INTIDs Mortise keeps (its UART's SPI): never passed through.
    u32 owned_irqs[k_max_owned_irqs]; unsigned owned_irq_count;
    /// Names of the images embedded in the host image; nullptr skips the "image present" check (the build-time
    /// tool without --images), image_count 0 with a non-null list means no image is embedded.
    const char* const* images; unsigned image_count;
    /// The embedded Linux Images and initramfs images (their names are also in `images` for the
    /// Images); nullptr skips the Linux checks that need them (kind, header, sizes).
    const Blob* blobs; unsigned blob_count;
    /// Host-physical ranges of DMA-capable devices (virtio-mmio, `dma-coherent` nodes, DMA controllers):
    /// a guest given MMIO there needs identity-mapped RAM and, unless privileged, `dma-unsafe-accepted`.
    Region dma_mmio[k_max_dma_mmio]; unsigned dma_mmio_count;
    /// CPUs the Mortise image itself supports (CONFIG_TN_MAX_CPUS; 0: not known, no check). The board may have
    /// more: Mortise leaves those off at boot, so a guest given one would be refused then; partcheck (given
    /// --max-cpus from the build) catches it at build time and names the option.
    unsigned image_cpus;
    /// The Mortise image schedules mode-2 guests (CONFIG_MORTISE_MODE2); false: `mode = <2>` is refused, naming
    /// the option. partcheck: --mode2.
    bool mode2;
    /// Applies the embedded overlay @p overlay (head_size == size) to the tree Mortise generates for @p g
    /// (hyp/guestdt), as at boot; false with a sentence in @p why when it is refused. nullptr: no check
    /// (hyp/partition cannot generate guest trees itself: guestdt depends on it).
    bool (*check_dt_overlay)(const Guest& g, const Blob& overlay, char* why, unsigned why_size);
    /// LLC colours of the host (CONFIG_MORTISE_LLC_COLORS; partcheck --colors): 0 refuses `colors`,
    /// with @ref colors_off as the reason when set (the host tree's cache disagrees, say).
    unsigned colors;
    /// Why colouring is off (a sentence naming the fix), or nullptr for "not configured".
    const char* colors_off;
};
/// One problem found: which node and why (a complete sentence naming the fix).
/// `reason` holds a dt-overlay refusal too: the node path and property at fault, then the rule.
struct Diagnostic { char node[64]; char reason[256]; };
struct Diagnostics { Diagnostic items[32]; unsigned count; unsigned dropped; };
/// Parses a flattened device tree blob holding the description (format documented in docs/mortise.md) and
/// validates it against @p plat. Guests with errors get valid=false and one or more diagnostics; a structurally
/// broken blob returns false. Never reads outside [blob, blob+size).
bool parse(const void* blob, u64 size, const Platform& plat, Description& out, Diagnostics& diag);

// ---- Added to the contract ----

/// Page granule pass-through regions are mapped with; guest RAM is placed in k_mem_align blocks.
constexpr u64 k_page = 0x1000, k_mem_align = 0x20'0000;

/// Where a guest sees pass-through device registers at host-physical @p pa: at the same address (stage 2
/// maps them IPA == PA). The one place a host-physical address becomes a guest-physical one; pass-through
/// regions must therefore avoid the windows of the guest map (tn/plat/mortise_guest_map.hpp: emulated GIC,
/// UART and RAM), which the parser checks.
constexpr tn::Ipa passthrough_ipa(tn::PhysAddr pa) { return tn::Ipa{pa.value()}; }
/// passthrough_ipa() of a whole region.
constexpr tn::IpaRange passthrough_ipa(const Region& r) { return {passthrough_ipa(r.base), r.size}; }

/// Where @p g sees its RAM start: the guest map's RAM window, or for `identity-mapped` RAM its
/// host-physical base, so that the addresses a DMA-capable pass-through device is given are the ones
/// it reaches (there is no SMMU to translate them). The one place a guest's RAM IPA is decided.
constexpr tn::Ipa ram_ipa(const Guest& g) {
    return g.identity_ram ? tn::Ipa{g.mem_phys.value()} : tn::plat::mortise_guest::map::k_ram;
}
/// @p g's RAM as it sees it.
constexpr tn::IpaRange ram_window(const Guest& g) { return {ram_ipa(g), g.mem_size}; }

/// Number of vCPUs of @p g (one per CPU of its cpu_mask).
constexpr unsigned vcpu_count(const Guest& g) { return static_cast<unsigned>(__builtin_popcountll(g.cpu_mask)); }
}
