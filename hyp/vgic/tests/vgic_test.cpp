// Host tests of interrupt delivery: injection, routing, list-register
// load/save with a simulated guest CPU interface.
#include <random>

#include "vgic_harness.hpp"

using namespace vgic_test;
using ich::Lr;
using ich::LrState;

namespace {

struct Lrs {
    u64 raw[ich::k_max_lrs] = {};
    unsigned count = 0;
    Lr at(unsigned i) const { return Lr::decode(raw[i]); }
};

Lrs load(Vgic& v, unsigned cpu, unsigned nr = 4) {
    Lrs l;
    l.count = v.load_lrs(cpu, l.raw, nr);
    for (unsigned i = l.count; i < nr; ++i)
        EXPECT_EQ(l.raw[i], 0u) << "unused LR " << i << " must be invalid";
    return l;
}

/// What the guest's CPU interface does: acknowledge (pending -> active) or
/// deactivate (active -> invalid, or pending if it was pending+active).
void ack(Lrs& l, unsigned i) {
    Lr x = l.at(i);
    ASSERT_TRUE(x.pending());
    x.state = x.state == LrState::PendingActive ? LrState::PendingActive : LrState::Active;
    l.raw[i] = x.encode();
}
void deactivate(Lrs& l, unsigned i) {
    Lr x = l.at(i);
    ASSERT_TRUE(x.active());
    x.state = x.pending() ? LrState::Pending : LrState::Invalid;
    l.raw[i] = x.encode();
}

TEST(VgicLr, EncodeDecodeRoundTrips) {
    Lr a{.vintid = 1019, .pintid = 0, .priority = 0xa0, .group1 = true, .hw = false, .eoi = true,
         .state = LrState::PendingActive};
    EXPECT_EQ(Lr::decode(a.encode()), a);
    Lr b{.vintid = 27, .pintid = 27, .priority = 0, .group1 = false, .hw = true, .eoi = false,
         .state = LrState::Active};
    EXPECT_EQ(Lr::decode(b.encode()), b);
    EXPECT_EQ(b.encode() >> 62, 2u);
    EXPECT_EQ(b.encode() >> 61 & 1, 1u);
    EXPECT_EQ(b.encode() >> 32 & 0x1fff, 27u);
    EXPECT_EQ(a.encode() >> 41 & 1, 1u);
}

TEST(Vgic, TimerPpiGoesThroughPendingActiveIdle) {
    Guest g{config(1)};
    g.enable_group1(0, 27);
    g.set_priority(0, 27, 0xa0);
    g.v.inject(0, 27);
    EXPECT_TRUE(g.v.has_deliverable(0));
    Lrs l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0), (Lr{.vintid = 27, .pintid = 0, .priority = 0xa0, .group1 = true, .hw = false,
                           .eoi = true, .state = LrState::Pending}));
    EXPECT_TRUE(g.v.view(0, 27).queued);
    EXPECT_TRUE(g.v.view(0, 27).pending) << "reads see the queued state";
    ack(l, 0);
    g.v.save_lrs(0, l.raw, l.count);
    IrqView s = g.v.view(0, 27);
    EXPECT_TRUE(s.active && !s.queued);
    EXPECT_EQ(g.rr(0, gicr::sgi + gicd::isactiver), 1u << 27);
    // Still active: it must be back in an LR so the guest can deactivate it.
    l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0).state, LrState::Active);
    deactivate(l, 0);
    g.v.save_lrs(0, l.raw, l.count);
    s = g.v.view(0, 27);
    EXPECT_FALSE(s.active || s.pending || s.queued);
    EXPECT_EQ(load(g.v, 0).count, 0u);
}

TEST(Vgic, NothingIsDeliveredWhileDisabledOrItsGroupIsOff) {
    Guest g{config(1)};
    g.v.inject(0, 40);
    EXPECT_EQ(load(g.v, 0).count, 0u) << "disabled";
    EXPECT_TRUE(g.v.view(0, 40).pending) << "but pending";
    g.dw(gicd::isenabler + 4, 1u << 8);
    EXPECT_EQ(load(g.v, 0).count, 0u) << "distributor off";
    g.dw(gicd::ctlr, 0x2);  // Group 1 on, interrupt still Group 0
    EXPECT_EQ(load(g.v, 0).count, 0u);
    g.dw(gicd::ctlr, 0x1);  // Group 0 on
    Lrs l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_FALSE(l.at(0).group1);
}

