// hyp/core's inter-VM channels on the host (src/channels.cpp with guest.cpp, trap.cpp and
// lifecycle.cpp against arch/fake and tests/core_env.cpp): the memory carved at boot and
// zeroed once, each member's stage 2 (read-only, non-cacheable, never executable; nothing for
// a non-member), the doorbell page's registers, ivc.notify/ivc.info, and the doorbell rule
// (running: pending; paused: latched; stopped: dropped; a start begins with no stale doorbell).
#include <gtest/gtest.h>

#include <cstring>

#include <mortise/guestdt.hpp>
#include <mortise/kernel_image.hpp>
#include <tn/arch/at.hpp>
#include <tn/arch/esr.hpp>
#include <tn/plat/mortise_guest_map.hpp>

#include "core_env.hpp"

extern "C" void mortise_guest_sync(mortise::vcpu::GuestRegs* regs);

namespace mortise {
bool init_hypercalls();
}  // namespace mortise

// The embedded images (support/make/hypervisor.mk generates these on the target): one minimal
// arm64 Image every guest boots.
namespace {
struct FakeImage {
    mortise::u8 bytes[4096];
    FakeImage() {
        std::memset(bytes, 0, sizeof bytes);
        mortise::u64 size = sizeof bytes, magic = 0x644d5241;
        std::memcpy(bytes + 16, &size, 8);
        std::memcpy(bytes + 56, &magic, 8);
    }
};
FakeImage g_tenon;
}  // namespace

extern "C" {
extern const mortise::Image mortise_image_table[1];
extern const tn::u64 mortise_image_count;
extern const tn::u8 mortise_partitions[1];
extern const tn::u64 mortise_partitions_size;
const mortise::Image mortise_image_table[1] = {{"tenon", g_tenon.bytes, sizeof g_tenon.bytes}};
const tn::u64 mortise_image_count = 1;
const tn::u8 mortise_partitions[1] = {};
const tn::u64 mortise_partitions_size = 0;
}

namespace mortise::test {
namespace {

using hypercall::Status;
namespace id = tn::mortise_abi::id;
namespace abi = tn::mortise_abi::ivc;
using tn::Ipa;

enum : unsigned { k_alpha, k_beta, k_gamma, k_delta, k_guests };
enum : unsigned { k_ping, k_refused, k_wide, k_channels };

constexpr Ipa k_ping_bell{0x2000'0000}, k_ping_shm{0x2001'0000};
constexpr Ipa k_wide_bell{0x2004'0000}, k_wide_shm{0x2005'0000};

partition::Description g_desc;
std::string g_boot;  // what creating the guests printed

partition::Guest guest_desc(const char* name, u64 cpu_mask, bool autostart) {
    partition::Guest g{};
    std::strcpy(g.name, name);
    std::strcpy(g.image, "tenon");
    g.cpu_mask = cpu_mask;
    g.mem_size = 4 * tn::MiB;
    g.autostart = autostart;
    g.valid = true;
    return g;
}

partition::Channel channel_desc(const char* name, std::initializer_list<unsigned> members,
                                std::initializer_list<u32> intids, u64 size, Ipa bell, Ipa shm) {
    partition::Channel c{};
    std::strcpy(c.name, name);
    for (unsigned m : members)
        c.members[c.member_count++] = static_cast<tn::u8>(m);
    unsigned i = 0;
    for (u32 intid : intids)
        c.doorbell_intid[i++] = intid;
    c.size = size;
    c.doorbell_ipa = bell;
    c.shm_ipa = shm;
    c.valid = true;
    return c;
}

class Ivc : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        init_env();
        g_desc.guests[k_alpha] = guest_desc("alpha", 0x1, true);
        g_desc.guests[k_beta] = guest_desc("beta", 0x2, true);
        g_desc.guests[k_gamma] = guest_desc("gamma", 0x4, true);    // in no channel
        g_desc.guests[k_delta] = guest_desc("delta", 0x8, false);   // a member, stopped
        g_desc.count = k_guests;
        // ping: alpha writes, beta reads; refused by the description check; wide: three members,
        // one a Linux guest's (non-cacheable), a size that is not a multiple of 64 KiB, and an
        // INTID above the vGIC's default lines.
        g_desc.channels[k_ping] = channel_desc("ping", {k_alpha, k_beta}, {240, 240}, 0x10000, k_ping_bell, k_ping_shm);
        g_desc.channels[k_ping].read_only_mask = 0b10;
        g_desc.channels[k_refused] =
            channel_desc("refused", {k_alpha, k_gamma}, {241, 241}, 0x2000, Ipa{0x2002'0000}, Ipa{0x2003'0000});
        g_desc.channels[k_refused].valid = false;
        g_desc.channels[k_wide] =
            channel_desc("wide", {k_alpha, k_beta, k_delta}, {242, 243, 300}, 0x3000, k_wide_bell, k_wide_shm);
        g_desc.channels[k_wide].uncached = true;
        g_desc.channel_count = k_channels;
        // Host RAM full of garbage: the channels' memory must come out zeroed.
        std::memset(reinterpret_cast<void*>(board().ram[0].base), 0xa5, board().ram[0].size);
        ASSERT_TRUE(init_hypercalls());
        create_guests(g_desc);
        g_boot = take_console();
        for (unsigned g : {k_alpha, k_beta, k_gamma})
            ASSERT_TRUE(enter(guest(g)->vcpu(0))) << g;
    }

