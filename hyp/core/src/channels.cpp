// Inter-VM channels (docs/mortise.md, "Inter-VM channels"): the memory Mortise carves for them
// at boot, each member's doorbell page (an emulated device: the MMIO way to ring, which a
// Linux guest's user space can use) and the ivc hypercalls. Both ways of ringing end in
// ring(), which makes the doorbell interrupt of each member rung pending in that member's
// vGIC by the doorbell rule (Guest::ring_doorbell): running, pending at once; paused,
// latched until it resumes; stopped or faulted, dropped.
//
// Stage 2 (guest.cpp, Guest::build_stage2) maps a channel's memory into its members only,
// read-only for the members the description names so, Normal non-cacheable when a member
// is Linux, never executable; the doorbell page is left unmapped so that accesses trap to it.
//
// Locking: the channel table is written once at boot, before any guest runs, and only read
// after; a ring takes the target guest's lifecycle lock, then its vGIC's (core.hpp's order).
// So a ring to a guest that is being started or restarted waits until its boot (the image
// load) is done: the price of a fresh boot never seeing a doorbell rung before it.
#include <tn/format.hpp>
#include <tn/plat/mortise_guest_map.hpp>

#include "core.hpp"

namespace mortise {

namespace {

namespace abi = tn::mortise_abi::ivc;
using hypercall::Status;
using partition::k_max_channels;
using partition::k_max_members;
using tn::PhysAddr;

constexpr u32 k_doorbell_version = 1;

// The member's side of one channel: its doorbell page.
class DoorbellPage final : public MmioDevice {
public:
    void attach(unsigned channel, unsigned member) {
        m_channel = channel;
        m_member = member;
    }
    bool read(unsigned, u64 offset, unsigned size, u64& value) override;
    bool write(unsigned, u64 offset, unsigned size, u64 value) override;

private:
    unsigned m_channel = 0;
    unsigned m_member = 0;
};

const partition::Description* g_desc;
PhysAddr g_pa[k_max_channels];   // host-physical base of each set-up channel's memory
bool g_ready[k_max_channels];    // set up: valid in the description and carved
DoorbellPage g_doorbells[k_max_channels][k_max_members];

// Only 32-bit, aligned accesses to the registers the page has; anything else is refused
// (the core stops the guest with a report, as for every emulated device).
bool DoorbellPage::read(unsigned, u64 offset, unsigned size, u64& value) {
    if (size != 4)
        return false;
    const partition::Channel& c = g_desc->channels[m_channel];
    switch (offset) {
    case abi::k_reg_id: value = abi::k_doorbell_id; return true;
    case abi::k_reg_version: value = k_doorbell_version; return true;
    case abi::k_reg_channel: value = m_channel; return true;
    case abi::k_reg_member: value = m_member | (c.member_count << 8); return true;
    case abi::k_reg_peers: value = live_members(m_channel); return true;
    default: return false;  // RING is write-only; the rest of the page is not implemented
    }
}

// Bits of a RING value naming members the channel does not have are ignored (the hypercall
// returns InvalidParameters for them; a store cannot return anything, and a wrong value from a
// Linux guest's user space should not stop the whole guest).
bool DoorbellPage::write(unsigned, u64 offset, unsigned size, u64 value) {
    if (size != 4 || offset != abi::k_reg_ring)
        return false;
    const u64 all = (u64{1} << g_desc->channels[m_channel].member_count) - 1;
    if (value != abi::k_ring_all_others && (value & all) == 0)
        return true;  // only members the channel does not have: nobody to ring
    return ring(m_channel, m_member, value & all) == Status::Success;
}

// The ivc group: x1 is checked here, where the channels are known.
class IvcCalls final : public hypercall::IvcOps {
public:
    Status notify(unsigned guest, u64 id, u64 mask) override {
        int m = 0;
        if (Status s = member(guest, id, m); s != Status::Success)
            return s;
        return ring(static_cast<unsigned>(id), static_cast<unsigned>(m), mask);
    }
    Status info(unsigned guest, u64 id, hypercall::IvcView& view) override {
        int m = 0;
        if (Status s = member(guest, id, m); s != Status::Success)
            return s;
        view = {static_cast<unsigned>(m), channel(id)->member_count, live_members(static_cast<unsigned>(id))};
        return Status::Success;
    }

private:
    static Status member(unsigned guest, u64 id, int& m) {
        const partition::Channel* c = channel(id);
        if (c == nullptr)
            return Status::InvalidParameters;
        m = partition::member_index(*c, guest);
        return m < 0 ? Status::Denied : Status::Success;
    }
};

IvcCalls g_ivc;

}  // namespace

void create_channels(const partition::Description& d) {
    g_desc = &d;
    // The pool's size and each channel's offset in it are the description check's
    // (hyp/partition), which counted the pool against free RAM.
    const u64 pool = partition::channel_pool_size(d);
    if (pool == 0)
        return;
    const PhysAddr base = carve_ram(pool);
    if (base == PhysAddr{}) {
        MLOG("channels not set up: no free %lu MiB of RAM left for their memory; give guests less RAM", pool / tn::MiB);
        return;
    }
    // Zeroed once, here (Mortise never clears channel memory again), and cleaned to the point of
    // coherency: members mapping it non-cacheable read memory, not the caches written through.
    __builtin_memset(reinterpret_cast<void*>(base.value()), 0, pool);
    mmu::clean_to_poc(base.value(), pool);
    for (unsigned i = 0; i < d.channel_count; ++i) {
        const partition::Channel& c = d.channels[i];
        if (!c.valid)
            continue;
        g_pa[i] = base + partition::channel_pool_offset(d, i);
        g_ready[i] = true;
        for (unsigned m = 0; m < c.member_count; ++m)
            g_doorbells[i][m].attach(i, m);
        char members[k_max_members * (partition::k_name_len + 24)];
        usize at = 0;
        for (unsigned m = 0; m < c.member_count; ++m) {
            at += tn::fmt::format(members + at, sizeof members - at, "%s%s (%s, INTID %u)", m ? ", " : "",
                                  d.guests[c.members[m]].name, (c.read_only_mask >> m) & 1 ? "ro" : "rw",
                                  c.doorbell_intid[m]);
            at = at < sizeof members ? at : sizeof members - 1;
        }
        const bool mib = c.size % tn::MiB == 0;
        MLOG("channel '%s': %lu %s at 0x%lx%s, members %s", c.name, mib ? c.size / tn::MiB : c.size / tn::KiB,
             mib ? "MiB" : "KiB", g_pa[i].value(), c.uncached ? " (non-cacheable)" : "", members);
    }
}

unsigned channel_count() { return g_desc ? g_desc->channel_count : 0; }

const partition::Channel* channel(u64 id) {
    if (id >= channel_count() || !g_ready[id])
        return nullptr;
    return &g_desc->channels[id];
}

PhysAddr channel_pa(unsigned id) { return g_pa[id]; }

MmioDevice& doorbell(unsigned id, unsigned member) { return g_doorbells[id][member]; }

u64 live_members(unsigned id) {
    const partition::Channel& c = g_desc->channels[id];
    u64 mask = 0;
    for (unsigned m = 0; m < c.member_count; ++m) {
        const Guest* g = guest(c.members[m]);
        const GuestState s = g ? g->state() : GuestState::Stopped;
        if (s == GuestState::Running || s == GuestState::Paused)
            mask |= u64{1} << m;
    }
    return mask;
}

Status ring(unsigned id, unsigned from, u64 mask) {
    const partition::Channel& c = g_desc->channels[id];
    const u64 all = (u64{1} << c.member_count) - 1;
    if (mask & ~all)
        return Status::InvalidParameters;
    if (mask == abi::k_ring_all_others)
        mask = all;
    mask &= ~(u64{1} << from);
    for (unsigned m = 0; m < c.member_count; ++m)
        if ((mask >> m) & 1)
            if (Guest* g = guest(c.members[m]))
                (void)g->ring_doorbell(c.doorbell_intid[m]);
    return Status::Success;
}

hypercall::IvcOps& g_ivc_ops = g_ivc;

}  // namespace mortise
