// QEMU virt as a host platform for the partition description's checks on the
// host (tn/plat/mortise_qemu_virt.hpp). Addresses: hw/arm/virt.c's memory map,
// which the device tree QEMU passes describes at boot.
#include <tn/plat/mortise_qemu_virt.hpp>

namespace tn::plat::mortise_qemu_virt {

namespace {

using mortise::partition::Region;

constexpr PhysAddr k_ram{0x4000'0000};
constexpr Region k_gicd{PhysAddr{0x0800'0000}, 0x1'0000};
constexpr Region k_gic_its{PhysAddr{0x0808'0000}, 0x2'0000};
constexpr Region k_gicr{PhysAddr{0x080A'0000}, 0xF6'0000};
constexpr Region k_uart{PhysAddr{0x0900'0000}, 0x1000};
constexpr u32 k_uart_intid = 33;  // SPI 1
// The 32 virtio-mmio transports (0x200 bytes each, SPIs 16-47): DMA-capable devices.
constexpr Region k_virtio_mmio{PhysAddr{0x0A00'0000}, 32 * 0x200};

}  // namespace

mortise::partition::Platform partition_platform(u64 ram_size, unsigned cpus) {
    mortise::partition::Platform p{};
    p.ram[0] = {k_ram, ram_size};
    p.ram_count = 1;
    p.cpu_count = cpus;
    p.owned_mmio[0] = k_gicd;
    p.owned_mmio[1] = k_gic_its;
    p.owned_mmio[2] = k_gicr;
    p.owned_mmio[3] = k_uart;
    p.owned_mmio_count = 4;
    p.owned_irqs[0] = k_uart_intid;
    p.owned_irq_count = 1;
    p.dma_mmio[0] = k_virtio_mmio;
    p.dma_mmio_count = 1;
    return p;
}

}  // namespace tn::plat::mortise_qemu_virt
