// Host tests of the partition description: every rule with a passing and a failing case.
// Blobs come from lib/fdt's test builder, so the tests need no dtc.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <mortise/mode2_admit.hpp>
#include <mortise/partition.hpp>
#include <tn/plat/mortise_guest_map.hpp>
#include <tn/plat/mortise_qemu_virt.hpp>

#include "dtb_builder.hpp"

namespace mortise::partition {
namespace {

namespace gmap = tn::plat::mortise_guest::map;
using tn::fdt::test::Buffer;
using tn::fdt::test::DtbBuilder;
using Bytes = std::vector<u8>;
using Props = std::map<std::string, Bytes>;

Bytes str(const std::string& s) {
    Bytes v(s.begin(), s.end());
    v.push_back(0);
    return v;
}

Bytes cells(std::initializer_list<u32> list) {
    Bytes v;
    for (u32 c : list)
        for (int s = 24; s >= 0; s -= 8)
            v.push_back(static_cast<u8>(c >> s));
    return v;
}

Bytes u64s(std::initializer_list<u64> list) {
    Bytes v;
    for (u64 x : list) {
        Bytes c = cells({static_cast<u32>(x >> 32), static_cast<u32>(x)});
        v.insert(v.end(), c.begin(), c.end());
    }
    return v;
}

/// A guest that passes every rule on test_platform(): 32 MiB, CPU @p cpu. "name" is not a
/// property of the blob: blob() names the node after it (the node name is the guest's name).
Props good(const std::string& name, u32 cpu) {
    return {{"name", str(name)}, {"image", str("helloworld")}, {"cpus", cells({cpu})},
            {"memory-size", u64s({0x200'0000})}, {"autostart", {}}};
}

struct Node {
    std::string node;
    Props props;
};

Bytes blob(const std::vector<Node>& guests, bool with_mortise = true) {
    DtbBuilder b;
    b.begin("");
    if (with_mortise) {
        b.begin("mortise");
        b.prop_u32("#address-cells", 1).prop_u32("#size-cells", 0);
        for (const Node& g : guests) {
            auto name = g.props.find("name");
            b.begin(name == g.props.end() ? g.node : std::string(name->second.begin(), name->second.end() - 1));
            for (const auto& [k, v] : g.props)
                if (k != "name")
                    b.prop(k, v);
            b.end();
        }
        b.end();
    }
    b.end();
    return b.build();
}

/// QEMU virt (plat/mortise-qemu-virt) with 1 GiB of RAM, 4 CPUs, Mortise reserving the first 32 MiB of RAM.
/// With @p dma, its virtio-mmio transports are DMA-capable, as they are; without, the tests that use
/// 0x0a000000 as any device's page need no DMA flags (the PartitionDma tests have them).
Platform test_platform(bool dma = false) {
    Platform p = tn::plat::mortise_qemu_virt::partition_platform(0x4000'0000, 4);
    p.reserved[0] = {p.ram[0].base, 0x200'0000};
    p.reserved_count = 1;
    if (!dma)
        p.dma_mmio_count = 0;
    return p;
}

struct Parsed {
    bool ok;
    Description d;
    Diagnostics diag;
    /// All reasons joined, for assertion messages and substring checks.
    std::string text() const {
        std::string s;
        for (unsigned i = 0; i < diag.count; ++i)
            s += std::string(diag.items[i].node) + ": " + diag.items[i].reason + "\n";
        return s;
    }
    bool says(const std::string& part) const { return text().find(part) != std::string::npos; }
};

Parsed run(const Bytes& b, const Platform& plat = test_platform()) {
    Buffer buf(b);
    Parsed p{};
    p.ok = parse(buf.data(), buf.size(), plat, p.d, p.diag);
    return p;
}

Parsed run(const std::vector<Node>& guests, const Platform& plat = test_platform()) {
    return run(blob(guests), plat);
}

/// One guest node with @p props; expects it to be rejected with a reason containing @p why.
void expect_bad(const Props& props, const std::string& why, const Platform& plat = test_platform()) {
    Parsed p = run({{"guest@0", props}}, plat);
    ASSERT_TRUE(p.ok);
    ASSERT_EQ(p.d.count, 1u);
    EXPECT_FALSE(p.d.guests[0].valid) << why;
    EXPECT_TRUE(p.says(why)) << "wanted: " << why << "\ngot:\n" << p.text();
    for (unsigned i = 0; i < p.diag.count; ++i)
        EXPECT_EQ(std::string(p.diag.items[i].node), "/mortise/" + (props.count("name") ? std::string(
            reinterpret_cast<const char*>(props.at("name").data())) : std::string("guest@0")));
}

void expect_good(const Props& props, const Platform& plat = test_platform()) {
    Parsed p = run({{"guest@0", props}}, plat);
    ASSERT_TRUE(p.ok);
    ASSERT_EQ(p.d.count, 1u);
    EXPECT_TRUE(p.d.guests[0].valid) << p.text();
    EXPECT_EQ(p.diag.count, 0u) << p.text();
}

TEST(Partition, TwoGoodGuestsDecodeEveryProperty) {
    Props a = good("alpha", 1);
    a["cpus"] = cells({2, 1});
    a["memory-base"] = u64s({0x4800'0000});
    a["mmio"] = u64s({0x0a00'0000, 0x1000, 0x0a00'2000, 0x2000});
    a["irqs"] = cells({48, 49});
    a["bootargs"] = str("console=ttyAMA0 quiet");
    a["privileged"] = {};
    Props b = good("beta_2-x", 3);
    b.erase("autostart");
    b["memory-size"] = cells({0x40'0000});  // One cell is accepted too.
    Parsed p = run({{"guest@0", a}, {"guest@1", b}});
    ASSERT_TRUE(p.ok);
    ASSERT_EQ(p.d.count, 2u);
    EXPECT_EQ(p.diag.count, 0u) << p.text();
    const Guest& g = p.d.guests[0];
    EXPECT_TRUE(g.valid);
    EXPECT_STREQ(g.name, "alpha");
    EXPECT_STREQ(g.image, "helloworld");
    EXPECT_EQ(g.cpu_mask, 0b110u);
    EXPECT_EQ(vcpu_count(g), 2u);
    EXPECT_EQ(g.mem_size, 0x200'0000u);
    EXPECT_EQ(g.mem_phys.value(), 0x4800'0000u);
    ASSERT_EQ(g.mmio_count, 2u);
    EXPECT_EQ(g.mmio[1].base.value(), 0x0a00'2000u);
    EXPECT_EQ(g.mmio[1].size, 0x2000u);
    ASSERT_EQ(g.irq_count, 2u);
    EXPECT_EQ(g.irqs[0], 48u);
    EXPECT_EQ(g.irqs[1], 49u);
    EXPECT_STREQ(g.bootargs, "console=ttyAMA0 quiet");
    EXPECT_TRUE(g.autostart);
    EXPECT_TRUE(g.privileged);
    const Guest& h = p.d.guests[1];
    EXPECT_TRUE(h.valid);
    EXPECT_STREQ(h.name, "beta_2-x");
    EXPECT_EQ(h.cpu_mask, 0b1000u);
    EXPECT_EQ(h.mem_size, 0x40'0000u);
    EXPECT_EQ(h.mem_phys, tn::PhysAddr{});
    EXPECT_FALSE(h.autostart);
    EXPECT_FALSE(h.privileged);
    EXPECT_EQ(h.bootargs[0], '\0');
}

TEST(Partition, BrokenBlobAndMissingNodeFail) {
    Bytes b = blob({{"guest@0", good("a", 1)}});
    b[0] ^= 0xff;
    Parsed p = run(b);
    EXPECT_FALSE(p.ok);
    EXPECT_TRUE(p.says("not a valid device tree")) << p.text();
    p = run(blob({}, false));
    EXPECT_FALSE(p.ok);
    EXPECT_TRUE(p.says("no /mortise node")) << p.text();
    // Truncated: the size given is smaller than the blob.
    Bytes ok = blob({{"guest@0", good("a", 1)}});
    Buffer buf(ok.data(), ok.size() - 8);
    Description d;
    Diagnostics diag;
    EXPECT_FALSE(parse(buf.data(), buf.size(), test_platform(), d, diag));
}

TEST(Partition, NoGuestAndTooManyGuests) {
    Parsed p = run(std::vector<Node>{});
    EXPECT_TRUE(p.ok);
    EXPECT_EQ(p.d.count, 0u);
    EXPECT_TRUE(p.says("declares no guest")) << p.text();

    Platform plat = test_platform();
    plat.cpu_count = 16;
    std::vector<Node> many;
    for (u32 i = 0; i < 9; ++i) {
        Props g = good("g" + std::to_string(i), i);
        g["memory-size"] = u64s({0x20'0000});
        many.push_back({"guest@" + std::to_string(i), g});
    }
    p = run(many, plat);
    EXPECT_TRUE(p.ok);
    EXPECT_EQ(p.d.count, k_max_guests);
    EXPECT_EQ(p.diag.count, 1u);
    EXPECT_STREQ(p.diag.items[0].node, "/mortise/g8");
    EXPECT_TRUE(p.says("more than 8 guests")) << p.text();
    for (unsigned i = 0; i < p.d.count; ++i)
        EXPECT_TRUE(p.d.guests[i].valid);
}

TEST(Partition, Names) {
    expect_bad(good("Alpha", 1), "guest name \"Alpha\" is not valid");
    expect_bad(good("a b", 1), "is not valid");
    expect_bad(good("a@0", 1), "(no unit address)");
    expect_bad(good(std::string(32, 'a'), 1), "guest name is 32 characters long; the limit is 31");
    expect_good(good(std::string(31, 'a'), 1));
    expect_good(good("x_1-y", 1));

    // A `name` property (dtc refuses one that differs from the node name) is pointed out.
    DtbBuilder b;
    b.begin("").begin("mortise").begin("a");
    for (const auto& [k, v] : good("a", 1))
        b.prop(k, v);
    b.end().end().end();
    Parsed p = run(b.build());
    EXPECT_FALSE(p.d.guests[0].valid);
    EXPECT_TRUE(p.says("'name' is not used: the node name is the guest's name")) << p.text();

    // Duplicate node names: dtc refuses them, other blob writers may not.
    p = run({{"", good("same", 1)}, {"", good("same", 2)}});
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("name \"same\" is already used by /mortise/same")) << p.text();
    EXPECT_EQ(p.diag.count, 1u);
}

TEST(Partition, Images) {
    Props g = good("a", 1);
    g.erase("image");
    expect_bad(g, "missing 'image'");
    g["image"] = str("bad/name");
    expect_bad(g, "image \"bad/name\" is not a valid app name");
    g["image"] = cells({1});
    expect_bad(g, "'image' must be one string");
    g["image"] = Bytes{'a', 0, 'b', 0};
    expect_bad(g, "'image' must be one string");
    g["image"] = str(std::string(32, 'x'));
    expect_bad(g, "'image' is 32 characters long; the limit is 31");

    const char* const list[] = {"ticker", "helloworld"};
    Platform plat = test_platform();
    plat.images = list;
    plat.image_count = 2;
    expect_good(good("a", 1), plat);
    g = good("a", 1);
    g["image"] = str("missing");
    expect_bad(g, "image \"missing\" is not embedded in the host image (embedded: ticker, helloworld)", plat);
    plat.image_count = 0;
    expect_bad(good("a", 1), "(embedded: none)", plat);
    plat.images = nullptr;  // No list: the check is left to a later stage.
    expect_good(g, plat);
}

TEST(Partition, Cpus) {
    Props g = good("a", 1);
    g.erase("cpus");
    expect_bad(g, "missing 'cpus'");
    g["cpus"] = {};
    expect_bad(g, "one or more CPU indices");
    g["cpus"] = Bytes{0, 0, 1};
    expect_bad(g, "one or more CPU indices");
    g["cpus"] = cells({4});
    expect_bad(g, "CPU 4 does not exist; the platform has CPUs 0-3");
    g["cpus"] = cells({0xffffffff});
    expect_bad(g, "does not exist");
    g["cpus"] = cells({2, 3, 2});
    expect_bad(g, "lists CPU 2 twice");
    g["cpus"] = cells({0, 1, 2, 3});
    expect_good(g);

    Props b = good("b", 3);
    b["cpus"] = cells({2, 3});
    Parsed p = run({{"guest@0", good("a", 3)}, {"guest@1", b}});
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("CPU 3 is already given to guest \"a\"")) << p.text();
}

// Mode 2: CPUs shared by mode-2 guests only, priorities 1-31, and only in an image that has it.
TEST(Partition, Mode2) {
    Platform plat = test_platform();
    plat.mode2 = true;
    Props g = good("a", 1);
    expect_good(g, plat);
    g["priority"] = cells({5});
    expect_bad(g, "'priority' applies to mode-2 guests only", plat);
    g["mode"] = cells({2});
    expect_good(g, plat);
    expect_bad(g, "mode = <2> needs a Mortise image with CONFIG_MORTISE_MODE2=y");
    g["mode"] = cells({3});
    expect_bad(g, "'mode' must be <1> (dedicated CPUs) or <2>", plat);
    g["mode"] = cells({2});
    g["priority"] = cells({0});
    expect_bad(g, "'priority' must be one cell from 1 (lowest) to 31 (highest)", plat);
    g["priority"] = cells({32});
    expect_bad(g, "'priority' must be one cell from 1", plat);
    g["priority"] = cells({31});
    expect_good(g, plat);

    // Two mode-2 guests share CPU 1; a mode-1 guest may not join them, nor they it.
    Props b = good("b", 1);
    b["mode"] = cells({2});
    b["priority"] = cells({3});
    Parsed p = run({{"guest@0", g}, {"guest@1", b}}, plat);
    EXPECT_TRUE(p.d.guests[0].valid && p.d.guests[1].valid) << p.text();
    EXPECT_EQ(p.d.guests[0].mode, 2u);
    EXPECT_EQ(p.d.guests[0].priority, 31u);
    EXPECT_EQ(p.d.guests[1].priority, 3u);
    p = run({{"guest@0", g}, {"guest@1", b}, {"guest@2", good("c", 1)}}, plat);
    EXPECT_FALSE(p.d.guests[2].valid);
    EXPECT_TRUE(p.says("CPU 1 is given to mode-2 guest \"a\"; mode-2 guests share CPUs only with other mode-2 "
                       "guests")) << p.text();
    p = run({{"guest@0", good("c", 1)}, {"guest@1", b}}, plat);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("CPU 1 is given to mode-1 guest \"c\"")) << p.text();
    b.erase("priority");
    p = run({{"guest@0", b}}, plat);
    EXPECT_EQ(p.d.guests[0].priority, 1u);
}

// Mode-2 reservations: budget-us and period-us, both or neither, on mode-2 guests, in lib/sched's range.
TEST(Partition, Mode2ReservationProperties) {
    Platform plat = test_platform();
    plat.mode2 = true;
    Props g = good("a", 1);
    g["budget-us"] = cells({3000});
    g["period-us"] = cells({10000});
    expect_bad(g, "'budget-us' and 'period-us' apply to mode-2 guests only; add mode = <2>;", plat);
    g["mode"] = cells({2});
    Parsed p = run({{"guest@0", g}}, plat);
    ASSERT_TRUE(p.d.guests[0].valid) << p.text();
    EXPECT_EQ(p.d.guests[0].budget_us, 3000u);
    EXPECT_EQ(p.d.guests[0].period_us, 10000u);
    Props h = g;
    h.erase("period-us");
    expect_bad(h, "'budget-us' needs 'period-us' too", plat);
    h = g;
    h.erase("budget-us");
    expect_bad(h, "'period-us' needs 'budget-us' too", plat);
    g["budget-us"] = cells({9});
    expect_bad(g, "budget-us 9 is out of range: a budget is 10 us", plat);
    g["budget-us"] = cells({10});
    expect_good(g, plat);
    g["budget-us"] = cells({10001});
    expect_bad(g, "budget-us 10001 is out of range: a budget is 10 us (below it", plat);
    g["budget-us"] = cells({10000});
    expect_good(g, plat);  // All of the CPU: a budget may equal its period.
    g["period-us"] = cells({100'000'001});
    expect_bad(g, "period-us 100000001 is out of range: a period is 10 us to 100000000 us (100 s)", plat);
    g["period-us"] = cells({100'000'000});
    expect_good(g, plat);
    g["period-us"] = cells({0, 10000});
    expect_bad(g, "'budget-us' and 'period-us' must be one cell each", plat);
    // No reservation: both 0.
    p = run({{"guest@0", good("b", 1)}}, plat);
    EXPECT_EQ(p.d.guests[0].budget_us, 0u);
    EXPECT_EQ(p.d.guests[0].period_us, 0u);
}

Props mode2(const std::string& name, u32 cpu, u32 priority, u32 budget_us = 0, u32 period_us = 0) {
    Props g = good(name, cpu);
    g["mode"] = cells({2});
    g["priority"] = cells({priority});
    if (budget_us != 0) {
        g["budget-us"] = cells({budget_us});
        g["period-us"] = cells({period_us});
    }
    return g;
}

// The reservations of each shared CPU must pass tn/sched_analysis.hpp's response-time analysis; the
// guests whose response exceeds their period are refused, and the others still start.
TEST(Partition, Mode2ReservationsSchedulablePerCpu) {
    Platform plat = test_platform();
    plat.mode2 = true;
    // 30% at priority 20 over 20% at priority 10: responses 3 ms and 2 + 3 + 3 = 8 ms (the higher
    // one's budget twice: the end of one period and the start of the next), within 10 ms.
    Parsed p = run({{"guest@0", mode2("hog", 1, 20, 3000, 10000)}, {"guest@1", mode2("low", 1, 10, 2000, 10000)}},
                   plat);
    EXPECT_TRUE(p.d.guests[0].valid && p.d.guests[1].valid) << p.text();
    EXPECT_EQ(p.diag.count, 0u) << p.text();
    // 30% over 50%, 80% in all, is not: 5 + 3 + 3 = 11 ms.
    p = run({{"guest@0", mode2("hog", 1, 20, 3000, 10000)}, {"guest@1", mode2("low", 1, 10, 5000, 10000)}}, plat);
    EXPECT_TRUE(p.says("/mortise/low: CPU 1: reservations not schedulable: this guest's response time can reach "
                       "11000 us")) << p.text();
    // 60% over 30%: 90% reserved, yet hog's budget can run back to back across its period's end
    // (a deferrable server): the lower one's response reaches 3 + 6 + 6 = 15 ms.
    p = run({{"guest@0", mode2("hog", 1, 20, 6000, 10000)}, {"guest@1", mode2("mid", 1, 10, 3000, 10000)}}, plat);
    EXPECT_TRUE(p.d.guests[0].valid) << p.text();
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("/mortise/mid: CPU 1: reservations not schedulable: this guest's response time can reach "
                       "15000 us, beyond its period 10000 us (priority 10, 3000 us per period = 30.0%; CPU 1's "
                       "reservations 90.0%)")) << p.text();
    EXPECT_EQ(p.diag.count, 1u) << p.text();
    // The same pair on different CPUs is fine; a guest on both CPUs is analysed on each.
    p = run({{"guest@0", mode2("hog", 1, 20, 6000, 10000)}, {"guest@1", mode2("mid", 2, 10, 3000, 10000)}}, plat);
    EXPECT_EQ(p.diag.count, 0u) << p.text();
    Props both = mode2("both", 1, 5, 3000, 10000);
    both["cpus"] = cells({1, 2});
    p = run({{"guest@0", mode2("hog", 2, 20, 6000, 10000)}, {"guest@1", both}}, plat);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("/mortise/both: CPU 2: reservations not schedulable")) << p.text();
    EXPECT_FALSE(p.says("CPU 1:")) << p.text();
    // Equal priorities interfere both ways: two 60% ones both miss.
    p = run({{"guest@0", mode2("a", 1, 7, 6000, 10000)}, {"guest@1", mode2("b", 1, 7, 6000, 10000)}}, plat);
    EXPECT_FALSE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    // A guest refused for another reason holds no share of the CPU.
    Props broken = mode2("broken", 1, 20, 6000, 10000);
    broken["memory-size"] = u64s({0x123});
    p = run({{"guest@0", broken}, {"guest@1", mode2("mid", 1, 10, 3000, 10000)}}, plat);
    EXPECT_TRUE(p.d.guests[1].valid) << p.text();
    EXPECT_FALSE(p.says("not schedulable")) << p.text();
}

// An unreserved mode-2 guest at or above a reserved one's priority on its CPU is refused: nothing
// bounds it. Below every reserved one, or on another CPU, it is fine.
TEST(Partition, Mode2UnreservedAboveReservedRefused) {
    Platform plat = test_platform();
    plat.mode2 = true;
    Parsed p = run({{"guest@0", mode2("res", 1, 10, 2000, 10000)}, {"guest@1", mode2("greedy", 1, 12)}}, plat);
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("/mortise/greedy: CPU 1: this guest has no reservation and priority 12, at or above reserved "
                       "guest \"res\"'s 10, so nothing bounds how long it keeps the CPU from it; give it 'budget-us' "
                       "and 'period-us' or a priority below 10")) << p.text();
    p = run({{"guest@0", mode2("res", 1, 10, 2000, 10000)}, {"guest@1", mode2("equal", 1, 10)}}, plat);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("priority 10, at or above reserved guest \"res\"'s 10")) << p.text();
    p = run({{"guest@0", mode2("res", 1, 10, 2000, 10000)}, {"guest@1", mode2("below", 1, 9)},
             {"guest@2", mode2("elsewhere", 2, 31)}}, plat);
    EXPECT_EQ(p.diag.count, 0u) << p.text();
    // Unreserved guests alone share a CPU by priority, as before.
    p = run({{"guest@0", mode2("x", 1, 20)}, {"guest@1", mode2("y", 1, 5)}}, plat);
    EXPECT_EQ(p.diag.count, 0u) << p.text();
}

// Scheduling hints: max-priority on a mode-2 guest, above its priority, up to 31, never with a
// reservation; against reserved guests on its CPU it counts at its max-priority.
TEST(Partition, Mode2MaxPriority) {
    Platform plat = test_platform();
    plat.mode2 = true;
    Props g = mode2("rt", 1, 5);
    g["max-priority"] = cells({20});
    Parsed p = run({{"guest@0", g}}, plat);
    ASSERT_TRUE(p.d.guests[0].valid) << p.text();
    EXPECT_EQ(p.d.guests[0].max_priority, 20u);
    EXPECT_EQ(p.d.guests[0].priority, 5u);
    g["max-priority"] = cells({31});
    expect_good(g, plat);
    g["max-priority"] = cells({32});
    expect_bad(g, "'max-priority' must be one cell above 'priority' (5) and at most 31, e.g. max-priority = <6>;",
               plat);
    g["max-priority"] = cells({5});
    expect_bad(g, "'max-priority' must be one cell above 'priority' (5)", plat);
    g["max-priority"] = cells({6, 7});
    expect_bad(g, "'max-priority' must be one cell", plat);
    Props one = good("one", 1);
    one["max-priority"] = cells({20});
    expect_bad(one, "'max-priority' applies to mode-2 guests only; add mode = <2>; or drop 'max-priority'", plat);
    Props r = mode2("r", 1, 5, 2000, 10000);
    r["max-priority"] = cells({8});
    expect_bad(r, "'max-priority' and a reservation ('budget-us', 'period-us') cannot be combined", plat);
    // Without it: 0, no hints.
    p = run({{"guest@0", mode2("plain", 1, 5)}}, plat);
    EXPECT_EQ(p.d.guests[0].max_priority, 0u);
    // Below a reserved guest by priority but not by max-priority: refused, naming max-priority.
    Props sneaky = mode2("sneaky", 1, 2);
    sneaky["max-priority"] = cells({12});
    p = run({{"guest@0", mode2("res", 1, 10, 2000, 10000)}, {"guest@1", sneaky}}, plat);
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("/mortise/sneaky: CPU 1: this guest has no reservation and max-priority 12, at or above "
                       "reserved guest \"res\"'s 10, so nothing bounds how long it keeps the CPU from it; give it "
                       "'budget-us' and 'period-us' or a max-priority below 10")) << p.text();
    sneaky["max-priority"] = cells({9});
    p = run({{"guest@0", mode2("res", 1, 10, 2000, 10000)}, {"guest@1", sneaky}}, plat);
    EXPECT_EQ(p.diag.count, 0u) << p.text();
}

// The run-time admission of an on-demand instance's vCPU to a shared CPU (mortise/mode2_admit.hpp):
// the description's rules over the vCPUs the CPU has now plus the new one.
TEST(Partition, Mode2AdmitOnLiveCpu) {
    using A = Admit;
    const Mode2Vcpu hog{20, 3000, 10000}, spinner{5, 0, 0};
    // Alone, or beside unreserved ones only: always.
    EXPECT_EQ(admit_mode2(nullptr, 0, {31, 0, 0}).verdict, A::Ok);
    EXPECT_EQ(admit_mode2(nullptr, 0, {10, 10000, 10000}).verdict, A::Ok);
    EXPECT_EQ(admit_mode2(&spinner, 1, {31, 0, 0}).verdict, A::Ok);
    // Unreserved below the reserved one: fine; at or above it: refused, naming it.
    EXPECT_EQ(admit_mode2(&hog, 1, {19, 0, 0}).verdict, A::Ok);
    Admission a = admit_mode2(&hog, 1, {20, 0, 0});
    EXPECT_EQ(a.verdict, A::UnreservedAbove);
    EXPECT_EQ(a.other, 0u);
    EXPECT_EQ(admit_mode2(&hog, 1, {25, 0, 0}).verdict, A::UnreservedAbove);
    // Reserved at or below an unreserved one: refused (that one would sit above it).
    const Mode2Vcpu both[] = {hog, spinner};
    a = admit_mode2(both, 2, {5, 1000, 10000});
    EXPECT_EQ(a.verdict, A::BelowUnreserved);
    EXPECT_EQ(a.other, 1u);
    EXPECT_EQ(admit_mode2(both, 2, {6, 1000, 10000}).verdict, A::Ok);
    // The analysis: 30% at 20 over 20% at 10 is schedulable (2 + 3 + 3 = 8 ms); 50% is not: the new
    // one's response reaches 5 + 3 + 3 = 11 ms, beyond its 10 ms.
    a = admit_mode2(&hog, 1, {10, 2000, 10000});
    EXPECT_EQ(a.verdict, A::Ok);
    EXPECT_EQ(a.utilisation_ppm, 500'000u);
    a = admit_mode2(&hog, 1, {10, 5000, 10000});
    EXPECT_EQ(a.verdict, A::Unschedulable);
    EXPECT_EQ(a.other, 1u);  // the new one
    EXPECT_EQ(a.response_us, 11000u);
    EXPECT_EQ(a.utilisation_ppm, 800'000u);
    // A new one above makes the one on the CPU miss: 60% at 25 over hog's 30%: hog's response is
    // 3 + 6 + 6 = 15 ms; hog is named.
    a = admit_mode2(&hog, 1, {25, 6000, 10000});
    EXPECT_EQ(a.verdict, A::Unschedulable);
    EXPECT_EQ(a.other, 0u);
    EXPECT_EQ(a.response_us, 15000u);
    // The same rule as the description's: the pair is refused there too.
    Platform plat = test_platform();
    plat.mode2 = true;
    Parsed p = run({{"guest@0", mode2("hog", 1, 20, 3000, 10000)}, {"guest@1", mode2("low", 1, 10, 5000, 10000)}},
                   plat);
    EXPECT_TRUE(p.says("/mortise/low: CPU 1: reservations not schedulable: this guest's response time can reach "
                       "11000 us")) << p.text();
}

TEST(Partition, MemorySize) {
    Props g = good("a", 1);
    g.erase("memory-size");
    expect_bad(g, "missing 'memory-size'");
    g["memory-size"] = u64s({0});
    expect_bad(g, "not a non-zero multiple of 2 MiB");
    g["memory-size"] = u64s({0x210'0000});
    expect_bad(g, "not a non-zero multiple of 2 MiB");
    g["memory-size"] = cells({0, 0, 0x200000});
    expect_bad(g, "one or two cells");
    g["memory-size"] = u64s({0x8000'0000});
    expect_bad(g, "exceeds the largest RAM bank");
    g["memory-size"] = u64s({0x3e00'0000});  // All of RAM but the 32 MiB Mortise reserves.
    expect_good(g);
    g["memory-size"] = u64s({0x4000'0000});
    expect_bad(g, "memory-size 0x40000000 does not fit: earlier guests leave 0x3e000000 bytes of free RAM");
}

TEST(Partition, GuestsTogetherMustFitInFreeRam) {
    Props a = good("a", 1), b = good("b", 2), c = good("c", 3);
    a["memory-size"] = u64s({0x2000'0000});
    b["memory-size"] = u64s({0x1e00'0000});  // a + b = 992 MiB: exactly the free RAM.
    Parsed p = run({{"guest@0", a}, {"guest@1", b}, {"guest@2", c}});
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_TRUE(p.d.guests[1].valid);
    EXPECT_FALSE(p.d.guests[2].valid);
    EXPECT_TRUE(p.says("earlier guests leave 0x0 bytes")) << p.text();
    EXPECT_STREQ(p.diag.items[0].node, "/mortise/c");
}

TEST(Partition, MemoryBase) {
    Props g = good("a", 1);
    g["memory-base"] = u64s({0x4810'0000});
    expect_bad(g, "memory-base 0x48100000 is not a non-zero multiple of 2 MiB");
    g["memory-base"] = u64s({0});
    expect_bad(g, "not a non-zero multiple");
    g["memory-base"] = u64s({0x2000'0000});
    expect_bad(g, "is not inside one RAM bank");
    g["memory-base"] = u64s({0x7f00'0000});  // Starts in RAM, ends 16 MiB past it.
    expect_bad(g, "[0x7f000000, 0x81000000) is not inside one RAM bank");
    g["memory-base"] = u64s({0xffff'ffff'ffe0'0000});  // Wraps.
    expect_bad(g, "is not inside one RAM bank");
    g["memory-base"] = u64s({0x4000'0000});
    expect_bad(g, "that Mortise reserves for itself");
    g["memory-base"] = u64s({0x7e00'0000});  // The last 32 MiB of RAM.
    expect_good(g);

    // A second bank works too.
    Platform plat = test_platform();
    plat.ram[1] = {tn::PhysAddr{0x1'0000'0000}, 0x1000'0000};
    plat.ram_count = 2;
    g["memory-base"] = u64s({0x1'0000'0000});
    expect_good(g, plat);

    Props a = good("a", 1), b = good("b", 2);
    a["memory-base"] = u64s({0x4400'0000});
    b["memory-base"] = u64s({0x4420'0000});
    Parsed p = run({{"guest@0", a}, {"guest@1", b}});
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("overlaps guest \"a\"'s memory")) << p.text();
    b["memory-base"] = u64s({0x4600'0000});  // Adjacent, not overlapping.
    p = run({{"guest@0", a}, {"guest@1", b}});
    EXPECT_TRUE(p.d.guests[1].valid) << p.text();
}

TEST(Partition, Mmio) {
    Props g = good("a", 1);
    g["mmio"] = cells({0x0a00'0000, 0x1000});
    expect_bad(g, "<base size> pairs");
    g["mmio"] = {};
    expect_bad(g, "<base size> pairs");
    g["mmio"] = u64s({0x0a00'0800, 0x1000});
    expect_bad(g, "4 KiB-aligned base");
    g["mmio"] = u64s({0x0a00'0000, 0x800});
    expect_bad(g, "4 KiB-aligned base");
    g["mmio"] = u64s({0x0a00'0000, 0});
    expect_bad(g, "4 KiB-aligned base");
    g["mmio"] = u64s({0xffff'ffff'ffff'f000, 0x2000});
    expect_bad(g, "4 KiB-aligned base");
    g["mmio"] = u64s({0x3fff'f000, 0x2000});
    expect_bad(g, "overlaps host RAM");
    const Platform qemu = test_platform();
    for (unsigned i = 0; i < qemu.owned_mmio_count; ++i) {
        g["mmio"] = u64s({qemu.owned_mmio[i].base.value(), 0x1000});
        expect_bad(g, "a device Mortise keeps");
    }
    g["mmio"] = u64s({0x0808'0000, 0x1000});
    expect_bad(g, "a device Mortise keeps");
    // A platform read from the board's tree (guestdt::host_platform) names the device.
    Platform named = test_platform();
    named.owned_mmio_names[3] = "console UART";
    g["mmio"] = u64s({0x0900'0000, 0x1000});
    expect_bad(g, "mmio region [0x9000000, 0x9001000) overlaps the console UART [0x9000000, 0x9001000), a device "
                  "Mortise keeps; pick another device", named);
    g["mmio"] = u64s({0x0a00'0000, 0x2000, 0x0a00'1000, 0x1000});
    expect_bad(g, "overlaps another of its mmio regions");
    std::initializer_list<u64> nine = {0xa000000, 0x1000, 0xa001000, 0x1000, 0xa002000, 0x1000, 0xa003000,
                                       0x1000,    0xa004000, 0x1000, 0xa005000, 0x1000, 0xa006000, 0x1000,
                                       0xa007000, 0x1000, 0xa008000, 0x1000};
    g["mmio"] = u64s(nine);
    expect_bad(g, "'mmio' has 9 regions; at most 8");

    // Windows of the guest's own address map, on a platform without owned devices.
    Platform plat = test_platform();
    plat.owned_mmio_count = 0;
    plat.ram[0] = {tn::PhysAddr{0x8000'0000}, 0x4000'0000};
    plat.reserved_count = 0;
    g["mmio"] = u64s({gmap::k_gicd.value(), 0x1000});
    expect_bad(g, "emulated GIC, UART or RAM window", plat);
    g["mmio"] = u64s({gmap::k_uart.value(), 0x1000});
    expect_bad(g, "emulated GIC, UART or RAM window", plat);
    g["mmio"] = u64s({(gmap::k_gicr + gmap::k_gicr_stride).value(), 0x1000});  // Second vCPU's: free with one vCPU.
    expect_good(g, plat);
    g["cpus"] = cells({1, 2});
    expect_bad(g, "emulated GIC, UART or RAM window", plat);
    g["mmio"] = u64s({(gmap::k_ram + 0x1ff'f000).value(), 0x1000});  // Last page of 32 MiB guest RAM (IPA).
    expect_bad(g, "emulated GIC, UART or RAM window", plat);
    g["mmio"] = u64s({(gmap::k_ram + 0x200'0000).value(), 0x1000});  // Just after it.
    expect_good(g, plat);

    Props a = good("a", 1), b = good("b", 2);
    a["mmio"] = u64s({0x0a00'0000, 0x4000});
    b["mmio"] = u64s({0x0a00'3000, 0x1000});
    Parsed p = run({{"guest@0", a}, {"guest@1", b}});
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("already passed through to guest \"a\"")) << p.text();
    b["mmio"] = u64s({0x0a00'4000, 0x1000});
    p = run({{"guest@0", a}, {"guest@1", b}});
    EXPECT_TRUE(p.d.guests[1].valid) << p.text();
}

TEST(Partition, InvalidGuestHoldsNoResources) {
    // guest@0's device lies in RAM, so guest@0 is invalid and its region is not held against
    // guest@1's memory at the same place.
    Props a = good("a", 1), b = good("b", 2);
    a["mmio"] = u64s({0x4400'0000, 0x1000});
    b["memory-base"] = u64s({0x4400'0000});
    Parsed p = run({{"guest@0", a}, {"guest@1", b}});
    EXPECT_FALSE(p.d.guests[0].valid);
    EXPECT_TRUE(p.says("overlaps host RAM")) << p.text();
    EXPECT_TRUE(p.d.guests[1].valid) << p.text();
}

TEST(Partition, Interrupts) {
    Props g = good("a", 1);
    g["irqs"] = {};
    expect_bad(g, "must list GIC INTIDs");
    g["irqs"] = cells({31});
    expect_bad(g, "interrupt 31 is not an SPI");
    g["irqs"] = cells({1020});
    expect_bad(g, "interrupt 1020 is not an SPI");
    g["irqs"] = cells({32, 1019});
    expect_good(g);
    g["irqs"] = cells({33});
    expect_bad(g, "used by Mortise or by the guest's emulated UART");
    Platform plat = test_platform();
    plat.owned_irqs[1] = 60;
    plat.owned_irq_count = 2;
    g["irqs"] = cells({60});
    expect_bad(g, "used by Mortise", plat);
    g["irqs"] = cells({40, 41, 40});
    expect_bad(g, "lists 40 twice");
    Bytes many;
    for (u32 i = 0; i < 33; ++i) {
        Bytes c = cells({40 + i});
        many.insert(many.end(), c.begin(), c.end());
    }
    g["irqs"] = many;
    expect_bad(g, "lists 33 INTIDs; at most 32");

    Props a = good("a", 1), b = good("b", 2);
    a["irqs"] = cells({40, 41});
    b["irqs"] = cells({42, 41});
    Parsed p = run({{"guest@0", a}, {"guest@1", b}});
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("interrupt 41 is already forwarded to guest \"a\"")) << p.text();
}

TEST(Partition, BootargsAndFlags) {
    Props g = good("a", 1);
    g["bootargs"] = str(std::string(255, 'x'));
    expect_good(g);
    g["bootargs"] = str(std::string(256, 'x'));
    expect_bad(g, "limit is 255");
    g["bootargs"] = cells({1});
    expect_bad(g, "'bootargs' must be one string");
    g.erase("bootargs");
    g["autostart"] = cells({0});
    g["privileged"] = cells({1});
    Parsed p = run({{"guest@0", g}});
    EXPECT_FALSE(p.d.guests[0].autostart);
    EXPECT_TRUE(p.d.guests[0].privileged);
    g["autostart"] = cells({2});
    expect_bad(g, "'autostart' is a flag");
    g["autostart"] = str("yes");
    expect_bad(g, "'autostart' is a flag");
}

TEST(Partition, UnknownPropertiesAndSubnodes) {
    Props g = good("a", 1);
    g["memory_size"] = u64s({0x200'0000});
    expect_bad(g, "unknown property 'memory_size'");
    g = good("a", 1);
    g["reg"] = cells({0});
    g["phandle"] = cells({7});
    expect_good(g);

    DtbBuilder b;
    b.begin("").begin("mortise").begin("a");
    for (const auto& [k, v] : good("a", 1))
        if (k != "name")
            b.prop(k, v);
    b.begin("child").end().end().end().end();
    Parsed p = run(b.build());
    EXPECT_FALSE(p.d.guests[0].valid);
    EXPECT_TRUE(p.says("unexpected subnode 'child'")) << p.text();
}

TEST(Partition, BadGuestLeavesOthersValid) {
    Props bad = good("b", 2);
    bad["memory-size"] = u64s({0x123});
    Parsed p = run({{"guest@0", good("a", 1)}, {"guest@1", bad}, {"guest@2", good("c", 2)}});
    ASSERT_EQ(p.d.count, 3u);
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    // guest@2 uses CPU 2 like the invalid guest@1: allowed, guest@1 never starts.
    EXPECT_TRUE(p.d.guests[2].valid) << p.text();
    EXPECT_EQ(p.diag.count, 1u) << p.text();
    EXPECT_STREQ(p.diag.items[0].node, "/mortise/b");
}

TEST(Partition, DiagnosticsOverflowIsCounted) {
    Props g = good("a", 1);
    for (int i = 0; i < 40; ++i)
        g["typo" + std::to_string(i)] = {};
    Parsed p = run({{"guest@0", g}});
    EXPECT_EQ(p.diag.count, 32u);
    EXPECT_EQ(p.diag.dropped, 8u);
    EXPECT_FALSE(p.d.guests[0].valid);
}

TEST(Partition, LongNodeNamesAreTruncatedNotOverrun) {
    std::string name = "guest-" + std::string(100, 'x');
    Props g = good("a", 1);
    g.erase("name");
    Parsed p = run({{name, g}});
    ASSERT_EQ(p.diag.count, 1u);
    EXPECT_TRUE(p.says("guest name is 106 characters long")) << p.text();
    EXPECT_EQ(std::string(p.diag.items[0].node).size(), sizeof(Diagnostic::node) - 1);
    EXPECT_EQ(std::string(p.diag.items[0].node).rfind("/mortise/guest-xx", 0), 0u);
}


// ---- Linux guests ----

/// An arm64 Image header like Debian 6.1's: text_offset 0, image_size 0x2010000, flags 0xa.
Bytes image_header(u64 image_size = 0x201'0000, bool magic = true) {
    Bytes b(64, 0);
    for (unsigned i = 0; i < 8; ++i) {
        b[0x10 + i] = static_cast<u8>(image_size >> (8 * i));
        b[0x18 + i] = static_cast<u8>(u64{0xa} >> (8 * i));
    }
    b[0x38] = 'A';
    b[0x39] = 'R';
    b[0x3a] = 'M';
    b[0x3b] = magic ? 0x64 : 0;
    return b;
}

Props linux_guest() {
    Props g = good("linux", 1);
    g["image"] = str("linux");
    g["kernel"] = str("linux");
    g["initramfs"] = str("linux");
    g["memory-size"] = u64s({0x1000'0000});
    g["bootargs"] = str("console=ttyAMA0 nokaslr");
    return g;
}

struct Embedded {
    Bytes head = image_header();
    const char* const names[2] = {"linux", "ticker"};
    Blob blobs[2] = {{"linux", BlobKind::LinuxImage, 0x1f6'd000, nullptr, 64},
                     {"linux", BlobKind::Initramfs, 0x10'0000, nullptr, 0}};
    Platform plat() {
        blobs[0].head = head.data();
        Platform p = test_platform();
        p.images = names;
        p.image_count = 2;
        p.blobs = blobs;
        p.blob_count = 2;
        return p;
    }
};

TEST(PartitionLinux, DecodesKernelAndInitramfs) {
    Embedded e;
    Parsed p = run({{"guest@0", linux_guest()}}, e.plat());
    ASSERT_TRUE(p.ok);
    ASSERT_TRUE(p.d.guests[0].valid) << p.text();
    EXPECT_EQ(p.d.guests[0].kernel, Kernel::Linux);
    EXPECT_STREQ(p.d.guests[0].initramfs, "linux");
    EXPECT_STREQ(p.d.guests[0].image, "linux");
    // Without the embedded blobs (partcheck without --linux) only the syntax is checked.
    expect_good(linux_guest());
    Props no_initrd = linux_guest();
    no_initrd.erase("initramfs");
    expect_good(no_initrd, e.plat());
    // A Tenon guest stays a Tenon guest.
    Parsed t = run({{"guest@0", good("a", 1)}});
    EXPECT_EQ(t.d.guests[0].kernel, Kernel::Tenon);
    Props explicit_tenon = good("a", 1);
    explicit_tenon["kernel"] = str("tenon");
    expect_good(explicit_tenon);
}

TEST(PartitionLinux, SyntaxErrors) {
    Props g = linux_guest();
    g["kernel"] = str("freebsd");
    expect_bad(g, "kernel \"freebsd\" is not a kind Mortise boots");
    g["kernel"] = cells({1});
    expect_bad(g, "'kernel' must be one string");
    g = good("a", 1);
    g["initramfs"] = str("linux");
    expect_bad(g, "'initramfs' is for Linux guests; add kernel = \"linux\";");
    g = linux_guest();
    g["initramfs"] = str("Bad!");
    expect_bad(g, "initramfs \"Bad!\" is not a valid name");
}

TEST(PartitionLinux, KindsMustMatchWhatIsEmbedded) {
    Embedded e;
    Props g = good("a", 1);
    g["image"] = str("linux");
    expect_bad(g, "image \"linux\" is a Linux kernel; add kernel = \"linux\";", e.plat());
    g = linux_guest();
    g["image"] = str("ticker");
    expect_bad(g, "image \"ticker\" is not a Linux kernel embedded in the host image", e.plat());
    g = linux_guest();
    g["initramfs"] = str("other");
    expect_bad(g, "initramfs \"other\" is not embedded in the host image", e.plat());
}

// dt-overlay: Linux guests only, a valid name, embedded; applying it is Platform::check_dt_overlay's
// (partcheck's and Mortise's: partcheck_test.cpp and unit/mortise_core), called only for a valid guest.
TEST(PartitionLinux, DtOverlay) {
    Embedded e;
    Props g = linux_guest();
    g["dt-overlay"] = str("linux");
    expect_good(g);  // without the embedded blobs only the syntax
    expect_bad(g, "dt-overlay \"linux\" is not embedded in the host image; set TN_GUEST_linux_DT_OVERLAY in guests.mk",
               e.plat());
    Props tenon = good("a", 1);
    tenon["dt-overlay"] = str("linux");
    expect_bad(tenon, "'dt-overlay' is for Linux guests; add kernel = \"linux\";");
    Props bad_name = linux_guest();
    bad_name["dt-overlay"] = str("Bad!");
    expect_bad(bad_name, "dt-overlay \"Bad!\" is not a valid name");

    static Bytes overlay(16, 0);
    static unsigned calls;
    static char seen[32];
    Blob blobs[3] = {e.blobs[0], e.blobs[1], {"linux", BlobKind::DtOverlay, 16, overlay.data(), 16}};
    Platform plat = e.plat();
    plat.blobs = blobs;
    plat.blob_count = 3;
    plat.check_dt_overlay = [](const Guest& guest, const Blob& ov, char* why, unsigned size) {
        ++calls;
        std::snprintf(seen, sizeof seen, "%s", guest.name);
        std::snprintf(why, size, "/x y: refused (%u bytes)", static_cast<unsigned>(ov.size));
        return false;
    };
    expect_bad(g, "dt-overlay \"linux\": /x y: refused (16 bytes)", plat);
    EXPECT_EQ(calls, 1u);
    EXPECT_STREQ(seen, "linux");
    Parsed p = run({{"guest@0", g}}, plat);
    EXPECT_STREQ(p.d.guests[0].dt_overlay, "linux");
}

TEST(PartitionLinux, ImageHeaderIsChecked) {
    Embedded e;
    e.head = image_header(0x201'0000, false);
    expect_bad(linux_guest(), "Linux image \"linux\" has no arm64 Image header", e.plat());
    Embedded gz;
    gz.head[0] = 0x1f;
    gz.head[1] = 0x8b;
    expect_bad(linux_guest(), "is gzip-compressed (a vmlinuz); decompress it", gz.plat());
    Embedded old;
    old.head = image_header(0);
    expect_bad(linux_guest(), "image_size 0", old.plat());
}

TEST(PartitionLinux, KernelInitramfsAndDeviceTreeMustFit) {
    Embedded e;
    Props g = linux_guest();
    g["memory-size"] = u64s({0x200'0000});
    // 0x2010000 (image_size) + 1 MiB initramfs + 2 MiB device tree, rounded up to 2 MiB.
    expect_bad(g, "memory-size 0x2000000 cannot hold Linux image \"linux\" (32832 KiB with BSS), initramfs "
                  "(1024 KiB) and device tree (2 MiB); make it at least 0x2400000, and more for Linux to run",
               e.plat());
    g["memory-size"] = u64s({0x240'0000});
    expect_good(g, e.plat());
}

TEST(PartitionDma, IdentityMappedRamIsAtItsHostPhysicalBase) {
    Props g = linux_guest();
    g["memory-base"] = u64s({0x6000'0000});
    g["identity-mapped"] = {};
    Parsed p = run({{"guest@0", g}});
    ASSERT_TRUE(p.d.guests[0].valid) << p.text();
    EXPECT_TRUE(p.d.guests[0].identity_ram);
    EXPECT_EQ(ram_ipa(p.d.guests[0]).value(), 0x6000'0000u);
    EXPECT_EQ(ram_window(p.d.guests[0]).size, 0x1000'0000u);
    // Without the flag the guest sees the guest map's window wherever its RAM is.
    g.erase("identity-mapped");
    p = run({{"guest@0", g}});
    EXPECT_EQ(ram_ipa(p.d.guests[0]).value(), 0x4000'0000u);
}

TEST(PartitionDma, IdentityMappedNeedsLinuxAndMemoryBase) {
    Props g = linux_guest();
    g["identity-mapped"] = {};
    expect_bad(g, "'identity-mapped' needs 'memory-base'");
    Props t = good("a", 1);
    t["identity-mapped"] = {};
    t["memory-base"] = u64s({0x6000'0000});
    expect_bad(t, "'identity-mapped' is for Linux guests: a Tenon image is linked for RAM at 0x40000000");
    g["identity-mapped"] = str("yes");
    expect_bad(g, "'identity-mapped' is a flag");
}

TEST(PartitionDma, IdentityMappedRamAvoidsTheEmulatedWindows) {
    Platform plat = test_platform();
    plat.ram[1] = {tn::PhysAddr{0x0800'0000}, 0x200'0000};  // a board with RAM where the guest's GIC is
    plat.ram_count = 2;
    Props g = linux_guest();
    g["memory-size"] = u64s({0x200'0000});
    g["memory-base"] = u64s({0x0800'0000});
    g["identity-mapped"] = {};
    expect_bad(g, "identity-mapped memory [0x8000000, 0xa000000) overlaps the guest's emulated GIC or UART window",
               plat);
}

Props virtio_guest() {
    Props g = linux_guest();
    g["memory-base"] = u64s({0x6000'0000});
    g["identity-mapped"] = {};
    g["dma-unsafe-accepted"] = {};
    g["mmio"] = u64s({0x0a00'3000, 0x1000});
    g["irqs"] = cells({72, 73, 74, 75, 76, 77, 78, 79});
    return g;
}

TEST(PartitionDma, VirtioMmioIsDmaCapable) {
    Parsed p = run({{"guest@0", virtio_guest()}}, test_platform(true));
    ASSERT_TRUE(p.d.guests[0].valid) << p.text();
    EXPECT_TRUE(p.d.guests[0].dma);
    EXPECT_TRUE(p.d.guests[0].dma_unsafe_accepted);
    // A device outside the DMA-capable ranges (QEMU's PL031) needs neither flag.
    Props rtc = good("a", 1);
    rtc["mmio"] = u64s({0x0901'0000, 0x1000});
    p = run({{"guest@0", rtc}}, test_platform(true));
    ASSERT_TRUE(p.d.guests[0].valid) << p.text();
    EXPECT_FALSE(p.d.guests[0].dma);
}

TEST(PartitionDma, DmaDeviceNeedsIdentityMappedRam) {
    Props g = virtio_guest();
    g.erase("identity-mapped");
    expect_bad(g, "mmio [0xa003000, 0xa004000) holds a DMA-capable device (virtio-mmio, say), given guest-physical "
                  "addresses: add 'identity-mapped' and 'memory-base' so they are host-physical", test_platform(true));
    // A Tenon guest cannot have identity-mapped RAM, so it cannot have a DMA device either.
    Props t = good("a", 1);
    t["mmio"] = u64s({0x0a00'0000, 0x1000});
    t["dma-unsafe-accepted"] = {};
    expect_bad(t, "holds a DMA-capable device", test_platform(true));
}

TEST(PartitionDma, UnprivilegedGuestMustAcceptAnUnconfinedDmaDevice) {
    Props g = virtio_guest();
    g.erase("dma-unsafe-accepted");
    expect_bad(g, "mmio [0xa003000, 0xa004000) holds a DMA-capable device, which without an SMMU can write all "
                  "memory (Mortise's, other guests'): add 'dma-unsafe-accepted' to allow it", test_platform(true));
    g["privileged"] = {};
    expect_good(g, test_platform(true));
    g["dma-unsafe-accepted"] = cells({0});
    expect_good(g, test_platform(true));
    g.erase("privileged");
    expect_bad(g, "add 'dma-unsafe-accepted'", test_platform(true));
}

TEST(PartitionDma, DmaRangesComeFromThePlatform) {
    Platform plat = test_platform();  // a machine whose tree names no DMA-capable device
    Props g = good("a", 1);
    g["mmio"] = u64s({0x0a00'0000, 0x1000});
    expect_good(g, plat);
    plat.dma_mmio[0] = {tn::PhysAddr{0x0901'0000}, 0x1000};
    plat.dma_mmio_count = 1;
    g["mmio"] = u64s({0x0901'0000, 0x1000});
    expect_bad(g, "holds a DMA-capable device", plat);
}

}  // namespace
}  // namespace mortise::partition
