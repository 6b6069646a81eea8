// plat/rk3568's device-tree discovery on the real board trees Debian ships
// (scripts/rk3568-dtbs extracts them from the arm64 kernel package into the
// cache; test/run passes the directory in TN_RK3568_DTBS). The kernel's
// trees have no /memory node: U-Boot adds one at boot, and these tests add
// one the same way before checking RAM. Every part the board needs is also
// taken out of a tree in turn, which discovery must report.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <functional>
#include <string>
#include <vector>

#include <tn/fdt.hpp>
#include <tn/fdt_writer.hpp>
#include <tn/plat/rk3568.hpp>

namespace tn::plat::rk3568 {
namespace {

using Blob = std::vector<u64>;  // 8-byte aligned, as lib/fdt wants

// Where the trees are, or why not (the test is then skipped with that reason).
std::string dtb_dir(std::string* why) {
    if (const char* d = std::getenv("TN_RK3568_DTBS"); d && *d)
        return d;
    const char* missing = std::getenv("TN_RK3568_DTBS_MISSING");
    *why = missing && *missing ? missing
                               : "TN_RK3568_DTBS is not set: run through 'make test TESTS=rk3568', or "
                                 "TN_RK3568_DTBS=$(scripts/rk3568-dtbs) " "build/unit/rk3568";
    return {};
}

#define NEED_DTBS(dir)                      \
    std::string why_;                       \
    std::string dir = dtb_dir(&why_);       \
    if (dir.empty())                        \
        GTEST_SKIP() << why_;

Blob load(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        ADD_FAILURE() << "cannot open " << path << " (delete the cache directory and run scripts/rk3568-dtbs)";
        return {};
    }
    std::vector<u8> bytes;
    u8 buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
        bytes.insert(bytes.end(), buf, buf + n);
    std::fclose(f);
    Blob b((bytes.size() + 7) / 8);
    std::memcpy(b.data(), bytes.data(), bytes.size());
    return b;
}

fdt::Fdt open(const Blob& b) {
    auto dt = fdt::Fdt::try_open(b.data(), b.size() * 8);
    EXPECT_TRUE(dt.ok()) << "not a valid device tree: " << (dt.ok() ? "" : fdt::error_name(dt.error()));
    return dt.value();
}

// How rebuild() changes a tree.
struct Edit {
    std::function<bool(const fdt::Fdt&, fdt::Node)> drop;  // nodes left out, with their subtrees
    std::vector<fdt::Region> memory;                       // banks of a /memory node added at the end, as U-Boot does
};

void copy_node(const fdt::Fdt& dt, fdt::Node n, fdt::Writer& w, const Edit& e, bool root) {
    w.begin_node(root ? "" : dt.name(n));
    for (const fdt::Property& p : dt.properties(n))
        w.property(p.name(), p.data(), p.size());
    for (fdt::Node c : dt.children(n))
        if (!e.drop || !e.drop(dt, c))
            copy_node(dt, c, w, e, false);
    if (root && !e.memory.empty()) {
        std::vector<u32> cells;
        for (const fdt::Region& r : e.memory)  // the root's #address-cells and #size-cells are 2 on rk3568
            cells.insert(cells.end(), {u32(r.address >> 32), u32(r.address), u32(r.size >> 32), u32(r.size)});
        w.begin_node("memory").property_string("device_type", "memory");
        w.property_cells("reg", cells.data(), cells.size()).end_node();
    }
    w.end_node();
}

Blob rebuild(const Blob& in, const Edit& e) {
    fdt::Fdt dt = open(in);
    Blob out(in.size() + 512);
    fdt::Writer w(out.data(), out.size() * 8);
    copy_node(dt, dt.root(), w, e, true);
    EXPECT_NE(w.finish(), 0u) << "rebuilding the tree failed";
    return out;
}

// What a 4 GiB board's U-Boot writes (TF-A keeps the first 2 MiB; 0xf0000000 up is I/O).
const std::vector<fdt::Region> k_uboot_memory = {{0x200000, 0xefe00000}, {0x100000000, 0x100000000}};

std::string missing_parts(u32 missing) {
    std::string s;
    for (u32 bit = 1; bit <= k_all_parts; bit <<= 1)
        if (missing & bit)
            s += std::string("\n  ") + missing_text(bit);
    return s;
}

bool named(const fdt::Fdt& dt, fdt::Node n, const char* prefix) {
    return std::strncmp(dt.name(n), prefix, std::strlen(prefix)) == 0;
}

class Rk3568Board : public ::testing::TestWithParam<const char*> {};

INSTANTIATE_TEST_SUITE_P(Debian, Rk3568Board,
                         ::testing::Values("rk3568-evb1-v10", "rk3568-rock-3a", "rk3568-odroid-m1",
                                           "rk3568-bpi-r2-pro"),
                         [](const auto& info) {
                             std::string s = info.param;
                             for (char& c : s)
                                 if (c == '-')
                                     c = '_';
                             return s;
                         });

TEST_P(Rk3568Board, KernelTreeLacksOnlyTheMemoryUBootAdds) {
    NEED_DTBS(dir);
    Blob blob = load(dir + "/" + GetParam() + ".dtb");
    ASSERT_FALSE(blob.empty());
    Board b = discover(open(blob));
    EXPECT_EQ(b.missing, u32{k_ram}) << "missing:" << missing_parts(b.missing);
    EXPECT_EQ(b.ram_count, 0u);
}

TEST_P(Rk3568Board, EverythingFoundOnceUBootAddedMemory) {
    NEED_DTBS(dir);
    Blob raw = load(dir + "/" + GetParam() + ".dtb");
    ASSERT_FALSE(raw.empty());
    Blob blob = rebuild(raw, {nullptr, k_uboot_memory});
    Board b = discover(open(blob));
    ASSERT_EQ(b.missing, 0u) << "missing:" << missing_parts(b.missing);
    ASSERT_EQ(b.ram_count, 2u);
    EXPECT_EQ(b.ram[0], (fdt::Region{0x200000, 0xefe00000}));
    EXPECT_EQ(b.ram[1], (fdt::Region{0x100000000, 0x100000000}));
    EXPECT_EQ(bank_holding(b, 0x00280000), &b.ram[0]) << "U-Boot's usual kernel_addr_r";
    // UART2, the debug console: DesignWare, 32-bit registers 4 bytes apart, SPI 0x76.
    EXPECT_EQ(b.console.uart.base, 0xfe660000u);
    EXPECT_EQ(b.console.uart.reg_shift, 2);
    EXPECT_EQ(b.console.uart.io_width, 4);
    EXPECT_TRUE(b.console.uart.dw_apb);
    EXPECT_EQ(b.console.uart.baud, 1'500'000u);
    EXPECT_EQ(b.console.intid, 32u + 0x76);
    // GIC-600: 64 KiB distributor, four 128 KiB redistributor frames.
    EXPECT_EQ(b.gic.dist, 0xfd400000u);
    EXPECT_EQ(b.gic.dist_size, 0x10000u);
    EXPECT_EQ(b.gic.redist, 0xfd460000u);
    EXPECT_EQ(b.gic.redist_size, 0x80000u);
    EXPECT_EQ(b.gic.maintenance_intid, 25u) << "virtual interface maintenance, PPI 9 (Mortise at EL2)";
    // One Cortex-A55 per Aff1: not QEMU virt's Aff0 numbering.
    ASSERT_EQ(b.cpu_count, 4u);
    for (usize i = 0; i < 4; ++i)
        EXPECT_EQ(b.cpus[i], u64{i} << 8) << "CPU " << i;
    EXPECT_TRUE(b.psci_smc) << "PSCI goes to TF-A through SMC";
    EXPECT_EQ(b.timer_intid, 27u) << "EL1 virtual timer, PPI 11";
}

TEST_P(Rk3568Board, EachMissingPartIsReported) {
    NEED_DTBS(dir);
    Blob raw = load(dir + "/" + GetParam() + ".dtb");
    ASSERT_FALSE(raw.empty());
    struct Case {
        const char* node;
        u32 part;
    } cases[] = {{"chosen", k_console}, {"interrupt-controller@fd400000", k_gic}, {"cpus", k_cpus},
                 {"psci", k_psci},      {"timer", k_timer}};
    for (const Case& c : cases) {
        Edit e{[&](const fdt::Fdt& dt, fdt::Node n) { return named(dt, n, c.node); }, k_uboot_memory};
        Blob blob = rebuild(raw, e);
        Board b = discover(open(blob));
        EXPECT_TRUE(b.missing & c.part) << "without /" << c.node << " discovery still found everything";
        EXPECT_NE(std::string(missing_text(c.part)), "unknown part");
    }
}

TEST(Rk3568Board, ConsoleThatIsNotA16550IsRefused) {
    NEED_DTBS(dir);
    Blob raw = load(dir + "/rk3568-rock-3a.dtb");
    ASSERT_FALSE(raw.empty());
    // UART2's node without its compatible: stdout-path then names nothing this driver takes.
    Blob blob = rebuild(raw, {nullptr, k_uboot_memory});
    fdt::Fdt dt = open(blob);
    auto uart = dt.find_path("/serial@fe660000");
    ASSERT_TRUE(uart.ok());
    auto compat = dt.property(uart.value(), "compatible");
    ASSERT_TRUE(compat.ok());
    std::memset(const_cast<u8*>(compat.value().data()), 'x', compat.value().size() - 1);
    Board b = discover(dt);
    EXPECT_EQ(b.missing, u32{k_console});
}

// Every rk356x tree in the cache (the rk3566 boards share the SoC's layout).
TEST(Rk3568Board, EveryRk356xTreeInTheCache) {
    NEED_DTBS(dir);
    DIR* d = opendir(dir.c_str());
    ASSERT_NE(d, nullptr) << dir;
    int trees = 0;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name.size() < 4 || name.substr(name.size() - 4) != ".dtb")
            continue;
        ++trees;
        Blob blob = rebuild(load(dir + "/" + name), {nullptr, k_uboot_memory});
        Board b = discover(open(blob));
        EXPECT_EQ(b.missing, 0u) << name << " missing:" << missing_parts(b.missing);
        EXPECT_EQ(b.console.uart.base, 0xfe660000u) << name;
        EXPECT_EQ(b.cpu_count, 4u) << name;
    }
    closedir(d);
    EXPECT_GE(trees, 4) << "expected at least the four rk3568 boards in " << dir;
}

}  // namespace
}  // namespace tn::plat::rk3568
