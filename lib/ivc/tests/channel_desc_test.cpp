// The portable part of the channel layer (lib/ivc/src/dt.cpp, wake_rule.hpp):
// reading `tenonos,ivc-channel` nodes as Mortise generates them (docs/ivc.md),
// the ring size member 0 formats, and when a consumer rings its producer.
#include <tn/fdt_writer.hpp>
#include <tn/ivc_dt.hpp>

#include "wake_rule.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace {

using namespace tn;
using namespace tn::ivc;

struct NodeSpec {
    const char* label = "ping";
    u64 bell = 0x2000'0000, bell_size = 0x1000, shm = 0x2001'0000, shm_size = 0x10000;
    bool names = true;
    bool swap_names = false;  // reg-names = "shm", "doorbell" with reg in that order
    u32 spi = 240 - 32, irq_type = 0;
    int id = 3, member = 1, members = 2;
    bool read_only = false, uncached = false;
    bool has_irq = true;
};

struct Blob {
    alignas(8) u8 buf[4096];
    fdt::Fdt dt() const {
        auto r = fdt::Fdt::try_open(buf, sizeof buf);
        EXPECT_TRUE(r.ok());
        return r.value();
    }
};

void put_node(fdt::Writer& w, const char* name, const NodeSpec& s) {
    w.begin_node(name).property_string("compatible", "tenonos,ivc-channel");
    u32 reg[8] = {u32(s.bell >> 32), u32(s.bell), u32(s.bell_size >> 32), u32(s.bell_size),
                  u32(s.shm >> 32),  u32(s.shm),  u32(s.shm_size >> 32),  u32(s.shm_size)};
    if (s.swap_names) {
        u32 swapped[8] = {reg[4], reg[5], reg[6], reg[7], reg[0], reg[1], reg[2], reg[3]};
        w.property_cells("reg", swapped, 8);
        static const char names[] = "shm\0doorbell";
        w.property_strings("reg-names", names, sizeof names);
    } else {
        w.property_cells("reg", reg, 8);
        static const char names[] = "doorbell\0shm";
        if (s.names)
            w.property_strings("reg-names", names, sizeof names);
    }
    if (s.has_irq) {
        u32 irq[3] = {s.irq_type, s.spi, 1};
        w.property_cells("interrupts", irq, 3);
    }
    if (s.label)
        w.property_string("label", s.label);
    if (s.id >= 0)
        w.property_u32("tenonos,channel-id", u32(s.id));
    if (s.member >= 0)
        w.property_u32("tenonos,member", u32(s.member));
    if (s.members >= 0)
        w.property_u32("tenonos,members", u32(s.members));
    if (s.read_only)
        w.property_empty("read-only");
    if (s.uncached)
        w.property_empty("tenonos,uncached");
    w.end_node();
}

// A guest tree shaped like hyp/guestdt's: a GICv3 as the root's interrupt
// parent, the channel nodes under the root.
void build(Blob& b, const NodeSpec* specs, usize count) {
    std::memset(b.buf, 0, sizeof b.buf);
    fdt::Writer w(b.buf, sizeof b.buf);
    w.begin_node("").property_u32("#address-cells", 2).property_u32("#size-cells", 2);
    w.property_u32("interrupt-parent", 1);
    w.begin_node("intc@8000000").property_string("compatible", "arm,gic-v3");
    w.property_u32("#interrupt-cells", 3).property_empty("interrupt-controller").property_u32("phandle", 1);
    w.end_node();
    for (usize i = 0; i < count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "ivc@%llx", static_cast<unsigned long long>(specs[i].bell));
        put_node(w, name, specs[i]);
    }
    w.end_node();
    ASSERT_NE(w.finish(), 0u);
}