    // HVC #0 from @p caller's vCPU 0, through trap.cpp's exit handler.
    static vcpu::GuestRegs hvc(unsigned caller, u32 fid, u64 a1 = 0, u64 a2 = 0) {
        vcpu::GuestRegs r{};
        r.x[0] = fid;
        r.x[1] = a1;
        r.x[2] = a2;
        r.esr = (u64{tn::arch::esr::ec_code::hvc64} << 26) | (u64{1} << 25);
        g_current = &guest(caller)->vcpu(0);
        mortise_guest_sync(&r);
        return r;
    }
    static Status notify(unsigned caller, u64 channel, u64 mask) {
        return static_cast<Status>(static_cast<tn::i64>(hvc(caller, id::k_ivc_notify, channel, mask).x[0]));
    }
    // A 32-bit load (x1) or store (of x1) by @p caller's vCPU 0 at @p ipa that faulted at stage 2:
    // a translation fault (HPFAR_EL2 valid), or a permission fault (its IPA from the guest's stage 1).
    static vcpu::GuestRegs access(unsigned caller, Ipa ipa, bool write, u64 value = 0, bool permission = false) {
        vcpu::GuestRegs r{};
        r.esr = (u64{tn::arch::esr::ec_code::data_abort_lower} << 26) | (u64{1} << 25) | (u64{1} << 24) |
                (u64{2} << 22) | (u64{1} << 16) | (u64{write} << 6) | (permission ? 0x0f : 0x07);
        r.hpfar = permission ? 0xdead'0000 : (ipa.value() >> 12) << 4;
        r.far = 0xffff'0000'0000'0000 | ipa.value();
        r.x[1] = value;
        r.pc = 0x1000;
        r.pstate = 0x3c5;  // EL1h
        g_current = &guest(caller)->vcpu(0);
        mortise_guest_sync(&r);
        return r;
    }
    static bool pending(unsigned g, u32 intid) { return guest(g)->vgic().view(0, intid).pending; }
    // The guest acknowledges nothing here: clear the doorbell as GICD_ICPENDR<n> would.
    static void clear(unsigned g, u32 intid) {
        ASSERT_TRUE(guest(g)->vgic().distributor().write(0, 0x280 + (intid / 32) * 4, 4, u64{1} << (intid % 32)));
        ASSERT_FALSE(pending(g, intid));
    }
    static void clear_all() {
        for (unsigned g : {k_alpha, k_beta, k_delta})
            for (u32 intid : {240u, 242u, 243u, 300u})
                if (intid < guest(g)->vgic().lines())
                    clear(g, intid);
    }
    static u64 reg(unsigned g, Ipa bell, u64 offset, unsigned size = 4) {
        u64 off = 0, v = ~u64{0};
        MmioDevice* d = guest(g)->device_at(bell + offset, off);
        EXPECT_NE(d, nullptr);
        EXPECT_EQ(off, offset);
        if (d && !d->read(0, off, size, v))
            return ~u64{0};
        return v;
    }
    static GuestState state(unsigned g) { return guest(g)->state(); }
    void SetUp() override { clear_all(); }
};

