// Host tests of support/tools/partcheck: descriptions in tests/dts compiled with dtc (skipped
// without it) and checked with the tool's run(), output compared line by line.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "partcheck.hpp"

namespace {

const std::string k_dir = TN_PARTCHECK_DTS_DIR;

struct Outcome {
    int status;
    std::string text;
};

Outcome check(std::vector<std::string> args) {
    std::FILE* err = std::tmpfile();
    std::vector<const char*> argv{"partcheck"};
    for (const std::string& a : args)
        argv.push_back(a.c_str());
    Outcome o{partcheck::run(static_cast<int>(argv.size()), argv.data(), err), {}};
    std::rewind(err);
    char line[512];
    while (std::fgets(line, sizeof(line), err))
        o.text += line;
    std::fclose(err);
    return o;
}

/// Compiles tests/dts/@p name.dts; returns the .dtb path.
std::string compile(const std::string& name) {
    const std::string dtb = ::testing::TempDir() + "/partcheck-" + name + ".dtb";
    const std::string cmd = "dtc -q -I dts -O dtb -o " + dtb + " " + k_dir + "/" + name + ".dts";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return dtb;
}

class Partcheck : public ::testing::Test {
protected:
    void SetUp() override {
        if (std::system("command -v dtc >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "dtc not installed";
    }
    Outcome run(const std::string& name, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--dtb", compile(name), "--source", k_dir + "/" + name + ".dts"};
        args.insert(args.end(), extra.begin(), extra.end());
        Outcome o = check(args);
        // Messages name the source as given; keep the expectations short.
        for (size_t at; (at = o.text.find(k_dir + "/")) != std::string::npos;)
            o.text.erase(at, k_dir.size() + 1);
        return o;
    }
};

TEST_F(Partcheck, GoodDescriptionPassesQuietly) {
    Outcome o = run("good", {"--images", "ticker,helloworld", "--ram-size", "512M", "--cpus", "4"});
    EXPECT_EQ(o.status, 0);
    EXPECT_EQ(o.text, "");
}

// --board-dtb: the board a tree describes (board-virt.dts, QEMU virt's shape) instead of the built-in one.
TEST_F(Partcheck, BoardDeviceTreeReplacesQemuVirt) {
    const std::string board = compile("board-virt");
    Outcome o = run("good", {"--board-dtb", board, "--images", "ticker,helloworld"});
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_EQ(o.text, "");
    // The description as the operand, not --dtb.
    std::vector<std::string> args{compile("bad-overlap"), "--board-dtb", board};
    o = check(args);
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find("/mortise/beta: CPU 1 is already given"), std::string::npos) << o.text;
    args.push_back(compile("good"));
    EXPECT_EQ(check(args).status, 2);
    // Its tree says the Ethernet MAC masters the bus (a generic name), and names what Mortise keeps.
    const std::string dts = ::testing::TempDir() + "/partcheck-board-uses.dts";
    std::FILE* f = std::fopen(dts.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("/dts-v1/;\n/ { mortise { a { image = \"ticker\"; cpus = <1>; memory-size = <0x0 0x2000000>;\n"
               "mmio = <0x0 0x9100000 0x0 0x1000 0x0 0x8000000 0x0 0x1000>; }; }; };\n", f);
    std::fclose(f);
    ASSERT_EQ(std::system(("dtc -q -I dts -O dtb -o " + dts + ".dtb " + dts).c_str()), 0);
    o = check({dts + ".dtb", "--board-dtb", board});
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find("mmio region [0x8000000, 0x8001000) overlaps the GIC distributor [0x8000000, 0x8010000)"),
              std::string::npos) << o.text;
    EXPECT_NE(o.text.find("mmio [0x9100000, 0x9101000) holds a DMA-capable device"), std::string::npos) << o.text;
    // Against the built-in QEMU virt, 0x9100000 holds no DMA-capable device (the GIC refusal stays).
    o = check({dts + ".dtb"});
    EXPECT_EQ(o.text.find("DMA-capable"), std::string::npos) << o.text;
    // QEMU virt's options do not mix with a board's tree; a tree that is not one is refused.
    o = run("good", {"--board-dtb", board, "--cpus", "4"});
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.text.find("--cpus and --ram-size describe QEMU virt"), std::string::npos) << o.text;
    o = run("good", {"--board-dtb", k_dir + "/good.dts"});
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.text.find("good.dts: not a device tree blob (BadMagic)"), std::string::npos) << o.text;
}

