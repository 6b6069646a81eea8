// Host tests of the inter-VM channels of the partition description (/mortise/channels/<name>):
// every rule with a passing and a failing case, the placement in the channel window and the
// channels' memory pool. Blobs come from lib/fdt's test builder, so the tests need no dtc.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

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
using Props = std::vector<std::pair<std::string, Bytes>>;

Bytes strs(std::initializer_list<std::string> list) {
    Bytes v;
    for (const std::string& s : list) {
        v.insert(v.end(), s.begin(), s.end());
        v.push_back(0);
    }
    return v;
}

Bytes cells(std::initializer_list<u32> list) {
    Bytes v;
    for (u32 c : list)
        for (int s = 24; s >= 0; s -= 8)
            v.push_back(static_cast<u8>(c >> s));
    return v;
}

/// A guest node that passes every rule on the test platform: 32 MiB on CPU @p cpu.
Props guest(u32 cpu, u64 mem = 0x200'0000) {
    return {{"image", strs({"helloworld"})},
            {"cpus", cells({cpu})},
            {"memory-size", cells({static_cast<u32>(mem >> 32), static_cast<u32>(mem)})},
            {"autostart", {}}};
}

/// A channel joining @p members with 64 KiB.
Props channel(std::initializer_list<std::string> members, u32 size = 0x10000) {
    return {{"members", strs(members)}, {"size", cells({size})}};
}

/// Replaces or adds property @p name of @p p.
Props with(Props p, const std::string& name, Bytes value) {
    for (auto& [k, v] : p)
        if (k == name) {
            v = std::move(value);
            return p;
        }
    p.emplace_back(name, std::move(value));
    return p;
}

Props without(Props p, const std::string& name) {
    std::erase_if(p, [&](const auto& kv) { return kv.first == name; });
    return p;
}

using Nodes = std::vector<std::pair<std::string, Props>>;

/// /mortise with @p guests, then (if any, or if @p list_props) a channels node with @p channels.
Bytes blob(const Nodes& guests, const Nodes& channels, const Props& list_props = {}) {
    DtbBuilder b;
    b.begin("").begin("mortise");
    for (const auto& [name, props] : guests) {
        b.begin(name);
        for (const auto& [k, v] : props)
            b.prop(k, v);
        b.end();
    }
    if (!channels.empty() || !list_props.empty()) {
        b.begin("channels");
        for (const auto& [k, v] : list_props)
            b.prop(k, v);
        for (const auto& [name, props] : channels) {
            b.begin(name);
            for (const auto& [k, v] : props)
                if (k != "/subnode")
                    b.prop(k, v);
                else
                    b.begin("inner").end();
            b.end();
        }
        b.end();
    }
    b.end().end();
    return b.build();
}

