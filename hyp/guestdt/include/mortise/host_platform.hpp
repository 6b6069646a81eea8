/// @file
/// @brief A board as the partition checks see it (partition::Platform), read from the board's device tree.
///
/// support/tools/partcheck --board-dtb checks a description against it at build time; the running Mortise can
/// build its Platform the same way from the tree it was handed, so both refuse the same descriptions. It lives
/// beside guestdt's other readers of the host tree (dma_regions(), spi_info()): hyp/partition cannot read trees
/// of other shapes without depending on guestdt, which depends on it.
#pragma once

#include <mortise/partition.hpp>

namespace tn::fdt { class Fdt; }

namespace mortise::guestdt {

/// Fills @p out from the board tree @p host:
/// - RAM: @p ram (@p ram_count banks, at most 4) when given, else the available `device_type = "memory"` nodes.
///   A kernel's tree has none (U-Boot adds /memory at boot): then the banks must be given.
/// - CPUs: the available /cpus children with device_type "cpu", a `reg` and enable-method "psci" or none (QEMU
///   virt at EL2), in tree order (the partition description's CPU numbers; Mortise starts CPUs with PSCI and
///   no other way, so a spin-table CPU is not one).
/// - Devices Mortise keeps (owned_mmio, named for the refusal): the GIC's distributor, every redistributor
///   region (GICv3) or CPU / virtual interface frame (GICv2, and a GICv3's legacy ones), its `mbi-alias` frame,
///   its arm,gic-v3-its children, and the /chosen stdout-path console UART's first `reg`; the UART's SPI as
///   owned_irqs (none if it has no `interrupts`: Mortise then polls it).
/// - DMA-capable devices (dma_mmio): every bus master, disabled ones too (a guest given the registers can
///   enable it): nodes with `dma-coherent`, `dma-noncoherent`, `iommus` or `#dma-cells`, virtio,mmio, and -
///   because a board without an SMMU has no reason to mark them - nodes with a generic bus-master name (usb,
///   ethernet, mmc, sata, scsi, ide, pci/pcie, gpu, npu, dma-controller, video-codec, display,
///   display-controller, lcd-controller, crypto, nand-controller), a compatible of a common master IP
///   (EHCI/OHCI/xHCI, DWC2/3, AHCI, DW MSHC, Mali, PL330/PL080, DW PCIe) or device_type "pci". A master with
///   none of these marks is missed: such a board needs its entry in passthrough.cpp's lists.
/// The caller adds what the tree cannot say: reserved regions, image names, blobs, image_cpus.
/// Returns false with a sentence in @p why naming what is missing or unreadable (and the fix) when the tree
/// lacks RAM (and none is given), usable CPUs, a GIC or a console, or has more of them than Platform holds;
/// @p out is then unspecified. Reads only through the bounds-checked @p host: any blob is safe.
bool host_platform(const tn::fdt::Fdt& host, const partition::Region* ram, unsigned ram_count,
                   partition::Platform& out, char* why, unsigned why_size);

}  // namespace mortise::guestdt