TEST_F(Partcheck, OverlapNamesFileLineNodeAndReason) {
    Outcome o = run("bad-overlap");
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "bad-overlap.dts:14: /mortise/beta: CPU 1 is already given to guest \"alpha\"; each CPU belongs to one "
              "guest, remove it from one 'cpus'\n"
              "bad-overlap.dts:14: /mortise/beta: memory [0x4a000000, 0x4e000000) overlaps guest \"alpha\"'s memory; "
              "change 'memory-base' or drop it to let Mortise place it\n");
}

// LLC colours: a colour two guests share or one the cache does not have fails the build with
// file:line; without --colors (an image with CONFIG_MORTISE_LLC_COLORS=0) no guest may name colours.
TEST_F(Partcheck, ColoursNameFileLineNodeAndReason) {
    Outcome o = run("bad-colors", {"--colors", "16"});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "bad-colors.dts:24: /mortise/gamma: colour 16 does not exist: the last-level cache has 16 colours "
              "(0-15); change 'colors'\n"
              "bad-colors.dts:15: /mortise/beta: colour 3 is already given to guest \"alpha\"; guests share no LLC "
              "colour, remove it from one 'colors'\n");
    o = run("bad-colors", {"--colors", "32"});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "bad-colors.dts:15: /mortise/beta: colour 3 is already given to guest \"alpha\"; guests share no LLC "
              "colour, remove it from one 'colors'\n");
    o = run("bad-colors");
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find("bad-colors.dts:6: /mortise/alpha: 'colors': this image has no LLC colouring "
                          "(CONFIG_MORTISE_LLC_COLORS=0)"), std::string::npos) << o.text;
}

// Mode-2 reservations: each one in range, on mode-2 guests only, and per shared CPU schedulable by
// tn/sched_analysis.hpp, with no unreserved guest at or above a reserved one; file:line for each.
TEST_F(Partcheck, ReservationsNameFileLineNodeAndReason) {
    Outcome o = run("good-reservation", {"--mode2", "y"});
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_EQ(o.text, "");
    o = run("bad-reservation", {"--mode2", "y"});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "bad-reservation.dts:52: /mortise/half: 'budget-us' needs 'period-us' too: a reservation is a budget "
              "per period, e.g. budget-us = <3000>; period-us = <10000>;\n"
              "bad-reservation.dts:62: /mortise/tiny: budget-us 5 is out of range: a budget is 10 us (below it the "
              "switches that enforce it cost more than it buys) up to the period, 1000 us; change 'budget-us'\n"
              "bad-reservation.dts:73: /mortise/solo: 'budget-us' and 'period-us' apply to mode-2 guests only; add "
              "mode = <2>; or drop them\n"
              "bad-reservation.dts:19: /mortise/mid: CPU 1: reservations not schedulable: this guest's response "
              "time can reach 15000 us, beyond its period 10000 us (priority 10, 3000 us per period = 30.0%; CPU "
              "1's reservations 90.0%); lower budgets, lengthen periods or move a guest\n"
              "bad-reservation.dts:31: /mortise/greedy: CPU 2: this guest has no reservation and priority 8, at or "
              "above reserved guest \"low\"'s 5, so nothing bounds how long it keeps the CPU from it; give it "
              "'budget-us' and 'period-us' or a priority below 5\n");
}

// Scheduling hints: max-priority above priority, on mode-2 guests only, never with a reservation, and
// counted at its ceiling against the reserved guests of its CPU; file:line for each.
TEST_F(Partcheck, MaxPriorityNamesFileLineNodeAndReason) {
    Outcome o = run("bad-hint", {"--mode2", "y"});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "bad-hint.dts:18: /mortise/flat: 'max-priority' must be one cell above 'priority' (9) and at most 31, "
              "e.g. max-priority = <10>;\n"
              "bad-hint.dts:29: /mortise/both: 'max-priority' and a reservation ('budget-us', 'period-us') cannot be "
              "combined: the schedulability check takes a reserved guest at one priority; drop one of them\n"
              "bad-hint.dts:64: /mortise/solo: 'max-priority' applies to mode-2 guests only; add mode = <2>; or drop "
              "'max-priority'\n"
              "bad-hint.dts:42: /mortise/sneaky: CPU 3: this guest has no reservation and max-priority 12, at or above "
              "reserved guest \"low\"'s 5, so nothing bounds how long it keeps the CPU from it; give it 'budget-us' "
              "and 'period-us' or a max-priority below 5\n");
}

