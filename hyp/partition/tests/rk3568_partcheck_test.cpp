// partcheck --board-dtb on the real rk3568 trees Debian ships (scripts/rk3568-dtbs extracts them into
// the cache; test/run passes the directory in TN_RK3568_DTBS to every unit binary named rk3568*). The
// kernel's trees have no /memory node: the tests give the RAM U-Boot would (--ram), or add the node to
// the tree as U-Boot does. Each part the check needs is also taken out of a tree in turn, which must
// fail loudly, naming it. Descriptions are compiled with dtc (skipped without it).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <tn/fdt.hpp>
#include <tn/fdt_writer.hpp>

#include "partcheck.hpp"

namespace {

using tn::u32;
using tn::u64;
using tn::u8;

// Where the trees are, or why not (the tests are then skipped with that reason).
std::string dtb_dir(std::string* why) {
    if (const char* d = std::getenv("TN_RK3568_DTBS"); d && *d)
        return d;
    const char* missing = std::getenv("TN_RK3568_DTBS_MISSING");
    *why = missing && *missing ? missing
                               : "TN_RK3568_DTBS is not set: run through 'test/run --only rk3568_partcheck', or "
                                 "TN_RK3568_DTBS=$(scripts/rk3568-dtbs) build/unit/rk3568_partcheck";
    return {};
}

std::vector<u8> read(const std::string& path) {
    std::vector<u8> bytes;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        ADD_FAILURE() << "cannot open " << path << " (delete the cache directory and run scripts/rk3568-dtbs)";
        return bytes;
    }
    u8 buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
        bytes.insert(bytes.end(), buf, buf + n);
    std::fclose(f);
    return bytes;
}

void write(const std::string& path, const void* data, size_t size) {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr) << path;
    ASSERT_EQ(std::fwrite(data, 1, size, f), size);
    std::fclose(f);
}

// How edited() changes a tree: nodes left out (with their subtrees), and the banks of a /memory node
// added at the end as U-Boot does.
struct Edit {
    std::function<bool(const tn::fdt::Fdt&, tn::fdt::Node)> drop;
    std::vector<tn::fdt::Region> memory;
};

void copy_node(const tn::fdt::Fdt& dt, tn::fdt::Node n, tn::fdt::Writer& w, const Edit& e, bool root) {
    w.begin_node(root ? "" : dt.name(n));
    for (const tn::fdt::Property& p : dt.properties(n))
        w.property(p.name(), p.data(), p.size());
    for (tn::fdt::Node c : dt.children(n))
        if (!e.drop || !e.drop(dt, c))
            copy_node(dt, c, w, e, false);
    if (root && !e.memory.empty()) {
        std::vector<u32> cells;  // The root's #address-cells and #size-cells are 2 on rk3568.
        for (const tn::fdt::Region& r : e.memory)
            cells.insert(cells.end(), {u32(r.address >> 32), u32(r.address), u32(r.size >> 32), u32(r.size)});
        w.begin_node("memory").property_string("device_type", "memory");
        w.property_cells("reg", cells.data(), cells.size()).end_node();
    }
    w.end_node();
}

// What a 4 GiB board's U-Boot writes (TF-A keeps the first 2 MiB; 0xf0000000 up is I/O).
const std::vector<tn::fdt::Region> k_uboot_memory = {{0x200000, 0xefe00000}, {0x100000000, 0x100000000}};
const std::vector<std::string> k_uboot_ram = {"--ram", "0x200000:0xefe00000", "--ram", "0x100000000:4G"};

// Linux on CPUs 0-2, a Tenon guest on CPU 3 with UART3 (serial@fe670000, SPI 0x77) passed through;
// @p rt replaces properties of the Tenon guest or adds some ("" drops one).
std::string description(const std::map<std::string, std::string>& rt = {}) {
    std::map<std::string, std::string> props = {{"image", "\"ticker\""}, {"cpus", "<3>"},
                                                 {"memory-size", "<0x0 0x2000000>"},
                                                 {"mmio", "<0x0 0xfe670000 0x0 0x1000>"}, {"irqs", "<151>"}};
    for (const auto& [name, value] : rt)
        props[name] = value;
    std::string text = "/dts-v1/;\n/ {\n\tmortise {\n"
                       "\t\tlinux {\n\t\t\tkernel = \"linux\";\n\t\t\timage = \"linux\";\n\t\t\tcpus = <0 1 2>;\n"
                       "\t\t\tmemory-size = <0x0 0x10000000>;\n\t\t\tbootargs = \"console=ttyAMA0\";\n"
                       "\t\t\tautostart;\n\t\t};\n\t\trt {\n\t\t\tautostart;\n";
    for (const auto& [name, value] : props)
        if (!value.empty())
            text += "\t\t\t" + name + " = " + value + ";\n";
    return text + "\t\t};\n\t};\n};\n";
}

