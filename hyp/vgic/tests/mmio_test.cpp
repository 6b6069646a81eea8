// Host tests of the vGIC register frames: Tenon's GICv3 driver sequence, what
// Linux probes, and the defined behaviour of bad and reserved accesses.
#include "vgic_harness.hpp"

using namespace vgic_test;

namespace {

// drivers/irq/gicv3 try_init(): present(), init_distributor(), init_cpu(), in that order.
TEST(VgicMmio, TenonGicv3DriverSequence) {
    Guest g{config(2)};
    EXPECT_EQ(g.dr(gicd::pidr2) >> 4 & 0xf, 3u) << "ArchRev";
    g.dw(gicd::ctlr, 0);
    EXPECT_EQ(g.dr(gicd::ctlr) >> 31, 0u) << "RWP never set";
    g.dw(gicd::ctlr, 1u << 4);
    u32 lines = 32 * ((g.dr(gicd::typer) & 0x1f) + 1);
    EXPECT_EQ(lines, 288u);
    for (u32 id = 32; id < lines; id += 32) {
        g.dw(gicd::igroupr + id / 8, ~u32{0});
        g.dw(gicd::icenabler + id / 8, ~u32{0});
        g.dw(gicd::icpendr + id / 8, ~u32{0});
        g.dw(gicd::icactiver + id / 8, ~u32{0});
    }
    for (u32 id = 32; id < lines; id += 4)
        g.dw(gicd::ipriorityr + id, 0xa0a0a0a0);
    for (u32 id = 32; id < lines; id += 16)
        g.dw(gicd::icfgr + id / 4, 0);
    for (u32 id = 32; id < lines; ++id)
        g.dw(gicd::irouter + 8 * id, 0, 8);
    g.dw(gicd::ctlr, 1u << 4 | 1u << 1);
    EXPECT_EQ(g.dr(gicd::ctlr), (1u << 6) | (1u << 4) | (1u << 1));

    // init_cpu on vCPU 1: find its redistributor by affinity, wake it, reset SGIs/PPIs.
    unsigned found = 99;
    for (unsigned rd = 0;; ++rd) {
        u64 typer = g.rr(rd, gicr::typer, 8);
        if (typer >> 32 == 1) {
            found = rd;
            break;
        }
        ASSERT_EQ(typer & (1u << 4), 0u) << "Last set before vCPU 1's frame";
    }
    ASSERT_EQ(found, 1u);
    EXPECT_EQ(g.rr(1, gicr::waker), 6u) << "asleep after reset";
    g.rw(1, gicr::waker, g.rr(1, gicr::waker) & ~2u);
    EXPECT_EQ(g.rr(1, gicr::waker) & 4u, 0u) << "ChildrenAsleep follows ProcessorSleep";
    g.rw(1, gicr::sgi + gicd::igroupr, ~u32{0});
    g.rw(1, gicr::sgi + gicd::icenabler, ~u32{0});
    g.rw(1, gicr::sgi + gicd::icpendr, ~u32{0});
    g.rw(1, gicr::sgi + gicd::icactiver, ~u32{0});
    for (u32 id = 0; id < 32; id += 4)
        g.rw(1, gicr::sgi + gicd::ipriorityr + id, 0xa0a0a0a0);
    EXPECT_EQ(g.rr(1, gicr::ctlr) & (1u << 3), 0u) << "GICR RWP";

    // enable(27), set_priority(27), set_trigger(27, level): read-back must agree.
    g.rw(1, gicr::sgi + gicd::isenabler, 1u << 27);
    g.rw(1, gicr::sgi + gicd::ipriorityr + 27, 0x80, 1);
    u32 cfg = static_cast<u32>(g.rr(1, gicr::sgi + gicd::icfgr + 4));
    g.rw(1, gicr::sgi + gicd::icfgr + 4, cfg & ~(2u << 22));
    EXPECT_EQ(g.rr(1, gicr::sgi + gicd::icfgr + 4) & (2u << 22), 0u);
    EXPECT_EQ(g.rr(1, gicr::sgi + gicd::isenabler), 1u << 27);
    EXPECT_EQ(g.rr(0, gicr::sgi + gicd::isenabler), 0u) << "banked per vCPU";
    IrqView t = g.v.view(1, 27);
    EXPECT_TRUE(t.enabled && t.group1 && !t.edge);
    EXPECT_EQ(t.priority, 0x80);

    // set_affinity(40, vCPU 1), enable(40).
    g.dw(gicd::irouter + 8 * 40, 1, 8);
    g.dw(gicd::isenabler + 4, 1u << 8);
    EXPECT_EQ(g.v.spi_target(40), 1);
    EXPECT_EQ(g.dr(gicd::irouter + 8 * 40, 8), 1u);
    EXPECT_EQ(g.dr(gicd::isenabler + 4), 1u << 8);
}

TEST(VgicMmio, IdentificationAndTypeRegistersForLinux) {
    Guest g{config(3, 128)};
    EXPECT_EQ(g.dr(gicd::typer) & 0x1f, 3u);
    EXPECT_EQ(g.dr(gicd::typer) >> 19 & 0x1f, 9u) << "IDbits: 10-bit INTIDs";
    EXPECT_EQ(g.dr(gicd::typer) & (1u << 17), 0u) << "no LPIs";
    EXPECT_EQ(g.dr(gicd::typer2), 0u);
    EXPECT_EQ(g.dr(gicd::iidr), g.rr(0, gicr::iidr));
    for (unsigned rd = 0; rd < 3; ++rd) {
        EXPECT_EQ(g.rr(rd, gicr::pidr2) >> 4 & 0xf, 3u);
        u64 typer = g.rr(rd, gicr::typer, 8);
        EXPECT_EQ(typer >> 32, rd) << "Affinity_Value = Aff0";
        EXPECT_EQ(typer >> 8 & 0xffff, rd) << "Processor_Number";
        EXPECT_EQ((typer >> 4) & 1, rd == 2 ? 1u : 0u) << "Last";
        EXPECT_EQ(typer & 3, 0u) << "no (v)LPIs";
        EXPECT_EQ(g.rr(rd, gicr::typer, 4), typer & 0xffffffff);
        EXPECT_EQ(g.rr(rd, gicr::typer + 4, 4), typer >> 32);
    }
    g.rw(0, gicr::propbaser, 0x1234000, 8);
    EXPECT_EQ(g.rr(0, gicr::propbaser, 8), 0u) << "PROPBASER RAZ/WI without LPIs";
    g.rw(0, gicr::ctlr, 1);
    EXPECT_EQ(g.rr(0, gicr::ctlr), 0u) << "EnableLPIs cannot be set";
}

TEST(VgicMmio, CustomAffinityAppearsInTyperAndRouting) {
    Config c = config(2);
    c.mpidr[0] = 0x100;        // Aff1 = 1
    c.mpidr[1] = 0x1'0000'0101;  // Aff3 = 1, Aff1 = 1, Aff0 = 1
    Guest g{c};
    EXPECT_EQ(g.rr(1, gicr::typer + 4), 0x0100'0101u);
    g.dw(gicd::irouter + 8 * 33, 0x1'0000'0101, 8);
    EXPECT_EQ(g.v.spi_target(33), 1);
    g.dw(gicd::irouter + 8 * 33, 0x0100, 4);  // low half only: Aff3 kept
    EXPECT_EQ(g.v.spi_target(33), -1) << "Aff3=1,Aff1=1,Aff0=0 names no vCPU";
    g.dw(gicd::irouter + 8 * 33 + 4, 0, 4);
    EXPECT_EQ(g.v.spi_target(33), 0);
}

TEST(VgicMmio, PrioritiesKeepOnlyImplementedBits) {
    Guest g{config(1)};
    g.dw(gicd::ipriorityr + 32, 0xffffffff);
    EXPECT_EQ(g.dr(gicd::ipriorityr + 32), 0xf8f8f8f8u);
    EXPECT_EQ(g.dr(gicd::ipriorityr + 33, 1), 0xf8u);
    Config c = config(1);
    c.priority_bits = 8;
    Guest full{c};
    full.dw(gicd::ipriorityr + 35, 0x17, 1);
    EXPECT_EQ(full.dr(gicd::ipriorityr + 32), 0x17000000u);
}

TEST(VgicMmio, ConfigurationRegistersSgisAreEdgeOnly) {
    Guest g{config(1)};
    EXPECT_EQ(g.rr(0, gicr::sgi + gicd::icfgr), 0xaaaaaaaau);
    g.rw(0, gicr::sgi + gicd::icfgr, 0);
    EXPECT_EQ(g.rr(0, gicr::sgi + gicd::icfgr), 0xaaaaaaaau);
    g.dw(gicd::icfgr + 8, 0x2);  // INTID 32 edge
    EXPECT_EQ(g.dr(gicd::icfgr + 8), 0x2u);
    EXPECT_TRUE(g.v.view(0, 32).edge);
    g.dw(gicd::icfgr + 12, 0x80000000);  // INTID 63 edge
    EXPECT_TRUE(g.v.view(0, 63).edge);
    EXPECT_FALSE(g.v.view(0, 62).edge);
}

TEST(VgicMmio, BankedWordsInDistributorAndLinesBeyondTheEndAreRazWi) {
    Guest g{config(1, 64)};
    g.dw(gicd::isenabler, ~u32{0});
    EXPECT_EQ(g.dr(gicd::isenabler), 0u);
    EXPECT_FALSE(g.v.view(0, 5).enabled);
    g.dw(gicd::isenabler + 8, ~u32{0});  // INTIDs 64-95: not implemented
    EXPECT_EQ(g.dr(gicd::isenabler + 8), 0u);
    g.dw(gicd::ipriorityr + 4, 0x80808080);
    EXPECT_EQ(g.dr(gicd::ipriorityr + 4), 0u);
    g.dw(gicd::irouter + 8 * 64, 1, 8);
    EXPECT_EQ(g.dr(gicd::irouter + 8 * 64, 8), 0u);
    g.dw(gicd::irouter + 8 * 5, 1, 8);
    EXPECT_EQ(g.dr(gicd::irouter + 8 * 5, 8), 0u);
    g.dw(gicd::itargetsr + 32, 0xff, 1);
    EXPECT_EQ(g.dr(gicd::itargetsr + 32, 1), 0u);
    EXPECT_EQ(g.dr(0x0f00), 0u) << "GICD_SGIR";
    EXPECT_EQ(g.dr(0x1000), 0u) << "reserved";
    EXPECT_EQ(g.rr(0, gicr::sgi + gicd::isenabler + 4), 0u) << "extended PPI range";
    EXPECT_EQ(g.rr(0, gicr::sgi + gicd::ipriorityr + 32), 0u);
    EXPECT_EQ(g.rr(0, 0x0200), 0u) << "reserved RD_base offset";
}

TEST(VgicMmio, BadAccessesAreRefused) {
    Guest g{config(2)};
    u64 v = 0;
    MmioDevice& d = g.v.distributor();
    MmioDevice& r = g.v.redistributor();
    EXPECT_FALSE(d.read(0, 0x10000, 4, v)) << "outside GICD";
    EXPECT_FALSE(d.read(0, 0xfffe, 4, v)) << "crosses the end";
    EXPECT_FALSE(d.read(0, gicd::ctlr, 8, v)) << "64-bit access to a 32-bit register";
    EXPECT_FALSE(d.read(0, gicd::ctlr, 2, v));
    EXPECT_FALSE(d.read(0, gicd::ctlr, 1, v));
    EXPECT_FALSE(d.read(0, gicd::typer + 2, 4, v)) << "misaligned";
    EXPECT_FALSE(d.read(0, gicd::ctlr, 3, v));
    EXPECT_FALSE(d.write(0, gicd::isenabler + 4, 1, 1)) << "byte access to a bitmap";
    EXPECT_FALSE(d.write(0, gicd::ipriorityr + 32, 2, 0)) << "halfword priority";
    EXPECT_FALSE(d.write(0, gicd::ipriorityr + 32, 8, 0));
    EXPECT_FALSE(d.write(0, gicd::irouter + 8 * 40, 2, 0));
    EXPECT_FALSE(d.write(0, gicd::irouter + 8 * 40 + 4, 8, 0)) << "misaligned 64-bit";
    EXPECT_FALSE(d.write(0, ~u64{0} - 3, 4, 0)) << "offset wraps";
    EXPECT_FALSE(r.read(0, 2 * k_gicr_stride, 4, v)) << "a third frame for two vCPUs";
    EXPECT_FALSE(r.read(0, gicr::waker, 8, v)) << "64-bit WAKER";
    EXPECT_FALSE(r.read(0, gicr::sgi + gicd::isenabler, 8, v));
    EXPECT_TRUE(d.read(0, gicd::irouter + 8 * 40 + 4, 4, v)) << "upper IROUTER half";
}

}  // namespace