// --board-dtb with the board's LLC described (a 1 MiB L2 of 1024 sets of 64-byte lines: 16 colours):
// the image's --colors must agree, or the check stops and names the count to configure.
TEST_F(Partcheck, BoardCacheMustAgreeWithTheColourCount) {
    std::FILE* in = std::fopen((k_dir + "/board-virt.dts").c_str(), "r");
    ASSERT_NE(in, nullptr);
    std::string text;
    for (int c; (c = std::fgetc(in)) != EOF;)
        text += static_cast<char>(c);
    std::fclose(in);
    const std::string cpu0 = "cpu@0 { device_type = \"cpu\"; reg = <0>;";
    const size_t at = text.find(cpu0);
    ASSERT_NE(at, std::string::npos);
    text.insert(at + cpu0.size(), " next-level-cache = <&l2>;");
    text.insert(text.find("cpu@1"), "l2: l2-cache { compatible = \"cache\"; cache-level = <2>; cache-unified; "
                                     "cache-size = <0x100000>; cache-sets = <1024>; cache-line-size = <64>; };\n");
    const std::string dts = ::testing::TempDir() + "/partcheck-board-cache.dts";
    std::FILE* out = std::fopen(dts.c_str(), "w");
    ASSERT_NE(out, nullptr);
    std::fputs(text.c_str(), out);
    std::fclose(out);
    ASSERT_EQ(std::system(("dtc -q -I dts -O dtb -o " + dts + ".dtb " + dts).c_str()), 0);
    Outcome o = run("good", {"--board-dtb", dts + ".dtb", "--colors", "16"});
    EXPECT_EQ(o.status, 0) << o.text;
    o = run("good", {"--board-dtb", dts + ".dtb", "--colors", "32"});
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.text.find("its L2 cache (1048576 bytes, 1024 sets of 64-byte lines) has 16 colours, the image is built "
                          "for 32; set CONFIG_MORTISE_LLC_COLORS=16"), std::string::npos) << o.text;
    // Colouring off (--colors 0 or none): the tree's cache is not looked at.
    EXPECT_EQ(run("good", {"--board-dtb", dts + ".dtb"}).status, 0);
}

// Inter-VM channels: each problem at the line of the channel's node, the guests unaffected.
TEST_F(Partcheck, ChannelsNameFileLineNodeAndReason) {
    Outcome o = run("channels", {"--images", "ticker"});
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_EQ(o.text, "");

    o = run("bad-channel");
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "bad-channel.dts:21: /mortise/gamma: CPU 1 is already given to guest \"alpha\"; each CPU belongs to one "
              "guest, remove it from one 'cpus'\n"
              "bad-channel.dts:28: /mortise/channels/ping: member \"omega\" is not a guest of this description; name "
              "a guest node under /mortise\n"
              "bad-channel.dts:33: /mortise/channels/pong: doorbell interrupt 34 of member \"beta\" is one of its "
              "pass-through 'irqs'; pick another SPI in 'doorbell-irqs'\n"
              "bad-channel.dts:44: /mortise/channels/tock: size 0x1800 is not a multiple of 4 KiB from 8 KiB (0x2000) "
              "to 16 MiB (0x1000000); change 'size'\n"
              "bad-channel.dts:44: /mortise/channels/tock: 'read-only' names every member, so nobody could write; "
              "leave at least one member out\n"
              "bad-channel.dts:50: /mortise/channels/typo: unknown property 'doorbell-irq'; channels have members, "
              "size, read-only and doorbell-irqs (docs/mortise.md, \"Inter-VM channels\")\n"
              "bad-channel.dts:39: /mortise/channels/tick: not set up because guest 'gamma' was refused (see its "
              "errors); the other members run without this channel\n");
}