TEST(Vgic, HighestPriorityFirstAndOverflowReported) {
    Guest g{config(1)};
    g.dw(gicd::ctlr, 0x12);
    g.dw(gicd::igroupr + 4, ~u32{0});
    g.dw(gicd::isenabler + 4, ~u32{0});
    const u32 ids[] = {50, 40, 60, 45};
    const u8 prio[] = {0x80, 0x80, 0x10, 0xf0};
    for (unsigned i = 0; i < 4; ++i) {
        g.set_priority(0, ids[i], prio[i]);
        g.v.inject(0, ids[i]);
    }
    Lrs l = load(g.v, 0, 2);
    ASSERT_EQ(l.count, 2u);
    EXPECT_EQ(l.at(0).vintid, 60u);
    EXPECT_EQ(l.at(1).vintid, 40u) << "equal priority: lower INTID first";
    EXPECT_TRUE(g.v.overflow(0));
    g.v.save_lrs(0, l.raw, l.count);  // untouched: still pending
    l = load(g.v, 0, 4);
    EXPECT_EQ(l.count, 4u);
    EXPECT_FALSE(g.v.overflow(0));
}

TEST(Vgic, ActiveInterruptsAreLoadedBeforePendingOnes) {
    Guest g{config(1)};
    g.enable_group1(0, 33);
    g.dw(gicd::isenabler + 4, 1u << 2);  // 34
    g.set_priority(0, 33, 0xf0);
    g.set_priority(0, 34, 0x00);
    g.dw(gicd::isactiver + 4, 1u << 1);  // 33 active
    g.v.inject(0, 34);
    Lrs l = load(g.v, 0, 1);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0).vintid, 33u);
    EXPECT_EQ(l.at(0).state, LrState::Active);
    EXPECT_TRUE(g.v.overflow(0));
}

TEST(Vgic, SpisFollowIrouter) {
    Guest g{config(3)};
    g.enable_group1(0, 48);
    g.dw(gicd::irouter + 8 * 48, 2, 8);
    g.v.inject(0, 48);
    EXPECT_EQ(load(g.v, 0).count, 0u);
    EXPECT_FALSE(g.v.has_deliverable(1));
    EXPECT_TRUE(g.v.has_deliverable(2));
    Lrs l = load(g.v, 2);
    ASSERT_EQ(l.count, 1u);
    // Queued on vCPU 2: not loaded elsewhere even if rerouted meanwhile.
    g.dw(gicd::irouter + 8 * 48, 1, 8);
    EXPECT_EQ(load(g.v, 1).count, 0u);
    g.v.save_lrs(1, l.raw, l.count);  // not vCPU 1's LR: ignored
    EXPECT_TRUE(g.v.view(0, 48).queued);
    g.v.save_lrs(2, l.raw, l.count);
    EXPECT_EQ(load(g.v, 1).count, 1u);
    // IRM = 1: lowest awake vCPU.
    g.dw(gicd::irouter + 8 * 49, 1u << 31, 8);
    EXPECT_EQ(g.v.spi_target(49), 0) << "nobody awake: vCPU 0";
    g.rw(2, gicr::waker, 0);
    EXPECT_EQ(g.v.spi_target(49), 2);
    // An affinity naming no vCPU: never delivered.
    g.dw(gicd::irouter + 8 * 50, 7, 8);
    EXPECT_EQ(g.v.spi_target(50), -1);
}

