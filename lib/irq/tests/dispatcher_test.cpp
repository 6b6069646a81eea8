// lib/irq's portable dispatcher against a fake controller that records every
// call. The fake's raw acknowledge value deliberately differs from the INTID
// (a tag in the upper bits), so code that hands the controller one where it
// expects the other fails here.
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "dispatcher.hpp"

namespace tn::irq {
namespace {

constexpr u32 k_raw_tag = 0x5a000000;

class FakeController final : public Controller {
public:
    const char* name() const override { return "fake"; }
    u32 last_intid() const override { return last; }
    Result<void, Error> init_cpu() override {
        log("init_cpu");
        return {};
    }
    Event acknowledge() override {
        if (pending.empty())
            return {1023, 1023 | k_raw_tag};
        u32 id = pending.front();
        pending.pop_front();
        log("ack " + std::to_string(id));
        return {id, id | k_raw_tag};
    }
    void priority_drop(Event e) override { log("drop " + raw(e)); }
    void deactivate(Event e) override { log("deactivate " + raw(e)); }
    void enable(u32 id) override { log("enable " + std::to_string(id)); }
    void disable(u32 id) override { log("disable " + std::to_string(id)); }
    void set_priority(u32 id, u8 p) override { log("priority " + std::to_string(id) + " " + std::to_string(p)); }
    Result<void, Error> set_trigger(u32 id, Trigger t) override {
        log("trigger " + std::to_string(id) + (t == Trigger::Edge ? " edge" : " level"));
        return trigger_result;
    }
    Result<void, Error> set_affinity(u32 id, CpuAffinity cpu) override {
        log("affinity " + std::to_string(id) + " " + std::to_string(cpu.value()));
        return {};
    }
    Result<void, Error> send_sgi(u32 id, SgiTarget t) override {
        log("sgi " + std::to_string(id) + " mode " + std::to_string(static_cast<int>(t.mode)));
        return {};
    }
    void set_pending(u32 id) override { log("pending " + std::to_string(id)); }

    // Checks the raw value came back unchanged and reports the INTID in it.
    static std::string raw(Event e) {
        EXPECT_EQ(e.raw & ~0xffffffu, k_raw_tag);
        EXPECT_EQ(e.raw & 0xffffffu, e.intid);
        return std::to_string(e.intid);
    }
    void log(const std::string& s) { calls.push_back(s); }

    u32 last = 95;
    std::deque<u32> pending;
    std::vector<std::string> calls;
    Result<void, Error> trigger_result = {};
};

struct Fixture : ::testing::Test {
    static constexpr u32 k_slots = 64;
    Slot slots[k_slots] = {};
    Dispatcher d{slots, k_slots};
    FakeController fake;
    std::vector<std::string> handled;
    Completion next = Completion::Done;

