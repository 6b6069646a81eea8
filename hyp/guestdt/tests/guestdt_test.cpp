// Host tests of the guest device tree: read back with the same lib/fdt queries Tenon's
// platform code boots with, checked node by node, and fed to dtc when it is installed.
// The pass-through tests copy devices from a host tree shaped like QEMU virt's.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include <mortise/guestdt.hpp>
#include <tn/fdt.hpp>
#include <tn/fdt_writer.hpp>

namespace mortise::guestdt {
namespace {

using tn::fdt::Fdt;
using tn::fdt::Node;

partition::Guest guest(u64 cpu_mask, u64 mem, const char* bootargs) {
    partition::Guest g{};
    std::strcpy(g.name, "alpha");
    std::strcpy(g.image, "helloworld");
    g.cpu_mask = cpu_mask;
    g.mem_size = mem;
    g.mem_phys = tn::PhysAddr{0x4800'0000};
    std::strcpy(g.bootargs, bootargs);
    g.valid = true;
    return g;
}

struct Blob {
    std::vector<u64> words = std::vector<u64>(1024);  // 8 KiB, 8-byte aligned.
    u64 size = 0;
    Fdt open() const {
        auto f = Fdt::try_open(words.data(), size);
        EXPECT_TRUE(f.ok());
        return f.value();
    }
};

Blob make(const partition::Guest& g) {
    Blob b;
    b.size = build(g, b.words.data(), b.words.size() * 8);
    EXPECT_GT(b.size, 0u);
    return b;
}

TEST(GuestDt, DescribesTheQemuVirtLayout) {
    Blob b = make(guest(0b1010, 0x200'0000, "console=ttyAMA0 loglevel=8"));
    Fdt f = b.open();

    tn::fdt::Region mem[2];
    ASSERT_EQ(f.memory_regions(mem, 2).value(), 1u);
    EXPECT_EQ(mem[0], (tn::fdt::Region{gmap::k_ram.value(), 0x200'0000}));

    // One cpu node per vCPU, numbered from 0 whatever the physical CPUs are.
    Node cpus = f.find_path("/cpus").value();
    unsigned n = 0;
    for (Node c : f.children(cpus)) {
        EXPECT_STREQ(f.prop_string(c, "device_type").value(), "cpu");
        EXPECT_STREQ(f.prop_string(c, "enable-method").value(), "psci");
        EXPECT_EQ(f.reg(c, 0).value().address, n);
        ++n;
    }
    EXPECT_EQ(n, 2u);

    auto psci = f.find_psci();
    ASSERT_TRUE(psci.ok());
    EXPECT_EQ(psci.value().method, tn::fdt::PsciMethod::Hvc);
    EXPECT_TRUE(psci.value().std_ids);

    auto gic = f.find_gic();
    ASSERT_TRUE(gic.ok());
    EXPECT_EQ(gic.value().version, 3u);
    EXPECT_EQ(gic.value().dist, (tn::fdt::Region{gmap::k_gicd.value(), gmap::k_gicd_size}));
    EXPECT_EQ(gic.value().redist, (tn::fdt::Region{gmap::k_gicr.value(), 2 * gmap::k_gicr_stride}));
    EXPECT_EQ(gic.value().redist_regions, 1u);
    EXPECT_EQ(f.interrupt_parent(f.root()).value(), gic.value().node);

    EXPECT_EQ(f.timer_intid(tn::fdt::TimerIrq::Virtual).value(), 27u);
    EXPECT_EQ(f.timer_intid(tn::fdt::TimerIrq::NonSecure).value(), 30u);
    EXPECT_EQ(f.timer_intid(tn::fdt::TimerIrq::Hyp).value(), 26u);

    auto out = f.stdout_path();
    ASSERT_TRUE(out.ok());
    EXPECT_TRUE(f.compatible_with(out.value().node, "arm,pl011"));
    EXPECT_TRUE(f.compatible_with(out.value().node, "arm,primecell"));
    auto uart = f.find_device("arm,pl011");
    ASSERT_TRUE(uart.ok());
    EXPECT_EQ(uart.value().reg, (tn::fdt::Region{gmap::k_uart.value(), gmap::k_uart_size}));
    ASSERT_TRUE(uart.value().has_irq);
    EXPECT_EQ(uart.value().intid, gmap::k_uart_intid);
    EXPECT_STREQ(f.alias("serial0").value(), "/pl011@9000000");
    Node clk = f.find_compatible("fixed-clock").value();
    EXPECT_EQ(f.prop_u32(clk, "clock-frequency").value(), 24'000'000u);

    EXPECT_STREQ(f.bootargs().value(), "console=ttyAMA0 loglevel=8");
}

TEST(GuestDt, RedistributorsFollowTheVcpuCount) {
    for (unsigned v = 1; v <= 8; ++v) {
        Blob b = make(guest((u64{1} << v) - 1, 0x40'0000, ""));
        auto gic = b.open().find_gic();
        ASSERT_TRUE(gic.ok());
        EXPECT_EQ(gic.value().redist.size, v * gmap::k_gicr_stride);
    }
}

TEST(GuestDt, NoBootargsMeansNoProperty) {
    Blob b = make(guest(1, 0x200'0000, ""));
    EXPECT_EQ(b.open().bootargs().error(), tn::fdt::Error::NotFound);
}

TEST(GuestDt, UnterminatedBootargsAreBounded) {
    partition::Guest g = guest(1, 0x200'0000, "");
    std::memset(g.bootargs, 'x', sizeof(g.bootargs));
    Blob b = make(g);
    EXPECT_EQ(std::strlen(b.open().bootargs().value()), partition::k_bootargs_len - 1);
}

TEST(GuestDt, TooSmallBufferReturnsZero) {
    partition::Guest g = guest(0b11, 0x200'0000, "console=ttyAMA0");
    Blob full = make(g);
    for (u64 cap = 0; cap < full.size; cap += 7) {
        std::vector<u64> buf(full.size / 8 + 4, 0x5a5a5a5a5a5a5a5aull);
        EXPECT_EQ(build(g, buf.data(), cap), 0u) << cap;
        const u8* bytes = reinterpret_cast<const u8*>(buf.data());
        for (u64 i = cap; i < buf.size() * 8; ++i)
            ASSERT_EQ(bytes[i], 0x5a) << "wrote past cap " << cap;
    }
    std::vector<u64> exact(full.size / 8 + 1);
    EXPECT_EQ(build(g, exact.data(), full.size), full.size);
}

TEST(GuestDt, GuestThatCannotRunGetsNoTree) {
    std::vector<u64> buf(1024);
    EXPECT_EQ(build(guest(0, 0x200'0000, ""), buf.data(), 8192), 0u);
    EXPECT_EQ(build(guest(1, 0, ""), buf.data(), 8192), 0u);
}

bool have_dtc() { return std::system("command -v dtc >/dev/null 2>&1") == 0; }

/// Decompiles @p b with dtc (default checks on); the dts text and dtc's exit status.
std::string dtc(const Blob& b, int& rc) {
    char path[] = "/tmp/guestdt_XXXXXX";
    int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    FILE* out = fdopen(fd, "wb");
    EXPECT_EQ(std::fwrite(b.words.data(), 1, b.size, out), b.size);
    std::fclose(out);
    std::string cmd = std::string("dtc -I dtb -O dts ") + path + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    EXPECT_NE(p, nullptr);
    std::string text;
    char line[256];
    while (p && std::fgets(line, sizeof(line), p))
        text += line;
    rc = p ? pclose(p) : -1;
    std::remove(path);
    return text;
}

TEST(GuestDt, DtcAcceptsTheTree) {
    if (!have_dtc())
        GTEST_SKIP() << "dtc not installed";
    Blob b = make(guest(0b111, 0x400'0000, "console=ttyAMA0"));
    int rc = 0;
    std::string text = dtc(b, rc);
    // dtc's checks (-W defaults) warn about binding problems; none are expected.
    EXPECT_EQ(rc, 0) << text;
    EXPECT_EQ(text.find("Warning"), std::string::npos) << text;
    EXPECT_NE(text.find("method = \"hvc\";"), std::string::npos) << text;
    EXPECT_NE(text.find("cpu@2 {"), std::string::npos) << text;
}

// ---- Linux boot parameters in /chosen ----

u64 be64(const tn::fdt::Property& p) { return p.cells(0, 2).value(); }

TEST(GuestDtLinux, ChosenHasInitrdSeedsBootargsAndStdout) {
    partition::Guest g = guest(0b11, 0x1000'0000, "console=ttyAMA0 nokaslr");
    const u8 seed[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                         17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    const Boot boot{{gmap::k_ram + 0xdd0'0000, 0x10'2345}, seed, sizeof seed, 0x0123'4567'89ab'cdefull};
    Blob b;
    b.size = build(g, b.words.data(), b.words.size() * 8, nullptr, &boot);
    ASSERT_GT(b.size, 0u);
    Fdt f = b.open();
    Node chosen = f.find_path("/chosen").value();
    EXPECT_EQ(be64(f.property(chosen, "linux,initrd-start").value()), gmap::k_ram.value() + 0xdd0'0000);
    EXPECT_EQ(be64(f.property(chosen, "linux,initrd-end").value()), gmap::k_ram.value() + 0xdd0'0000 + 0x10'2345);
    auto rng = f.property(chosen, "rng-seed").value();
    ASSERT_EQ(rng.size(), 32u);
    EXPECT_EQ(std::memcmp(rng.data(), seed, 32), 0);
    EXPECT_EQ(be64(f.property(chosen, "kaslr-seed").value()), 0x0123'4567'89ab'cdefull);
    EXPECT_STREQ(f.property(chosen, "bootargs").value().as_string().value(), "console=ttyAMA0 nokaslr");
    EXPECT_STREQ(f.property(chosen, "stdout-path").value().as_string().value(), "/pl011@9000000");
}

TEST(GuestDtLinux, EmptyPartsAreLeftOutAndSeedsBounded) {
    partition::Guest g = guest(0b1, 0x1000'0000, "");
    u8 seed[100] = {};
    const Boot boot{{gmap::k_ram, 0}, seed, sizeof seed, 0};
    Blob b;
    b.size = build(g, b.words.data(), b.words.size() * 8, nullptr, &boot);
    Fdt f = b.open();
    Node chosen = f.find_path("/chosen").value();
    EXPECT_FALSE(f.property(chosen, "linux,initrd-start").ok());
    EXPECT_FALSE(f.property(chosen, "linux,initrd-end").ok());
    EXPECT_FALSE(f.property(chosen, "kaslr-seed").ok());
    EXPECT_EQ(f.property(chosen, "rng-seed").value().size(), k_max_rng_seed);
    // Without boot parameters the tree is a Tenon guest's, byte for byte.
    Blob plain = make(g);
    const Boot none{{gmap::k_ram, 0}, nullptr, 0, 0};
    Blob with_none;
    with_none.size = build(g, with_none.words.data(), with_none.words.size() * 8, nullptr, &none);
    ASSERT_EQ(plain.size, with_none.size);
    EXPECT_EQ(std::memcmp(plain.words.data(), with_none.words.data(), plain.size), 0);
}

TEST(GuestDtLinux, DtcAcceptsTheTree) {
    if (!have_dtc())
        GTEST_SKIP() << "dtc not installed";
    partition::Guest g = guest(0b11, 0x1000'0000, "console=ttyAMA0");
    const u8 seed[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    const Boot boot{{gmap::k_ram + 0xdd0'0000, 0x1000}, seed, sizeof seed, 42};
    Blob b;
    b.size = build(g, b.words.data(), b.words.size() * 8, nullptr, &boot);
    int rc = 0;
    std::string text = dtc(b, rc);
    EXPECT_EQ(rc, 0) << text;
    EXPECT_EQ(text.find("Warning"), std::string::npos) << text;
    EXPECT_NE(text.find("linux,initrd-start = <0x00 0x4dd00000>;"), std::string::npos) << text;
}

// ---- Pass-through devices ----

// QEMU virt's phandles.
constexpr u32 k_host_clk = 0x8000, k_host_gic = 0x8002, k_host_its = 0x8003, k_host_gpio = 0x8004;
// Extra host nodes for the odd cases.
constexpr u32 k_host_divider = 0x8100, k_host_osc = 0x8101;

template <usize N>
void cells(tn::fdt::Writer& w, const char* name, const u32 (&v)[N]) { w.property_cells(name, v, N); }
template <usize N>
void strings(tn::fdt::Writer& w, const char* name, const char (&v)[N]) { w.property_strings(name, v, N); }

/// A host tree shaped like QEMU virt's (phandles, cells and bindings as `dumpdtb` shows them),
/// plus a simple-bus with translated children and nodes a guest must not get in full.
Blob host_tree() {
    Blob b;
    tn::fdt::Writer w(b.words.data(), b.words.size() * 8);
    w.begin_node("").property_u32("interrupt-parent", k_host_gic).property_u32("#size-cells", 2)
        .property_u32("#address-cells", 2).property_string("compatible", "linux,dummy-virt");
    w.begin_node("apb-pclk").property_string("clock-output-names", "clk24mhz")
        .property_u32("clock-frequency", 24'000'000).property_u32("#clock-cells", 0)
        .property_string("compatible", "fixed-clock").property_u32("phandle", k_host_clk).end_node();
    w.begin_node("intc@8000000").property_u32("phandle", k_host_gic);
    cells(w, "reg", {0, 0x8000000, 0, 0x10000, 0, 0x80a0000, 0, 0xf60000});
    w.property_u32("#redistributor-regions", 1).property_string("compatible", "arm,gic-v3").property_empty("ranges")
        .property_u32("#size-cells", 2).property_u32("#address-cells", 2).property_empty("interrupt-controller")
        .property_u32("#interrupt-cells", 3);
    w.begin_node("its@8080000").property_u32("phandle", k_host_its);
    cells(w, "reg", {0, 0x8080000, 0, 0x20000});
    w.property_empty("msi-controller").property_string("compatible", "arm,gic-v3-its").end_node();
    w.end_node();
    auto primecell = [&](const char* name, const char* compat, u32 addr, u32 spi, u32 flags) {
        w.begin_node(name);
        const u32 clocks[2] = {k_host_clk, k_host_clk};
        const bool uart = std::strcmp(compat, "arm,pl011") == 0;
        w.property_cells("clocks", clocks, uart ? 2 : 1);
        if (uart)
            strings(w, "clock-names", "uartclk\0apb_pclk");
        else
            w.property_string("clock-names", "apb_pclk");
        const u32 irq[3] = {0, spi, flags};
        const u32 reg[4] = {0, addr, 0, 0x1000};
        w.property_cells("interrupts", irq, 3).property_cells("reg", reg, 4);
        std::string list = std::string(compat) + '\0' + "arm,primecell";
        w.property_strings("compatible", list.c_str(), static_cast<u32>(list.size() + 1));
    };
    primecell("pl011@9000000", "arm,pl011", 0x9000000, 1, 4);
    w.end_node();
    primecell("pl031@9010000", "arm,pl031", 0x9010000, 2, 4);
    w.property_u32("interrupt-parent", k_host_gic).end_node();
    primecell("pl061@9030000", "arm,pl061", 0x9030000, 7, 4);
    w.property_u32("phandle", k_host_gpio).property_u32("#interrupt-cells", 2).property_empty("interrupt-controller")
        .property_u32("#gpio-cells", 2).property_empty("gpio-controller").end_node();
    // Edge-triggered, as QEMU describes its virtio-mmio transports.
    w.begin_node("virtio_mmio@a000000").property_empty("dma-coherent");
    cells(w, "interrupts", {0, 0x10, 1});
    cells(w, "reg", {0, 0xa000000, 0, 0x200});
    w.property_string("compatible", "virtio,mmio").end_node();
    // A bus whose children's addresses are offsets into its window at 0xc000000.
    w.begin_node("soc@c000000").property_strings("compatible", "simple-bus", sizeof("simple-bus"))
        .property_u32("#address-cells", 1).property_u32("#size-cells", 1);
    cells(w, "ranges", {0, 0, 0xc000000, 0x200'0000});
    w.begin_node("serial@10000").property_string("compatible", "ns16550a");
    cells(w, "reg", {0x10000, 0x100});
    cells(w, "interrupts", {0, 40, 4});
    w.property_u32("reg-shift", 2).end_node();
    w.begin_node("spi@20000").property_string("compatible", "vendor,spi").property_string("status", "disabled");
    cells(w, "reg", {0x20000, 0x1000});
    w.end_node();
    w.end_node();
    // Odd but valid: references the guest cannot use.
    w.begin_node("odd@b000000").property_string("compatible", "vendor,odd");
    cells(w, "reg", {0, 0xb000000, 0, 0x1000});
    cells(w, "clocks", {0x1234});                 // No such phandle.
    cells(w, "interrupts", {0, 3});               // Two cells for a 3-cell GIC.
    cells(w, "dmas", {k_host_gpio, 1});
    cells(w, "resets", {k_host_gpio, 2});
    strings(w, "interrupt-names", "rx");
    w.end_node();
    w.begin_node("gpio-user@b001000").property_string("compatible", "vendor,gpio-user");
    cells(w, "reg", {0, 0xb001000, 0, 0x1000});
    w.property_u32("interrupt-parent", k_host_gpio);   // Interrupts of a non-GIC controller.
    cells(w, "interrupts", {5});
    cells(w, "clocks", {k_host_divider, 0});            // Clock with a specifier: not a fixed clock.
    w.end_node();
    w.begin_node("wide@b002000").property_string("compatible", "vendor,wide");
    cells(w, "reg", {0, 0xb002000, 0, 0x2000});
    w.end_node();
    w.begin_node("divider").property_string("compatible", "vendor,divider").property_u32("#clock-cells", 1)
        .property_u32("phandle", k_host_divider).end_node();
    w.begin_node("osc").property_string("compatible", "fixed-clock").property_u32("#clock-cells", 0)
        .property_u32("clock-frequency", 32768).property_u32("phandle", k_host_osc).end_node();
    w.begin_node("rtc2@b004000").property_string("compatible", "vendor,rtc2");
    cells(w, "reg", {0, 0xb004000, 0, 0x1000});
    cells(w, "clocks", {k_host_osc, k_host_clk, k_host_osc});
    strings(w, "clock-names", "xtal\0apb\0xtal2");
    w.end_node();
    w.end_node();
    b.size = w.finish();
    EXPECT_GT(b.size, 0u);
    return b;
}

/// A pass-through region as the tests write it: host-physical base and size.
struct Mmio {
    u64 base, size;
};

partition::Guest passthrough_guest(std::initializer_list<Mmio> mmio, std::initializer_list<u32> irqs) {
    partition::Guest g = guest(0b11, 0x400'0000, "console=ttyAMA0");
    for (const Mmio& r : mmio)
        g.mmio[g.mmio_count++] = {tn::PhysAddr{r.base}, r.size};
    for (u32 i : irqs)
        g.irqs[g.irq_count++] = i;
    return g;
}

Blob make(const partition::Guest& g, const Blob& host_blob) {
    Fdt host = host_blob.open();
    Blob b;
    b.size = build(g, b.words.data(), b.words.size() * 8, &host);
    EXPECT_GT(b.size, 0u);
    return b;
}

std::vector<u32> prop_cells(const Fdt& f, Node n, const char* name) {
    std::vector<u32> out;
    auto p = f.property(n, name);
    if (!p.ok())
        return out;
    for (usize i = 0; p.value().cell(i).ok(); ++i)
        out.push_back(p.value().cell(i).value());
    return out;
}

std::string prop_bytes(const Fdt& f, Node n, const char* name) {
    auto p = f.property(n, name);
    return p.ok() ? std::string(reinterpret_cast<const char*>(p.value().data()), p.value().size()) : std::string();
}

/// Root children beyond the ones every guest has: the pass-through nodes and their clocks.
std::vector<std::string> extra_nodes(const Fdt& f) {
    static const std::set<std::string> base = {"chosen", "aliases", "memory@40000000", "cpus", "psci",
                                              "intc@8000000", "timer", "apb-pclk", "pl011@9000000"};
    std::vector<std::string> out;
    for (Node c : f.children(f.root()))
        if (!base.count(f.name(c)))
            out.push_back(f.name(c));
    return out;
}

using Names = std::vector<std::string>;

TEST(GuestDtPassthrough, RtcWithItsSpiGetsInterruptsAndAFixedClock) {
    Blob host = host_tree();
    Blob b = make(passthrough_guest({{0x901'0000, 0x1000}}, {34}), host);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"pl031@9010000", "clock-0"}));
    Node rtc = f.find_path("/pl031@9010000").value();
    EXPECT_EQ(prop_bytes(f, rtc, "compatible"), std::string("arm,pl031\0arm,primecell\0", 24));
    EXPECT_EQ(f.reg_count(rtc).value(), 1u);
    EXPECT_EQ(f.reg(rtc, 0).value(), (tn::fdt::Region{0x901'0000, 0x1000}));
    EXPECT_EQ(prop_cells(f, rtc, "interrupts"), (std::vector<u32>{0, 2, 4}));
    EXPECT_EQ(f.interrupt_parent(rtc).value(), f.find_gic().value().node);  // The guest GIC, inherited.
    auto dev = f.find_device("arm,pl031");
    ASSERT_TRUE(dev.ok());
    EXPECT_EQ(dev.value().intid, 34u);
    // clocks -> a copy of apb-pclk under a phandle the generated tree does not use.
    std::vector<u32> clocks = prop_cells(f, rtc, "clocks");
    ASSERT_EQ(clocks.size(), 1u);
    EXPECT_GT(clocks[0], 2u);
    Node clk = f.find_phandle(clocks[0]).value();
    EXPECT_EQ(f.parent(clk).value(), f.root());
    EXPECT_TRUE(f.compatible_with(clk, "fixed-clock"));
    EXPECT_EQ(f.prop_u32(clk, "#clock-cells").value(), 0u);
    EXPECT_EQ(f.prop_u32(clk, "clock-frequency").value(), 24'000'000u);
    EXPECT_STREQ(f.prop_string(clk, "clock-output-names").value(), "clk24mhz");
    EXPECT_STREQ(f.prop_string(rtc, "clock-names").value(), "apb_pclk");
    // Nothing else: no interrupt-parent (0x8002 means nothing in the guest), no status.
    std::set<std::string> props;
    for (tn::fdt::Property p : f.properties(rtc))
        props.insert(p.name());
    EXPECT_EQ(props, (std::set<std::string>{"compatible", "reg", "interrupts", "clocks", "clock-names"}));
}

TEST(GuestDtPassthrough, MmioWithoutItsSpiHasNoInterrupts) {
    Blob host = host_tree();
    Blob b = make(passthrough_guest({{0x901'0000, 0x1000}}, {35}), host);  // 35: not the RTC's.
    Fdt f = b.open();
    Node rtc = f.find_path("/pl031@9010000").value();
    EXPECT_FALSE(f.has_property(rtc, "interrupts"));
    EXPECT_FALSE(f.has_property(rtc, "interrupt-names"));
    EXPECT_TRUE(f.has_property(rtc, "clocks"));
}

TEST(GuestDtPassthrough, NoMmioIsTheTreeWithoutHost) {
    Blob host = host_tree();
    partition::Guest g = passthrough_guest({}, {34, 35});
    Blob with = make(g, host), without = make(g);
    ASSERT_EQ(with.size, without.size);
    EXPECT_EQ(std::memcmp(with.words.data(), without.words.data(), with.size), 0);
    EXPECT_FALSE(with.open().find_compatible("arm,pl031").ok());
    // And an explicit nullptr is the original call.
    Blob null;
    null.size = build(g, null.words.data(), null.words.size() * 8, nullptr);
    ASSERT_EQ(null.size, without.size);
    EXPECT_EQ(std::memcmp(null.words.data(), without.words.data(), null.size), 0);
}

TEST(GuestDtPassthrough, NodeOnlyPartlyInsideIsNotCopied) {
    Blob host = host_tree();
    // wide@b002000 spans 0x2000; the guest owns its first page only. Two regions covering it
    // are not one region either: a node is copied only if each reg lies inside one region.
    EXPECT_TRUE(extra_nodes(make(passthrough_guest({{0xb00'2000, 0x1000}}, {}), host).open()).empty());
    EXPECT_TRUE(extra_nodes(make(passthrough_guest({{0xb00'1000, 0x2000}}, {}), host).open()).size() == 1u);
    EXPECT_EQ(extra_nodes(make(passthrough_guest({{0xb00'2000, 0x2000}}, {}), host).open()),
              (Names{"wide@b002000"}));
}

TEST(GuestDtPassthrough, DisabledNodeIsNotCopied) {
    Blob host = host_tree();
    Blob b = make(passthrough_guest({{0xc02'0000, 0x1000}}, {}), host);
    Fdt f = b.open();
    EXPECT_TRUE(extra_nodes(f).empty());
    EXPECT_FALSE(f.find_compatible("vendor,spi").ok());
}

TEST(GuestDtPassthrough, NodeUnderABusGetsItsTranslatedAddress) {
    Blob host = host_tree();
    Blob b = make(passthrough_guest({{0xc01'0000, 0x1000}}, {72}), host);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"serial@c010000"}));
    Node uart = f.find_compatible("ns16550a").value();
    EXPECT_EQ(prop_cells(f, uart, "reg"), (std::vector<u32>{0, 0xc01'0000, 0, 0x100}));
    EXPECT_EQ(prop_cells(f, uart, "interrupts"), (std::vector<u32>{0, 40, 4}));
    EXPECT_FALSE(f.has_property(uart, "reg-shift"));  // Not in the copied set.
    // The untranslated bus offset is no device of the guest's.
    EXPECT_TRUE(extra_nodes(make(passthrough_guest({{0x1'0000, 0x1000}}, {72}), host).open()).empty());
}

TEST(GuestDtPassthrough, EmulatedWindowsAndTheHostGicAreNeverCopied) {
    Blob host = host_tree();
    // Partition rejects such regions; a Guest built elsewhere still must not get a second
    // PL011 or GIC.
    Blob b = make(passthrough_guest({{0x800'0000, 0x200'0000}}, {33, 34}), host);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"pl031@9010000", "pl061@9030000", "clock-0"}));
    EXPECT_FALSE(f.find_compatible("arm,gic-v3-its").ok());
    unsigned uarts = 0;
    for (Node n : f.compatible_nodes("arm,pl011")) {
        (void)n;
        ++uarts;
    }
    EXPECT_EQ(uarts, 1u);
}

TEST(GuestDtPassthrough, HostGicOutsideTheEmulatedWindowsIsNotCopied) {
    // A GICv2 host (arm,gic-400 at 0x2f000000, a GICv2m MSI frame below it), as on many boards:
    // neither the GIC nor its child is a device for the guest, even inside its MMIO.
    Blob host;
    tn::fdt::Writer w(host.words.data(), host.words.size() * 8);
    w.begin_node("").property_u32("#address-cells", 2).property_u32("#size-cells", 2)
        .property_u32("interrupt-parent", 1);
    w.begin_node("interrupt-controller@2f000000").property_string("compatible", "arm,gic-400")
        .property_u32("#interrupt-cells", 3).property_empty("interrupt-controller").property_u32("phandle", 1)
        .property_u32("#address-cells", 1).property_u32("#size-cells", 1);
    cells(w, "reg", {0, 0x2f00'0000, 0, 0x1000, 0, 0x2f00'2000, 0, 0x2000});
    cells(w, "ranges", {0, 0, 0x2f00'0000, 0x10'0000});
    w.begin_node("v2m@80000").property_string("compatible", "arm,gic-v2m-frame").property_empty("msi-controller");
    cells(w, "reg", {0x8'0000, 0x1000});
    w.end_node().end_node();
    w.begin_node("uart@2f010000").property_string("compatible", "vendor,uart");
    cells(w, "reg", {0, 0x2f01'0000, 0, 0x1000});
    cells(w, "interrupts", {0, 100, 0x104});  // GICv2 flags with a (meaningless for SPIs) CPU mask.
    w.end_node().end_node();
    host.size = w.finish();
    Blob b = make(passthrough_guest({{0x2f00'0000, 0x10'0000}}, {132}), host);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"uart@2f010000"}));
    EXPECT_EQ(prop_cells(f, f.find_path("/uart@2f010000").value(), "interrupts"), (std::vector<u32>{0, 100, 4}));
}

TEST(GuestDtPassthrough, ReferencesTheGuestCannotUseAreDropped) {
    Blob host = host_tree();
    Blob b = make(passthrough_guest({{0xb00'0000, 0x2000}}, {35, 37}), host);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"odd@b000000", "gpio-user@b001000"}));  // And no clock node.
    for (const char* path : {"/odd@b000000", "/gpio-user@b001000"}) {
        Node n = f.find_path(path).value();
        std::set<std::string> props;
        for (tn::fdt::Property p : f.properties(n))
            props.insert(p.name());
        EXPECT_EQ(props, (std::set<std::string>{"compatible", "reg"})) << path;
    }
}

TEST(GuestDtPassthrough, ClocksAreCopiedOnceEach) {
    Blob host = host_tree();
    Blob b = make(passthrough_guest({{0x901'0000, 0x1000}, {0x903'0000, 0x1000}, {0xb00'4000, 0x1000}}, {}), host);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"pl031@9010000", "pl061@9030000", "rtc2@b004000", "clock-0", "clock-1"}));
    const u32 apb = prop_cells(f, f.find_path("/pl031@9010000").value(), "clocks").at(0);
    EXPECT_EQ(prop_cells(f, f.find_path("/pl061@9030000").value(), "clocks"), (std::vector<u32>{apb}));
    std::vector<u32> rtc2 = prop_cells(f, f.find_path("/rtc2@b004000").value(), "clocks");
    ASSERT_EQ(rtc2.size(), 3u);
    EXPECT_EQ(rtc2[1], apb);
    EXPECT_EQ(rtc2[0], rtc2[2]);
    EXPECT_NE(rtc2[0], apb);
    EXPECT_EQ(f.prop_u32(f.find_phandle(rtc2[0]).value(), "clock-frequency").value(), 32768u);
    EXPECT_FALSE(f.has_property(f.find_phandle(rtc2[0]).value(), "clock-output-names"));
    std::set<u32> phandles;
    for (Node n : f.nodes()) {
        if (auto p = f.prop_u32(n, "phandle"); p.ok()) {
            EXPECT_TRUE(phandles.insert(p.value()).second) << "phandle " << p.value() << " used twice";
        }
    }
}

TEST(GuestDtPassthrough, DtcAcceptsTheTree) {
    if (!have_dtc())
        GTEST_SKIP() << "dtc not installed";
    Blob host = host_tree();
    Blob b = make(passthrough_guest({{0x901'0000, 0x1000}, {0xc01'0000, 0x1000}, {0xb00'0000, 0x8000}}, {34, 72}),
                  host);
    int rc = 0;
    std::string text = dtc(b, rc);
    EXPECT_EQ(rc, 0) << text;
    EXPECT_EQ(text.find("Warning"), std::string::npos) << text;
    EXPECT_NE(text.find("pl031@9010000 {"), std::string::npos) << text;
    EXPECT_NE(text.find("serial@c010000 {"), std::string::npos) << text;
    EXPECT_NE(text.find("rtc2@b004000 {"), std::string::npos) << text;
}

TEST(GuestDtPassthrough, QemuVirtOwnTree) {
    if (std::system("command -v qemu-system-aarch64 >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "qemu-system-aarch64 not installed";
    char path[] = "/tmp/guestdt_virt_XXXXXX";
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
    // The RTC with its SPI, the GPIO controller without; fw-cfg's page too (no interrupts).
    partition::Guest g = passthrough_guest({{0x901'0000, 0x1000}, {0x902'0000, 0x1000}, {0x903'0000, 0x1000}}, {34});
    Blob b;
    b.size = build(g, b.words.data(), b.words.size() * 8, &host.value());
    ASSERT_GT(b.size, 0u);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"fw-cfg@9020000", "pl061@9030000", "pl031@9010000", "clock-0"}));
    auto rtc = f.find_device("arm,pl031");
    ASSERT_TRUE(rtc.ok());
    EXPECT_EQ(rtc.value().intid, 34u);
    Node gpio = f.find_compatible("arm,pl061").value();
    EXPECT_FALSE(f.has_property(gpio, "interrupts"));
    EXPECT_FALSE(f.has_property(gpio, "gpio-controller"));
    EXPECT_EQ(prop_cells(f, gpio, "clocks"), prop_cells(f, rtc.value().node, "clocks"));
    EXPECT_TRUE(spi_info(host.value(), 34).found);
    EXPECT_FALSE(spi_info(host.value(), 34).edge);   // pl031: level.
    EXPECT_TRUE(spi_info(host.value(), 48).edge);    // First virtio-mmio transport: edge.
    if (have_dtc()) {
        int rc = 0;
        std::string text = dtc(b, rc);
        EXPECT_EQ(rc, 0) << text;
        EXPECT_EQ(text.find("Warning"), std::string::npos) << text;
    }
}

TEST(GuestDtPassthrough, IndexedHostGivesTheSameTree) {
    Blob host = host_tree();
    partition::Guest g = passthrough_guest({{0x900'0000, 0x400'0000}, {0xb00'0000, 0x8000}, {0xc00'0000, 0x10'0000}},
                                           {34, 39, 48, 72});
    Blob plain = make(g, host);
    static tn::fdt::NodeIndex<64> index;
    auto indexed = Fdt::try_open(host.words.data(), host.size, index);
    ASSERT_TRUE(indexed.ok());
    ASSERT_TRUE(indexed.value().indexed());
    Blob b;
    b.size = build(g, b.words.data(), b.words.size() * 8, &indexed.value());
    ASSERT_EQ(b.size, plain.size);
    EXPECT_EQ(std::memcmp(b.words.data(), plain.words.data(), b.size), 0);
    EXPECT_EQ(extra_nodes(b.open()),
              (Names{"pl031@9010000", "pl061@9030000", "virtio_mmio@a000000", "serial@c010000", "odd@b000000",
                     "gpio-user@b001000", "wide@b002000", "rtc2@b004000", "clock-0", "clock-1"}));
    // The trigger stays the host's: rising edge for virtio-mmio, level high for the GPIO.
    Fdt f = b.open();
    EXPECT_EQ(prop_cells(f, f.find_path("/virtio_mmio@a000000").value(), "interrupts"), (std::vector<u32>{0, 16, 1}));
    EXPECT_EQ(prop_cells(f, f.find_path("/pl061@9030000").value(), "interrupts"), (std::vector<u32>{0, 7, 4}));
}

TEST(GuestDtPassthrough, TooSmallBufferReturnsZero) {
    Blob host = host_tree();
    Fdt h = host.open();
    partition::Guest g = passthrough_guest({{0x901'0000, 0x1000}, {0xb00'4000, 0x1000}}, {34});
    Blob full = make(g, host);
    for (u64 cap = 0; cap < full.size; cap += 5) {
        std::vector<u64> buf(full.size / 8 + 4, 0x5a5a5a5a5a5a5a5aull);
        EXPECT_EQ(build(g, buf.data(), cap, &h), 0u) << cap;
        const u8* bytes = reinterpret_cast<const u8*>(buf.data());
        for (u64 i = cap; i < buf.size() * 8; ++i)
            ASSERT_EQ(bytes[i], 0x5a) << "wrote past cap " << cap;
    }
}

/// Host with @p devices fixed-clock-using nodes at 0x1000'0000 + i pages, each with its own
/// clock, and two nodes per address that translate to the same guest name.
Blob crowded_host(unsigned devices) {
    Blob b;
    b.words.resize(8192);
    tn::fdt::Writer w(b.words.data(), b.words.size() * 8);
    w.begin_node("").property_u32("#address-cells", 2).property_u32("#size-cells", 2);
    for (unsigned i = 0; i < devices; ++i) {
        char name[32];
        std::snprintf(name, sizeof(name), "clk%u", i);
        w.begin_node(name).property_string("compatible", "fixed-clock").property_u32("#clock-cells", 0)
            .property_u32("clock-frequency", 1000 + i).property_u32("phandle", 0x100 + i).end_node();
    }
    for (unsigned i = 0; i < devices; ++i) {
        char name[32];
        std::snprintf(name, sizeof(name), "dev@%x", 0x1000'0000 + i * 0x1000);
        const u32 reg[4] = {0, 0x1000'0000 + i * 0x1000, 0, 0x1000};
        w.begin_node(name).property_string("compatible", "vendor,dev").property_cells("reg", reg, 4)
            .property_u32("clocks", 0x100 + i).end_node();
    }
    // A bus mapping its children onto the first device's page: same name, same address.
    w.begin_node("bus").property_u32("#address-cells", 1).property_u32("#size-cells", 1);
    const u32 ranges[4] = {0, 0, 0x1000'0000, 0x1000};
    const u32 reg[2] = {0, 0x1000};
    w.property_cells("ranges", ranges, 4).begin_node("dev@0").property_cells("reg", reg, 2).end_node().end_node();
    w.end_node();
    b.size = w.finish();
    EXPECT_GT(b.size, 0u);
    return b;
}

TEST(GuestDtPassthrough, CopiesAreBounded) {
    Blob host = crowded_host(100);
    partition::Guest g = passthrough_guest({{0x1000'0000, 0x1000'0000}}, {});
    Blob b;
    b.words.resize(8192);
    Fdt h = host.open();
    b.size = build(g, b.words.data(), b.words.size() * 8, &h);
    ASSERT_GT(b.size, 0u);
    Fdt f = b.open();
    unsigned devices = 0, clocked = 0, clocks = 0;
    for (Node n : f.children(f.root())) {
        if (f.compatible_with(n, "vendor,dev")) {
            ++devices;
            clocked += f.has_property(n, "clocks");
        }
        clocks += f.compatible_with(n, "fixed-clock");
    }
    EXPECT_EQ(devices, k_max_passthrough_nodes);
    EXPECT_EQ(clocked, k_max_passthrough_clocks);
    EXPECT_EQ(clocks, k_max_passthrough_clocks + 1);  // Plus the PL011's.
    // The bus child named like dev@10000000 is not a second node of that name.
    Fdt few = [&] {
        static Blob small;
        small = crowded_host(1);
        Fdt sh = small.open();
        static Blob out;
        out.size = build(g, out.words.data(), out.words.size() * 8, &sh);
        return out.open();
    }();
    EXPECT_EQ(extra_nodes(few), (Names{"dev@10000000", "clock-0"}));
}

TEST(GuestDtPassthrough, GarbageHostBlobsAreRejectedOrHarmless) {
    Blob host = host_tree();
    std::vector<u8> good(reinterpret_cast<const u8*>(host.words.data()),
                         reinterpret_cast<const u8*>(host.words.data()) + host.size);
    // Truncated or overwritten blobs do not open, so build() never sees them.
    EXPECT_FALSE(Fdt::try_open(host.words.data(), host.size - 8).ok());
    std::vector<u64> garbage((host.size + 7) / 8, 0x0123'4567'89ab'cdefull);
    EXPECT_FALSE(Fdt::try_open(garbage.data(), garbage.size() * 8).ok());
    // Blobs that still open after a flipped byte: build() and spi_info() must neither crash nor
    // read outside the blob (ASan) and must keep the generated part of the tree.
    partition::Guest g = passthrough_guest({{0x900'0000, 0x400'0000}, {0xb00'0000, 0x8000}, {0xc00'0000, 0x10'0000}},
                                           {34, 39, 48, 72});
    u32 seed = 12345;
    unsigned opened = 0;
    for (unsigned round = 0; round < 3000; ++round) {
        seed = seed * 1103515245u + 12345u;
        const usize off = 40 + (seed >> 8) % (good.size() - 40);  // Past the header: most still open.
        seed = seed * 1103515245u + 12345u;
        std::vector<u64> copy((good.size() + 7) / 8);
        std::memcpy(copy.data(), good.data(), good.size());
        reinterpret_cast<u8*>(copy.data())[off] ^= static_cast<u8>(1u << ((seed >> 16) % 8));
        auto h = Fdt::try_open(copy.data(), copy.size() * 8);
        if (!h.ok())
            continue;
        ++opened;
        Blob b;
        b.size = build(g, b.words.data(), b.words.size() * 8, &h.value());
        ASSERT_GT(b.size, 0u) << "byte " << off;
        auto out = Fdt::try_open(b.words.data(), b.size);
        ASSERT_TRUE(out.ok()) << "byte " << off;
        EXPECT_TRUE(out.value().find_gic().ok());
        (void)spi_info(h.value(), 34);
        (void)spi_info(h.value(), 48);
    }
    EXPECT_GT(opened, 1000u);
}

TEST(GuestDtSpiInfo, TriggerFromTheHostBinding) {
    Blob host = host_tree();
    Fdt h = host.open();
    SpiInfo rtc = spi_info(h, 34);  // pl031: <0 2 4>, level high.
    EXPECT_TRUE(rtc.found);
    EXPECT_FALSE(rtc.edge);
    SpiInfo virtio = spi_info(h, 48);  // virtio_mmio: <0 16 1>, rising edge.
    EXPECT_TRUE(virtio.found);
    EXPECT_TRUE(virtio.edge);
    SpiInfo nested = spi_info(h, 72);  // Under the simple-bus: inherits the root's GIC parent.
    EXPECT_TRUE(nested.found);
    EXPECT_FALSE(nested.edge);
    for (u32 intid : {99u, 35u, 16u + 2, 5u, 0u, 1020u, 0xffff'ffffu}) {
        SpiInfo none = spi_info(h, intid);
        EXPECT_FALSE(none.found) << intid;
        EXPECT_FALSE(none.edge) << intid;
    }
}

TEST(GuestDtSpiInfo, FallingEdgeAndLowLevel) {
    for (u32 flags : {1u, 2u, 3u, 4u, 8u}) {
        Blob b;
        tn::fdt::Writer w(b.words.data(), b.words.size() * 8);
        w.begin_node("").property_u32("#address-cells", 2).property_u32("#size-cells", 2)
            .property_u32("interrupt-parent", 1);
        const u32 gic_reg[8] = {0, 0x800'0000, 0, 0x1'0000, 0, 0x80a'0000, 0, 0x2'0000};
        w.begin_node("intc@8000000").property_string("compatible", "arm,gic-v3").property_u32("#interrupt-cells", 3)
            .property_empty("interrupt-controller").property_cells("reg", gic_reg, 8).property_u32("phandle", 1)
            .end_node();
        const u32 irq[6] = {1, 9, 4, 0, 9, flags};  // A PPI 9 first: only SPIs count.
        w.begin_node("dev").property_cells("interrupts", irq, 6).end_node().end_node();
        b.size = w.finish();
        SpiInfo s = spi_info(b.open(), 41);
        EXPECT_TRUE(s.found) << flags;
        EXPECT_EQ(s.edge, flags <= 3) << flags;
        EXPECT_FALSE(spi_info(b.open(), 25).found);  // INTID of PPI 9: not an SPI.
    }
}

// ---- DMA-capable pass-through ----

TEST(GuestDtDma, IdentityMappedRamIsDescribedAtItsHostPhysicalBase) {
    partition::Guest g = guest(0b1, 0x1000'0000, "console=ttyAMA0");
    g.kernel = partition::Kernel::Linux;
    g.mem_phys = tn::PhysAddr{0x6000'0000};
    g.identity_ram = true;
    Blob b = make(g);
    Fdt f = b.open();
    tn::fdt::Region mem[2];
    ASSERT_EQ(f.memory_regions(mem, 2).value(), 1u);
    EXPECT_EQ(mem[0], (tn::fdt::Region{0x6000'0000, 0x1000'0000}));
    EXPECT_TRUE(f.find_path("/memory@60000000").ok());
    EXPECT_FALSE(f.find_path("/memory@40000000").ok());
}

TEST(GuestDtDma, VirtioTransportKeepsDmaCoherent) {
    Blob host = host_tree();
    partition::Guest g = passthrough_guest({{0xa00'0000, 0x1000}}, {48});
    g.mem_phys = tn::PhysAddr{0x6000'0000};
    g.identity_ram = true;
    Blob b = make(g, host);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"memory@60000000", "virtio_mmio@a000000"}));
    Node n = f.find_path("/virtio_mmio@a000000").value();
    std::set<std::string> props;
    for (tn::fdt::Property p : f.properties(n))
        props.insert(p.name());
    EXPECT_EQ(props, (std::set<std::string>{"compatible", "reg", "interrupts", "dma-coherent"}));
    EXPECT_EQ(f.property(n, "dma-coherent").value().size(), 0u);
    EXPECT_EQ(prop_cells(f, n, "reg"), (std::vector<u32>{0, 0xa00'0000, 0, 0x200}));
}

TEST(GuestDtDma, DmaNoncoherentIsCopiedAndAValuedFlagIsNot) {
    Blob host;
    tn::fdt::Writer w(host.words.data(), host.words.size() * 8);
    w.begin_node("").property_u32("#address-cells", 2).property_u32("#size-cells", 2);
    w.begin_node("dev@b000000").property_string("compatible", "vendor,dev").property_empty("dma-noncoherent");
    cells(w, "reg", {0, 0xb00'0000, 0, 0x1000});
    w.end_node();
    w.begin_node("dev@b001000").property_string("compatible", "vendor,dev").property_u32("dma-coherent", 1);
    cells(w, "reg", {0, 0xb00'1000, 0, 0x1000});
    w.end_node().end_node();
    host.size = w.finish();
    Blob b = make(passthrough_guest({{0xb00'0000, 0x2000}}, {}), host);
    Fdt f = b.open();
    EXPECT_TRUE(f.property(f.find_path("/dev@b000000").value(), "dma-noncoherent").ok());
    EXPECT_FALSE(f.property(f.find_path("/dev@b001000").value(), "dma-coherent").ok());
}

TEST(GuestDtDma, DmaRegionsOfTheHostTree) {
    Blob host = host_tree();
    Fdt h = host.open();
    partition::Region r[4];
    // The virtio transport; odd@b000000 is a DMA client (`dmas`), not a master.
    ASSERT_EQ(dma_regions(h, r, 4), 1u);
    EXPECT_EQ(r[0].base.value(), 0xa00'0000u);
    EXPECT_EQ(r[0].size, 0x200u);
    EXPECT_EQ(dma_regions(h, r, 0), 1u);  // cap + 1: they do not fit
}

TEST(GuestDtDma, AdjacentTransportsMergeAndBusesTranslate) {
    Blob host;
    tn::fdt::Writer w(host.words.data(), host.words.size() * 8);
    w.begin_node("").property_u32("#address-cells", 2).property_u32("#size-cells", 2);
    for (u32 i = 0; i < 32; ++i) {  // QEMU virt's 32 transports, listed highest first as QEMU does
        char name[32];
        const u32 at = 0xa00'0000 + 0x200 * (31 - i);
        std::snprintf(name, sizeof name, "virtio_mmio@%x", at);
        w.begin_node(name).property_string("compatible", "virtio,mmio").property_empty("dma-coherent");
        const u32 reg[4] = {0, at, 0, 0x200};
        w.property_cells("reg", reg, 4).end_node();
    }
    w.begin_node("soc").property_u32("#address-cells", 1).property_u32("#size-cells", 1);
    cells(w, "ranges", {0, 0, 0xc00'0000, 0x10'0000});
    w.begin_node("dma@4000").property_string("compatible", "vendor,dma").property_u32("#dma-cells", 1);
    cells(w, "reg", {0x4000, 0x1000});
    w.end_node().end_node();
    w.begin_node("off@d000000").property_string("compatible", "virtio,mmio").property_string("status", "disabled");
    cells(w, "reg", {0, 0xd00'0000, 0, 0x200});
    w.end_node().end_node();
    host.size = w.finish();
    Fdt h = host.open();
    partition::Region r[4];
    ASSERT_EQ(dma_regions(h, r, 4), 2u);
    EXPECT_EQ(r[0].base.value(), 0xa00'0000u);
    EXPECT_EQ(r[0].size, 0x4000u);
    EXPECT_EQ(r[1].base.value(), 0xc00'4000u);
    EXPECT_EQ(r[1].size, 0x1000u);
}

// ---- Inter-VM channels ----

/// Three guests (alpha Tenon, beta Linux, gamma Tenon; a fourth, delta, in no channel) and three
/// channels: ping (alpha, beta; beta read-only; uncached), pong (gamma, alpha) and a refused one.
partition::Description channel_description() {
    partition::Description d{};
    const char* names[] = {"alpha", "beta", "gamma", "delta"};
    for (unsigned i = 0; i < 4; ++i) {
        d.guests[i] = guest(u64{1} << i, 0x200'0000, "");
        std::strcpy(d.guests[i].name, names[i]);
    }
    d.guests[1].kernel = partition::Kernel::Linux;
    d.count = 4;
    partition::Channel& ping = d.channels[0];
    std::strcpy(ping.name, "ping");
    ping.members[0] = 0;
    ping.members[1] = 1;
    ping.member_count = 2;
    ping.read_only_mask = 0b10;
    ping.doorbell_intid[0] = 240;
    ping.doorbell_intid[1] = 250;
    ping.size = 0x10000;
    ping.doorbell_ipa = gmap::k_ivc;
    ping.shm_ipa = gmap::k_ivc + gmap::k_ivc_shm_offset;
    ping.uncached = true;
    ping.valid = true;
    partition::Channel& pong = d.channels[1];
    std::strcpy(pong.name, "pong");
    pong.members[0] = 2;
    pong.members[1] = 0;
    pong.member_count = 2;
    pong.doorbell_intid[0] = 241;
    pong.doorbell_intid[1] = 241;
    pong.size = 0x2000;
    pong.doorbell_ipa = gmap::k_ivc + 0x20000;
    pong.shm_ipa = gmap::k_ivc + 0x30000;
    pong.valid = true;
    partition::Channel& gone = d.channels[2];
    gone = pong;
    std::strcpy(gone.name, "gone");
    gone.doorbell_ipa = gmap::k_ivc + 0x40000;
    gone.shm_ipa = gmap::k_ivc + 0x50000;
    gone.valid = false;
    d.channel_count = 3;
    return d;
}

Blob make(const partition::Description& d, unsigned index) {
    Blob b;
    b.size = build(d.guests[index], b.words.data(), b.words.size() * 8, nullptr, nullptr, &d, index);
    EXPECT_GT(b.size, 0u);
    return b;
}

TEST(GuestDtChannels, MemberGetsOneNodePerChannelWithEveryProperty) {
    const partition::Description d = channel_description();
    Blob b = make(d, 0);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"ivc@20000000", "ivc@20020000"}));

    Node ping = f.find_path("/ivc@20000000").value();
    EXPECT_EQ(prop_bytes(f, ping, "compatible"), std::string("tenonos,ivc-channel\0", 20));
    EXPECT_EQ(prop_cells(f, ping, "reg"), (std::vector<u32>{0, 0x2000'0000, 0, 0x1000, 0, 0x2001'0000, 0, 0x10000}));
    EXPECT_EQ(prop_bytes(f, ping, "reg-names"), std::string("doorbell\0shm\0", 13));
    EXPECT_EQ(prop_cells(f, ping, "interrupts"), (std::vector<u32>{0, 240 - 32, 1}));
    EXPECT_EQ(prop_bytes(f, ping, "label"), std::string("ping\0", 5));
    EXPECT_EQ(prop_cells(f, ping, "tenonos,channel-id"), (std::vector<u32>{0}));
    EXPECT_EQ(prop_cells(f, ping, "tenonos,member"), (std::vector<u32>{0}));
    EXPECT_EQ(prop_cells(f, ping, "tenonos,members"), (std::vector<u32>{2}));
    EXPECT_FALSE(f.property(ping, "read-only").ok());  // alpha writes.
    ASSERT_TRUE(f.property(ping, "tenonos,uncached").ok());  // beta is Linux.
    EXPECT_EQ(f.property(ping, "tenonos,uncached").value().size(), 0u);

    Node pong = f.find_path("/ivc@20020000").value();
    EXPECT_EQ(prop_cells(f, pong, "reg"), (std::vector<u32>{0, 0x2002'0000, 0, 0x1000, 0, 0x2003'0000, 0, 0x2000}));
    EXPECT_EQ(prop_cells(f, pong, "interrupts"), (std::vector<u32>{0, 241 - 32, 1}));
    EXPECT_EQ(prop_bytes(f, pong, "label"), std::string("pong\0", 5));
    EXPECT_EQ(prop_cells(f, pong, "tenonos,channel-id"), (std::vector<u32>{1}));
    EXPECT_EQ(prop_cells(f, pong, "tenonos,member"), (std::vector<u32>{1}));
    EXPECT_FALSE(f.property(pong, "read-only").ok());
    EXPECT_FALSE(f.property(pong, "tenonos,uncached").ok());  // Tenon members only: cacheable.
}

TEST(GuestDtChannels, EachMemberSeesItsOwnIndexDoorbellAndMapping) {
    const partition::Description d = channel_description();
    Blob b = make(d, 1);
    Fdt f = b.open();
    EXPECT_EQ(extra_nodes(f), (Names{"ivc@20000000"}));
    Node ping = f.find_path("/ivc@20000000").value();
    EXPECT_EQ(prop_cells(f, ping, "tenonos,member"), (std::vector<u32>{1}));
    EXPECT_EQ(prop_cells(f, ping, "interrupts"), (std::vector<u32>{0, 250 - 32, 1}));
    ASSERT_TRUE(f.property(ping, "read-only").ok());
    EXPECT_EQ(f.property(ping, "read-only").value().size(), 0u);
    EXPECT_TRUE(f.property(ping, "tenonos,uncached").ok());

    Blob c = make(d, 2);
    Fdt g = c.open();
    EXPECT_EQ(extra_nodes(g), (Names{"ivc@20020000"}));  // Not in ping; "gone" was refused.
    EXPECT_EQ(prop_cells(g, g.find_path("/ivc@20020000").value(), "tenonos,member"), (std::vector<u32>{0}));
}

TEST(GuestDtChannels, NonMemberAndNoDescriptionGetNoNode) {
    const partition::Description d = channel_description();
    Blob b = make(d, 3);
    EXPECT_EQ(extra_nodes(b.open()), Names{});
    // A non-member's tree, and a member's without the description, are the plain tree byte for byte.
    Blob plain = make(d.guests[3]);
    ASSERT_EQ(plain.size, b.size);
    EXPECT_EQ(std::memcmp(plain.words.data(), b.words.data(), b.size), 0);
    EXPECT_EQ(extra_nodes(make(d.guests[0]).open()), Names{});
}

TEST(GuestDtChannels, DtcAcceptsTheTree) {
    if (!have_dtc())
        GTEST_SKIP() << "dtc not installed";
    const partition::Description d = channel_description();
    Blob b = make(d, 1);
    int rc = 0;
    std::string text = dtc(b, rc);
    EXPECT_EQ(rc, 0) << text;
    EXPECT_EQ(text.find("Warning"), std::string::npos) << text;
    EXPECT_NE(text.find("ivc@20000000 {"), std::string::npos) << text;
    EXPECT_NE(text.find("reg = <0x00 0x20000000 0x00 0x1000 0x00 0x20010000 0x00 0x10000>;"), std::string::npos)
        << text;
}

}  // namespace
}  // namespace mortise::guestdt