TEST(Vgic, EveryLoadedInterruptComesBackAtSave) {
    Guest g{config(1)};
    for (u32 id : {27u, 30u}) {
        g.enable_group1(0, id);
        g.v.inject(0, id);
    }
    Lrs l = load(g.v, 0);
    ASSERT_EQ(l.count, 2u);
    const u32 first = l.at(0).vintid, second = l.at(1).vintid;
    ack(l, 0);
    Lr bad = l.at(1);
    bad.vintid = 999;  // read back naming another INTID, and invalid
    bad.state = LrState::Invalid;
    l.raw[1] = bad.encode();
    g.v.save_lrs(0, l.raw, l.count);
    IrqView a = g.v.view(0, first), b = g.v.view(0, second);
    EXPECT_TRUE(a.active && !a.pending && !a.queued) << "its LR was read back: acknowledged";
    EXPECT_TRUE(b.pending && !b.active && !b.queued) << "its LR was not: pending as loaded";
    EXPECT_FALSE(g.v.view(0, 999).queued);

    // The caller passes fewer LRs than were loaded: the rest come back as loaded.
    l = load(g.v, 0);
    ASSERT_EQ(l.count, 2u);
    g.v.save_lrs(0, l.raw, 0);
    a = g.v.view(0, first);
    b = g.v.view(0, second);
    EXPECT_TRUE(a.active && !a.queued);
    EXPECT_TRUE(b.pending && !b.queued);
    EXPECT_EQ(load(g.v, 0).count, 2u) << "both deliverable again";
}

TEST(Vgic, LevelInterruptStaysPendingWhileTheLineIsHigh) {
    Guest g{config(1)};
    g.enable_group1(0, 33);
    g.v.set_level(0, 33, true);
    Lrs l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_TRUE(l.at(0).eoi) << "level: maintenance interrupt on deactivation to resample";
    ack(l, 0);
    g.v.save_lrs(0, l.raw, l.count);
    l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0).state, LrState::PendingActive) << "line still high";
    g.v.set_level(0, 33, false);
    deactivate(l, 0);
    Lr x = l.at(0);
    x.state = LrState::Invalid;  // guest also acknowledged+deactivated the re-pended one
    l.raw[0] = x.encode();
    g.v.save_lrs(0, l.raw, l.count);
    EXPECT_FALSE(g.v.view(0, 33).pending);
    EXPECT_EQ(load(g.v, 0).count, 0u);
}

TEST(Vgic, SoftwarePendedLevelInterruptIsConsumedByAcknowledge) {
    Guest g{config(1)};
    g.enable_group1(0, 35);
    g.dw(gicd::ispendr + 4, 1u << 3);
    Lrs l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    ack(l, 0);
    g.v.save_lrs(0, l.raw, l.count);
    EXPECT_FALSE(g.v.view(0, 35).pending);
    EXPECT_TRUE(g.v.view(0, 35).active);
}

TEST(Vgic, EdgeInjectedWhileQueuedIsKept) {
    Guest g{config(1)};
    g.enable_group1(0, 27);
    g.v.inject(0, 27);
    Lrs l = load(g.v, 0);
    ack(l, 0);
    g.v.inject(0, 27);  // a second edge while the first is being handled
    g.v.save_lrs(0, l.raw, l.count);
    IrqView s = g.v.view(0, 27);
    EXPECT_TRUE(s.active && s.pending);
    l = load(g.v, 0);
    EXPECT_EQ(l.at(0).state, LrState::PendingActive);
}

TEST(Vgic, HardwareLinkedInterruptIsNeverPendingAndActiveInAnLr) {
    Guest g{config(1)};
    g.enable_group1(0, 27);
    g.v.inject_hw(0, 27, 27);
    Lrs l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_TRUE(l.at(0).hw);
    EXPECT_EQ(l.at(0).pintid, 27u);
    EXPECT_FALSE(l.at(0).eoi);
    ack(l, 0);
    g.v.inject_hw(0, 27, 27);
    g.v.save_lrs(0, l.raw, l.count);
    l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0).state, LrState::Active);
    EXPECT_TRUE(g.v.view(0, 27).pending) << "pending waits in the model";
    deactivate(l, 0);
    g.v.save_lrs(0, l.raw, l.count);
    l = load(g.v, 0);
    EXPECT_EQ(l.at(0).state, LrState::Pending);
    g.v.save_lrs(0, l.raw, l.count);
    g.v.unlink(0, 27);
    l = load(g.v, 0);
    EXPECT_FALSE(l.at(0).hw);
}

