// On-demand instances on the host (src/instances.cpp with guest.cpp, trap.cpp, shell.cpp and
// lifecycle.cpp against arch/fake and tests/core_env.cpp): the pool carved and zeroed at boot,
// creation by instance.create and from the shell, first-fit RAM and the pool's CPUs, reclaim
// (the RAM scrubbed, the stage-2 tables and the slot freed), the refusals.
#include <gtest/gtest.h>

#include <cstring>

#include <tn/arch/esr.hpp>
#include <tn/plat/mortise_guest_map.hpp>

#include "core_env.hpp"

extern "C" void mortise_guest_sync(mortise::vcpu::GuestRegs* regs);

namespace mortise {
bool init_hypercalls();
void shell_input(u8 byte);
}  // namespace mortise

namespace {

// A minimal arm64 Image (support/make/hypervisor.mk embeds the real ones on the target).
struct FakeImage {
    mortise::u8 bytes[4096];
    FakeImage() {
        std::memset(bytes, 0, sizeof bytes);
        mortise::u64 text_offset = 0, image_size = sizeof bytes, magic = 0x644d5241;
        std::memcpy(bytes + 8, &text_offset, 8);
        std::memcpy(bytes + 16, &image_size, 8);
        std::memcpy(bytes + 56, &magic, 8);
    }
};
FakeImage g_tenon;

}  // namespace

extern "C" {
extern const mortise::Image mortise_image_table[2];
extern const tn::u64 mortise_image_count;
extern const tn::u8 mortise_partitions[1];
extern const tn::u64 mortise_partitions_size;
const mortise::Image mortise_image_table[2] = {{"tenon", g_tenon.bytes, sizeof g_tenon.bytes},
                                               {"other", g_tenon.bytes, sizeof g_tenon.bytes}};
const tn::u64 mortise_image_count = 2;
const tn::u8 mortise_partitions[1] = {};
const tn::u64 mortise_partitions_size = 0;
}

namespace mortise::test {
namespace {

using hypercall::Status;
namespace id = tn::mortise_abi::id;
namespace gmap = tn::plat::mortise_guest::map;
constexpr u64 k_mib = tn::MiB;

partition::Description g_desc;

class Instances : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        init_env();
        partition::Guest& ctl = g_desc.guests[0];
        std::strcpy(ctl.name, "ctl");
        std::strcpy(ctl.image, "tenon");
        ctl.cpu_mask = 0x1;
        ctl.mem_size = 4 * k_mib;
        ctl.autostart = true;
        ctl.privileged = true;
        ctl.valid = true;
        g_desc.count = 1;
        partition::InstancePool& p = g_desc.pool;
        p.present = p.valid = true;
        p.mem_size = 16 * k_mib;
        p.cpu_mask = 0x6;
        std::strcpy(p.images[0], "tenon");  // 'other' is embedded but not the pool's
        p.image_count = 1;
        ASSERT_TRUE(init_hypercalls());
        create_guests(g_desc);
        take_console();
        ASSERT_TRUE(enter(guest(0)->vcpu(0)));  // ctl makes the hypercalls
    }

    // A string in ctl's RAM at offset @p at (past its image): its IPA.
    static u64 put(u64 at, const char* s) {
        const tn::Ipa ipa = gmap::k_ram + (2 * k_mib + at);
        std::memcpy(guest(0)->ram(ipa, std::strlen(s) + 1), s, std::strlen(s) + 1);
        return ipa.value();
    }
    // HVC #0 from ctl through trap.cpp's exit handler: x0 and x1.
    static std::pair<Status, u64> hvc(u32 fid, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0, u64 a4 = 0, u64 a5 = 0,
                                      u64 a6 = 0) {
        vcpu::GuestRegs r{};
        r.x[0] = fid;
        r.x[1] = a1;
        r.x[2] = a2;
        r.x[3] = a3;
        r.x[4] = a4;
        r.x[5] = a5;
        r.x[6] = a6;
        r.esr = (u64{tn::arch::esr::ec_code::hvc64} << 26) | (u64{1} << 25);
        g_current = &guest(0)->vcpu(0);
        mortise_guest_sync(&r);
        return {static_cast<Status>(static_cast<tn::i64>(r.x[0])), r.x[1]};
    }
    static std::pair<Status, u64> create(const char* image, const char* name, u64 mem, u64 vcpus = 1) {
        return hvc(id::k_instance_create, put(0, image), put(64, name), mem, vcpus);
    }
    static std::string shell(const char* line) {
        for (const char* c = line; *c; ++c)
            shell_input(static_cast<u8>(*c));
        shell_input('\r');
        return take_console();
    }
};