    static Completion handler(Event e, void* ctx) {
        auto* self = static_cast<Fixture*>(ctx);
        self->handled.push_back(std::to_string(e.intid));
        self->fake.log("handler " + std::to_string(e.intid));
        return self->next;
    }
    void SetUp() override { d.install(fake); }
};

using Calls = std::vector<std::string>;

TEST(Intid, Ranges) {
    EXPECT_TRUE(is_sgi(0) && is_sgi(15) && !is_sgi(16));
    EXPECT_TRUE(is_ppi(16) && is_ppi(31) && !is_ppi(32) && !is_ppi(15));
    EXPECT_TRUE(is_spi(32) && is_spi(1019) && !is_spi(1020) && !is_spi(31));
    EXPECT_TRUE(is_special(1020) && is_special(1023) && !is_special(1019) && !is_special(1024));
}

TEST(CpuAffinity, KeepsOnlyAffinityFields) {
    // MPIDR_EL1 with U (bit 30), MT (bit 24) and RES1 (bit 31) set.
    CpuAffinity a{0x12'c1'03'02'01ull | (1ull << 31)};
    EXPECT_EQ(a.value(), 0x12'00'03'02'01ull);
    EXPECT_EQ(a.aff0(), 1u);
    EXPECT_EQ(a.aff1(), 2u);
    EXPECT_EQ(a.aff2(), 3u);
    EXPECT_EQ(a.aff3(), 0x12u);
}

TEST(ErrorName, NamesEveryError) {
    EXPECT_STREQ(error_name(Error::OutOfRange), "OutOfRange");
    EXPECT_STREQ(error_name(Error::Timeout), "Timeout");
    EXPECT_STREQ(error_name(static_cast<Error>(200)), "?");
}

TEST_F(Fixture, RegisterRejectsBadIntids) {
    EXPECT_EQ(d.register_handler(k_slots, handler, this).error(), Error::OutOfRange);
    EXPECT_EQ(d.register_handler(1023, handler, this).error(), Error::OutOfRange);
    fake.last = 40;
    EXPECT_EQ(d.register_handler(41, handler, this).error(), Error::OutOfRange);
    EXPECT_TRUE(d.register_handler(40, handler, this).ok());
    EXPECT_TRUE(d.register_handler(0, handler, this).ok());
}

TEST_F(Fixture, SpecialIntidsNeverAccepted) {
    Slot big[1024] = {};
    Dispatcher wide{big, 1024};
    for (u32 id = k_special_first; id <= k_special_last; ++id)
        EXPECT_EQ(wide.register_handler(id, handler, this).error(), Error::OutOfRange) << id;
}

TEST_F(Fixture, RegisterRejectsNullAndDoubleRegistration) {
    EXPECT_EQ(d.register_handler(33, nullptr, this).error(), Error::NoHandler);
    ASSERT_TRUE(d.register_handler(33, handler, this).ok());
    EXPECT_EQ(d.register_handler(33, handler, nullptr).error(), Error::AlreadyRegistered);
    EXPECT_TRUE(fake.calls.empty());
}

TEST_F(Fixture, UnregisterDisablesAndFreesTheSlot) {
    EXPECT_EQ(d.unregister_handler(33).error(), Error::NotRegistered);
    ASSERT_TRUE(d.register_handler(33, handler, this).ok());
    ASSERT_TRUE(d.unregister_handler(33).ok());
    EXPECT_EQ(fake.calls, (Calls{"disable 33"}));
    EXPECT_TRUE(d.register_handler(33, handler, this).ok());
}

TEST_F(Fixture, EnableNeedsAHandlerAndAController) {
    EXPECT_EQ(d.enable(33).error(), Error::NotRegistered);
    Slot s[64] = {};
    Dispatcher bare{s, 64};
    ASSERT_TRUE(bare.register_handler(33, handler, this).ok());
    EXPECT_EQ(bare.enable(33).error(), Error::NoController);
    EXPECT_EQ(bare.send_sgi(1, SgiTarget::self()).error(), Error::NoController);
    EXPECT_EQ(bare.init_this_cpu().error(), Error::NoController);
    ASSERT_TRUE(d.register_handler(33, handler, this).ok());
    ASSERT_TRUE(d.enable(33).ok());
    EXPECT_EQ(fake.calls, (Calls{"enable 33"}));
}

TEST_F(Fixture, PriorityAtOrAboveTheMaskIsRejected) {
    EXPECT_EQ(d.set_priority(33, k_priority_mask).error(), Error::BadPriority);
    EXPECT_EQ(d.set_priority(33, 0xff).error(), Error::BadPriority);
    EXPECT_EQ(d.set_priority(k_slots, 0x10).error(), Error::OutOfRange);
    ASSERT_TRUE(d.set_priority(33, k_priority_mask - 1).ok());
    EXPECT_EQ(fake.calls, (Calls{"priority 33 239"}));
}

TEST_F(Fixture, TriggerOfSgisIsFixedEdge) {
    EXPECT_TRUE(d.set_trigger(3, Trigger::Edge).ok());
    EXPECT_EQ(d.set_trigger(3, Trigger::Level).error(), Error::Unsupported);
    EXPECT_TRUE(fake.calls.empty());
    fake.trigger_result = err(Error::Unsupported);
    EXPECT_EQ(d.set_trigger(27, Trigger::Edge).error(), Error::Unsupported);
    fake.trigger_result = {};
    EXPECT_TRUE(d.set_trigger(40, Trigger::Level).ok());
    EXPECT_EQ(fake.calls, (Calls{"trigger 27 edge", "trigger 40 level"}));
}

TEST_F(Fixture, AffinityOnlyForSpis) {
    EXPECT_EQ(d.set_affinity(3, CpuAffinity{0}).error(), Error::NotSpi);
    EXPECT_EQ(d.set_affinity(27, CpuAffinity{0}).error(), Error::NotSpi);
    EXPECT_EQ(d.set_affinity(96, CpuAffinity{0}).error(), Error::OutOfRange);
    ASSERT_TRUE(d.set_affinity(32, CpuAffinity{0x101}).ok());
    EXPECT_EQ(fake.calls, (Calls{"affinity 32 257"}));
}

TEST_F(Fixture, SgisOnlyBelowSixteen) {
    EXPECT_EQ(d.send_sgi(16, SgiTarget::self()).error(), Error::NotSgi);
    EXPECT_EQ(d.send_sgi(1020, SgiTarget::others()).error(), Error::NotSgi);
    ASSERT_TRUE(d.send_sgi(15, SgiTarget::others()).ok());
    EXPECT_EQ(fake.calls, (Calls{"sgi 15 mode 1"}));
}

TEST_F(Fixture, RaiseIsForPpisAndSpis) {
    EXPECT_EQ(d.raise(2).error(), Error::Unsupported);
    ASSERT_TRUE(d.raise(27).ok());
    ASSERT_TRUE(d.raise(40).ok());
    EXPECT_EQ(fake.calls, (Calls{"pending 27", "pending 40"}));
}

TEST_F(Fixture, DispatchRunsHandlerThenDropThenDeactivate) {
    int ctx_seen = 0;
    auto h = [](Event e, void* ctx) {
        *static_cast<int*>(ctx) = static_cast<int>(e.intid);
        return Completion::Done;
    };
    ASSERT_TRUE(d.register_handler(40, h, &ctx_seen).ok());
    ASSERT_TRUE(d.register_handler(1, handler, this).ok());
    fake.pending = {40, 1};
    auto s = d.dispatch_pending();
    EXPECT_EQ(s.handled, 2u);
    EXPECT_EQ(s.unhandled, 0u);
    EXPECT_EQ(ctx_seen, 40);
    EXPECT_EQ(fake.calls, (Calls{"ack 40", "drop 40", "deactivate 40", "ack 1", "handler 1", "drop 1",
                                 "deactivate 1"}));
    EXPECT_EQ(d.stats().handled, 2u);
}

TEST_F(Fixture, SpuriousAcknowledgeEndsNothing) {
    auto s = d.dispatch_pending();
    EXPECT_EQ(s.handled + s.unhandled, 0u);
    EXPECT_TRUE(fake.calls.empty());
}

TEST_F(Fixture, UnhandledInterruptIsDisabledAndEnded) {
    fake.pending = {50};
    auto s = d.dispatch_pending();
    EXPECT_EQ(s.unhandled, 1u);
    EXPECT_EQ(s.last_unhandled, 50u);
    EXPECT_EQ(fake.calls, (Calls{"ack 50", "disable 50", "drop 50", "deactivate 50"}));
    EXPECT_EQ(d.stats().unhandled, 1u);
    EXPECT_EQ(d.stats().last_unhandled, 50u);
}

TEST_F(Fixture, InterruptAboveTheTableIsEndedNotIndexed) {
    fake.last = 200;  // The controller implements more INTIDs than the table holds.
    fake.pending = {150};
    auto s = d.dispatch_pending();
    EXPECT_EQ(s.unhandled, 1u);
    EXPECT_EQ(fake.calls, (Calls{"ack 150", "disable 150", "drop 150", "deactivate 150"}));
}

TEST_F(Fixture, IntidBeyondTheControllerIsEndedWithoutDisabling) {
    fake.pending = {8192};  // An LPI: no enable bit in the distributor.
    auto s = d.dispatch_pending();
    EXPECT_EQ(s.unhandled, 1u);
    EXPECT_EQ(s.last_unhandled, 8192u);
    EXPECT_EQ(fake.calls, (Calls{"ack 8192", "drop 8192", "deactivate 8192"}));
}

TEST_F(Fixture, DeferredCompletionKeepsTheInterruptActive) {
    ASSERT_TRUE(d.register_handler(27, handler, this).ok());
    next = Completion::Deferred;
    fake.pending = {27};
    d.dispatch_pending();
    EXPECT_EQ(fake.calls, (Calls{"ack 27", "handler 27", "drop 27"}));
    fake.calls.clear();
    ASSERT_TRUE(d.deactivate(Event{27, 27 | k_raw_tag}).ok());
    EXPECT_EQ(fake.calls, (Calls{"deactivate 27"}));
    EXPECT_EQ(d.deactivate(Event{1023, 1023}).error(), Error::OutOfRange);
}

TEST_F(Fixture, ReRegisteredHandlerGetsItsOwnContext) {
    int first = 0, second = 0;
    auto h = [](Event, void* ctx) {
        ++*static_cast<int*>(ctx);
        return Completion::Done;
    };
    ASSERT_TRUE(d.register_handler(33, h, &first).ok());
    fake.pending = {33};
    d.dispatch_pending();
    ASSERT_TRUE(d.unregister_handler(33).ok());
    ASSERT_TRUE(d.register_handler(33, h, &second).ok());
    fake.pending = {33, 33};
    d.dispatch_pending();
    EXPECT_EQ(first, 1);
    EXPECT_EQ(second, 2);
}

TEST_F(Fixture, InitThisCpuReachesTheController) {
    ASSERT_TRUE(d.init_this_cpu().ok());
    EXPECT_EQ(fake.calls, (Calls{"init_cpu"}));
}

}  // namespace
}  // namespace tn::irq