TEST(Vgic, SgisReachTheirTargets) {
    Guest g{config(4)};
    for (unsigned c = 0; c < 4; ++c)
        g.enable_group1(c, 3);
    // TargetList {1, 3}, INTID 3, cluster 0.
    EXPECT_EQ(g.v.send_sgi(0, 3ull << 24 | 0b1010), 0b1010u);
    EXPECT_TRUE(g.v.view(1, 3).pending);
    EXPECT_FALSE(g.v.view(2, 3).pending);
    EXPECT_TRUE(g.v.view(3, 3).pending);
    // IRM: everyone but the sender.
    EXPECT_EQ(g.v.send_sgi(2, 5ull << 24 | 1ull << 40), 0b1011u);
    // Another cluster (Aff1 = 1): nobody.
    EXPECT_EQ(g.v.send_sgi(0, 3ull << 24 | 1ull << 16 | 1), 0u);
    EXPECT_EQ(g.v.send_sgi(9, 1), 0u) << "unknown sender";
    Lrs l = load(g.v, 1);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0).vintid, 3u);
}

// A world switch walks only the banks that may hold something (and none at all when no bank can):
// every way an interrupt becomes pending or active after a scan found its bank empty must be
// seen by the next load.
TEST(Vgic, EveryWayABankFillsUpAfterAnEmptyScanIsSeen) {
    Guest g{config(2)};
    for (u32 id : {3u, 27u, 33u, 40u, 41u, 70u})
        for (unsigned c = 0; c < 2; ++c)
            g.enable_group1(c, id);
    EXPECT_EQ(load(g.v, 0).count, 0u);
    EXPECT_EQ(load(g.v, 1).count, 0u);
    EXPECT_FALSE(g.v.has_deliverable(0));

    g.v.inject(0, 27);  // private, by injection
    Lrs l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    ack(l, 0);
    g.v.save_lrs(0, l.raw, l.count);  // active now: back in the model
    l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u) << "an active interrupt must be loaded again";
    deactivate(l, 0);
    g.v.save_lrs(0, l.raw, l.count);
    EXPECT_EQ(load(g.v, 0).count, 0u);

    g.dw(gicd::ispendr + 4, 1u << (40 - 32));  // shared, by GICD_ISPENDR
    EXPECT_TRUE(g.v.has_deliverable(0));
    l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0).vintid, 40u);
    g.v.save_lrs(0, l.raw, 0);  // not read back: pending as loaded
    g.dw(gicd::icpendr + 4, 1u << (40 - 32));
    EXPECT_EQ(load(g.v, 0).count, 0u);

    g.dw(gicd::isactiver + 4, 1u << (41 - 32));  // by GICD_ISACTIVER
    l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_TRUE(l.at(0).active());
    g.v.save_lrs(0, l.raw, 0);
    g.dw(gicd::icactiver + 4, 1u << (41 - 32));
    EXPECT_EQ(load(g.v, 0).count, 0u);

    g.v.set_level(0, 33, true);  // by a level line
    EXPECT_EQ(load(g.v, 0).count, 1u);
    g.v.save_lrs(0, nullptr, 0);
    g.v.set_level(0, 33, false);
    EXPECT_EQ(load(g.v, 0).count, 0u);

    EXPECT_EQ(g.v.send_sgi(0, 3ull << 24 | 0b10), 0b10u);  // another vCPU's bank, by an SGI
    l = load(g.v, 1);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0).vintid, 3u);

    // Pending but disabled: the bank stays in the walk, and enabling delivers it.
    g.dw(gicd::icenabler + 8, 1u << (70 - 64));
    g.v.inject(0, 70);
    EXPECT_EQ(load(g.v, 0).count, 0u);
    g.dw(gicd::isenabler + 8, 1u << (70 - 64));
    l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0).vintid, 70u);
}