TEST_F(Partcheck, InstancePool) {
    Outcome o = run("good-pool", {"--images", "ticker,worker"});
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_EQ(o.text, "");
    o = run("bad-pool", {"--images", "ticker"});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "bad-pool.dts:15: /mortise/instance-pool: unknown property 'memory'; the instance pool has memory-size, "
              "cpus, images and mode (docs/mortise.md, \"On-demand instances\")\n"
              "bad-pool.dts:15: /mortise/instance-pool: memory-size 0x300000 is not a non-zero multiple of 2 MiB "
              "(0x200000); round it up\n"
              "bad-pool.dts:15: /mortise/instance-pool: CPU 7 does not exist; the platform has CPUs 0-3\n"
              "bad-pool.dts:15: /mortise/instance-pool: image \"nosuch\" is not embedded in the host image; add it to "
              "TN_GUESTS in the host app's guests.mk (an image no boot-time guest names is embedded all the same) or "
              "remove it from 'images'\n"
              "bad-pool.dts:15: /mortise/instance-pool: CPU 1 is given to guest \"alpha\"; a CPU of the instance pool "
              "belongs to no guest, remove it from one 'cpus'\n");
    // The pool's RAM is counted before the guests': with 64 MiB (16 of them Mortise's) the pool's
    // 32 MiB fit and alpha's 32 MiB no longer do.
    o = run("good-pool", {"--images", "ticker,worker", "--ram-size", "64M"});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "good-pool.dts:5: /mortise/alpha: memory-size 0x2000000 does not fit: earlier guests leave 0x1000000 "
              "bytes of free RAM (after the instance pool's memory); shrink the guests or add RAM\n");
}

// A shared pool (mode = <2>): with a mode-2 guest's CPU; refused without --mode2, with CPU 0 or with a
// mode-1 guest's CPU.
TEST_F(Partcheck, SharedInstancePool) {
    Outcome o = run("good-pool-shared", {"--images", "ticker,worker", "--mode2", "y"});
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_EQ(o.text, "");
    o = run("good-pool-shared", {"--images", "ticker,worker"});
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find("good-pool-shared.dts:25: /mortise/instance-pool: mode = <2> needs a Mortise image with "
                          "CONFIG_MORTISE_MODE2=y; enable it or use mode = <1>"),
              std::string::npos)
        << o.text;
    o = run("bad-pool-shared", {"--images", "ticker", "--mode2", "y"});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "bad-pool-shared.dts:13: /mortise/instance-pool: CPU 0 cannot be shared by instances (mode = <2>): "
              "Mortise's shell runs there; remove it from 'cpus'\n"
              "bad-pool-shared.dts:13: /mortise/instance-pool: CPU 1 is guest \"alpha\"'s, a mode-1 guest; a shared "
              "pool's CPUs (mode = <2>) are free or mode-2 guests', remove it from one 'cpus'\n");
}

TEST_F(Partcheck, MissingImageOnlyWithAnImageList) {
    Outcome o = run("bad-missing-image", {"--images", "ticker"});
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find("bad-missing-image.dts:5: /mortise/alpha: image \"no-such-app\" is not embedded in the "
                          "host image (embedded: ticker)"),
              std::string::npos)
        << o.text;
    EXPECT_EQ(run("bad-missing-image").status, 0);
    EXPECT_EQ(run("bad-missing-image", {"--images", ""}).status, 1);
}

TEST_F(Partcheck, OutsideRamDeviceAndInterrupts) {
    Outcome o = run("bad-outside-ram");
    EXPECT_EQ(o.status, 1);
    for (const char* part : {"memory [0x80000000, 0x82000000) is not inside one RAM bank",
                             "mmio region [0x8080000, 0x8081000) overlaps a device Mortise keeps",
                             "interrupt 33 is used by Mortise", "interrupt 20 is not an SPI"})
        EXPECT_NE(o.text.find(part), std::string::npos) << part << "\n" << o.text;
    // With 2 GiB of RAM the fixed placement fits; the device and interrupt problems remain.
    o = run("bad-outside-ram", {"--ram-size", "2G"});
    EXPECT_EQ(o.text.find("RAM bank"), std::string::npos) << o.text;
    EXPECT_EQ(o.status, 1);
}

TEST_F(Partcheck, DmaCapableVirtioNeedsIdentityRamAndAcceptance) {
    Outcome o = run("bad-dma", {"--ram-size", "1G"});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text,
              "bad-dma.dts:7: /mortise/linux: mmio [0xa003000, 0xa004000) holds a DMA-capable device (virtio-mmio, "
              "say), given guest-physical addresses: add 'identity-mapped' and 'memory-base' so they are "
              "host-physical\n"
              "bad-dma.dts:7: /mortise/linux: mmio [0xa003000, 0xa004000) holds a DMA-capable device, which without "
              "an SMMU can write all memory (Mortise's, other guests'): add 'dma-unsafe-accepted' to allow it\n");
}

