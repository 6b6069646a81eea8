// Host tests of the hypercall table: ID encoding, registration (duplicates, malformed
// declarations, the linker section), argument validation and the provided groups, against
// fake guest memory, console and lifecycle.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <mortise/hypercall.hpp>

#include "fakes.hpp"

namespace mortise::hypercall {
namespace {

using test::FakeConsole;
using test::FakeIvc;
using test::FakeLifecycle;
using test::FakeMemory;

int g_probe_calls = 0;
Return probe(const Call& c) {
    ++g_probe_calls;
    return {0, c.args[0], c.args[1], 0};
}

// A group of the test's own, registered through the same macro as the real ones.
constexpr Function k_probe_functions[] = {
    {0x10, 2, false, {value_arg(1, 100), value_arg(0, 0xffff, 8)}, probe, "probe.ranges"},
    {0x11, 1, false, {guest_arg()}, probe, "probe.guest"},
    {0x12, 1, true, {value_arg(1, 100)}, probe, "probe.fast_privileged", true},
};
const Group k_probe_group{GroupId::Sched, "probe", k_probe_functions, 3};
MORTISE_HYPERCALL_GROUP(k_probe_group);

constexpr usize k_builtin = 3 + 2 + 8 + 2 + 3 + 3;
constexpr usize k_probes = 3;

// Buffer addresses are guest-physical: GuestMemory takes a tn::Ipa, never a plain integer or a
// host address, and a handler gets one only through Call::ipa().
template <class A>
constexpr bool k_reads = requires(GuestMemory& m, A a, char* dst) { m.read(a, dst, 1); };
template <class A>
constexpr bool k_writes = requires(GuestMemory& m, A a, const char* src) { m.write(a, src, 1); };
static_assert(k_reads<tn::Ipa> && !k_reads<tn::PhysAddr> && !k_reads<u64> && !k_reads<tn::VirtAddr>);
static_assert(k_writes<tn::Ipa> && !k_writes<tn::PhysAddr> && !k_writes<u64>);
static_assert(std::is_same_v<decltype(std::declval<const Call&>().ipa(0)), tn::Ipa>);

// Records instance.create's request; answers with guest 7.
struct FakeInstances final : InstanceOps {
    InstanceRequest last{};
    int creates = 0;
    unsigned reclaimed = ~0u;
    Status create(const InstanceRequest& r, unsigned& guest) override {
        last = r;
        ++creates;
        guest = 7;
        return Status::Success;
    }
    Status reclaim(unsigned guest) override {
        reclaimed = guest;
        return Status::Success;
    }
    Status pool(PoolInfo& out) override {
        out = {0x200000, 0x800000, 0xc, 55};
        return Status::Success;
    }
};

// Guest 1 has max-priority 20 over priority 5; the others none. Records the last hint.
struct FakeSched final : SchedOps {
    unsigned now = 0, on_interrupt = 0, hints = 0, yields = 0;
    Status info(const Caller& c, SchedView& v) override {
        v = c.guest == 1 ? SchedView{5, 20, now ? now : 5} : SchedView{7, 7, 7};
        return Status::Success;
    }
    Status hint(const Caller& c, unsigned n, unsigned irq) override {
        if (c.guest != 1)
            return Status::Denied;
        ++hints;
        now = n;
        on_interrupt = irq;
        return Status::Success;
    }
    Status yield(const Caller&) override {
        ++yields;
        return Status::Success;
    }
};

struct Fixture : ::testing::Test {
    FakeMemory memory{0x4000'0000, 0x10000};
    FakeConsole console;
    FakeLifecycle lifecycle;
    FakeIvc ivc;
    FakeInstances instances;
    FakeSched sched;
    Env env{&memory, &console, &lifecycle, &ivc, &instances, &sched};
    Table table;
    Caller user{1, 0, false};
    Caller admin{0, 1, true};

    void SetUp() override {
        ASSERT_TRUE(table.add(k_info_group)) << table.error();
        ASSERT_TRUE(table.add(k_console_group)) << table.error();
        ASSERT_TRUE(table.add(k_lifecycle_group)) << table.error();
        ASSERT_TRUE(table.add(k_ivc_group)) << table.error();
        ASSERT_TRUE(table.add(k_instance_group)) << table.error();
        ASSERT_TRUE(table.add(k_sched_group)) << table.error();
        ASSERT_TRUE(table.add(k_probe_group)) << table.error();
        g_probe_calls = 0;
    }
    Return call(const Caller& who, u64 x0, u64 x1 = 0, u64 x2 = 0, u64 x3 = 0, u64 x4 = 0, u64 x5 = 0,
                u64 x6 = 0) {
        const u64 regs[7] = {x0, x1, x2, x3, x4, x5, x6};
        return table.dispatch(who, regs, env);
    }
};

constexpr i64 st(Status s) { return static_cast<i64>(s); }

TEST(HypercallId, SmcccLayout) {
    EXPECT_EQ(id::k_version, 0xC600'0000u);
    EXPECT_EQ(id::k_write, 0xC600'0101u);
    EXPECT_EQ(id::k_restart, 0xC600'0207u);
    EXPECT_EQ(function_id(GroupId::Ivc, 0x42), 0xC600'0342u);
    EXPECT_EQ(id::k_ivc_notify, 0xC600'0300u);
    EXPECT_EQ(id::k_ivc_info, 0xC600'0301u);
    EXPECT_EQ(id::k_sched_info, 0xC600'0400u);
    EXPECT_EQ(id::k_sched_hint, 0xC600'0401u);
    EXPECT_EQ((id::k_putc >> k_owner_shift) & k_owner_mask, k_owner_hypervisor);
}

TEST_F(Fixture, UnknownIdsAreNotSupported) {
    EXPECT_EQ(call(user, 0xC600'0099).x0, st(Status::NotSupported));
    EXPECT_EQ(call(user, id::k_version & ~k_smc64).x0, st(Status::NotSupported));   // SMC32 form.
    EXPECT_EQ(call(user, id::k_version & ~k_fast_call).x0, st(Status::NotSupported));  // Yielding call.
    EXPECT_EQ(call(user, id::k_version | (1u << 16)).x0, st(Status::NotSupported));  // Bits 23:16 set.
    EXPECT_EQ(call(user, 0x8400'0000).x0, st(Status::NotSupported));                 // PSCI_VERSION.
    EXPECT_EQ(call(user, 0).x0, st(Status::NotSupported));
    // Only w0 counts.
    Return r = call(user, (u64{0xdead'beef} << 32) | id::k_version);
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, k_version);
}

TEST_F(Fixture, EveryFunctionIsFound) {
    EXPECT_EQ(table.size(), k_builtin + k_probes);
    for (u32 i : {id::k_version, id::k_guest_id, id::k_vcpu_count, id::k_putc, id::k_write, id::k_guest_count,
                  id::k_guest_info, id::k_guest_name, id::k_start, id::k_pause, id::k_resume, id::k_destroy,
                  id::k_restart})
        EXPECT_NE(table.find(i), nullptr) << std::hex << i;
    EXPECT_STREQ(table.find(id::k_write)->name, "console.write");
    EXPECT_EQ(table.find(id::k_write - 2), nullptr);
}

TEST(HypercallTable, DuplicatesAreRejectedAndNamed) {
    Table t;
    ASSERT_TRUE(t.add(k_console_group));
    EXPECT_FALSE(t.add(k_console_group));
    EXPECT_NE(std::string(t.error()).find("0xc6000100 is registered twice: console.putc and console.putc"),
              std::string::npos)
        << t.error();
    EXPECT_EQ(t.size(), 2u);  // Unchanged.

    const Function twice[] = {{5, 0, false, {}, probe, "a.first"}, {5, 0, false, {}, probe, "a.second"}};
    const Group g{GroupId::Ivc, "a", twice, 2};
    EXPECT_FALSE(t.add(g));
    EXPECT_NE(std::string(t.error()).find("a.first and a.second"), std::string::npos) << t.error();
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(t.find(function_id(GroupId::Ivc, 5)), nullptr);
}

TEST(HypercallTable, MalformedDeclarationsAreRejected) {
    Table t;
    const Function no_handler[] = {{1, 0, false, {}, nullptr, "x.none"}};
    EXPECT_FALSE(t.add({GroupId::Ivc, "x", no_handler, 1}));
    EXPECT_NE(std::string(t.error()).find("x.none (0xc6000301) has no handler"), std::string::npos) << t.error();
    const Function too_many[] = {{1, 7, false, {}, probe, "x.many"}};
    EXPECT_FALSE(t.add({GroupId::Ivc, "x", too_many, 1}));
    const Function bad_align[] = {{1, 1, false, {value_arg(0, 10, 3)}, probe, "x.align"}};
    EXPECT_FALSE(t.add({GroupId::Ivc, "x", bad_align, 1}));
    const Function empty_range[] = {{1, 1, false, {value_arg(10, 1)}, probe, "x.range"}};
    EXPECT_FALSE(t.add({GroupId::Ivc, "x", empty_range, 1}));
    EXPECT_FALSE(t.add({GroupId::Ivc, "x", nullptr, 1}));
    EXPECT_EQ(t.size(), 0u);
}

TEST(HypercallTable, FullTableIsRejected) {
    static Function many[k_max_functions + 1];
    for (usize i = 0; i < k_max_functions + 1; ++i)
        many[i] = {static_cast<u8>(i), 0, false, {}, probe, "many"};
    Table t;
    EXPECT_TRUE(t.add({GroupId::Ivc, "many", many, k_max_functions}));
    EXPECT_FALSE(t.add({GroupId::Sched, "one", many, 1}));
    EXPECT_NE(std::string(t.error()).find("does not fit"), std::string::npos);
    // Lookup over a full table, in and out of order of registration.
    for (usize i = 0; i < k_max_functions; ++i)
        EXPECT_EQ(t.find(function_id(GroupId::Ivc, static_cast<u8>(i))), &many[i]);
}

// Mortise's IDs with a small group and number are found by index, the others by search; both
// ways find exactly what was added, and nothing for an ID of another convention or owner.
TEST(HypercallTable, IndexedAndSearchedIdsAreFound) {
    const Function small[] = {{0, 0, false, {}, probe, "s.zero"}, {15, 0, false, {}, probe, "s.fifteen"},
                              {16, 0, false, {}, probe, "s.sixteen"}, {200, 0, false, {}, probe, "s.big"}};
    const Function far[] = {{3, 0, false, {}, probe, "f.three"}};
    Table t;
    ASSERT_TRUE(t.add({GroupId::Ivc, "s", small, 4}));
    ASSERT_TRUE(t.add({static_cast<GroupId>(9), "f", far, 1}));
    EXPECT_EQ(t.find(function_id(GroupId::Ivc, 0)), &small[0]);
    EXPECT_EQ(t.find(function_id(GroupId::Ivc, 15)), &small[1]);
    EXPECT_EQ(t.find(function_id(GroupId::Ivc, 16)), &small[2]);
    EXPECT_EQ(t.find(function_id(GroupId::Ivc, 200)), &small[3]);
    EXPECT_EQ(t.find(function_id(static_cast<GroupId>(9), 3)), &far[0]);
    EXPECT_EQ(t.find(function_id(GroupId::Ivc, 1)), nullptr);
    EXPECT_EQ(t.find(function_id(static_cast<GroupId>(9), 4)), nullptr);
    EXPECT_EQ(t.find(function_id(GroupId::Ivc, 0) & ~tn::mortise_abi::k_smc64), nullptr);  // SMC32
    EXPECT_EQ(t.find(function_id(GroupId::Ivc, 0) ^ (1u << 16)), nullptr);  // bits 23:16 not zero
}

TEST(HypercallTable, LinkerSectionHoldsEveryRegisteredGroup) {
    Table t;
    ASSERT_TRUE(t.add_linked()) << t.error();
    EXPECT_EQ(t.size(), k_builtin + k_probes);
    EXPECT_NE(t.find(id::k_restart), nullptr);
    EXPECT_NE(t.find(function_id(GroupId::Sched, 0x11)), nullptr);
    // Registering them again is a duplicate.
    EXPECT_FALSE(t.add_linked());
}

TEST_F(Fixture, BufferArgumentsAreDeclaredAsAddresses) {
    const Function* write = table.find(id::k_write);
    const Function* name = table.find(id::k_guest_name);
    ASSERT_NE(write, nullptr);
    ASSERT_NE(name, nullptr);
    EXPECT_EQ(write->args[0].kind, Arg::Kind::Ipa);
    EXPECT_EQ(write->args[1].kind, Arg::Kind::Value);
    EXPECT_EQ(name->args[1].kind, Arg::Kind::Ipa);
}

TEST_F(Fixture, ArgumentsAreCheckedBeforeTheHandler) {
    const u32 ranges = function_id(GroupId::Sched, 0x10);
    EXPECT_EQ(call(user, ranges, 1, 8).x0, 0);
    EXPECT_EQ(call(user, ranges, 100, 0xfff8).x0, 0);
    EXPECT_EQ(g_probe_calls, 2);
    EXPECT_EQ(call(user, ranges, 0, 8).x0, st(Status::InvalidParameters));
    EXPECT_EQ(call(user, ranges, 101, 8).x0, st(Status::InvalidParameters));
    EXPECT_EQ(call(user, ranges, 1, 12).x0, st(Status::InvalidParameters));      // Misaligned.
    EXPECT_EQ(call(user, ranges, 1, 0x10000).x0, st(Status::InvalidParameters));  // Above max.
    EXPECT_EQ(g_probe_calls, 2);

    // Arguments past arg_count are not passed on.
    const u64 regs[7] = {function_id(GroupId::Sched, 0x11), 2, 99, 99, 99, 99, 99};
    Return r = table.dispatch(user, regs, env);
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 2u);
    EXPECT_EQ(r.x2, 0u);

    const u32 guest = function_id(GroupId::Sched, 0x11);
    EXPECT_EQ(call(user, guest, 3).x0, st(Status::InvalidParameters));  // Three guests: 0-2.
    Env bare{nullptr, nullptr, nullptr, nullptr};
    const u64 regs2[7] = {guest, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(table.dispatch(user, regs2, bare).x0, st(Status::NotSupported));
}

TEST_F(Fixture, Info) {
    Return r = call(user, id::k_version);
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 0x1'0005u);  // 1.5: sched.yield
    r = call(user, id::k_guest_id);
    EXPECT_EQ(r.x1, 1u);
    Caller second_vcpu{2, 3, false};
    r = call(second_vcpu, id::k_vcpu_count);
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 4u);  // FakeLifecycle: guest 2 has 4 vCPUs.
    EXPECT_EQ(r.x2, 3u);
    Env bare{nullptr, nullptr, nullptr, nullptr};
    const u64 regs[7] = {id::k_vcpu_count, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(table.dispatch(user, regs, bare).x0, st(Status::NotSupported));
}

TEST_F(Fixture, ConsoleWritesBoundedGuestBuffers) {
    EXPECT_EQ(call(user, id::k_putc, 'A').x0, 0);
    EXPECT_EQ(call(user, id::k_putc, 0x100).x0, st(Status::InvalidParameters));
    memory.put(0x4000'0100, "hello, world");
    Return r = call(user, id::k_write, 0x4000'0100, 5);
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 5u);
    EXPECT_EQ(console.text, "Ahello");
    EXPECT_EQ(console.guest, 1u);

    EXPECT_EQ(call(user, id::k_write, 0x4000'0100, 0).x0, st(Status::InvalidParameters));
    EXPECT_EQ(call(user, id::k_write, 0x4000'0100, 257).x0, st(Status::InvalidParameters));
    EXPECT_EQ(call(user, id::k_write, 0x4000'0000 + 0x10000 - 4, 5).x0, st(Status::InvalidAddress));
    EXPECT_EQ(call(user, id::k_write, 0x3fff'ffff, 2).x0, st(Status::InvalidAddress));
    EXPECT_EQ(call(user, id::k_write, ~u64{0}, 256).x0, st(Status::InvalidAddress));  // Would wrap.
    EXPECT_EQ(call(user, id::k_write, 0x4000'0000 + 0x10000 - 256, 256).x0, 0);     // Last 256 bytes.
    EXPECT_EQ(console.text.size(), 6u + 256u);
}

TEST_F(Fixture, LifecycleNeedsPrivilege) {
    for (u32 i : {id::k_guest_count, id::k_guest_info, id::k_guest_name, id::k_start, id::k_pause, id::k_resume,
                  id::k_destroy, id::k_restart})
        EXPECT_EQ(call(user, i, 0, 0x4000'0000, 32).x0, st(Status::Denied)) << std::hex << i;
    EXPECT_TRUE(lifecycle.log.empty());
}

TEST_F(Fixture, LifecycleActsThroughTheOps) {
    EXPECT_EQ(call(admin, id::k_guest_count).x1, 3u);
    Return r = call(admin, id::k_guest_info, 2);
    EXPECT_EQ(r.x1, static_cast<u64>(GuestState::Running));
    EXPECT_EQ(r.x2, 4u);

    EXPECT_EQ(call(admin, id::k_pause, 1).x0, 0);
    EXPECT_EQ(call(admin, id::k_pause, 1).x0, st(Status::InvalidState));  // Already paused.
    EXPECT_EQ(call(admin, id::k_resume, 1).x0, 0);
    EXPECT_EQ(call(admin, id::k_destroy, 2).x0, 0);
    EXPECT_EQ(call(admin, id::k_start, 2).x0, 0);
    EXPECT_EQ(call(admin, id::k_restart, 0).x0, 0);
    EXPECT_EQ(call(admin, id::k_start, 3).x0, st(Status::InvalidParameters));
    EXPECT_EQ(lifecycle.log, "pause 1;pause 1;resume 1;destroy 2;start 2;restart 0;");

    r = call(admin, id::k_guest_name, 1, 0x4000'0200, 32);
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 4u);
    EXPECT_STREQ(memory.at(0x4000'0200), "beta");
    EXPECT_EQ(call(admin, id::k_guest_name, 1, 0x4000'0200, 4).x0, st(Status::InvalidParameters));  // No NUL room.
    EXPECT_EQ(call(admin, id::k_guest_name, 1, 0x4000'0200, 0).x0, st(Status::InvalidParameters));
    EXPECT_EQ(call(admin, id::k_guest_name, 1, 0x5000'0000, 32).x0, st(Status::InvalidAddress));
}

// ivc needs no privilege: membership is the core's check (IvcOps), whose status comes back as is.
TEST_F(Fixture, IvcGoesThroughTheOps) {
    Return r = call(user, id::k_ivc_info, 0);
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 1u);  // guest 1 is member 1
    EXPECT_EQ(r.x2, 2u);
    EXPECT_EQ(r.x3, 0b11u);
    EXPECT_EQ(call(user, id::k_ivc_notify, 0, 0).x0, 0);
    EXPECT_EQ(call(admin, id::k_ivc_notify, 0, 0b10).x0, 0);
    EXPECT_EQ(call(user, id::k_ivc_notify, 0, 0b100).x0, st(Status::InvalidParameters));  // no member 2
    EXPECT_EQ(call(user, id::k_ivc_notify, 7, 0).x0, st(Status::InvalidParameters));      // no channel 7
    EXPECT_EQ(call(user, id::k_ivc_info, ~u64{0}).x0, st(Status::InvalidParameters));
    Caller outsider{2, 0, true};  // privilege does not make a guest a member
    EXPECT_EQ(call(outsider, id::k_ivc_notify, 0, 0).x0, st(Status::Denied));
    r = call(outsider, id::k_ivc_info, 0);
    EXPECT_EQ(r.x0, st(Status::Denied));
    EXPECT_EQ(r.x1, 0u);  // nothing about the channel leaks
    EXPECT_EQ(ivc.log, "notify 1 0;notify 0 2;");
    Env bare{nullptr, nullptr, nullptr, nullptr};
    const u64 regs[7] = {id::k_ivc_notify, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(table.dispatch(user, regs, bare).x0, st(Status::NotSupported));
}

}  // namespace
}  // namespace mortise::hypercall

namespace mortise::hypercall {
namespace {

// The fast path (Function::fast) runs only the functions declared fast, with dispatch()'s
// checks; anything else is left to the full path, untouched.
TEST_F(Fixture, FastPathRunsOnlyFastFunctionsWithTheSameChecks) {
    auto fast = [&](const Caller& who, u64 x0, u64 x1, Return& out) {
        const u64 regs[7] = {x0, x1, 0, 0, 0, 0, 0};
        return table.dispatch_fast(who, regs, env, out);
    };
    const u32 probe_fast = function_id(GroupId::Sched, 0x12);
    Return r{};
    EXPECT_TRUE(fast(user, id::k_version, 0, r));
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, u64{k_version});
    EXPECT_TRUE(fast(user, function_id(GroupId::Info, 1), 0, r));
    EXPECT_EQ(r.x1, u64{user.guest});
    // Slow functions and unknown IDs: false, the handler not run.
    r = {7, 7, 7, 7};
    EXPECT_FALSE(fast(admin, function_id(GroupId::Sched, 0x10), 5, r));
    EXPECT_FALSE(fast(admin, id::k_restart, 0, r));
    EXPECT_FALSE(fast(user, id::k_write, 0, r));
    EXPECT_FALSE(fast(user, 0xC600'00ffu, 0, r));
    EXPECT_FALSE(fast(user, 0x8400'0000u, 0, r));  // PSCI_VERSION: not the table's
    EXPECT_EQ(r.x0, 7);
    EXPECT_EQ(g_probe_calls, 0);
    // Privilege and argument checks as in dispatch().
    EXPECT_TRUE(fast(user, probe_fast, 5, r));
    EXPECT_EQ(r.x0, st(Status::Denied));
    EXPECT_TRUE(fast(admin, probe_fast, 0, r));
    EXPECT_EQ(r.x0, st(Status::InvalidParameters));
    EXPECT_EQ(g_probe_calls, 0);
    EXPECT_TRUE(fast(admin, probe_fast, 5, r));
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 5u);
    EXPECT_EQ(g_probe_calls, 1);
    // The ivc calls are fast and reach the ops like dispatch().
    EXPECT_TRUE(fast(user, function_id(GroupId::Ivc, 1), 0, r));
    EXPECT_EQ(r.x0, call(user, function_id(GroupId::Ivc, 1), 0).x0);
}

// instance.create reads both names from the caller's RAM a byte at a time up to their NUL: a
// name outside it (or running off its end) is INVALID_ADDRESS, an empty or unterminated one
// INVALID_PARAMETERS; the numbers are checked at dispatch; x6 splits into budget and period.
TEST_F(Fixture, InstanceCreateValidatesEveryArgument) {
    constexpr u64 k_mib = 0x10'0000, k_image = 0x4000'0100, k_name = 0x4000'0200, k_end = 0x4001'0000;
    memory.put(k_image, "tick");
    memory.put(k_name, "t1");
    const u64 budget = tn::mortise_abi::instance::budget(1000, 10000);
    auto create = [&](const Caller& who, u64 image, u64 name, u64 mem, u64 vcpus = 1, u64 prio = 0, u64 b = 0) {
        return call(who, id::k_instance_create, image, name, mem, vcpus, prio, b).x0;
    };
    EXPECT_EQ(create(user, k_image, k_name, 8 * k_mib), st(Status::Denied));
    Return r = call(admin, id::k_instance_create, k_image, k_name, 8 * k_mib, 2, 31, budget);
    ASSERT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 7u);
    EXPECT_STREQ(instances.last.image, "tick");
    EXPECT_STREQ(instances.last.name, "t1");
    EXPECT_EQ(instances.last.mem_size, 8 * k_mib);
    EXPECT_EQ(instances.last.vcpus, 2u);
    EXPECT_EQ(instances.last.priority, 31u);
    EXPECT_EQ(instances.last.budget_us, 1000u);
    EXPECT_EQ(instances.last.period_us, 10000u);
    EXPECT_EQ(instances.creates, 1);

    EXPECT_EQ(create(admin, 0x1000, k_name, 8 * k_mib), st(Status::InvalidAddress));
    EXPECT_EQ(create(admin, k_image, ~u64{0} - 2, 8 * k_mib), st(Status::InvalidAddress));  // wraps
    memory.put(k_end - 3, "ab");  // "ab\0" ends exactly at the end of RAM: read
    EXPECT_EQ(create(admin, k_image, k_end - 3, 8 * k_mib), 0);
    const char k_tail[] = {'a', 'b', 'c'};  // runs off the end of RAM
    memory.write(Ipa{k_end - 3}, k_tail, 3);
    EXPECT_EQ(create(admin, k_image, k_end - 3, 8 * k_mib), st(Status::InvalidAddress));
    memory.put(k_name, "");
    EXPECT_EQ(create(admin, k_image, k_name, 8 * k_mib), st(Status::InvalidParameters));
    memory.put(k_name, "abcdefghijabcdefghijabcdefghijabcdefghij");  // 40 characters
    EXPECT_EQ(create(admin, k_image, k_name, 8 * k_mib), st(Status::InvalidParameters));
    memory.put(k_name, "abcdefghijabcdefghijabcdefghij1");  // 31: the longest name
    EXPECT_EQ(create(admin, k_image, k_name, 8 * k_mib), 0);
    EXPECT_EQ(create(admin, k_image, k_name, 3 * k_mib), st(Status::InvalidParameters));
    EXPECT_EQ(create(admin, k_image, k_name, 0), st(Status::InvalidParameters));
    EXPECT_EQ(create(admin, k_image, k_name, 8 * k_mib, 0), st(Status::InvalidParameters));
    EXPECT_EQ(create(admin, k_image, k_name, 8 * k_mib, 9), st(Status::InvalidParameters));
    EXPECT_EQ(create(admin, k_image, k_name, 8 * k_mib, 1, 32), st(Status::InvalidParameters));
    EXPECT_EQ(instances.creates, 3);  // the two good ones since, nothing else reached the core
}

TEST_F(Fixture, InstanceReclaimAndPool) {
    EXPECT_EQ(call(user, id::k_instance_reclaim, 0).x0, st(Status::Denied));
    EXPECT_EQ(call(admin, id::k_instance_reclaim, 99).x0, st(Status::InvalidParameters));
    EXPECT_EQ(call(admin, id::k_instance_reclaim, 1).x0, 0);
    EXPECT_EQ(instances.reclaimed, 1u);
    Return r = call(admin, id::k_instance_pool);
    ASSERT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 0x200000u);
    EXPECT_EQ(r.x2, 0x800000u);
    EXPECT_EQ(r.x3, (u64{55} << 32) | 0xc);
    env.instances = nullptr;
    EXPECT_EQ(call(admin, id::k_instance_pool).x0, st(Status::NotSupported));
    EXPECT_EQ(call(admin, id::k_instance_create, 0x4000'0100, 0x4000'0200, 0x200000, 1).x0,
              st(Status::NotSupported));
}

}  // namespace
}  // namespace mortise::hypercall

namespace mortise::hypercall {
namespace {

TEST_F(Fixture, SchedHintChecksItsPrioritiesAndGoesThroughTheOps) {
    Caller hinting{1, 0, false};
    Return r = call(hinting, id::k_sched_hint, 31, 0);
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(sched.now, 31u);  // the core clamps; the table only checks the ABI's range
    EXPECT_EQ(sched.on_interrupt, 0u);
    // Out of 0-31: refused before the core sees it.
    EXPECT_EQ(call(hinting, id::k_sched_hint, 32, 0).x0, st(Status::InvalidParameters));
    EXPECT_EQ(call(hinting, id::k_sched_hint, 0, 32).x0, st(Status::InvalidParameters));
    EXPECT_EQ(call(hinting, id::k_sched_hint, ~u64{0}, 1).x0, st(Status::InvalidParameters));
    EXPECT_EQ(sched.hints, 1u);
    // A guest the core does not let hint.
    EXPECT_EQ(call(Caller{2, 0, false}, id::k_sched_hint, 10, 10).x0, st(Status::Denied));
    r = call(hinting, id::k_sched_info);
    EXPECT_EQ(r.x0, 0);
    EXPECT_EQ(r.x1, 5u);
    EXPECT_EQ(r.x2, 20u);
    EXPECT_EQ(r.x3, 31u);
    // Not on the fast path: a lowered caller may have to give its CPU away.
    Return out{};
    const u64 regs[7] = {id::k_sched_hint, 1, 1, 0, 0, 0, 0};
    EXPECT_FALSE(table.dispatch_fast(hinting, regs, env, out));
    Env bare{nullptr, nullptr, nullptr, nullptr};
    EXPECT_EQ(table.dispatch(hinting, regs, bare).x0, st(Status::NotSupported));
}

TEST_F(Fixture, SchedYieldTakesNoArgumentsAndIsNotFast) {
    EXPECT_EQ(id::k_sched_yield, 0xC600'0402u);
    EXPECT_EQ(call(user, id::k_sched_yield).x0, 0);
    EXPECT_EQ(sched.yields, 1u);
    // Any caller: outside mode 2 the core returns at once.
    EXPECT_EQ(call(Caller{2, 1, false}, id::k_sched_yield).x0, 0);
    EXPECT_EQ(sched.yields, 2u);
    // It may switch vCPUs, which only the full exit's return path does.
    Return out{};
    const u64 regs[7] = {id::k_sched_yield, 0, 0, 0, 0, 0, 0};
    EXPECT_FALSE(table.dispatch_fast(user, regs, env, out));
    Env bare{nullptr, nullptr, nullptr, nullptr};
    EXPECT_EQ(table.dispatch(user, regs, bare).x0, st(Status::NotSupported));
}

}  // namespace
}  // namespace mortise::hypercall