// inject_hw_and_load() (the entry with the virtual timer just taken at EL2) against inject_hw() then
// load_lrs() on a twin: random injections, level lines, enables, priorities, group and distributor
// switches, and guest acknowledges and deactivations between entries, with one to four LRs. Both
// must fill the same LRs, report the same overflow and leave the same model, also once a last exit
// has folded the LRs back.
TEST(Vgic, InjectHwAndLoadEqualsInjectHwThenLoad) {
    constexpr u32 ids[] = {1, 3, 26, 27, 30, 33, 40, 63, 64, 70, 100};
    for (unsigned seed = 1; seed <= 200; ++seed) {
        std::mt19937 rng(seed);
        auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
        const unsigned nv = 1 + pick(2), nr = 1 + pick(4);
        Guest a{config(nv, 128)}, b{config(nv, 128)};
        Guest* both[] = {&a, &b};
        for (Guest* g : both)
            for (unsigned c = 0; c < nv; ++c)
                for (u32 id : ids)
                    g->enable_group1(c, id);
        Lrs la[2], lb[2];
        bool in_guest[2] = {false, false};
        for (unsigned step = 0; step < 120; ++step) {
            const unsigned c = pick(nv);
            const u32 id = ids[pick(sizeof ids / sizeof ids[0])];
            switch (pick(9)) {
            case 0: for (Guest* g : both) g->v.inject(c, id); break;
            case 1: for (Guest* g : both) g->v.inject_hw(c, id, id); break;
            case 2: { const bool level = pick(2); for (Guest* g : both) g->v.set_level(c, id, level); break; }
            case 3: {  // enable or disable
                const u64 off = (pick(2) ? gicd::isenabler : gicd::icenabler) + id / 32 * 4;
                for (Guest* g : both)
                    id < 32 ? g->rw(c, gicr::sgi + off, u32{1} << id) : g->dw(off, u32{1} << (id % 32));
                break;
            }
            case 4: { const u8 prio = static_cast<u8>(pick(4) << 6); for (Guest* g : both) g->set_priority(c, id, prio); break; }
            case 5: { const u64 ctlr = pick(4) ? 0x12 : 0x10; for (Guest* g : both) g->dw(gicd::ctlr, ctlr); break; }
            case 6:  // the guest works through its LRs (the same way on both)
                if (in_guest[c])
                    for (unsigned i = 0; i < la[c].count; ++i) {
                        const Lr x = la[c].at(i);
                        if (pick(2) == 0)
                            continue;
                        Lr y = x;
                        if (x.pending() && x.state != LrState::PendingActive)
                            y.state = LrState::Active;
                        else if (x.active())
                            y.state = x.pending() ? LrState::Pending : LrState::Invalid;
                        la[c].raw[i] = y.encode();
                        lb[c].raw[i] = y.encode();
                    }
                break;
            default:  // exit (if in the guest), then an entry with the timer taken
                if (in_guest[c]) {
                    a.v.save_lrs(c, la[c].raw, la[c].count);
                    b.v.save_lrs(c, lb[c].raw, lb[c].count);
                }
                a.v.inject_hw(c, 27, 27);
                la[c] = Lrs{};
                la[c].count = a.v.load_lrs(c, la[c].raw, nr);
                lb[c] = Lrs{};
                lb[c].count = b.v.inject_hw_and_load(c, 27, 27, lb[c].raw, nr);
                in_guest[c] = true;
                ASSERT_EQ(la[c].count, lb[c].count) << "seed " << seed << " step " << step;
                for (unsigned i = 0; i < nr; ++i)
                    ASSERT_EQ(la[c].raw[i], lb[c].raw[i]) << "LR " << i << ", seed " << seed << " step " << step;
                ASSERT_EQ(a.v.overflow(c), b.v.overflow(c)) << "seed " << seed << " step " << step;
                break;
            }
        }
        for (unsigned c = 0; c < nv; ++c)
            if (in_guest[c]) {  // a last exit: what the LRs still hold goes back into the models
                a.v.save_lrs(c, la[c].raw, la[c].count);
                b.v.save_lrs(c, lb[c].raw, lb[c].count);
            }
        for (unsigned c = 0; c < nv; ++c)
            for (u32 id : ids) {
                const IrqView x = a.v.view(c, id), y = b.v.view(c, id);
                ASSERT_TRUE(x.enabled == y.enabled && x.pending == y.pending && x.active == y.active &&
                            x.queued == y.queued && x.priority == y.priority)
                    << "INTID " << id << " of vCPU " << c << ", seed " << seed;
            }
    }
}