TEST_F(Ivc, MemoryIsCarvedOncePerBootAndZeroed) {
    ASSERT_NE(channel(k_ping), nullptr);
    ASSERT_NE(channel(k_wide), nullptr);
    EXPECT_EQ(channel(k_refused), nullptr);  // refused: never set up
    EXPECT_EQ(channel(k_channels), nullptr);
    const tn::PhysAddr pa = channel_pa(k_ping);
    EXPECT_EQ(pa.value() % (2 * tn::MiB), 0u);
    EXPECT_EQ(channel_pa(k_wide), pa + 0x10000);  // 64 KiB slots in description order
    const tn::PhysRange pool{pa, 2 * tn::MiB};
    EXPECT_TRUE((tn::PhysRange{tn::PhysAddr{board().ram[0].base}, board().ram[0].size}.contains(pa, pool.size)));
    for (unsigned g = 0; g < k_guests; ++g)
        EXPECT_FALSE(pool.overlaps({guest(g)->ram_pa(), 4 * tn::MiB})) << g;
    const auto* bytes = reinterpret_cast<const u8*>(pa.value());
    for (u64 i = 0; i < 0x20000; ++i)
        ASSERT_EQ(bytes[i], 0u) << i;
    char line[200];
    std::snprintf(line, sizeof line,
                  "mortise: channel 'ping': 64 KiB at 0x%lx, members alpha (rw, INTID 240), beta (ro, INTID 240)\r\n",
                  pa.value());
    EXPECT_NE(g_boot.find(line), std::string::npos) << g_boot;
    std::snprintf(line, sizeof line,
                  "mortise: channel 'wide': 12 KiB at 0x%lx (non-cacheable), members alpha (rw, INTID 242), "
                  "beta (rw, INTID 243), delta (rw, INTID 300)\r\n",
                  pa.value() + 0x10000);
    EXPECT_NE(g_boot.find(line), std::string::npos) << g_boot;
    EXPECT_EQ(g_boot.find("'refused'"), std::string::npos) << g_boot;
    // The channel lines come before the guests' own.
    EXPECT_LT(g_boot.find("channel 'ping'"), g_boot.find("guest 'alpha'")) << g_boot;
}

