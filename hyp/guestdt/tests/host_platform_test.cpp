// Host tests of host_platform(): the partition checks' Platform read from a board's tree. Hand-built trees
// cover each rule and each missing part; QEMU's own virt tree (dumped through scripts/qemu-run when QEMU is
// installed) must give what plat/mortise-qemu-virt writes down for the same machine. Debian's rk3568 trees
// are tested through partcheck in hyp/partition/tests/rk3568_partcheck_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

#include <mortise/host_platform.hpp>
#include <tn/fdt.hpp>
#include <tn/fdt_writer.hpp>
#include <tn/plat/mortise_qemu_virt.hpp>

namespace mortise::guestdt {
namespace {

using partition::Platform;
using partition::Region;
using tn::fdt::Fdt;

constexpr u32 k_gic = 1, k_its = 2;

// Which parts of the board tree board() leaves out or changes.
struct Shape {
    bool memory = true, cpus = true, gic = true, chosen = true;
    bool gic_v2 = false, mbi_alias = false, uart_irq = true, uart_on_bus = false;
    unsigned psci_cpus = 4, spin_table_cpus = 0;
};

struct Blob {
    std::vector<u64> words = std::vector<u64>(2048);
    u64 size = 0;
};

void reg(tn::fdt::Writer& w, std::vector<u32> v) { w.property_cells("reg", v.data(), v.size()); }

/// A GICv3 board shaped like QEMU virt, with DMA masters of each kind the rule names.
Blob board(const Shape& s) {
    Blob b;
    tn::fdt::Writer w(b.words.data(), b.words.size() * 8);
    w.begin_node("").property_u32("#address-cells", 2).property_u32("#size-cells", 2);
    if (s.gic)
        w.property_u32("interrupt-parent", k_gic);
    if (s.chosen) {
        w.begin_node("chosen").property_string("stdout-path", s.uart_on_bus ? "/soc/serial@1000:115200n8"
                                                                              : "/pl011@9000000");
        w.end_node();
    }
    if (s.memory) {
        w.begin_node("memory@40000000").property_string("device_type", "memory");
        reg(w, {0, 0x4000'0000, 0, 0x2000'0000, 1, 0, 0, 0x4000'0000});
        w.end_node();
    }
    if (s.cpus) {
        w.begin_node("cpus").property_u32("#address-cells", 1).property_u32("#size-cells", 0);
        for (unsigned i = 0; i < s.psci_cpus + s.spin_table_cpus; ++i) {
            char name[16];
            std::snprintf(name, sizeof name, "cpu@%x", i * 0x100);
            w.begin_node(name).property_string("device_type", "cpu").property_u32("reg", i * 0x100);
            w.property_string("enable-method", i < s.psci_cpus ? "psci" : "spin-table").end_node();
        }
        w.begin_node("cpu-map").end_node();  // Not a cpu: no device_type.
        w.end_node();
    }
    if (s.gic && !s.gic_v2) {
        w.begin_node("intc@8000000").property_string("compatible", "arm,gic-v3").property_u32("phandle", k_gic);
        w.property_u32("#address-cells", 2).property_u32("#size-cells", 2).property_empty("ranges");
        w.property_empty("interrupt-controller").property_u32("#interrupt-cells", 3);
        w.property_u32("#redistributor-regions", 2);
        reg(w, {0, 0x800'0000, 0, 0x1'0000, 0, 0x80a'0000, 0, 0x20'0000, 0, 0x100'0000, 0, 0x20'0000});
        if (s.mbi_alias)
            w.property_cells("mbi-alias", std::vector<u32>{0, 0x801'0000}.data(), 2);
        w.begin_node("its@8080000").property_string("compatible", "arm,gic-v3-its").property_u32("phandle", k_its);
        reg(w, {0, 0x808'0000, 0, 0x2'0000});
        w.end_node().end_node();
    } else if (s.gic) {
        w.begin_node("intc@8000000").property_string("compatible", "arm,gic-400").property_u32("phandle", k_gic);
        w.property_empty("interrupt-controller").property_u32("#interrupt-cells", 3);
        reg(w, {0, 0x800'0000, 0, 0x1000, 0, 0x801'0000, 0, 0x2000, 0, 0x803'0000, 0, 0x2000, 0, 0x804'0000, 0,
                0x2000});
        w.end_node();
    }
    const u32 irq[3] = {0, 1, 4};
    if (!s.uart_on_bus) {
        w.begin_node("pl011@9000000").property_string("compatible", "arm,pl011");
        reg(w, {0, 0x900'0000, 0, 0x1000});
        if (s.uart_irq)
            w.property_cells("interrupts", irq, 3);
        w.end_node();
    } else {
        // Translated through the bus's ranges: 0x1000 on the bus is 0xf000'1000 for the CPU.
        w.begin_node("soc").property_string("compatible", "simple-bus").property_u32("#address-cells", 1);
        w.property_u32("#size-cells", 1);
        w.property_cells("ranges", std::vector<u32>{0, 0, 0xf000'0000, 0x10'0000}.data(), 4);
        w.begin_node("serial@1000").property_string("compatible", "ns16550a");
        w.property_cells("reg", std::vector<u32>{0x1000, 0x100}.data(), 2);
        if (s.uart_irq)
            w.property_cells("interrupts", irq, 3);
        w.end_node().end_node();
    }
    // DMA masters: a virtio transport (property rule), a disabled USB controller (generic name), an
    // Ethernet MAC named otherwise (compatible), a PCIe host (device_type), and a DMA client that is not one.
    w.begin_node("virtio_mmio@a000000").property_string("compatible", "virtio,mmio").property_empty("dma-coherent");
    reg(w, {0, 0xa00'0000, 0, 0x200});
    w.end_node();
    w.begin_node("usb@c000000").property_string("compatible", "vendor,usb").property_string("status", "disabled");
    reg(w, {0, 0xc00'0000, 0, 0x1'0000});
    w.end_node();
    w.begin_node("mac@c100000").property_string("compatible", "generic-ehci");
    reg(w, {0, 0xc10'0000, 0, 0x1000});
    w.end_node();
    w.begin_node("host@d000000").property_string("device_type", "pci");
    reg(w, {0, 0xd00'0000, 0, 0x10'0000});
    w.end_node();
    w.begin_node("serial@9040000").property_string("compatible", "ns16550a").property_u32("dmas", 7);
    reg(w, {0, 0x904'0000, 0, 0x1000});
    w.end_node();
    w.end_node();
    b.size = w.finish();
    EXPECT_NE(b.size, 0u) << "the test tree does not fit";
    return b;
}

struct Outcome {
    bool ok;
    Platform plat;
    std::string why;
};

Outcome derive(const Blob& b, std::vector<Region> ram = {}) {
    auto f = Fdt::try_open(b.words.data(), b.size);
    EXPECT_TRUE(f.ok());
    Outcome o{false, {}, {}};
    char why[256] = "";
    o.ok = host_platform(f.value(), ram.data(), static_cast<unsigned>(ram.size()), o.plat, why, sizeof why);
    o.why = why;
    return o;
}

Region r(u64 base, u64 size) { return {tn::PhysAddr{base}, size}; }

std::vector<std::string> owned(const Platform& p) {
    std::vector<std::string> v;
    for (unsigned i = 0; i < p.owned_mmio_count; ++i) {
        char s[96];
        std::snprintf(s, sizeof s, "%s %#llx+%#llx", p.owned_mmio_names[i],
                      static_cast<unsigned long long>(p.owned_mmio[i].base.value()),
                      static_cast<unsigned long long>(p.owned_mmio[i].size));
        v.push_back(s);
    }
    return v;
}

std::vector<std::pair<u64, u64>> dma(const Platform& p) {
    std::vector<std::pair<u64, u64>> v;
    for (unsigned i = 0; i < p.dma_mmio_count; ++i)
        v.emplace_back(p.dma_mmio[i].base.value(), p.dma_mmio[i].size);
    return v;
}

TEST(HostPlatform, GicV3Board) {
    Outcome o = derive(board({}));
    ASSERT_TRUE(o.ok) << o.why;
    ASSERT_EQ(o.plat.ram_count, 2u);
    EXPECT_EQ(o.plat.ram[0], r(0x4000'0000, 0x2000'0000));
    EXPECT_EQ(o.plat.ram[1], r(0x1'0000'0000, 0x4000'0000));
    EXPECT_EQ(o.plat.cpu_count, 4u);
    EXPECT_EQ(owned(o.plat), (std::vector<std::string>{"GIC distributor 0x8000000+0x10000",
                                                        "GIC redistributors 0x80a0000+0x200000",
                                                        "GIC redistributors 0x1000000+0x200000",
                                                        "GIC ITS 0x8080000+0x20000", "console UART 0x9000000+0x1000"}));
    ASSERT_EQ(o.plat.owned_irq_count, 1u);
    EXPECT_EQ(o.plat.owned_irqs[0], 33u);
    EXPECT_EQ(dma(o.plat), (std::vector<std::pair<u64, u64>>{{0xa00'0000, 0x200},
                                                              {0xc00'0000, 0x1'0000},
                                                              {0xc10'0000, 0x1000},
                                                              {0xd00'0000, 0x10'0000}}));
    // What only the caller knows is left empty.
    EXPECT_EQ(o.plat.reserved_count, 0u);
    EXPECT_EQ(o.plat.images, nullptr);
    EXPECT_EQ(o.plat.image_cpus, 0u);
}

TEST(HostPlatform, GicV2FramesAndMbiAlias) {
    Shape s;
    s.gic_v2 = true;
    Outcome o = derive(board(s));
    ASSERT_TRUE(o.ok) << o.why;
    EXPECT_EQ(owned(o.plat), (std::vector<std::string>{
                                 "GIC distributor 0x8000000+0x1000", "GIC CPU interface 0x8010000+0x2000",
                                 "GIC virtual interface control 0x8030000+0x2000",
                                 "GIC virtual CPU interface 0x8040000+0x2000", "console UART 0x9000000+0x1000"}));
    s = {};
    s.mbi_alias = true;
    o = derive(board(s));
    ASSERT_TRUE(o.ok) << o.why;
    EXPECT_NE(std::find(owned(o.plat).begin(), owned(o.plat).end(), "GIC MBI alias frame 0x8010000+0x10000"),
              owned(o.plat).end());
}

TEST(HostPlatform, RamGivenWhenTheTreeHasNone) {
    Shape s;
    s.memory = false;
    Outcome o = derive(board(s));
    EXPECT_FALSE(o.ok);
    EXPECT_NE(o.why.find("no /memory node"), std::string::npos) << o.why;
    EXPECT_NE(o.why.find("--ram BASE:SIZE"), std::string::npos) << o.why;
    o = derive(board(s), {r(0x20'0000, 0xefe0'0000)});
    ASSERT_TRUE(o.ok) << o.why;
    ASSERT_EQ(o.plat.ram_count, 1u);
    EXPECT_EQ(o.plat.ram[0], r(0x20'0000, 0xefe0'0000));
    // Given banks replace the tree's, as U-Boot's /memory would.
    o = derive(board({}), {r(0x5000'0000, 0x1000'0000)});
    ASSERT_TRUE(o.ok) << o.why;
    ASSERT_EQ(o.plat.ram_count, 1u);
    EXPECT_EQ(o.plat.ram[0], r(0x5000'0000, 0x1000'0000));
    o = derive(board({}), std::vector<Region>(5, r(0x5000'0000, 0x1000)));
    EXPECT_FALSE(o.ok);
    EXPECT_NE(o.why.find("at most 4"), std::string::npos) << o.why;
}

TEST(HostPlatform, OnlyCpusMortiseCanStartCount) {
    Shape s;
    s.psci_cpus = 2;
    s.spin_table_cpus = 2;
    Outcome o = derive(board(s));
    ASSERT_TRUE(o.ok) << o.why;
    EXPECT_EQ(o.plat.cpu_count, 2u);
    s.psci_cpus = 0;
    o = derive(board(s));
    EXPECT_FALSE(o.ok);
    EXPECT_NE(o.why.find("no cpu node Mortise can start"), std::string::npos) << o.why;
}

TEST(HostPlatform, ConsoleOnABusIsTranslatedAndMayHaveNoInterrupt) {
    Shape s;
    s.uart_on_bus = true;
    s.uart_irq = false;
    Outcome o = derive(board(s));
    ASSERT_TRUE(o.ok) << o.why;
    EXPECT_EQ(owned(o.plat).back(), "console UART 0xf0001000+0x100");
    EXPECT_EQ(o.plat.owned_irq_count, 0u);
}

TEST(HostPlatform, MissingPartsAreNamed) {
    const struct {
        void (*edit)(Shape&);
        const char* says;
    } cases[] = {
        {[](Shape& s) { s.cpus = false; }, "no /cpus node"},
        {[](Shape& s) { s.gic = false; }, "no GIC"},
        {[](Shape& s) { s.chosen = false; }, "no /chosen stdout-path"},
    };
    for (const auto& c : cases) {
        Shape s;
        c.edit(s);
        Outcome o = derive(board(s));
        EXPECT_FALSE(o.ok) << c.says;
        EXPECT_NE(o.why.find(c.says), std::string::npos) << o.why;
    }
}

TEST(HostPlatform, ConsoleInterruptOfAnotherControllerIsRefused) {
    Blob b = board({});
    // The same tree with the UART's interrupt parent pointed at the ITS, which is no interrupt controller
    // of the kind: the tree is inconsistent and must not silently lose the owned IRQ.
    Blob bad;
    auto f = Fdt::try_open(b.words.data(), b.size).value();
    tn::fdt::Writer w(bad.words.data(), bad.words.size() * 8);
    std::function<void(tn::fdt::Node, bool)> copy = [&](tn::fdt::Node n, bool root) {
        w.begin_node(root ? "" : f.name(n));
        for (const tn::fdt::Property& p : f.properties(n))
            w.property(p.name(), p.data(), p.size());
        if (std::strcmp(f.name(n), "its@8080000") == 0)
            w.property_u32("#interrupt-cells", 3).property_empty("interrupt-controller");
        if (std::strcmp(f.name(n), "pl011@9000000") == 0)
            w.property_u32("interrupt-parent", k_its);
        for (tn::fdt::Node c : f.children(n))
            copy(c, false);
        w.end_node();
    };
    copy(f.root(), true);
    bad.size = w.finish();
    Outcome o = derive(bad);
    EXPECT_FALSE(o.ok);
    EXPECT_NE(o.why.find("not the GIC's"), std::string::npos) << o.why;
}

TEST(HostPlatform, MalformedBlobsFailWithoutCrashing) {
    // Every truncation and every flipped byte of a good tree: whatever opens must give an answer, never a
    // crash or a read outside the blob (ASan), and a failure must say why.
    Blob good = board({});
    std::vector<u8> bytes(good.size);
    std::memcpy(bytes.data(), good.words.data(), good.size);
    for (usize at = 0; at < bytes.size(); at += 3) {
        std::vector<u8> mutated = bytes;
        mutated[at] ^= 0x5a;
        std::vector<u64> aligned((mutated.size() + 7) / 8);
        std::memcpy(aligned.data(), mutated.data(), mutated.size());
        auto f = Fdt::try_open(aligned.data(), mutated.size());
        if (!f.ok())
            continue;
        Platform p;
        char why[256] = "";
        if (!host_platform(f.value(), nullptr, 0, p, why, sizeof why)) {
            EXPECT_NE(why[0], '\0') << "byte " << at;
        }
    }
}

// QEMU's own tree of the machine scripts/qemu-run boots Mortise on: what plat/mortise-qemu-virt writes down.
TEST(HostPlatform, QemuVirtTreeMatchesTheWrittenDownBoard) {
    if (std::system("command -v qemu-system-aarch64 >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "qemu-system-aarch64 not installed";
    char path[] = "/tmp/host_platform_virt_XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    std::string cmd = std::string(TN_QEMU_RUN " --gic 3 --el2 --dump-dtb ") + path + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::vector<u64> dtb(1 << 17);  // QEMU pads its blob to 1 MiB.
    FILE* in = std::fopen(path, "rb");
    ASSERT_NE(in, nullptr);
    const usize size = std::fread(dtb.data(), 1, dtb.size() * 8, in);
    std::fclose(in);
    std::remove(path);
    auto host = Fdt::try_open(dtb.data(), size);
    ASSERT_TRUE(host.ok());
    Platform p;
    char why[256] = "";
    ASSERT_TRUE(host_platform(host.value(), nullptr, 0, p, why, sizeof why)) << why;
    tn::fdt::Region mem[1];
    ASSERT_EQ(host.value().memory_regions(mem, 1).value(), 1u);
    unsigned cpus = 0;
    for (tn::fdt::Node n : host.value().children(host.value().find_path("/cpus").value()))
        cpus += host.value().prop_string(n, "device_type").ok() ? 1 : 0;
    const Platform want = tn::plat::mortise_qemu_virt::partition_platform(mem[0].size, cpus);
    ASSERT_EQ(p.ram_count, 1u);
    EXPECT_EQ(p.ram[0], want.ram[0]);
    EXPECT_EQ(p.cpu_count, want.cpu_count);
    ASSERT_EQ(p.owned_irq_count, want.owned_irq_count);
    EXPECT_EQ(p.owned_irqs[0], want.owned_irqs[0]);
    // Every region the written-down board keeps is kept, and nothing else.
    ASSERT_EQ(p.owned_mmio_count, want.owned_mmio_count);
    for (unsigned i = 0; i < want.owned_mmio_count; ++i)
        EXPECT_NE(std::find(p.owned_mmio, p.owned_mmio + p.owned_mmio_count, want.owned_mmio[i]),
                  p.owned_mmio + p.owned_mmio_count)
            << "not kept: " << std::hex << want.owned_mmio[i].base.value();
    // The virtio transports are DMA-capable in both; the tree also says PCIe's ECAM is.
    for (unsigned i = 0; i < want.dma_mmio_count; ++i)
        EXPECT_NE(std::find(p.dma_mmio, p.dma_mmio + p.dma_mmio_count, want.dma_mmio[i]),
                  p.dma_mmio + p.dma_mmio_count);
}

}  // namespace
}  // namespace mortise::guestdt