// The timer's entry on its lean path (a guest with nothing else): the LR names the physical timer;
// an exit before the guest acknowledged it keeps it pending in the model for the next entry, and
// one after the guest ended it leaves nothing.
TEST(Vgic, InjectHwAndLoadAloneKeepsAnUnacknowledgedTimer) {
    Guest g{config(1)};
    g.enable_group1(0, 27);
    Lrs l;
    l.count = g.v.inject_hw_and_load(0, 27, 27, l.raw, 4);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0), (Lr{.vintid = 27, .pintid = 27, .priority = 0, .group1 = true, .hw = true,
                           .state = LrState::Pending}));
    EXPECT_TRUE(g.v.view(0, 27).queued);
    g.v.save_lrs(0, l.raw, l.count);  // still pending in the LR
    EXPECT_TRUE(g.v.view(0, 27).pending);
    EXPECT_FALSE(g.v.view(0, 27).queued);
    l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    EXPECT_EQ(l.at(0).vintid, 27u);
    EXPECT_TRUE(l.at(0).pending());
    Lr done = l.at(0);
    done.state = LrState::Invalid;  // the guest acknowledged and deactivated it
    l.raw[0] = done.encode();
    g.v.save_lrs(0, l.raw, l.count);
    EXPECT_FALSE(g.v.view(0, 27).pending);
    EXPECT_FALSE(g.v.view(0, 27).active);
    EXPECT_EQ(load(g.v, 0).count, 0u);
    EXPECT_FALSE(g.v.has_deliverable(0));
}

TEST(Vgic, ClearingAQueuedInterruptTakesEffectAtSave) {
    Guest g{config(2)};
    g.enable_group1(0, 40);
    g.v.inject(0, 40);
    Lrs l = load(g.v, 0);
    ASSERT_EQ(l.count, 1u);
    g.dw(gicd::icpendr + 4, 1u << 8);  // from the other vCPU while 40 sits in vCPU 0's LR
    EXPECT_FALSE(g.v.view(0, 40).pending);
    g.v.save_lrs(0, l.raw, l.count);
    EXPECT_FALSE(g.v.view(0, 40).pending);
    EXPECT_EQ(load(g.v, 0).count, 0u);
}

TEST(Vgic, OutOfRangeArgumentsAreIgnored) {
    Guest g{config(1, 64)};
    g.v.inject(5, 3);
    g.v.inject(0, 64);
    g.v.inject(0, 1020);
    g.v.inject_hw(0, 40, 5000);
    g.v.set_level(0, 2000, true);
    u64 lrs[4];
    EXPECT_EQ(g.v.load_lrs(7, lrs, 4), 0u);
    EXPECT_EQ(g.v.inject_hw_and_load(7, 27, 27, lrs, 4), 0u);
    EXPECT_EQ(g.v.inject_hw_and_load(0, 27, 5000, lrs, 4), 0u);
    EXPECT_EQ(g.v.inject_hw_and_load(0, 1020, 27, lrs, 4), 0u);
    EXPECT_FALSE(g.v.has_deliverable(0));
    const u64 junk[2] = {Lr{.vintid = 999999, .state = LrState::Pending}.encode(),
                         Lr{.vintid = 40, .state = LrState::Active}.encode()};
    g.v.save_lrs(0, junk, 2);
    EXPECT_FALSE(g.v.view(0, 40).active) << "an LR we did not load is ignored";
    IrqView none = g.v.view(0, 64);
    EXPECT_FALSE(none.pending || none.enabled);
}

TEST(Vgic, ResetForgetsEverything) {
    Guest g{config(2)};
    g.enable_group1(1, 27);
    g.v.inject(1, 27);
    g.rw(1, gicr::waker, 0);
    Lrs l = load(g.v, 1);
    ASSERT_EQ(l.count, 1u);
    g.v.reset();
    IrqView s = g.v.view(1, 27);
    EXPECT_FALSE(s.pending || s.enabled || s.queued || s.group1);
    EXPECT_EQ(g.rr(1, gicr::waker), 6u);
    EXPECT_EQ(g.dr(gicd::ctlr), 0x50u);
    g.v.save_lrs(1, l.raw, l.count);  // stale LRs after a reset: ignored
    EXPECT_FALSE(g.v.view(1, 27).active);
}

}  // namespace
