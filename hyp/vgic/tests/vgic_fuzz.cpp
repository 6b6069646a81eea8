// libFuzzer target: random sequences of guest MMIO accesses, injections, SGIs
// and world switches (with a simulated virtual CPU interface acknowledging and
// deactivating what sits in the list registers) against one Vgic, checking
// after every step that:
//   - reads return only bits of the access width, and nothing for INTIDs the
//     guest does not have;
//   - every LR load_lrs() or inject_hw_and_load() produces is well-formed: a state, an implemented
//     INTID, implemented priority bits, never pending+active with HW = 1, the
//     unused entries zero, no INTID in two LRs at once;
//   - an interrupt is "queued" exactly while one of our loaded LRs holds it.
// ASan/UBSan catch any out-of-bounds access.
#include <mortise/vgic.hpp>

#include <cstdio>
#include <cstdlib>
#include <new>

using namespace mortise;
using namespace mortise::vgic;
using ich::Lr;
using ich::LrState;

namespace {

struct Input {
    const u8* p;
    usize n;
    u64 take(unsigned bytes) {
        u64 v = 0;
        for (unsigned i = 0; i < bytes && n; ++i, --n)
            v |= u64{*p++} << (8 * i);
        return v;
    }
};

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            std::fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__); \
            std::abort();                                                       \
        }                                                                       \
    } while (0)

constexpr unsigned k_vcpus_max = 4, k_nr_lrs = 4;

struct Cpu {
    u64 lr[k_nr_lrs];
    unsigned loaded = 0;
    bool in_guest = false;
    bool stale = false;  // loaded before a reset(): the vGIC no longer tracks these
};

unsigned size_of(u64 sel) {
    static constexpr unsigned sizes[] = {4, 4, 8, 1, 2, 4, 8, 3};
    return sizes[sel % 8];
}

void check_read(bool ok, unsigned size, u64 v) {
    if (ok && size < 8)
        CHECK(v >> (8 * size) == 0);
}