TEST_F(Partcheck, PlatformOptions) {
    // beta's fixed memory at 0x48000000 collides with a reservation there.
    Outcome o = run("good", {"--reserve", "0x48000000:0x200000"});
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find("that Mortise reserves for itself"), std::string::npos) << o.text;
    // Only CPUs 0-1: beta's CPUs 2 and 3 do not exist.
    o = run("good", {"--cpus", "2"});
    EXPECT_NE(o.text.find("CPU 2 does not exist; the platform has CPUs 0-1"), std::string::npos) << o.text;
    // Four CPUs, but the Mortise image's TN_MAX_CPUS=2 leaves CPUs 2 and 3 off at boot.
    o = run("good", {"--cpus", "4", "--max-cpus", "2"});
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find("/mortise/beta: CPU 2 is beyond this Mortise image's limit TN_MAX_CPUS=2 (CPUs 0-1); "
                          "raise CONFIG_TN_MAX_CPUS or change 'cpus'"),
              std::string::npos)
        << o.text;
    EXPECT_EQ(o.text.find("does not exist"), std::string::npos) << o.text;
    EXPECT_EQ(run("good", {"--cpus", "4", "--max-cpus", "4"}).status, 0);
    // RAM as an explicit bank list.
    o = run("good", {"--ram", "0x40000000:0x10000000"});
    EXPECT_EQ(o.status, 0) << o.text;
    o = run("good", {"--ram", "0x50000000:0x10000000"});
    EXPECT_NE(o.text.find("is not inside one RAM bank"), std::string::npos) << o.text;
}

TEST(PartcheckUsage, BadInvocationsExitTwo) {
    EXPECT_EQ(check({}).status, 2);
    EXPECT_EQ(check({"--dtb"}).status, 2);
    EXPECT_EQ(check({"--dtb", "/nonexistent.dtb"}).status, 2);
    EXPECT_EQ(check({"--dtb", "x", "--ram", "12"}).status, 2);
    EXPECT_EQ(check({"--dtb", "x", "--cpus", "0"}).status, 2);
    EXPECT_EQ(check({"--dtb", "x", "--max-cpus", "0"}).status, 2);
    EXPECT_EQ(check({"--dtb", "x", "--ram-size", "5T"}).status, 2);
    EXPECT_EQ(check({"--frobnicate", "1"}).status, 2);
    EXPECT_EQ(check({"--help"}).status, 0);
}

TEST(PartcheckUsage, NotADeviceTree) {
    const std::string path = ::testing::TempDir() + "/partcheck-garbage.dtb";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("not a blob at all, just text long enough for a header", f);
    std::fclose(f);
    Outcome o = check({"--dtb", path, "--source", "x.dts"});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text, "x.dts: /: not a valid device tree blob (BadMagic); compile the description with dtc -I dts "
                      "-O dtb\n");
}

/// Writes @p size bytes to a temporary file named @p name: an arm64 Image header (Debian 6.1's
/// text_offset 0, image_size 0x2010000, flags 0xa) when @p image, zeros otherwise.
std::string blob_file(const std::string& name, long size, bool image) {
    const std::string path = ::testing::TempDir() + "/partcheck-" + name;
    std::vector<unsigned char> b(static_cast<size_t>(size), 0);
    if (image) {
        b[0x12] = 0x01;  // image_size 0x02010000, little endian
        b[0x13] = 0x02;
        b[0x18] = 0x0a;
        b[0x38] = 'A';
        b[0x39] = 'R';
        b[0x3a] = 'M';
        b[0x3b] = 0x64;
    }
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
    return path;
}

TEST_F(Partcheck, LinuxGuestAgainstItsImageAndInitramfs) {
    const std::string image = blob_file("Image", 4096, true), initrd = blob_file("initrd", 1 << 20, false);
    const std::vector<std::string> embedded{"--images", "ticker,linux", "--linux", "linux=" + image,
                                            "--initramfs", "linux=" + initrd};
    // image_size 0x2010000 + 1 MiB initramfs + 2 MiB device tree fit in 0x2400000 exactly.
    Outcome o = run("linux", embedded);
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_EQ(o.text, "");
    // A 2 MiB initramfs does not.
    const std::string bigger = blob_file("initrd2", 2 << 20, false);
    o = run("linux", {"--images", "ticker,linux", "--linux", "linux=" + image, "--initramfs", "linux=" + bigger});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text, "linux.dts:13: /mortise/linux: memory-size 0x2400000 cannot hold Linux image \"linux\" "
                      "(32832 KiB with BSS), initramfs (2048 KiB) and device tree (2 MiB); make it at least "
                      "0x2600000, and more for Linux to run\n");
    // Not an Image at all.
    const std::string text = blob_file("text", 4096, false);
    o = run("linux", {"--images", "ticker,linux", "--linux", "linux=" + text, "--initramfs", "linux=" + initrd});
    EXPECT_NE(o.text.find("Linux image \"linux\" has no arm64 Image header"), std::string::npos) << o.text;
    // Without --linux only the syntax is checked.
    EXPECT_EQ(run("linux").status, 0);
    // A file that cannot be read is a usage error.
    EXPECT_EQ(run("linux", {"--linux", "linux=/nonexistent/Image"}).status, 2);
    EXPECT_EQ(run("linux", {"--linux", "/nonexistent/Image"}).status, 2);
}

}  // namespace