/// QEMU virt with 1 GiB of RAM, 4 CPUs, Mortise reserving the first 32 MiB (and keeping its UART).
Platform test_platform() {
    Platform p = tn::plat::mortise_qemu_virt::partition_platform(0x4000'0000, 4);
    p.reserved[0] = {p.ram[0].base, 0x200'0000};
    p.reserved_count = 1;
    p.dma_mmio_count = 0;
    return p;
}

struct Parsed {
    bool ok;
    Description d;
    Diagnostics diag;
    std::string text() const {
        std::string s;
        for (unsigned i = 0; i < diag.count; ++i)
            s += std::string(diag.items[i].node) + ": " + diag.items[i].reason + "\n";
        return s;
    }
    /// Some diagnostic of node @p node says @p part.
    bool says(const std::string& node, const std::string& part) const {
        for (unsigned i = 0; i < diag.count; ++i)
            if (node == diag.items[i].node && std::string(diag.items[i].reason).find(part) != std::string::npos)
                return true;
        return false;
    }
};

Parsed run(const Bytes& b, const Platform& plat = test_platform()) {
    Buffer buf(b);
    Parsed p{};
    p.ok = parse(buf.data(), buf.size(), plat, p.d, p.diag);
    return p;
}

const Nodes k_two = {{"alpha", guest(1)}, {"beta", guest(2)}};
const Nodes k_three = {{"alpha", guest(1)}, {"beta", guest(2)}, {"gamma", guest(3)}};

/// One channel "ping" with @p props between alpha, beta (and gamma): refused with a reason containing @p why,
/// named after the channel; the guests stay valid.
void expect_refused(const Props& props, const std::string& why, const Nodes& guests = k_three,
                    const Platform& plat = test_platform()) {
    Parsed p = run(blob(guests, {{"ping", props}}), plat);
    ASSERT_TRUE(p.ok);
    ASSERT_EQ(p.d.channel_count, 1u);
    EXPECT_FALSE(p.d.channels[0].valid) << why;
    EXPECT_TRUE(p.says("/mortise/channels/ping", why)) << "wanted: " << why << "\ngot:\n" << p.text();
    for (unsigned i = 0; i < p.d.count; ++i)
        EXPECT_TRUE(p.d.guests[i].valid) << p.text();
}

void expect_accepted(const Props& props, const Nodes& guests = k_three) {
    Parsed p = run(blob(guests, {{"ping", props}}));
    ASSERT_TRUE(p.ok);
    ASSERT_EQ(p.d.channel_count, 1u);
    EXPECT_TRUE(p.d.channels[0].valid) << p.text();
    EXPECT_EQ(p.diag.count, 0u) << p.text();
}

TEST(Channels, TwoChannelsDecodeAndArePlacedInDocumentOrder) {
    Props pong = with(channel({"gamma", "alpha", "beta"}, 0x11000), "read-only", strs({"gamma"}));
    pong = with(pong, "doorbell-irqs", cells({100, 101, 102}));
    Parsed p = run(blob(k_three, {{"ping", channel({"alpha", "beta"}, 0x2000)}, {"pong", pong}}));
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.diag.count, 0u) << p.text();
    ASSERT_EQ(p.d.count, 3u);  // "channels" is not a guest.
    ASSERT_EQ(p.d.channel_count, 2u);

    const Channel& a = p.d.channels[0];
    EXPECT_TRUE(a.valid);
    EXPECT_STREQ(a.name, "ping");
    ASSERT_EQ(a.member_count, 2u);
    EXPECT_EQ(a.members[0], 0u);
    EXPECT_EQ(a.members[1], 1u);
    EXPECT_EQ(a.size, 0x2000u);
    EXPECT_EQ(a.read_only_mask, 0u);
    EXPECT_EQ(a.doorbell_intid[0], gmap::k_ivc_intid_base);  // Default: 240 + channel index.
    EXPECT_EQ(a.doorbell_intid[1], gmap::k_ivc_intid_base);
    EXPECT_EQ(a.doorbell_ipa, gmap::k_ivc);
    EXPECT_EQ(a.shm_ipa, gmap::k_ivc + gmap::k_ivc_shm_offset);
    EXPECT_FALSE(a.uncached);
    EXPECT_EQ(member_index(a, 1), 1);
    EXPECT_EQ(member_index(a, 2), -1);

    const Channel& b = p.d.channels[1];
    EXPECT_TRUE(b.valid);
    EXPECT_STREQ(b.name, "pong");
    ASSERT_EQ(b.member_count, 3u);
    EXPECT_EQ(b.members[0], 2u);  // Member order is the list's: gamma is member 0.
    EXPECT_EQ(b.members[2], 1u);
    EXPECT_EQ(b.read_only_mask, 1u);
    EXPECT_EQ(b.doorbell_intid[0], 100u);
    EXPECT_EQ(b.doorbell_intid[2], 102u);
    // ping's shared memory ends at 0x20012000: the next slot is the next 64 KiB boundary.
    EXPECT_EQ(b.doorbell_ipa, gmap::k_ivc + 0x20000);
    EXPECT_EQ(b.shm_ipa, gmap::k_ivc + 0x30000);
    EXPECT_EQ(b.size, 0x11000u);
    // Both rounded up to 64 KiB (0x10000 + 0x20000), the total to 2 MiB.
    EXPECT_EQ(channel_pool_size(p.d), 0x20'0000u);
    EXPECT_EQ(channel_pool_offset(p.d, 1), 0x10000u);
}

TEST(Channels, PoolSizeRoundsEachChannelThenTheTotal) {
    static Description d{};
    EXPECT_EQ(channel_pool_size(d), 0u);
    d.channel_count = 3;
    d.channels[0].size = 0x1f0'0000 / 2;  // 15.5 MiB, a 64 KiB multiple
    d.channels[0].valid = true;
    d.channels[1].size = 0x11000;  // refused: not counted
    d.channels[2].size = 0x2000;
    d.channels[2].valid = true;
    EXPECT_EQ(channel_pool_size(d), 0x100'0000u);  // 0xf80000 + 0x10000 -> 16 MiB
    d.channels[1].valid = true;
    EXPECT_EQ(channel_pool_size(d), 0x100'0000u);  // + 0x20000 = 0xfb0000 -> still 16 MiB
    d.channels[0].size = 0x100'0000;
    EXPECT_EQ(channel_pool_size(d), 0x120'0000u);  // 0x1030000 -> 18 MiB
    EXPECT_EQ(channel_pool_offset(d, 2), 0x102'0000u);
}

TEST(Channels, Names) {
    Parsed p = run(blob(k_two, {{"Ping", channel({"alpha", "beta"})}}));
    EXPECT_FALSE(p.d.channels[0].valid);
    EXPECT_TRUE(p.says("/mortise/channels/Ping", "channel name \"Ping\" is not valid")) << p.text();
    const std::string long_name(32, 'c');
    p = run(blob(k_two, {{long_name, channel({"alpha", "beta"})}}));
    EXPECT_FALSE(p.d.channels[0].valid);
    EXPECT_TRUE(p.says("/mortise/channels/" + long_name, "32 characters long; the limit is 31")) << p.text();
    p = run(blob(k_two, {{std::string(31, 'c'), channel({"alpha", "beta"})}}));
    EXPECT_TRUE(p.d.channels[0].valid) << p.text();
    // dtc merges two nodes of one name; a blob built otherwise still gets one error.
    p = run(blob(k_two, {{"ping", channel({"alpha", "beta"})}, {"ping", channel({"alpha", "beta"}, 0x2000)}}));
    EXPECT_TRUE(p.d.channels[0].valid);
    EXPECT_FALSE(p.d.channels[1].valid);
    EXPECT_TRUE(p.says("/mortise/channels/ping", "is already used by an earlier channel")) << p.text();
}

TEST(Channels, Members) {
    expect_refused(without(channel({"alpha", "beta"}), "members"), "missing 'members'");
    expect_refused(with(channel({}), "members", cells({1, 2})), "'members' must be a list of strings");
    expect_refused(with(channel({}), "members", Bytes{'a', 0, 0, 'b', 0}), "holds an empty string");
    expect_refused(channel({"alpha"}), "'members' names 1 guests; a channel joins 2 to 4");
    Nodes five = k_three;
    five.push_back({"delta", guest(0)});
    five.push_back({"eps", guest(4)});
    Platform five_cpus = tn::plat::mortise_qemu_virt::partition_platform(0x4000'0000, 5);
    five_cpus.dma_mmio_count = 0;
    expect_refused(channel({"alpha", "beta", "gamma", "delta", "eps"}), "'members' names 5 guests", five, five_cpus);
    expect_accepted(channel({"alpha", "beta", "gamma", "delta"}), Nodes(five.begin(), five.end() - 1));
    expect_refused(channel({"alpha", "omega"}), "member \"omega\" is not a guest of this description");
    expect_refused(channel({"alpha", "beta", "alpha"}), "'members' names \"alpha\" twice");
    expect_accepted(channel({"alpha", "gamma"}));
    expect_accepted(channel({"alpha", "beta", "gamma"}));
}

TEST(Channels, RefusedMemberRefusesTheChannelOnly) {
    Nodes guests = k_three;
    guests[1].second = with(guests[1].second, "cpus", cells({1}));  // beta takes alpha's CPU: refused.
    Parsed p = run(blob(guests, {{"ping", channel({"alpha", "beta"})}, {"pong", channel({"alpha", "gamma"})}}));
    ASSERT_TRUE(p.ok);
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_FALSE(p.d.channels[0].valid);
    EXPECT_TRUE(p.says("/mortise/channels/ping", "not set up because guest 'beta' was refused")) << p.text();
    EXPECT_TRUE(p.d.channels[1].valid) << p.text();
    // The refused channel keeps its slot: pong's addresses do not depend on beta.
    EXPECT_EQ(p.d.channels[1].doorbell_ipa, gmap::k_ivc + 0x20000);
    EXPECT_EQ(channel_pool_size(p.d), 0x20'0000u);
}

TEST(Channels, Size) {
    expect_refused(without(channel({"alpha", "beta"}), "size"), "missing 'size'");
    expect_refused(with(channel({"alpha", "beta"}), "size", cells({0, 0, 0x2000})), "one number of one or two cells");
    expect_refused(channel({"alpha", "beta"}, 0x2800), "size 0x2800 is not a multiple of 4 KiB from 8 KiB");
    expect_refused(channel({"alpha", "beta"}, 0x1000), "size 0x1000 is not");
    expect_refused(channel({"alpha", "beta"}, 0x100'1000), "size 0x1001000 is not");
    expect_refused(with(channel({"alpha", "beta"}), "size", cells({1, 0x2000})), "size 0x100002000 is not");
    expect_accepted(channel({"alpha", "beta"}, 0x2000));
    expect_accepted(channel({"alpha", "beta"}, 0x100'0000));
    expect_accepted(with(channel({"alpha", "beta"}), "size", cells({0, 0x3000})));
}

TEST(Channels, ReadOnly) {
    expect_refused(with(channel({"alpha", "beta"}), "read-only", strs({"gamma"})),
                   "'read-only' names \"gamma\", which is not a member");
    expect_refused(with(channel({"alpha", "beta"}), "read-only", strs({"beta", "alpha"})),
                   "'read-only' names every member");
    expect_refused(with(channel({"alpha", "beta"}), "read-only", cells({1})), "'read-only' must be a list of strings");
    Parsed p = run(blob(k_three, {{"ping", with(channel({"alpha", "beta", "gamma"}), "read-only",
                                                strs({"gamma", "beta"}))}}));
    EXPECT_TRUE(p.d.channels[0].valid) << p.text();
    EXPECT_EQ(p.d.channels[0].read_only_mask, 0b110u);
}

TEST(Channels, DoorbellInterrupts) {
    const Props c = channel({"alpha", "beta"});
    expect_refused(with(c, "doorbell-irqs", cells({240})), "must list one INTID per member (2)");
    expect_refused(with(c, "doorbell-irqs", cells({240, 240, 240})), "must list one INTID per member");
    expect_refused(with(c, "doorbell-irqs", cells({31, 240})), "doorbell interrupt 31 of member \"alpha\" is not an SPI");
    expect_refused(with(c, "doorbell-irqs", cells({240, 1020})), "doorbell interrupt 1020 of member \"beta\" is not");
    expect_refused(with(c, "doorbell-irqs", cells({33, 240})), "33 of member \"alpha\" is its emulated UART's");
    Nodes guests = k_three;
    guests[1].second = with(guests[1].second, "irqs", cells({48}));
    expect_refused(with(c, "doorbell-irqs", cells({48, 48})), "48 of member \"beta\" is one of its pass-through 'irqs'",
                   guests);
    expect_accepted(with(c, "doorbell-irqs", cells({48, 49})), guests);  // alpha's 48 is its own virtual SPI.
    Platform plat = test_platform();
    ASSERT_LT(plat.owned_irq_count, k_max_owned_irqs);
    plat.owned_irqs[plat.owned_irq_count++] = 200;
    expect_refused(with(c, "doorbell-irqs", cells({200, 201})), "200 of member \"alpha\" is an interrupt Mortise keeps",
                   k_three, plat);
    expect_accepted(with(c, "doorbell-irqs", cells({32, 1019})));

    // Two channels of one guest need two doorbells; other guests may reuse the INTID.
    Parsed p = run(blob(k_three, {{"ping", with(c, "doorbell-irqs", cells({100, 100}))},
                                  {"pong", with(channel({"gamma", "beta"}), "doorbell-irqs", cells({100, 100}))}}));
    EXPECT_TRUE(p.d.channels[0].valid);
    EXPECT_FALSE(p.d.channels[1].valid);
    EXPECT_TRUE(p.says("/mortise/channels/pong", "100 of member \"beta\" is already its doorbell of an earlier"))
        << p.text();
    EXPECT_FALSE(p.says("/mortise/channels/pong", "member \"gamma\"")) << p.text();
    // The defaults differ per channel.
    p = run(blob(k_three, {{"ping", c}, {"pong", channel({"alpha", "beta"})}}));
    EXPECT_EQ(p.diag.count, 0u) << p.text();
    EXPECT_EQ(p.d.channels[1].doorbell_intid[0], gmap::k_ivc_intid_base + 1);
}

TEST(Channels, UnknownPropertiesAndSubnodes) {
    expect_refused(with(channel({"alpha", "beta"}), "readonly", strs({"beta"})), "unknown property 'readonly'");
    expect_refused(with(channel({"alpha", "beta"}), "/subnode", {}), "unexpected subnode 'inner'");
    expect_accepted(with(channel({"alpha", "beta"}), "phandle", cells({7})));
}

TEST(Channels, ChannelsNodeIsNotAGuest) {
    // A description that still has a guest called "channels": told to rename it.
    Parsed p = run(blob(k_two, {}, guest(3)));
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.d.count, 2u);
    EXPECT_EQ(p.d.channel_count, 0u);
    EXPECT_TRUE(p.says("/mortise/channels", "no longer names a guest; rename that guest")) << p.text();
    // Only a channels node: still no guest.
    p = run(blob({}, {{"ping", channel({"alpha", "beta"})}}));
    EXPECT_TRUE(p.says("/mortise", "declares no guest")) << p.text();
    EXPECT_TRUE(p.says("/mortise/channels/ping", "member \"alpha\" is not a guest")) << p.text();
}

TEST(Channels, AtMostSixteen) {
    Nodes channels;
    for (unsigned i = 0; i <= k_max_channels; ++i)
        channels.push_back({"c" + std::to_string(i), channel({"alpha", "beta"}, 0x2000)});
    Parsed p = run(blob(k_two, channels));
    EXPECT_EQ(p.d.channel_count, k_max_channels);
    for (unsigned i = 0; i < k_max_channels; ++i)
        EXPECT_TRUE(p.d.channels[i].valid) << i << p.text();
    EXPECT_EQ(p.diag.count, 1u) << p.text();
    EXPECT_TRUE(p.says("/mortise/channels/c16", "more than 16 channels")) << p.text();
    EXPECT_EQ(p.d.channels[15].doorbell_intid[1], gmap::k_ivc_intid_base + 15);
}

TEST(Channels, WindowOverflowRefusesTheChannel) {
    // 15 channels of 16 MiB and their doorbell slots take 0xf0f0000 of the 0x10000000 window.
    Nodes channels;
    for (unsigned i = 0; i < 16; ++i)
        channels.push_back({"c" + std::to_string(i), channel({"alpha", "beta"}, 0x100'0000)});
    Platform plat = tn::plat::mortise_qemu_virt::partition_platform(0x8000'0000, 4);
    plat.dma_mmio_count = 0;
    Parsed p = run(blob(k_two, channels), plat);
    for (unsigned i = 0; i < 15; ++i)
        EXPECT_TRUE(p.d.channels[i].valid) << i << p.text();
    EXPECT_EQ(p.d.channels[14].shm_ipa, gmap::k_ivc + 14 * 0x101'0000 + 0x10000);
    EXPECT_FALSE(p.d.channels[15].valid);
    EXPECT_TRUE(p.says("/mortise/channels/c15", "does not fit in the channel window")) << p.text();
    // Last byte used: inside the window.
    const Channel& last = p.d.channels[14];
    EXPECT_LE((last.shm_ipa + last.size).value(), (gmap::k_ivc + gmap::k_ivc_size).value());
    EXPECT_EQ(channel_pool_size(p.d), 15u * 0x100'0000);
}

TEST(Channels, UncachedWhenALinuxGuestIsAMember) {
    Nodes guests = k_three;
    guests[2].second = with(guests[2].second, "kernel", strs({"linux"}));
    Parsed p = run(blob(guests, {{"ping", channel({"alpha", "beta"})}, {"pong", channel({"alpha", "gamma"})}}));
    EXPECT_EQ(p.diag.count, 0u) << p.text();
    EXPECT_FALSE(p.d.channels[0].uncached);
    EXPECT_TRUE(p.d.channels[1].uncached);
}

TEST(Channels, PassThroughAndIdentityRamAvoidTheWindow) {
    Platform plat = test_platform();
    plat.owned_mmio_count = 0;
    Nodes guests = {{"alpha", with(guest(1), "mmio", cells({0, 0x2fff'f000, 0, 0x1000}))}};
    Parsed p = run(blob(guests, {}), plat);
    EXPECT_FALSE(p.d.guests[0].valid);
    EXPECT_TRUE(p.says("/mortise/alpha", "overlaps the inter-VM channel window")) << p.text();
    guests[0].second = with(guest(1), "mmio", cells({0, 0x3000'0000, 0, 0x1000}));  // Just after it.
    p = run(blob(guests, {}), plat);
    EXPECT_TRUE(p.d.guests[0].valid) << p.text();

    // Identity-mapped Linux RAM, on a board whose RAM covers the window.
    plat.ram[0] = {tn::PhysAddr{0x1000'0000}, 0x4000'0000};
    plat.reserved[0] = {tn::PhysAddr{0x1000'0000}, 0x200'0000};
    Props linux_guest = with(guest(1), "kernel", strs({"linux"}));
    linux_guest = with(linux_guest, "identity-mapped", {});
    linux_guest = with(linux_guest, "memory-base", cells({0, 0x2fe0'0000}));
    p = run(blob({{"alpha", linux_guest}}, {}), plat);
    EXPECT_FALSE(p.d.guests[0].valid);
    EXPECT_TRUE(p.says("/mortise/alpha", "identity-mapped memory [0x2fe00000, 0x31e00000) overlaps the inter-VM "
                                         "channel window")) << p.text();
    linux_guest = with(linux_guest, "memory-base", cells({0, 0x3000'0000}));
    p = run(blob({{"alpha", linux_guest}}, {}), plat);
    EXPECT_TRUE(p.d.guests[0].valid) << p.text();
}

TEST(Channels, PoolCountsAgainstFreeRamBeforeTheGuests) {
    // 1 GiB - 32 MiB reserved = 0x3e000000 free: two guests of 0x1f000000 fill it exactly.
    const Nodes full = {{"alpha", guest(1, 0x1f00'0000)}, {"beta", guest(2, 0x1f00'0000)}};
    Parsed p = run(blob(full, {}));
    EXPECT_EQ(p.diag.count, 0u) << p.text();
    // A channel takes 2 MiB first: beta no longer fits, and the channel goes with it.
    p = run(blob(full, {{"ping", channel({"alpha", "beta"})}}));
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_FALSE(p.d.guests[1].valid);
    EXPECT_TRUE(p.says("/mortise/beta", "leave 0x1ee00000 bytes of free RAM (after the channels' memory)"))
        << p.text();
    EXPECT_FALSE(p.d.channels[0].valid);
    EXPECT_TRUE(p.says("/mortise/channels/ping", "not set up because guest 'beta' was refused")) << p.text();
    EXPECT_EQ(channel_pool_size(p.d), 0u);

    // Channels larger than the free RAM: all refused, the guests keep the RAM.
    Platform small = test_platform();
    small.ram[0].size = 0x400'0000;  // 64 MiB - 32 MiB reserved.
    const Nodes tiny = {{"alpha", guest(1, 0x20'0000)}, {"beta", guest(2, 0x20'0000)}};
    p = run(blob(tiny, {{"a", channel({"alpha", "beta"}, 0x100'0000)}, {"b", channel({"alpha", "beta"}, 0x100'0000)},
                        {"c", channel({"alpha", "beta"}, 0x2000)}}),
            small);
    EXPECT_TRUE(p.d.guests[0].valid);
    EXPECT_TRUE(p.d.guests[1].valid) << p.text();
    EXPECT_FALSE(p.d.channels[0].valid);
    EXPECT_FALSE(p.d.channels[1].valid);
    EXPECT_TRUE(p.says("/mortise/channels/a", "the channels' memory (0x2200000 bytes in all) does not fit")) << p.text();
}

}  // namespace
}  // namespace mortise::partition