TEST_F(Instances, PoolIsCarvedAndSlotsFollowTheGuests) {
    EXPECT_EQ(instance_slots(), 4u);
    ASSERT_EQ(guest_count(), 5u);
    for (unsigned i = 1; i < 5; ++i) {
        EXPECT_FALSE(guest_in_use(*guest(i)));
        EXPECT_EQ(guest(i)->state(), GuestState::Stopped);
    }
    auto [s, free] = hvc(id::k_instance_pool);
    EXPECT_EQ(s, Status::Success);
    EXPECT_EQ(free, 16 * k_mib);
}

TEST_F(Instances, CreateReclaimScrubsAndFreesEverything) {
    const auto pool_before = hvc(id::k_instance_pool);
    const unsigned tables_before = free_stage2_tables();
    auto [s, slot] = create("tenon", "one", 4 * k_mib, 2);
    ASSERT_EQ(s, Status::Success);
    EXPECT_EQ(slot, 1u);
    Guest& g = *guest(static_cast<unsigned>(slot));
    EXPECT_EQ(g.state(), GuestState::Running);
    EXPECT_EQ(g.vcpu_count(), 2u);
    EXPECT_EQ(g.vcpu(0).pcpu, 1u);
    EXPECT_EQ(g.vcpu(1).pcpu, 2u);
    EXPECT_LT(free_stage2_tables(), tables_before);
    const tn::PhysAddr ram = g.ram_pa();
    // The instance writes a secret over its RAM (its image included).
    u8* bytes = g.ram(gmap::k_ram, 4 * k_mib);
    ASSERT_NE(bytes, nullptr);
    std::memset(bytes, 0x5a, 4 * k_mib);
    ASSERT_TRUE(enter(g.vcpu(0)));
    EXPECT_EQ(hvc(id::k_instance_reclaim, slot).first, Status::Busy);  // vCPU 0 is still on its CPU
    leave(g.vcpu(0));
    EXPECT_EQ(hvc(id::k_instance_reclaim, slot).first, Status::Success);
    EXPECT_FALSE(guest_in_use(g));
    EXPECT_EQ(free_stage2_tables(), tables_before);
    EXPECT_EQ(hvc(id::k_instance_pool).second, pool_before.second);
    const u8* old = reinterpret_cast<const u8*>(ram.value());
    for (u64 i = 0; i < 4 * k_mib; i += 4096)
        ASSERT_EQ(old[i] | old[i + 4095], 0) << "byte " << i << " was not scrubbed";
    // The slot is no guest: its lifecycle refuses, reclaiming it again too.
    EXPECT_EQ(hvc(id::k_start, slot).first, Status::Unavailable);
    EXPECT_EQ(hvc(id::k_pause, slot).first, Status::InvalidState);
    EXPECT_EQ(hvc(id::k_instance_reclaim, slot).first, Status::InvalidParameters);
    // The next instance gets the same RAM (first fit) and sees zeros past its image.
    auto [s2, slot2] = create("tenon", "two", 4 * k_mib);
    ASSERT_EQ(s2, Status::Success);
    EXPECT_EQ(guest(static_cast<unsigned>(slot2))->ram_pa(), ram);
    EXPECT_EQ(old[sizeof g_tenon.bytes + 16], 0);
    EXPECT_EQ(hvc(id::k_instance_reclaim, slot2).first, Status::Success);
    take_console();
}

