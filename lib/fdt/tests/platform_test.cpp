// Platform conveniences of tn::fdt on QEMU `virt` trees (see virt_tree.hpp). Expected
// values come from `dtc -I dtb -O dts` of QEMU's dumped DTBs. Setting TN_FDT_DTB to a
// real dumped blob (scripts/qemu-run --dump-dtb virt.dtb) checks that too.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include <tn/fdt.hpp>

#include "dtb_builder.hpp"
#include "fdt_exercise.hpp"
#include "virt_tree.hpp"

namespace tn::fdt::test {
namespace {

// QEMU virt: GIC PPIs of the architected timer (binding order) and the PL011 SPI.
constexpr u32 k_timer_intids[] = {29, 30, 27, 26};
constexpr u32 k_uart_intid = 33;

void expect_virt_memory_and_uart(const Fdt& fdt) {
    Region mem[2];
    ASSERT_EQ(fdt.memory_regions(mem, 2).value(), 1u);
    EXPECT_EQ(mem[0].address, 0x40000000u);
    Device uart = fdt.find_device("arm,pl011").value();
    EXPECT_EQ(uart.reg, (Region{0x9000000, 0x1000}));
    EXPECT_TRUE(uart.has_irq);
    EXPECT_EQ(uart.intid, k_uart_intid);
    EXPECT_EQ(fdt.stdout_path().value().node, uart.node);
    EXPECT_EQ(fdt.interrupt_parent(uart.node).value(), fdt.find_gic().value().node);
    Device at = fdt.find_device_at("arm,pl011", 0x9000000).value();
    EXPECT_EQ(at.node, uart.node);
    EXPECT_EQ(at.intid, k_uart_intid);
    EXPECT_EQ(fdt.find_device_at("arm,pl011", 0x9001000).error(), Error::NotFound);
    EXPECT_EQ(fdt.find_device_at("arm,pl061", 0x9000000).error(), Error::NotFound);
}

void expect_virt_gic(const Fdt& fdt, int gic_version, bool virtualization) {
    Gic gic = fdt.find_gic().value();
    EXPECT_EQ(gic.version, static_cast<u32>(gic_version));
    EXPECT_EQ(gic.dist, (Region{0x8000000, 0x10000}));
    if (gic_version == 3) {
        EXPECT_EQ(gic.redist_regions, 1u);
        EXPECT_EQ(gic.redist, (Region{0x80a0000, 0xf60000}));
        EXPECT_EQ(gic.cpu.size, 0u);
    } else {
        EXPECT_EQ(gic.cpu, (Region{0x8010000, 0x10000}));
        EXPECT_EQ(gic.redist.size, 0u);
        EXPECT_EQ(gic.hyp.size, virtualization ? 0x10000u : 0u);
        if (virtualization) {
            EXPECT_EQ(gic.vcpu, (Region{0x8040000, 0x10000}));
        }
    }
    EXPECT_EQ(gic.maintenance_intid, virtualization ? 25u : 0u);
}

void expect_virt_cpus(const Fdt& fdt, bool virtualization) {
    Psci psci = fdt.find_psci().value();
    EXPECT_EQ(psci.method, virtualization ? PsciMethod::Smc : PsciMethod::Hvc);
    EXPECT_TRUE(psci.std_ids);
    EXPECT_EQ(fdt.prop_u32(psci.node, "cpu_on").value(), 0xc4000003u);
    for (u32 i = 0; i < 4; ++i)
        EXPECT_EQ(fdt.timer_intid(static_cast<TimerIrq>(i)).value(), k_timer_intids[i]) << i;
    EXPECT_EQ(fdt.timer_intid(TimerIrq::HypVirtual).error(), Error::NotFound);
    usize cpus = 0;
    for (Node cpu : fdt.nodes_of_type("cpu")) {
        EXPECT_EQ(fdt.reg(cpu, 0).value(), (Region{0, 0}));  // MPIDR 0, #size-cells 0.
        ++cpus;
    }
    EXPECT_EQ(cpus, 1u);
    Node core0 = fdt.find_path("/cpus/cpu-map/socket0/cluster0/core0").value();
    EXPECT_EQ(fdt.find_phandle(fdt.prop_u32(core0, "cpu").value()).value(),
              fdt.find_path("/cpus/cpu@0").value());
}

/// The checks every QEMU virt tree passes, built or dumped.
void expect_virt(const Fdt& fdt, int gic_version, bool virtualization) {
    expect_virt_memory_and_uart(fdt);
    expect_virt_gic(fdt, gic_version, virtualization);
    expect_virt_cpus(fdt, virtualization);
    EXPECT_EQ(fdt.find_compatible("linux,dummy-virt").value(), fdt.root());
    EXPECT_NE(exercise(fdt), 0u);
}

struct VirtCase {
    int gic;
    bool virt;
};

class FdtVirt : public ::testing::TestWithParam<VirtCase> {};

TEST_P(FdtVirt, PlatformView) {
    auto blob = build_virt({.gic_version = GetParam().gic, .virtualization = GetParam().virt});
    Buffer buf(blob);
    auto fdt = Fdt::try_open(buf.data(), buf.size());
    ASSERT_TRUE(fdt.ok()) << error_name(fdt.error());
    expect_virt(fdt.value(), GetParam().gic, GetParam().virt);
}

INSTANTIATE_TEST_SUITE_P(Machines, FdtVirt,
                         ::testing::Values(VirtCase{3, false}, VirtCase{2, false}, VirtCase{3, true},
                                           VirtCase{2, true}));

TEST(FdtVirtExtra, StdoutViaAliasAndUnitLessPath) {
    Buffer buf(build_virt({.with_aliases = true}));
    Fdt fdt = Fdt::try_open(buf.data(), buf.size()).value();
    StdoutPath out = fdt.stdout_path().value();
    EXPECT_STREQ(fdt.name(out.node), "pl011@9000000");
    EXPECT_STREQ(out.options, "115200n8");
    EXPECT_EQ(fdt.find_path("/pl011").value(), out.node);
    EXPECT_EQ(fdt.find_path("/memory").value(), fdt.find_path("/memory@40000000").value());
    usize virtio = 0;
    for (Node n : fdt.compatible_nodes("virtio,mmio"))
        virtio += fdt.reg(n, 0).value().size == 0x200;
    EXPECT_EQ(virtio, 4u);
}

TEST(FdtVirtExtra, DisabledAndBrokenPlatformNodes) {
    DtbBuilder b;
    b.begin("").prop_u32("#address-cells", 1).prop_u32("#size-cells", 1);
    b.begin("psci").prop_str("compatible", "arm,psci").prop_str("method", "svc").end();
    b.begin("uart@1").prop_str("compatible", "arm,pl011").prop_str("status", "disabled");
    b.prop_cells("reg", {1, 1}).end();
    b.begin("uart@2").prop_str("compatible", "arm,pl011").prop_str("status", "okay");
    b.prop_cells("reg", {2, 1}).end();
    b.begin("gic").prop_str("compatible", "arm,gic-v3").prop_u32("#redistributor-regions", 0);
    b.prop_cells("reg", {0, 1, 2, 3}).end();
    b.end();
    Buffer buf(b.build());
    Fdt fdt = Fdt::try_open(buf.data(), buf.size()).value();
    Device uart = fdt.find_device("arm,pl011").value();
    EXPECT_EQ(uart.reg.address, 2u);
    EXPECT_FALSE(uart.has_irq);
    EXPECT_EQ(fdt.find_psci().error(), Error::BadValue);
    EXPECT_EQ(fdt.find_gic().error(), Error::BadValue);
    EXPECT_EQ(fdt.timer_intid(TimerIrq::Virtual).error(), Error::NotFound);
    EXPECT_EQ(fdt.find_device("arm,sp805").error(), Error::NotFound);
}

// Several UARTs: the one at a given address, its interrupt decoded from the GIC
// specifier <type number flags> (SPI n -> 32 + n, PPI n -> 16 + n).
TEST(FdtVirtExtra, DeviceAtAddress) {
    DtbBuilder b;
    b.begin("").prop_u32("#address-cells", 1).prop_u32("#size-cells", 1).prop_u32("interrupt-parent", 1);
    b.begin("gic").prop_u32("phandle", 1).prop_u32("#interrupt-cells", 3).prop_empty("interrupt-controller");
    b.prop_str("compatible", "arm,gic-v3").prop_cells("reg", {0x8000000, 0x10000, 0x80a0000, 0xf60000}).end();
    b.begin("uart@1000").prop_str("compatible", "arm,pl011").prop_cells("reg", {0x1000, 0x1000});
    b.prop_cells("interrupts", {0, 1, 4}).end();
    b.begin("uart@2000").prop_str("compatible", "arm,pl011").prop_str("status", "disabled");
    b.prop_cells("reg", {0x2000, 0x1000}).prop_cells("interrupts", {0, 2, 4}).end();
    b.begin("uart@2000x").prop_strs("compatible", {"vendor,uart", "arm,pl011"});
    b.prop_cells("reg", {0x2000, 0x1000}).prop_cells("interrupts", {1, 5, 4}).end();
    b.begin("uart-noreg").prop_str("compatible", "arm,pl011").end();
    b.begin("uart@3000").prop_str("compatible", "arm,pl011").prop_cells("reg", {0x3000, 0x1000}).end();
    b.begin("uart@4000").prop_str("compatible", "arm,pl011").prop_cells("reg", {0x4000, 0x1000});
    b.prop_cells("interrupts", {7, 1, 4}).end();
    b.end();
    Buffer buf(b.build());
    Fdt fdt = Fdt::try_open(buf.data(), buf.size()).value();

    Device first = fdt.find_device_at("arm,pl011", 0x1000).value();
    EXPECT_STREQ(fdt.name(first.node), "uart@1000");
    EXPECT_TRUE(first.has_irq);
    EXPECT_EQ(first.intid, 33u);
    // The disabled node at 0x2000 is skipped for the available one behind it.
    Device second = fdt.find_device_at("arm,pl011", 0x2000).value();
    EXPECT_STREQ(fdt.name(second.node), "uart@2000x");
    EXPECT_EQ(second.reg, (Region{0x2000, 0x1000}));
    EXPECT_EQ(second.intid, 21u);  // PPI 5
    // A node without reg cannot match, and does not hide the ones after it.
    Device third = fdt.find_device_at("arm,pl011", 0x3000).value();
    EXPECT_FALSE(third.has_irq);
    EXPECT_EQ(fdt.find_device_at("arm,pl011", 0x5000).error(), Error::NotFound);
    // The matching node's interrupts are bad: reported, not skipped.
    EXPECT_EQ(fdt.find_device_at("arm,pl011", 0x4000).error(), Error::BadValue);
    // find_device() takes the first available node whatever its address.
    EXPECT_EQ(fdt.find_device("arm,pl011").value().node, first.node);
}

/// A dumped QEMU blob, if TN_FDT_DTB names one: `scripts/qemu-run --dump-dtb FILE [--gic 3] [--el2]`.
/// TN_FDT_DTB_GIC (default 3) and TN_FDT_DTB_VIRT (0/1) describe it.
TEST(FdtRealQemu, DumpedBlob) {
    const char* path = std::getenv("TN_FDT_DTB");
    if (path == nullptr)
        GTEST_SKIP() << "set TN_FDT_DTB to a dumped QEMU virt DTB";
    std::FILE* f = std::fopen(path, "rb");
    ASSERT_NE(f, nullptr) << path;
    std::vector<u8> blob;
    u8 chunk[4096];
    for (usize n; (n = std::fread(chunk, 1, sizeof(chunk), f)) > 0;)
        blob.insert(blob.end(), chunk, chunk + n);
    std::fclose(f);
    Buffer buf(blob);
    auto fdt = Fdt::try_open(buf.data(), buf.size());
    ASSERT_TRUE(fdt.ok()) << error_name(fdt.error());
    const char* gic = std::getenv("TN_FDT_DTB_GIC");
    const char* virt = std::getenv("TN_FDT_DTB_VIRT");
    expect_virt(fdt.value(), gic ? std::atoi(gic) : 3, virt && std::atoi(virt) != 0);
    static NodeIndex<256> index;  // As the QEMU virt platform opens it.
    auto indexed = Fdt::try_open(buf.data(), buf.size(), index);
    ASSERT_TRUE(indexed.ok());
    EXPECT_TRUE(indexed.value().indexed());
    expect_virt(indexed.value(), gic ? std::atoi(gic) : 3, virt && std::atoi(virt) != 0);
    EXPECT_EQ(index_differences(fdt.value(), indexed.value(), ~usize{0}), 0u);
}

}  // namespace
}  // namespace tn::fdt::test