struct Outcome {
    int status;
    std::string text;
};

class Rk3568Partcheck : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        std::string why;
        m_dir = dtb_dir(&why);
        if (m_dir.empty())
            GTEST_SKIP() << why;
        if (std::system("command -v dtc >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "dtc not installed";
        m_tmp = ::testing::TempDir() + "/rk3568-partcheck-" + GetParam();
        m_board = read(m_dir + "/" + GetParam() + ".dtb");
        ASSERT_FALSE(m_board.empty());
    }

    /// The board's tree as Debian ships it, or edited; returns the file partcheck reads.
    std::string board(const Edit* e = nullptr) {
        const std::string path = m_tmp + (e ? "-edited.dtb" : ".dtb");
        if (!e) {
            write(path, m_board.data(), m_board.size());
            return path;
        }
        std::vector<u64> in((m_board.size() + 7) / 8), out(in.size() + 64);
        std::memcpy(in.data(), m_board.data(), m_board.size());
        auto dt = tn::fdt::Fdt::try_open(in.data(), m_board.size());
        EXPECT_TRUE(dt.ok());
        tn::fdt::Writer w(out.data(), out.size() * 8);
        copy_node(dt.value(), dt.value().root(), w, *e, true);
        const u64 size = w.finish();
        EXPECT_NE(size, 0u) << "rebuilding the tree failed";
        write(path, out.data(), size);
        return path;
    }

    /// partcheck on @p dts against @p board_dtb with @p extra options.
    Outcome check(const std::string& dts, const std::string& board_dtb, std::vector<std::string> extra) {
        const std::string src = m_tmp + "-desc.dts", dtb = m_tmp + "-desc.dtb";
        write(src, dts.data(), dts.size());
        const std::string cmd = "dtc -q -I dts -O dtb -o " + dtb + " " + src;
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd << "\n" << dts;
        std::vector<std::string> args{"partcheck", dtb, "--board-dtb", board_dtb};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<const char*> argv;
        for (const std::string& a : args)
            argv.push_back(a.c_str());
        std::FILE* err = std::tmpfile();
        Outcome o{partcheck::run(static_cast<int>(argv.size()), argv.data(), err), {}};
        std::rewind(err);
        char line[512];
        while (std::fgets(line, sizeof line, err))
            o.text += line;
        std::fclose(err);
        return o;
    }
    Outcome check(const std::string& dts) { return check(dts, board(), k_uboot_ram); }

    std::string m_dir, m_tmp;
    std::vector<u8> m_board;
};

INSTANTIATE_TEST_SUITE_P(Debian, Rk3568Partcheck,
                         ::testing::Values("rk3568-evb1-v10", "rk3568-rock-3a", "rk3568-odroid-m1",
                                           "rk3568-bpi-r2-pro"),
                         [](const auto& info) {
                             std::string s = info.param;
                             for (char& c : s)
                                 if (c == '-')
                                     c = '_';
                             return s;
                         });

#define EXPECT_SAYS(o, want) \
    EXPECT_NE((o).text.find(want), std::string::npos) << "wanted: " << (want) << "\ngot:\n" << (o).text

TEST_P(Rk3568Partcheck, LinuxBesideTenonWithUart3IsAccepted) {
    Outcome o = check(description());
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_EQ(o.text, "");
}

TEST_P(Rk3568Partcheck, MemoryNodeAsUBootAddsItReplacesRam) {
    Edit e{nullptr, k_uboot_memory};
    Outcome o = check(description(), board(&e), {});
    EXPECT_EQ(o.status, 0) << o.text;
}

TEST_P(Rk3568Partcheck, WithoutMemoryNodeOrRamItSaysWhatToGive) {
    Outcome o = check(description(), board(), {});
    EXPECT_EQ(o.status, 2);
    EXPECT_SAYS(o, "has no /memory node");
    EXPECT_SAYS(o, "--ram BASE:SIZE");
}