namespace {

/// Compiles tests/dts/@p name.dtso, a /plugin/ overlay; returns the .dtbo path.
std::string compile_overlay(const std::string& name) {
    const std::string dtbo = ::testing::TempDir() + "/partcheck-" + name + ".dtbo";
    const std::string cmd = "dtc -q -I dts -O dtb -o " + dtbo + " " + k_dir + "/" + name + ".dtso";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return dtbo;
}

// The overlay is applied to the tree Mortise would generate for the guest, with the same rules and size
// limit as at boot; every refusal names the description's line, the overlay's node and property, and the fix.
TEST_F(Partcheck, LinuxGuestDtOverlay) {
    const std::string image = blob_file("Image", 4096, true), initrd = blob_file("initrd", 1 << 20, false);
    auto with = [&](const std::string& overlay) {
        return run("linux-overlay", {"--images", "ticker,linux", "--linux", "linux=" + image, "--initramfs",
                                     "linux=" + initrd, "--dt-overlay", "linux=" + overlay});
    };
    Outcome o = with(compile_overlay("overlay-good"));
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_EQ(o.text, "");

    const std::string at = "linux-overlay.dts:13: /mortise/linux: dt-overlay \"linux\": ";
    o = with(compile_overlay("overlay-bad-phandle"));
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text, at + "/fragment@0 target: phandle references (target = <&label>, __fixups__, "
                           "__local_fixups__, __symbols__, phandle) are not supported; use target-path = \"/...\", "
                           "no labels, and compile without -@\n");
    o = with(compile_overlay("overlay-bad-target"));
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text, at + "/soc/i2c@0 target-path: target-path names no node of the guest's device tree; target "
                           "an existing node such as \"/\" or \"/chosen\"\n");
    o = with(compile_overlay("overlay-bad-memory"));
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find(at + "/memory@40000000 reg: the overlay may only add"), std::string::npos) << o.text;
    o = with(compile_overlay("overlay-bad-initrd"));
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find(at + "/chosen linux,initrd-start: the overlay may only add"), std::string::npos) << o.text;

    // Malformed, and a merged tree beyond the guest tree's 64 KiB.
    const std::string junk = blob_file("junk.dtbo", 256, false);
    o = with(junk);
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find(at + "the overlay is not a valid device-tree blob"), std::string::npos) << o.text;
    const std::string big = ::testing::TempDir() + "/partcheck-big.dtso";
    {
        std::FILE* f = std::fopen(big.c_str(), "w");
        std::fprintf(f, "/dts-v1/;\n/plugin/;\n/ { fragment@0 { target-path = \"/chosen\"; __overlay__ { big = \"");
        for (int i = 0; i < 70000; ++i)
            std::fputc('x', f);
        std::fprintf(f, "\"; }; }; };\n");
        std::fclose(f);
    }
    const std::string big_dtbo = big + ".dtbo";
    ASSERT_EQ(std::system(("dtc -q -I dts -O dtb -o " + big_dtbo + " " + big).c_str()), 0);
    o = with(big_dtbo);
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.text.find(at + "the merged device tree does not fit"), std::string::npos) << o.text;

    // Not embedded, and not for a Tenon guest.
    o = run("linux-overlay", {"--images", "ticker,linux", "--linux", "linux=" + image, "--initramfs",
                              "linux=" + initrd});
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.text, "linux-overlay.dts:13: /mortise/linux: dt-overlay \"linux\" is not embedded in the host image; "
                      "set TN_GUEST_linux_DT_OVERLAY in guests.mk\n");
}

}  // namespace