TEST_F(Instances, FirstFitAndRefusals) {
    auto [a, sa] = create("tenon", "a", 4 * k_mib);
    auto [b, sb] = create("tenon", "b", 8 * k_mib);
    ASSERT_EQ(a, Status::Success);
    ASSERT_EQ(b, Status::Success);
    EXPECT_EQ(guest(static_cast<unsigned>(sb))->ram_pa(), guest(static_cast<unsigned>(sa))->ram_pa() + 4 * k_mib);
    EXPECT_EQ(create("tenon", "c", 2 * k_mib).first, Status::Unavailable);  // both pool CPUs taken
    EXPECT_NE(take_console().find("1 vCPU asked, 0 pool CPUs free"), std::string::npos);
    EXPECT_EQ(hvc(id::k_instance_reclaim, sa).first, Status::Success);
    EXPECT_EQ(create("tenon", "c", 6 * k_mib).first, Status::Unavailable);  // 4 + 4 MiB free, not together
    EXPECT_NE(take_console().find("no free run of 6 MiB in the pool (8 MiB free in all)"), std::string::npos);
    EXPECT_EQ(create("other", "c", 2 * k_mib).first, Status::InvalidParameters);  // embedded, not the pool's
    EXPECT_EQ(create("tenon", "b", 2 * k_mib).first, Status::InvalidParameters);  // taken
    EXPECT_EQ(create("tenon", "c", 32 * k_mib).first, Status::InvalidParameters);  // more than the pool
    EXPECT_EQ(create("tenon", "C", 2 * k_mib).first, Status::InvalidParameters);
    EXPECT_EQ(hvc(id::k_instance_reclaim, 0).first, Status::InvalidParameters);  // ctl is no instance
    EXPECT_EQ(hvc(id::k_instance_reclaim, sb).first, Status::Success);
    take_console();
}

TEST_F(Instances, Shell) {
    std::string out = shell("create tenon sh 4M prio 5 budget 100 1000");
    EXPECT_NE(out.find("create sh: done (guest 2, now running)"), std::string::npos) << out;
    out = shell("pool");
    EXPECT_NE(out.find("instance pool: 12 MiB free of 16 MiB, CPU mask 0x4 free"), std::string::npos) << out;
    EXPECT_NE(out.find("priority 5, budget 100/1000 us"), std::string::npos) << out;
    out = shell("list");
    EXPECT_NE(out.find("  2 sh "), std::string::npos) << out;
    EXPECT_EQ(out.find("  3 "), std::string::npos) << out;  // free slots are not listed
    out = shell("create tenon x 2M cpus");
    EXPECT_NE(out.find("usage: create IMAGE NAME"), std::string::npos) << out;
    out = shell("create tenon x 2Q");
    EXPECT_NE(out.find("usage: create IMAGE NAME"), std::string::npos) << out;
    out = shell("create tenon x 2M prio 32");
    EXPECT_NE(out.find("priority 32: give 0 to 31"), std::string::npos) << out;
    out = shell("reclaim ctl");
    EXPECT_NE(out.find("guest 1 'ctl' is not an on-demand instance"), std::string::npos) << out;
    g_input_freed = -1;
    out = shell("reclaim sh");
    EXPECT_NE(out.find("reclaim sh: done"), std::string::npos) << out;
    EXPECT_EQ(g_input_freed, 1);
    out = shell("reclaim sh");
    EXPECT_NE(out.find("no guest named 'sh'"), std::string::npos) << out;
}

