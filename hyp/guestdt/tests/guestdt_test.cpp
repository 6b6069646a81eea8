// Host tests of the guest device tree: read back with the same lib/fdt queries Tenon's
// platform code boots with, checked node by node, and fed to dtc when it is installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <mortise/guestdt.hpp>
#include <tn/fdt.hpp>

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
    g.mem_phys = 0x4800'0000;
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
    EXPECT_EQ(mem[0], (tn::fdt::Region{k_ram, 0x200'0000}));

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
    EXPECT_EQ(gic.value().dist, (tn::fdt::Region{k_gicd, k_gicd_size}));
    EXPECT_EQ(gic.value().redist, (tn::fdt::Region{k_gicr, 2 * k_gicr_stride}));
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
    EXPECT_EQ(uart.value().reg, (tn::fdt::Region{k_uart, k_uart_size}));
    ASSERT_TRUE(uart.value().has_irq);
    EXPECT_EQ(uart.value().intid, k_uart_intid);
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
        EXPECT_EQ(gic.value().redist.size, v * k_gicr_stride);
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

TEST(GuestDt, DtcAcceptsTheTree) {
    if (std::system("command -v dtc >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "dtc not installed";
    Blob b = make(guest(0b111, 0x400'0000, "console=ttyAMA0"));
    char path[] = "/tmp/guestdt_XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    FILE* out = fdopen(fd, "wb");
    ASSERT_EQ(std::fwrite(b.words.data(), 1, b.size, out), b.size);
    std::fclose(out);
    // dtc's checks (-W defaults) warn about binding problems; none are expected.
    std::string cmd = std::string("dtc -I dtb -O dts ") + path + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string text;
    char line[256];
    while (std::fgets(line, sizeof(line), p))
        text += line;
    int rc = pclose(p);
    std::remove(path);
    EXPECT_EQ(rc, 0) << text;
    EXPECT_EQ(text.find("Warning"), std::string::npos) << text;
    EXPECT_NE(text.find("method = \"hvc\";"), std::string::npos) << text;
    EXPECT_NE(text.find("cpu@2 {"), std::string::npos) << text;
}

}  // namespace
}  // namespace mortise::guestdt