TEST_F(Ivc, MembersMapTheMemoryWithTheirPermissionsOthersNothing) {
    auto at = [](unsigned g, Ipa ipa) { return guest(g)->stage2().translate(ipa); };
    auto a = at(k_alpha, k_ping_shm + 0x40);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a.value().pa, channel_pa(k_ping) + 0x40);
    EXPECT_EQ(a.value().mem, stage2::Mem::Normal);
    EXPECT_TRUE(a.value().perms.read);
    EXPECT_TRUE(a.value().perms.write);
    EXPECT_FALSE(a.value().perms.exec);
    auto b = at(k_beta, k_ping_shm + 0xfffc);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.value().pa, channel_pa(k_ping) + 0xfffc);  // the same memory
    EXPECT_TRUE(b.value().perms.read);
    EXPECT_FALSE(b.value().perms.write);  // read-only member
    EXPECT_FALSE(b.value().perms.exec);
    for (unsigned g : {k_alpha, k_beta, k_delta}) {
        auto w = at(g, k_wide_shm);
        ASSERT_TRUE(w.ok()) << g;
        EXPECT_EQ(w.value().mem, stage2::Mem::NormalNc) << g;  // a Linux member: non-cacheable for every member
        EXPECT_EQ(w.value().pa, channel_pa(k_wide));
        EXPECT_TRUE(w.value().perms.write);
        EXPECT_FALSE(w.value().perms.exec);
        EXPECT_FALSE(at(g, k_wide_shm + 0x3000).ok()) << g;  // only the channel's size
    }
    EXPECT_FALSE(at(k_delta, k_ping_shm).ok());
    for (Ipa ipa : {k_ping_shm, k_ping_bell, k_wide_shm, Ipa{0x2003'0000}})
        EXPECT_FALSE(at(k_gamma, ipa).ok()) << ipa.value();
    EXPECT_FALSE(at(k_alpha, Ipa{0x2003'0000}).ok());  // the refused channel
    EXPECT_FALSE(at(k_alpha, k_ping_bell).ok());       // the doorbell page traps
    u64 off = 0;
    EXPECT_EQ(guest(k_gamma)->device_at(k_ping_bell, off), nullptr);
    EXPECT_EQ(guest(k_delta)->device_at(k_ping_bell, off), nullptr);
}

// Each member's generated device tree describes its channels (hyp/guestdt, given the
// description and the guest's index at load); a non-member's has none.
TEST_F(Ivc, MembersDeviceTreesDescribeTheirChannels) {
    auto tree = [](unsigned g) {
        const u64 top = 4 * tn::MiB - kernel_image::k_dt_room;
        const u8* dt = guest(g)->ram(tn::plat::mortise_guest::map::k_ram + top, guestdt::k_max_size);
        return dt ? std::string(reinterpret_cast<const char*>(dt), guestdt::k_max_size) : std::string();
    };
    const std::string a = tree(k_alpha), b = tree(k_beta), c = tree(k_gamma);
    EXPECT_NE(a.find("tenonos,ivc-channel"), std::string::npos);
    EXPECT_NE(a.find("ivc@20000000"), std::string::npos);
    EXPECT_NE(a.find("ivc@20040000"), std::string::npos);
    EXPECT_EQ(a.find("ivc@20020000"), std::string::npos);  // the refused channel
    EXPECT_NE(b.find("ivc@20000000"), std::string::npos);
    EXPECT_EQ(c.find("tenonos,ivc-channel"), std::string::npos);
    EXPECT_NE(c.find("memory@40000000"), std::string::npos) << "no generated tree";
}

TEST_F(Ivc, DoorbellPageRegisters) {
    EXPECT_EQ(reg(k_alpha, k_ping_bell, abi::k_reg_id), abi::k_doorbell_id);
    EXPECT_EQ(reg(k_alpha, k_ping_bell, abi::k_reg_version), 1u);
    EXPECT_EQ(reg(k_alpha, k_ping_bell, abi::k_reg_channel), u64{k_ping});
    EXPECT_EQ(reg(k_beta, k_wide_bell, abi::k_reg_channel), u64{k_wide});
    EXPECT_EQ(reg(k_alpha, k_ping_bell, abi::k_reg_member), 0x200u);
    EXPECT_EQ(reg(k_beta, k_ping_bell, abi::k_reg_member), 0x201u);
    EXPECT_EQ(reg(k_delta, k_wide_bell, abi::k_reg_member), 0x302u);
    EXPECT_EQ(reg(k_alpha, k_ping_bell, abi::k_reg_peers), 0b11u);
    EXPECT_EQ(reg(k_alpha, k_wide_bell, abi::k_reg_peers), 0b011u);  // delta is stopped

    // Only 32-bit accesses to the registers there are; RING is write-only, the rest read-only.
    u64 off = 0, v = 0;
    MmioDevice& d = *guest(k_alpha)->device_at(k_ping_bell, off);
    EXPECT_FALSE(d.read(0, abi::k_reg_id, 8, v));
    EXPECT_FALSE(d.read(0, abi::k_reg_id, 2, v));
    EXPECT_FALSE(d.read(0, abi::k_reg_id + 1, 4, v));
    EXPECT_FALSE(d.read(0, 0x14, 4, v));
    EXPECT_FALSE(d.read(0, abi::k_reg_ring, 4, v));
    EXPECT_FALSE(d.write(0, abi::k_reg_id, 4, 0));
    EXPECT_FALSE(d.write(0, abi::k_reg_peers, 4, 0));
    EXPECT_FALSE(d.write(0, abi::k_reg_ring, 8, 0));
    EXPECT_FALSE(d.write(0, abi::k_reg_ring, 1, 0));
    EXPECT_FALSE(d.write(0, abi::k_reg_ring, 4, 0b100));  // ping has no member 2
    EXPECT_FALSE(pending(k_beta, 240));
    EXPECT_TRUE(d.write(0, abi::k_reg_ring, 4, 0));
    EXPECT_TRUE(pending(k_beta, 240));

    // Through the trap: a load from MEMBER, a store to RING; a bad access stops the guest.
    vcpu::GuestRegs r = access(k_beta, k_ping_bell + abi::k_reg_member, false);
    EXPECT_EQ(r.x[1], 0x201u);
    EXPECT_EQ(r.pc, 0x1004u);
    r = access(k_beta, k_ping_bell + abi::k_reg_ring, true, 0);
    EXPECT_EQ(r.pc, 0x1004u);
    EXPECT_TRUE(pending(k_alpha, 240));
    take_console();
    access(k_beta, k_ping_bell + abi::k_reg_id, true, 0);
    EXPECT_EQ(state(k_beta), GuestState::Faulted);
    const std::string out = take_console();
    EXPECT_NE(out.find("guest 'beta' stopped: an access its emulated device does not implement"), std::string::npos)
        << out;
    EXPECT_NE(out.find("4-byte write at IPA 0x20000000: offset 0x0 of its emulated doorbell page [0x20000000, "
                       "0x20001000)"),
              std::string::npos)
        << out;
    leave(guest(k_beta)->vcpu(0));
    ASSERT_TRUE(guest(k_beta)->start().ok());
    ASSERT_TRUE(enter(guest(k_beta)->vcpu(0)));
}

TEST_F(Ivc, NotifyRingsTheMembersTheMaskNames) {
    const unsigned kicks = g_kicks;
    EXPECT_EQ(notify(k_alpha, k_ping, 0), Status::Success);  // every other member
    EXPECT_TRUE(pending(k_beta, 240));
    EXPECT_FALSE(pending(k_alpha, 240));  // never the ringer itself
    EXPECT_GT(g_kicks, kicks);            // beta runs: its CPU is kicked
    EXPECT_EQ(notify(k_alpha, k_ping, 0b11), Status::Success);  // the own bit is ignored; rings coalesce
    EXPECT_FALSE(pending(k_alpha, 240));
    clear(k_beta, 240);

    EXPECT_EQ(notify(k_alpha, k_wide, 0b100), Status::Success);  // delta only: stopped, dropped
    EXPECT_FALSE(pending(k_beta, 243));
    EXPECT_FALSE(pending(k_delta, 300));
    EXPECT_EQ(notify(k_beta, k_wide, 0), Status::Success);
    EXPECT_TRUE(pending(k_alpha, 242));
    EXPECT_FALSE(pending(k_beta, 243));
    EXPECT_EQ(notify(k_alpha, k_wide, 0b010), Status::Success);
    EXPECT_TRUE(pending(k_beta, 243));
    EXPECT_EQ(notify(k_alpha, k_wide, 0b1000), Status::InvalidParameters);  // no member 3
    EXPECT_EQ(notify(k_alpha, k_wide, ~u64{0}), Status::InvalidParameters);
}

TEST_F(Ivc, UnknownChannelsAndNonMembers) {
    for (u64 channel : {u64{k_refused}, u64{k_channels}, u64{99}, ~u64{0}}) {
        EXPECT_EQ(notify(k_alpha, channel, 0), Status::InvalidParameters) << channel;
        EXPECT_EQ(static_cast<tn::i64>(hvc(k_alpha, id::k_ivc_info, channel).x[0]),
                  static_cast<tn::i64>(Status::InvalidParameters));
    }
    EXPECT_EQ(notify(k_gamma, k_ping, 0), Status::Denied);
    EXPECT_EQ(notify(k_gamma, k_ping, 0b10), Status::Denied);
    vcpu::GuestRegs r = hvc(k_gamma, id::k_ivc_info, k_ping);
    EXPECT_EQ(static_cast<tn::i64>(r.x[0]), static_cast<tn::i64>(Status::Denied));
    EXPECT_FALSE(pending(k_alpha, 240));
    EXPECT_FALSE(pending(k_beta, 240));
}

TEST_F(Ivc, InfoGivesTheCallersView) {
    vcpu::GuestRegs r = hvc(k_alpha, id::k_ivc_info, k_ping);
    EXPECT_EQ(r.x[0], 0u);
    EXPECT_EQ(r.x[1], 0u);
    EXPECT_EQ(r.x[2], 2u);
    EXPECT_EQ(r.x[3], 0b11u);
    r = hvc(k_beta, id::k_ivc_info, k_wide);
    EXPECT_EQ(r.x[0], 0u);
    EXPECT_EQ(r.x[1], 1u);
    EXPECT_EQ(r.x[2], 3u);
    EXPECT_EQ(r.x[3], 0b011u);
}

// A non-member reaching for a channel is stopped, the report naming the IPA and the channel;
// the members see nothing of it.
TEST_F(Ivc, ANonMembersAccessIsReportedAndLeavesTheMembersAlone) {
    take_console();
    access(k_gamma, k_ping_shm + 0x10, true, 0x1234);
    EXPECT_EQ(state(k_gamma), GuestState::Faulted);
    std::string out = take_console();
    EXPECT_NE(out.find("guest 'gamma' stopped: access outside its partition"), std::string::npos) << out;
    EXPECT_NE(out.find("on write at IPA 0x20010010: the shared memory of channel 'ping' [0x20010000, 0x20020000), "
                       "of which it is not a member"),
              std::string::npos)
        << out;
    leave(guest(k_gamma)->vcpu(0));
    ASSERT_TRUE(guest(k_gamma)->start().ok());
    ASSERT_TRUE(enter(guest(k_gamma)->vcpu(0)));
    access(k_gamma, k_ping_bell + abi::k_reg_ring, true, 0);
    EXPECT_EQ(state(k_gamma), GuestState::Faulted);
    out = take_console();
    EXPECT_NE(out.find("at IPA 0x20000020: the doorbell page of channel 'ping' [0x20000000, 0x20001000), of which "
                       "it is not a member"),
              std::string::npos)
        << out;
    leave(guest(k_gamma)->vcpu(0));
    EXPECT_EQ(state(k_alpha), GuestState::Running);
    EXPECT_EQ(state(k_beta), GuestState::Running);
    EXPECT_FALSE(pending(k_alpha, 240));
    EXPECT_FALSE(pending(k_beta, 240));
    const auto* shm = reinterpret_cast<const u8*>(channel_pa(k_ping).value());
    EXPECT_EQ(shm[0x10], 0u);
    ASSERT_TRUE(guest(k_gamma)->start().ok());
    ASSERT_TRUE(enter(guest(k_gamma)->vcpu(0)));
}

namespace ro {
bool stage1(u64 va, u64& ipa) {
    ipa = va & 0xffff'ffff;
    return true;
}
}  // namespace ro

TEST_F(Ivc, AWriteToAReadOnlyMappingStopsThatGuest) {
    tn::arch::fake::g_guest_stage1 = ro::stage1;
    take_console();
    access(k_beta, k_ping_shm + 0x100, true, 1, true);
    tn::arch::fake::g_guest_stage1 = nullptr;
    EXPECT_EQ(state(k_beta), GuestState::Faulted);
    const std::string out = take_console();
    EXPECT_NE(out.find("guest 'beta' stopped: access its partition does not allow"), std::string::npos) << out;
    EXPECT_NE(out.find("on write at IPA 0x20010100: the shared memory of channel 'ping' [0x20010000, 0x20020000), "
                       "mapped read-only for it"),
              std::string::npos)
        << out;
    EXPECT_EQ(state(k_alpha), GuestState::Running);
    leave(guest(k_beta)->vcpu(0));
    ASSERT_TRUE(guest(k_beta)->start().ok());
    ASSERT_TRUE(enter(guest(k_beta)->vcpu(0)));
}

// The doorbell rule: paused, latched and delivered on resume; stopped or faulted, dropped; a
// start begins with no doorbell pending, even one latched before the stop.
TEST_F(Ivc, PausedLatchesStoppedDropsStartIsClean) {
    Guest& b = *guest(k_beta);
    ASSERT_TRUE(b.pause().ok());
    leave(b.vcpu(0));
    ASSERT_EQ(state(k_beta), GuestState::Paused);
    const unsigned kicks = g_kicks;
    EXPECT_EQ(notify(k_alpha, k_ping, 0), Status::Success);
    EXPECT_EQ(notify(k_alpha, k_ping, 0), Status::Success);
    EXPECT_TRUE(pending(k_beta, 240));  // latched, once
    EXPECT_EQ(g_kicks, kicks);          // nothing runs it
    EXPECT_EQ(reg(k_alpha, k_ping_bell, abi::k_reg_peers), 0b11u);  // paused counts as live
    ASSERT_TRUE(b.resume().ok());
    ASSERT_TRUE(enter(b.vcpu(0)));
    EXPECT_TRUE(pending(k_beta, 240));  // delivered now

    b.stop(false);
    leave(b.vcpu(0));
    EXPECT_EQ(reg(k_alpha, k_ping_bell, abi::k_reg_peers), 0b01u);
    EXPECT_EQ(hvc(k_alpha, id::k_ivc_info, k_ping).x[3], 0b01u);
    clear(k_beta, 240);
    EXPECT_EQ(notify(k_alpha, k_ping, 0), Status::Success);  // still a success for the ringer
    EXPECT_FALSE(pending(k_beta, 240));                       // dropped
    ASSERT_TRUE(b.start().ok());
    ASSERT_TRUE(enter(b.vcpu(0)));
    EXPECT_FALSE(pending(k_beta, 240));

    // Latched while paused, then restarted: the fresh boot has no stale doorbell.
    ASSERT_TRUE(b.pause().ok());
    leave(b.vcpu(0));
    EXPECT_EQ(notify(k_alpha, k_ping, 0), Status::Success);
    EXPECT_TRUE(pending(k_beta, 240));
    ASSERT_TRUE(b.restart().ok());
    EXPECT_EQ(state(k_beta), GuestState::Running);
    EXPECT_FALSE(pending(k_beta, 240));
    ASSERT_TRUE(enter(b.vcpu(0)));

    // Faulted: dropped too.
    b.stop(true);
    leave(b.vcpu(0));
    EXPECT_EQ(notify(k_alpha, k_ping, 0), Status::Success);
    EXPECT_FALSE(pending(k_beta, 240));
    ASSERT_TRUE(b.start().ok());
    ASSERT_TRUE(enter(b.vcpu(0)));
}

}  // namespace
}  // namespace mortise::test