TEST_P(Rk3568Partcheck, ConsoleUart2IsRefusedByName) {
    Outcome o = check(description({{"mmio", "<0x0 0xfe660000 0x0 0x1000>"}, {"irqs", "<150>"}}));
    EXPECT_EQ(o.status, 1);
    EXPECT_SAYS(o, "/mortise/rt: mmio region [0xfe660000, 0xfe661000) overlaps the console UART [0xfe660000, "
                   "0xfe660100), a device Mortise keeps");
    EXPECT_SAYS(o, "/mortise/rt: interrupt 150 is used by Mortise");
}

TEST_P(Rk3568Partcheck, GicFramesAreRefusedByName) {
    Outcome o = check(description({{"mmio", "<0x0 0xfd400000 0x0 0x10000 0x0 0xfd480000 0x0 0x1000>"}, {"irqs", ""}}));
    EXPECT_EQ(o.status, 1);
    EXPECT_SAYS(o, "overlaps the GIC distributor [0xfd400000, 0xfd410000)");
    EXPECT_SAYS(o, "overlaps the GIC redistributors [0xfd460000, 0xfd4e0000)");
    // The MBI alias frame rk3568's GIC-600 describes lets a writer raise any SPI.
    o = check(description({{"mmio", "<0x0 0xfd410000 0x0 0x1000>"}, {"irqs", ""}}));
    EXPECT_EQ(o.status, 1);
    EXPECT_SAYS(o, "overlaps the GIC MBI alias frame [0xfd410000, 0xfd420000)");
}

TEST_P(Rk3568Partcheck, Cpu4OfFourIsRefused) {
    Outcome o = check(description({{"cpus", "<3 4>"}}));
    EXPECT_EQ(o.status, 1);
    EXPECT_SAYS(o, "/mortise/rt: CPU 4 does not exist; the platform has CPUs 0-3");
}

TEST_P(Rk3568Partcheck, MemoryBeyondRamIsRefused) {
    // 8 GiB: past the second bank of a 4 GiB board; and in the I/O hole below 4 GiB.
    Outcome o = check(description({{"memory-base", "<0x2 0x0>"}}));
    EXPECT_EQ(o.status, 1);
    EXPECT_SAYS(o, "/mortise/rt: memory [0x200000000, 0x202000000) is not inside one RAM bank");
    o = check(description({{"memory-base", "<0x0 0xf0000000>"}}));
    EXPECT_EQ(o.status, 1);
    EXPECT_SAYS(o, "is not inside one RAM bank");
}

TEST_P(Rk3568Partcheck, BusMastersWithoutDmaPropertiesAreDmaCapable) {
    // Ethernet (snps,dwmac) and the SD card host (dw-mshc) have no iommus or dma-coherent on rk3568.
    for (const char* mmio : {"<0x0 0xfe2a0000 0x0 0x10000>", "<0x0 0xfe2b0000 0x0 0x4000>"}) {
        Outcome o = check(description({{"mmio", mmio}, {"irqs", ""}}));
        EXPECT_EQ(o.status, 1) << mmio;
        EXPECT_SAYS(o, "holds a DMA-capable device");
    }
}

TEST_P(Rk3568Partcheck, TreeWithoutAPartFailsNamingIt) {
    const struct {
        const char* node;  // dropped: the node whose name starts so
        const char* says;
    } parts[] = {
        {"interrupt-controller@fd400000", "no GIC"},
        {"cpus", "no /cpus node"},
        {"chosen", "no /chosen stdout-path"},
    };
    for (const auto& part : parts) {
        Edit e{[&](const tn::fdt::Fdt& dt, tn::fdt::Node n) { return std::strcmp(dt.name(n), part.node) == 0; },
               {}};
        Outcome o = check(description(), board(&e), k_uboot_ram);
        EXPECT_EQ(o.status, 2) << part.node;
        EXPECT_SAYS(o, part.says);
        EXPECT_SAYS(o, "-edited.dtb: the board's");  // The message names the tree it read.
    }
    // Every CPU node gone but /cpus kept.
    Edit e{[](const tn::fdt::Fdt& dt, tn::fdt::Node n) { return std::strncmp(dt.name(n), "cpu@", 4) == 0; }, {}};
    Outcome o = check(description(), board(&e), k_uboot_ram);
    EXPECT_EQ(o.status, 2);
    EXPECT_SAYS(o, "no cpu node Mortise can start");
}

TEST_P(Rk3568Partcheck, QemuVirtOptionsAreRefusedWithABoard) {
    Outcome o = check(description(), board(), {"--cpus", "4"});
    EXPECT_EQ(o.status, 2);
    EXPECT_SAYS(o, "--cpus and --ram-size describe QEMU virt");
}

}  // namespace