// A shared pool (mode 2, switched on here for the description's pool): instances are mode-2
// guests on the pool's CPUs, several per CPU, and each create is checked against what its CPUs
// run now (the live instances, reclaimed ones no longer), with the description's rules.
TEST_F(Instances, SharedPoolChecksTheLiveInstances) {
    namespace inst = tn::mortise_abi::instance;
    g_desc.pool.mode = 2;
    auto make = [](const char* name, u64 vcpus, u64 prio, u64 budget_us = 0, u64 period_us = 0) {
        return hvc(id::k_instance_create, put(0, "tenon"), put(64, name), 4 * k_mib, vcpus, prio,
                   inst::budget(static_cast<u32>(budget_us), static_cast<u32>(period_us)));
    };
    auto [s, hog] = make("hog", 2, 20, 3000, 10000);  // reserved 30% on CPUs 1 and 2
    ASSERT_EQ(s, Status::Success) << take_console();
    EXPECT_EQ(guest(static_cast<unsigned>(hog))->desc().mode, 2);
    EXPECT_EQ(guest(static_cast<unsigned>(hog))->desc().cpu_mask, 0x6u);
    std::string out = take_console();
    EXPECT_NE(out.find("CPU mask 0x6, priority 20, budget 3000 us per 10000 us (mode 2: shared CPUs)"),
              std::string::npos) << out;
    // Unreserved at or above hog: refused, nothing taken.
    const unsigned tables = free_stage2_tables();
    EXPECT_EQ(make("x", 1, 20).first, Status::Unavailable);
    out = take_console();
    EXPECT_NE(out.find("create x: CPU 1: no reservation and priority 20, at or above reserved guest 'hog''s 20"),
              std::string::npos) << out;
    EXPECT_EQ(free_stage2_tables(), tables);
    // 50% below hog's 30%: the new one's response reaches 5 + 3 + 3 = 11 ms.
    EXPECT_EQ(make("x", 1, 10, 5000, 10000).first, Status::Unavailable);
    out = take_console();
    EXPECT_NE(out.find("create x: CPU 1: reservations not schedulable: 'x''s response time could reach 11000 us, "
                       "beyond its period 10000 us (CPU 1's reservations would be 80.0%)"),
              std::string::npos) << out;
    // 20% is: two instances on CPU 1 now, and an unreserved one below both.
    auto [m, mid] = make("mid", 1, 10, 2000, 10000);
    EXPECT_EQ(m, Status::Success);
    auto [l, low] = make("low", 1, 3);
    EXPECT_EQ(l, Status::Success);
    EXPECT_EQ(guest(static_cast<unsigned>(low))->desc().cpu_mask, 0x2u);
    // A reserved one at or below the unreserved 'low' would have it above: refused.
    EXPECT_EQ(make("x", 1, 3, 100, 10000).first, Status::Unavailable);
    EXPECT_NE(take_console().find("reserved at priority 3, at or below guest 'low''s 3, which has no reservation"),
              std::string::npos);
    // Priority: 0 is the default (1); above 31 refused; vCPUs at most the pool's CPUs.
    EXPECT_EQ(make("x", 1, 32).first, Status::InvalidParameters);  // refused at dispatch
    EXPECT_EQ(make("x", 3, 1).first, Status::Unavailable);
    EXPECT_NE(take_console().find("3 vCPUs asked, the shared pool has 2 CPUs"), std::string::npos);
    // 30% more at priority 10 is not schedulable beside hog and mid (its own response reaches
    // 3 + 3 + 3 + 2 + 2 = 13 ms); once hog is reclaimed it is (3 + 2 + 2 = 7 ms, mid's 8 ms).
    EXPECT_EQ(make("big", 1, 10, 3000, 10000).first, Status::Unavailable);
    out = take_console();
    EXPECT_NE(out.find("create big: CPU 1: reservations not schedulable: 'big''s response time could reach 13000 us"),
              std::string::npos) << out;
    EXPECT_EQ(hvc(id::k_instance_reclaim, hog).first, Status::Success);
    EXPECT_NE(take_console().find("CPU mask 0x6 (its vCPU threads parked)"), std::string::npos);
    auto [b, big] = make("big", 1, 10, 3000, 10000);
    EXPECT_EQ(b, Status::Success) << take_console();
    EXPECT_EQ(guest(static_cast<unsigned>(big))->desc().priority, 10);
    auto [d, dflt] = make("dflt", 1, 0);  // priority 0 is the default, 1: unreserved below them all
    ASSERT_EQ(d, Status::Success);
    EXPECT_EQ(guest(static_cast<unsigned>(dflt))->desc().priority, 1);
    for (u64 slot : {mid, low, big, dflt})
        EXPECT_EQ(hvc(id::k_instance_reclaim, slot).first, Status::Success);
    g_desc.pool.mode = 1;
    take_console();
}

}  // namespace
}  // namespace mortise::test