TEST(IvcChannelDesc, ReadsTheGeneratedNode) {
    Blob b;
    NodeSpec s;
    s.uncached = true;
    build(b, &s, 1);
    auto d = find_channel(b.dt(), "ping");
    ASSERT_TRUE(d.ok());
    EXPECT_STREQ(d.value().name, "ping");
    EXPECT_EQ(d.value().doorbell, 0x2000'0000u);
    EXPECT_EQ(d.value().doorbell_size, 0x1000u);
    EXPECT_EQ(d.value().shm, 0x2001'0000u);
    EXPECT_EQ(d.value().shm_size, 0x10000u);
    EXPECT_EQ(d.value().intid, 240u);
    EXPECT_EQ(d.value().id, 3u);
    EXPECT_EQ(d.value().member, 1u);
    EXPECT_EQ(d.value().members, 2u);
    EXPECT_FALSE(d.value().read_only);
    EXPECT_TRUE(d.value().uncached);
}

TEST(IvcChannelDesc, PicksTheChannelByLabel) {
    Blob b;
    NodeSpec s[3];
    s[0].label = "pong";
    s[1].label = "ping";
    s[1].bell = 0x2002'0000;
    s[1].shm = 0x2003'0000;
    s[1].id = 5;
    s[1].read_only = true;
    s[1].spi = 245 - 32;
    s[2].label = "pin";  // a prefix is no match
    s[2].bell = 0x2004'0000;
    s[2].shm = 0x2005'0000;
    build(b, s, 3);
    auto d = find_channel(b.dt(), "ping");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.value().id, 5u);
    EXPECT_EQ(d.value().doorbell, 0x2002'0000u);
    EXPECT_EQ(d.value().intid, 245u);
    EXPECT_TRUE(d.value().read_only);
    EXPECT_FALSE(d.value().uncached);
    EXPECT_EQ(find_channel(b.dt(), "pon").error(), DescError::NotFound);
    EXPECT_EQ(find_channel(b.dt(), "pongs").error(), DescError::NotFound);
    EXPECT_EQ(find_channel(b.dt(), "").error(), DescError::NotFound);
}

TEST(IvcChannelDesc, RegNamesGiveTheOrder) {
    Blob b;
    NodeSpec s;
    s.swap_names = true;
    build(b, &s, 1);
    auto d = find_channel(b.dt(), "ping");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.value().doorbell, 0x2000'0000u);
    EXPECT_EQ(d.value().shm, 0x2001'0000u);
    s.swap_names = false;
    s.names = false;  // without reg-names: doorbell first
    build(b, &s, 1);
    ASSERT_TRUE(find_channel(b.dt(), "ping").ok());
    EXPECT_EQ(find_channel(b.dt(), "ping").value().shm, 0x2001'0000u);
}

TEST(IvcChannelDesc, RefusesBrokenNodes) {
    struct Case {
        const char* what;
        void (*change)(NodeSpec&);
        DescError want;
    } cases[] = {
        {"no shm", [](NodeSpec& s) { s.shm_size = 0; }, DescError::BadReg},
        {"doorbell below a page", [](NodeSpec& s) { s.bell_size = 0x800; }, DescError::BadReg},
        {"shm misaligned", [](NodeSpec& s) { s.shm += 8; }, DescError::BadReg},
        {"no interrupts", [](NodeSpec& s) { s.has_irq = false; }, DescError::BadInterrupt},
        {"a PPI", [](NodeSpec& s) { s.irq_type = 1; s.spi = 3; }, DescError::BadInterrupt},
        {"no channel id", [](NodeSpec& s) { s.id = -1; }, DescError::BadProperty},
        {"no member", [](NodeSpec& s) { s.member = -1; }, DescError::BadProperty},
        {"member out of range", [](NodeSpec& s) { s.member = 2; }, DescError::BadProperty},
        {"one member", [](NodeSpec& s) { s.members = 1; s.member = 0; }, DescError::BadProperty},
        {"five members", [](NodeSpec& s) { s.members = 5; }, DescError::BadProperty},
    };
    for (const Case& c : cases) {
        Blob b;
        NodeSpec s;
        c.change(s);
        build(b, &s, 1);
        auto d = find_channel(b.dt(), "ping");
        ASSERT_FALSE(d.ok()) << c.what;
        EXPECT_EQ(d.error(), c.want) << c.what << ": " << desc_error_name(d.error());
    }
    // A broken node does not hide a good one of the same name.
    Blob b;
    NodeSpec s[2];
    s[0].has_irq = false;
    s[1].bell = 0x2002'0000;
    s[1].shm = 0x2003'0000;
    build(b, s, 2);
    ASSERT_TRUE(find_channel(b.dt(), "ping").ok());
    EXPECT_EQ(find_channel(b.dt(), "ping").value().shm, 0x2003'0000u);
}

TEST(IvcChannelDesc, RingBytesFillTheRegion) {
    EXPECT_EQ(ring_bytes_for(0x10000), 0x4000u);  // 0x140 + 2 * 32 KiB does not fit 64 KiB
    EXPECT_EQ(ring_bytes_for(0x2000), 0x800u);
    EXPECT_EQ(ring_bytes_for(Channel::region_size(0x8000)), 0x8000u);
    EXPECT_EQ(ring_bytes_for(Channel::region_size(0x8000) - 1), 0x4000u);
    EXPECT_EQ(ring_bytes_for(0x1000000), 0x400000u);
    EXPECT_EQ(ring_bytes_for(0x100), 0u);
}

// The rule against a brute-force model: for every write position and room
// the producer could have seen, and every record size it could want, a
// producer that cannot fit its record is woken.
TEST(IvcWakeRule, NeverLeavesABlockedProducerAsleep) {
    constexpr u32 r = 256;
    for (u32 write = 0; write < 2 * r; write += 8) {
        for (u32 used = 0; used <= r; used += 8) {
            const u32 read = write - used;
            const u32 to_end = r - (write & (r - 1));
            bool can_block = false;
            for (u32 rec = 16; rec <= r / 2; rec += 8) {
                u32 need = rec <= to_end ? rec : to_end + rec;
                can_block = can_block || r - used < need;
            }
            EXPECT_EQ(detail::producer_may_wait(write, read, r), can_block) << "write " << write << " used " << used;
        }
    }
    // Wrapped indices and nonsense.
    EXPECT_FALSE(detail::producer_may_wait(8, 0xFFFF'FFF8u, r));
    EXPECT_TRUE(detail::producer_may_wait(0x1000, 0, r));
}

TEST(IvcWakeRule, PingPongRarelyRings) {
    // Strict ping-pong in a 16 KiB ring with 1 KiB records: the consumer's
    // room is almost the whole ring each time.
    constexpr u32 r = 0x4000;
    u32 rings = 0, read = 0, write = 0;
    for (int i = 0; i < 1000; ++i) {
        u32 rec = 1024;
        if ((write & (r - 1)) + rec > r)
            write += r - (write & (r - 1));
        write += rec;
        if (detail::producer_may_wait(write, read, r))
            ++rings;
        read = write;
    }
    EXPECT_LT(rings, 100u);
}

}  // namespace
