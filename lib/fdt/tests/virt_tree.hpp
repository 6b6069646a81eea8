// The QEMU `virt` machine's device tree, rebuilt with DtbBuilder. Transcribed by hand
// from `dtc -I dtb -O dts` of QEMU's `-machine virt,gic-version=N[,virtualization=on]
// -cpu cortex-a53,dumpdtb=...` output (QEMU 7.2), keeping the nodes a platform reads and
// a few virtio/flash/pcie nodes for shape; phandles and cell values are QEMU's.
#pragma once

#include <cstdio>

#include "dtb_builder.hpp"

namespace tn::fdt::test {

struct VirtOptions {
    int gic_version = 3;
    bool virtualization = false;  // virtualization=on: PSCI via smc, GIC maintenance irq.
    bool with_aliases = false;    // QEMU emits none; tests add /aliases/serial0.
};

// QEMU's phandles.
constexpr u32 k_virt_clk = 0x8000, k_virt_cpu = 0x8001, k_virt_gic = 0x8002, k_virt_gpio = 0x8004;

/// GICv2 encodes a CPU mask in PPI flags: 0x104 = "all CPUs, level high".
inline u32 virt_ppi_flags(const VirtOptions& o) { return o.gic_version == 2 ? 0x104 : 0x04; }

inline void add_virt_firmware(DtbBuilder& b, const VirtOptions& o) {
    b.begin("psci")
        .prop_u32("migrate", 0xc4000005)
        .prop_u32("cpu_on", 0xc4000003)
        .prop_u32("cpu_off", 0x84000002)
        .prop_u32("cpu_suspend", 0xc4000001)
        .prop_str("method", o.virtualization ? "smc" : "hvc")
        .prop_strs("compatible", {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"})
        .end();
    b.begin("memory@40000000")
        .prop_cells("reg", {0x00, 0x40000000, 0x00, 0x8000000})
        .prop_str("device_type", "memory")
        .end();
    b.begin("platform-bus@c000000")
        .prop_u32("interrupt-parent", k_virt_gic)
        .prop_cells("ranges", {0x00, 0x00, 0xc000000, 0x2000000})
        .prop_u32("#address-cells", 1)
        .prop_u32("#size-cells", 1)
        .prop_strs("compatible", {"qemu,platform", "simple-bus"})
        .end();
    b.begin("fw-cfg@9020000")
        .prop_empty("dma-coherent")
        .prop_cells("reg", {0x00, 0x9020000, 0x00, 0x18})
        .prop_str("compatible", "qemu,fw-cfg-mmio")
        .end();
}

inline void add_virt_io(DtbBuilder& b) {
    for (u32 i = 0; i < 4; ++i) {
        char name[32];
        std::snprintf(name, sizeof(name), "virtio_mmio@%x", 0xa000000 + 0x200 * i);
        b.begin(name)
            .prop_empty("dma-coherent")
            .prop_cells("interrupts", {0x00, 0x10 + i, 0x01})
            .prop_cells("reg", {0x00, 0xa000000 + 0x200 * i, 0x00, 0x200})
            .prop_str("compatible", "virtio,mmio")
            .end();
    }
    b.begin("gpio-keys").prop_str("compatible", "gpio-keys");
    b.begin("poweroff")
        .prop_cells("gpios", {k_virt_gpio, 0x03, 0x00})
        .prop_u32("linux,code", 0x74)
        .prop_str("label", "GPIO Key Poweroff")
        .end();
    b.end();
    b.begin("pl061@9030000")
        .prop_u32("phandle", k_virt_gpio)
        .prop_str("clock-names", "apb_pclk")
        .prop_u32("clocks", k_virt_clk)
        .prop_cells("interrupts", {0x00, 0x07, 0x04})
        .prop_empty("gpio-controller")
        .prop_u32("#gpio-cells", 2)
        .prop_strs("compatible", {"arm,pl061", "arm,primecell"})
        .prop_cells("reg", {0x00, 0x9030000, 0x00, 0x1000})
        .end();
    b.begin("pcie@10000000")
        .prop_u32("#interrupt-cells", 1)
        .prop_cells("reg", {0x40, 0x10000000, 0x00, 0x10000000})
        .prop_u32("#size-cells", 2)
        .prop_u32("#address-cells", 3)
        .prop_str("device_type", "pci")
        .prop_str("compatible", "pci-host-ecam-generic")
        .end();
    b.begin("pl011@9000000")
        .prop_strs("clock-names", {"uartclk", "apb_pclk"})
        .prop_cells("clocks", {k_virt_clk, k_virt_clk})
        .prop_cells("interrupts", {0x00, 0x01, 0x04})
        .prop_cells("reg", {0x00, 0x9000000, 0x00, 0x1000})
        .prop_strs("compatible", {"arm,pl011", "arm,primecell"})
        .end();
}

/// intc@8000000 and its MSI child; reg and compatible depend on the GIC version.
inline void add_virt_gic(DtbBuilder& b, const VirtOptions& o) {
    b.begin("intc@8000000").prop_u32("phandle", k_virt_gic);
    if (o.virtualization)
        b.prop_cells("interrupts", {0x01, 0x09, 0x04});  // Maintenance PPI.
    if (o.gic_version == 3) {
        b.prop_cells("reg", {0x00, 0x8000000, 0x00, 0x10000, 0x00, 0x80a0000, 0x00, 0xf60000})
            .prop_u32("#redistributor-regions", 1)
            .prop_str("compatible", "arm,gic-v3");
    } else if (o.virtualization) {
        b.prop_cells("reg", {0x00, 0x8000000, 0x00, 0x10000, 0x00, 0x8010000, 0x00, 0x10000,
                             0x00, 0x8030000, 0x00, 0x10000, 0x00, 0x8040000, 0x00, 0x10000})
            .prop_str("compatible", "arm,cortex-a15-gic");
    } else {
        b.prop_cells("reg", {0x00, 0x8000000, 0x00, 0x10000, 0x00, 0x8010000, 0x00, 0x10000})
            .prop_str("compatible", "arm,cortex-a15-gic");
    }
    b.prop_empty("ranges")
        .prop_u32("#size-cells", 2)
        .prop_u32("#address-cells", 2)
        .prop_empty("interrupt-controller")
        .prop_u32("#interrupt-cells", 3);
    if (o.gic_version == 3) {
        b.begin("its@8080000")
            .prop_u32("phandle", 0x8003)
            .prop_cells("reg", {0x00, 0x8080000, 0x00, 0x20000})
            .prop_u32("#msi-cells", 1)
            .prop_empty("msi-controller")
            .prop_str("compatible", "arm,gic-v3-its")
            .end();
    } else {
        b.begin("v2m@8020000")
            .prop_u32("phandle", 0x8003)
            .prop_cells("reg", {0x00, 0x8020000, 0x00, 0x1000})
            .prop_empty("msi-controller")
            .prop_str("compatible", "arm,gic-v2m-frame")
            .end();
    }
    b.end();
}

inline void add_virt_cpus(DtbBuilder& b, const VirtOptions& o) {
    const u32 f = virt_ppi_flags(o);
    b.begin("pmu")
        .prop_cells("interrupts", {0x01, 0x07, f})
        .prop_str("compatible", "arm,armv8-pmuv3")
        .end();
    add_virt_gic(b, o);
    b.begin("flash@0")
        .prop_u32("bank-width", 4)
        .prop_cells("reg", {0x00, 0x00, 0x00, 0x4000000, 0x00, 0x4000000, 0x00, 0x4000000})
        .prop_str("compatible", "cfi-flash")
        .end();
    b.begin("cpus").prop_u32("#size-cells", 0).prop_u32("#address-cells", 1);
    b.begin("cpu-map").begin("socket0").begin("cluster0").begin("core0");
    b.prop_u32("cpu", k_virt_cpu).end().end().end().end();
    b.begin("cpu@0")
        .prop_u32("phandle", k_virt_cpu)
        .prop_u32("reg", 0)
        .prop_str("compatible", "arm,cortex-a53")
        .prop_str("device_type", "cpu")
        .end();
    b.end();
    b.begin("timer")
        .prop_cells("interrupts", {0x01, 0x0d, f, 0x01, 0x0e, f, 0x01, 0x0b, f, 0x01, 0x0a, f})
        .prop_empty("always-on")
        .prop_strs("compatible", {"arm,armv8-timer", "arm,armv7-timer"})
        .end();
}

inline std::vector<u8> build_virt(const VirtOptions& o = VirtOptions()) {
    DtbBuilder b;
    b.begin("")
        .prop_u32("interrupt-parent", k_virt_gic)
        .prop_str("model", "linux,dummy-virt")
        .prop_u32("#size-cells", 2)
        .prop_u32("#address-cells", 2)
        .prop_str("compatible", "linux,dummy-virt");
    add_virt_firmware(b, o);
    add_virt_io(b);
    add_virt_cpus(b, o);
    b.begin("apb-pclk")
        .prop_u32("phandle", k_virt_clk)
        .prop_str("clock-output-names", "clk24mhz")
        .prop_u32("clock-frequency", 0x16e3600)
        .prop_u32("#clock-cells", 0)
        .prop_str("compatible", "fixed-clock")
        .end();
    if (o.with_aliases)
        b.begin("aliases").prop_str("serial0", "/pl011@9000000").end();
    b.begin("chosen")
        .prop_str("stdout-path", o.with_aliases ? "serial0:115200n8" : "/pl011@9000000")
        .prop_cells("kaslr-seed", {0xf2fc2f21, 0x12a6116d})
        .end();
    b.end();
    return b.build();
}

}  // namespace tn::fdt::test
