#pragma once
#include <mortise/partition.hpp>
#include <tn/plat/mortise_guest_map.hpp>
namespace tn::fdt { class Fdt; }
namespace mortise::guestdt {
/// The guest-physical memory map every guest sees and the generated tree describes: the virtual board of
/// tn/plat/mortise_guest_map.hpp (QEMU virt's layout, so an unmodified Tenon or Linux boots).
namespace gmap = tn::plat::mortise_guest::map;

/// Bounds of the pass-through description copied from the host tree: device nodes, distinct fixed clocks,
/// and per copied node the `reg` entries, `interrupts` specifiers and `clocks` references it may have (a node
/// with more regs is not copied; one with more interrupts or clocks loses those properties).
constexpr unsigned k_max_passthrough_nodes = partition::k_max_regions * 4, k_max_passthrough_clocks = 8;
constexpr unsigned k_max_node_regs = 8, k_max_node_irqs = 8, k_max_node_clocks = 4;

constexpr unsigned k_max_rng_seed = 64;
/// A Linux guest's boot parameters for /chosen (see build()).
struct Boot {
    tn::IpaRange initrd;      ///< size 0: no initramfs
    const u8* rng_seed;       ///< nullptr or rng_seed_size 0: no rng-seed
    unsigned rng_seed_size;
    u64 kaslr_seed;           ///< 0: no kaslr-seed
};

/// Writes the guest's device tree (memory at partition::ram_ipa(g), cpus with enable-method psci, GICv3, armv8 timer, PL011 + chosen
/// stdout-path, psci method "hvc", chosen/bootargs) into buf. Returns the blob size, or 0 if @p cap is too small.
///
/// With @p host (the tree the firmware gave Mortise), it also describes the guest's pass-through devices: every
/// available host node, at any depth, whose `reg` regions (translated to host-physical addresses through the
/// `ranges` of its buses) each lie inside one of g.mmio[] becomes a child of the guest root named
/// "<name>@<first address>", with `compatible`, `reg` (2 + 2 cells), `reg-names`; `interrupts` (and
/// `interrupt-names`) only if its interrupt parent is the host GIC and every specifier is a 3-cell SPI listed in
/// g.irqs (flags kept, so the guest sees the trigger); `clocks` (and `clock-names`) only if every reference is a
/// fixed-clock with #clock-cells 0, each such clock copied once (compatible, #clock-cells, clock-frequency,
/// clock-output-names) with a new phandle; `dma-coherent` and `dma-noncoherent` as they are. Every other
/// property is dropped: the guest gets no phandle into the
/// host's tree. Nodes overlapping the emulated GIC, PL011 or RAM windows, the host GIC and its children are never
/// copied. At most k_max_passthrough_nodes nodes; a host tree that does not describe a device well only loses
/// that device or property, never makes build() read outside the blob. Without @p host, or with no pass-through
/// device in it, the tree is exactly the one of build(g, buf, cap).
///
/// With @p boot (Linux guests), /chosen also gets what Linux's early boot reads there
/// (Documentation/devicetree/bindings/chosen.txt): `linux,initrd-start` / `linux,initrd-end` (64-bit,
/// the initramfs's guest-physical range, end exclusive) when boot->initrd is not empty, `rng-seed`
/// (the bytes, at most k_max_rng_seed) and `kaslr-seed` (64-bit) when given. Without it the tree has
/// none of them, as for a Tenon guest.
///
/// With @p desc (the description @p g is guest number @p guest_index of), each valid channel the guest is a
/// member of gets a child of the root, in channel order, named "ivc@<doorbell IPA in hex>":
/// `compatible = "tenonos,ivc-channel"`, `reg` = the doorbell page then the shared memory (2 + 2 cells),
/// `reg-names = "doorbell", "shm"`, `interrupts` = its doorbell SPI, edge rising, `label` = the channel name,
/// `tenonos,channel-id` (the index in the description, ivc.notify's x1), `tenonos,member` (the guest's member
/// index), `tenonos,members` (the member count), `read-only` when the guest's mapping is read-only and
/// `tenonos,uncached` when a member is Linux (docs/mortise.md, "Inter-VM channels").
u64 build(const partition::Guest& g, void* buf, u64 cap, const tn::fdt::Fdt* host = nullptr,
          const Boot* boot = nullptr, const partition::Description* desc = nullptr, unsigned guest_index = 0);


/// Largest guest device tree Mortise writes (in the top 2 MiB of guest RAM, kernel_image::k_dt_room): the
/// generated tree, and the tree merged with a dt-overlay, must fit.
constexpr u64 k_max_size = 64 * 1024;

/// Writes the tree @p base (@p base_size bytes, as build() wrote it) with the user's overlay (a dtc
/// /plugin/ blob, tn/fdt_overlay.hpp: target-path fragments only, new nodes anywhere but inside generated
/// nodes other than / and /chosen, /chosen properties but the ones build() sets from what it loaded) into
/// @p out. Returns the merged size, or 0 with a sentence in @p why ("<path> <property>: <rule>") when the
/// overlay is refused or the merged tree exceeds @p cap.
u64 apply_overlay(const void* base, u64 base_size, const void* overlay, u64 overlay_size, void* out, u64 cap,
                  char* why, unsigned why_size);

/// Collects the host-physical `reg` ranges (translated like pass-through nodes) of the available host
/// nodes that can master the bus: `virtio,mmio` transports, nodes with `dma-coherent`,
/// `dma-noncoherent` or `iommus`, and DMA controllers (`#dma-cells`). Adjacent or overlapping ranges
/// are merged. Mortise gives them to the partition checks (partition::Platform::dma_mmio): there is
/// no SMMU, so such a device reaches any host-physical address. Returns the range count, or
/// @p cap + 1 if they do not fit (the first @p cap are written).
unsigned dma_regions(const tn::fdt::Fdt& host, partition::Region* out, unsigned cap);

/// Trigger of a physical SPI as the host tree describes it.
struct SpiInfo {
    bool found;  ///< Some node's `interrupts` (GIC parent, 3-cell specifiers) names the SPI.
    bool edge;   ///< Its flags say edge (1 rising, 2 falling); false for level (4 high, 8 low) or 0 (unspecified).
};
/// Looks through @p host, in document order, for the first node whose `interrupts` name SPI @p intid (an INTID,
/// 32..1019) with the host GIC as interrupt parent; disabled nodes count too (the line is wired the same way).
/// Mortise programs the physical SPI's trigger from it before forwarding the SPI to a guest. Not found:
/// {false, false}.
SpiInfo spi_info(const tn::fdt::Fdt& host, u32 intid);
}