void check_lrs(const Vgic& vg, const Cpu& c, u8 prio_mask) {
    for (unsigned i = 0; i < k_nr_lrs; ++i) {
        if (i >= c.loaded) {
            CHECK(c.lr[i] == 0);
            continue;
        }
        Lr l = Lr::decode(c.lr[i]);
        CHECK(l.state != LrState::Invalid);
        CHECK(l.vintid < vg.lines() && l.vintid <= k_last_spi);
        CHECK((l.priority & ~prio_mask) == 0);
        CHECK(!(l.hw && l.state == LrState::PendingActive));
        CHECK(!l.hw || l.pintid <= k_last_spi);
        CHECK(Lr::decode(l.encode()) == l);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const u8* data, usize size) {
    Input in{data, size};
    Config cfg;
    cfg.vcpu_count = 1 + static_cast<unsigned>(in.take(1) % k_vcpus_max);
    cfg.lines = 64 + 32 * static_cast<u32>(in.take(1) % 8);
    cfg.priority_bits = 4 + static_cast<unsigned>(in.take(1) % 5);
    // Vgic is about 16 KiB: constructed in static storage, off the fuzzer's stack.
    alignas(Vgic) static unsigned char storage[sizeof(Vgic)];
    Vgic* vg = new (storage) Vgic(cfg);
    const u8 prio_mask = static_cast<u8>(0xff00u >> cfg.priority_bits);
    Cpu cpus[k_vcpus_max];
    const unsigned nv = vg->vcpu_count();
    const u32 id_span = vg->lines() + 40;  // also out-of-range INTIDs

    while (in.n) {
        u64 op = in.take(1);
        unsigned cpu = static_cast<unsigned>(in.take(1)) % (nv + 1);  // nv: a nonexistent vCPU
        Cpu& c = cpus[cpu % nv];
        unsigned real = cpu % nv;
        switch (op % 14) {
        case 0:
        case 1: {
            u64 off = in.take(2);
            unsigned sz = size_of(in.take(1));
            u64 v = in.take(sz > 4 ? 8 : 4);
            if (op % 14 == 0) {
                (void)vg->distributor().write(cpu, off, sz, v);
            } else {
                bool ok = vg->distributor().read(cpu, off, sz, v);
                check_read(ok, sz, v);
            }
            break;
        }
        case 2:
        case 3: {
            u64 off = in.take(3) % (nv * k_gicr_stride + 0x100);
            unsigned sz = size_of(in.take(1));
            u64 v = in.take(sz > 4 ? 8 : 4);
            if (op % 14 == 2) {
                (void)vg->redistributor().write(cpu, off, sz, v);
            } else {
                bool ok = vg->redistributor().read(cpu, off, sz, v);
                check_read(ok, sz, v);
            }
            break;
        }
        case 4: vg->inject(cpu, static_cast<u32>(in.take(2) % id_span)); break;
        case 5: vg->inject_hw(cpu, static_cast<u32>(in.take(2) % id_span), static_cast<u32>(in.take(2) % 1100)); break;
        case 6: vg->set_level(cpu, static_cast<u32>(in.take(2) % id_span), in.take(1) & 1); break;
        case 7: (void)vg->send_sgi(cpu, in.take(8)); break;
        case 8:
            if (!c.in_guest) {
                // The entry with a hardware interrupt just taken (the virtual timer's path), or the plain one.
                const u64 how = in.take(1);
                c.loaded = how & 1 ? vg->inject_hw_and_load(real, static_cast<u32>(how >> 1) % 32, 27, c.lr, k_nr_lrs)
                                   : vg->load_lrs(real, c.lr, k_nr_lrs);
                CHECK(c.loaded <= k_nr_lrs);
                c.in_guest = true;
                c.stale = false;
                check_lrs(*vg, c, prio_mask);
            }
            break;
        case 9:
            if (c.in_guest) {
                vg->save_lrs(real, c.lr, c.loaded);
                c.in_guest = false;
                c.loaded = 0;
                for (auto& x : c.lr)
                    x = 0;
            }
            break;
        case 10:  // the guest acknowledges (pending -> active)
        case 11: {  // ... or deactivates (active -> invalid / pending)
            if (!c.in_guest || c.loaded == 0)
                break;
            unsigned i = static_cast<unsigned>(in.take(1)) % c.loaded;
            Lr l = Lr::decode(c.lr[i]);
            if (op % 14 == 10 && l.pending())
                l.state = LrState::Active;
            else if (op % 14 == 11 && l.active())
                l.state = l.state == LrState::PendingActive ? LrState::Pending : LrState::Invalid;
            c.lr[i] = l.encode();
            break;
        }
        case 12: {  // hardware hands back garbage in an LR: must be tolerated
            if (!c.in_guest || c.loaded == 0)
                break;
            c.lr[in.take(1) % c.loaded] = in.take(8);
            c.stale = true;  // the model may legitimately disagree from now on
            break;
        }
        default:
            vg->reset();
            for (auto& x : cpus)
                x.stale = true;
            break;
        }

        // Queued <=> held by a live LR set. Checked while no LR was corrupted or
        // left over from before a reset (the vGIC then ignores those LRs).
        bool any_stale = false;
        for (unsigned v = 0; v < nv; ++v)
            any_stale |= cpus[v].stale && cpus[v].in_guest;
        if (!any_stale) {
            for (unsigned v = 0; v < nv; ++v) {
                for (u32 id = 0; id < id_span; ++id) {
                    IrqView s = vg->view(v, id);
                    if (id >= vg->lines() || id > k_last_spi) {
                        CHECK(!s.pending && !s.active && !s.enabled && !s.queued);
                        continue;
                    }
                    unsigned holders = 0;
                    for (unsigned w = 0; w < nv; ++w) {
                        if (!cpus[w].in_guest || (id < k_private && w != v))
                            continue;
                        for (unsigned i = 0; i < cpus[w].loaded; ++i)
                            holders += Lr::decode(cpus[w].lr[i]).vintid == id;
                    }
                    CHECK(holders <= 1);
                    CHECK(s.queued == (holders == 1));
                }
            }
        }
    }
    vg->~Vgic();
    return 0;
}
