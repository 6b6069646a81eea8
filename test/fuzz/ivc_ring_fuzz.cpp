// libFuzzer target for lib/ivc's shared-memory ring: the input is a script in
// which a hostile peer writes arbitrary bytes into the region (its own lines,
// the data areas, the header, even the victim's lines) between the victim's
// calls, and also drives a real Channel of its own so the rings reach deep
// states. The region is an exactly-sized heap allocation, so ASan reports any
// access outside it; the victim's calls contain no loop the peer can extend
// (libFuzzer's -timeout would report one). Every pointer and size the victim
// hands out must lie in the region or the caller's buffer, and as long as the
// peer has only used the API (no scribble yet), nothing may report Corrupt.
// Registered by lib/ivc/tests/fuzz.mk.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tn/ivc_ring.hpp>

using namespace tn;
using namespace tn::ivc;

namespace {

struct Input {
    const uint8_t* p;
    size_t n;
    bool empty() const { return n == 0; }
    u8 u8v() {
        if (n == 0)
            return 0;
        --n;
        return *p++;
    }
    u32 u32v() {
        u32 v = 0;
        for (int i = 0; i < 4; ++i)
            v |= u32{u8v()} << (8 * i);
        return v;
    }
    u64 u64v() { return u64{u32v()} | (u64{u32v()} << 32); }
};

void check(bool ok) {
    if (!ok)
        __builtin_trap();
}

bool in_region(const u8* p, usize size, const u8* base, usize region) {
    return p >= base && p <= base + region && size <= static_cast<usize>(base + region - p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Input in{data, size};
    const u8 cfg = in.u8v();
    const u32 ring = u32{64} << (cfg & 3);  // 64 .. 512 bytes per ring
    const Side vside = (cfg & 4) != 0 ? Side::A : Side::B;
    const Side pside = vside == Side::A ? Side::B : Side::A;
    const usize rsize = Channel::region_size(ring);
    auto* mem = static_cast<u8*>(aligned_alloc(64, rsize));  // rsize is a multiple of 64
    memset(mem, 0, rsize);

    Channel victim, peer;
    Channel& former = vside == Side::A ? victim : peer;
    Channel& joiner = vside == Side::A ? peer : victim;
    check(former.format(mem, rsize, ring).ok());
    check(joiner.attach(mem, rsize, vside == Side::A ? pside : vside).ok());

    bool clean = true;  // no scribble so far: nothing may be Corrupt
    u8 buf[512];
    u8 src[512];
    for (usize i = 0; i < sizeof src; ++i)
        src[i] = static_cast<u8>(i * 13);
    const u32 vtx = vside == Side::A ? 0 : 1;  // the victim's sending ring
    const u32 vrx = 1 - vtx;

    for (int steps = 0; !in.empty() && steps < 4096; ++steps) {
        const u8 op = in.u8v();
        switch (op % 14) {
        case 0: {  // the peer sends properly
            const u32 n = in.u8v() % (peer.max_message() + 1);
            auto r = peer.send(src, n, in.u8v());
            check(clean ? r.ok() || r.error() != Error::Corrupt : true);
            break;
        }
        case 1: {  // the peer receives properly
            auto r = peer.recv(buf, sizeof buf);
            check(clean ? r.ok() || r.error() != Error::Corrupt : true);
            break;
        }
        case 2: {  // scribble on the peer's producer line (word or gen_start)
            clean = false;
            const usize off = layout::prod_line(vrx) + (in.u8v() & 1 ? layout::k_prod_gen_start : 0);
            const u64 v = in.u64v();
            memcpy(mem + off, &v, off % 8 == 0 ? 8 : 4);
            break;
        }
        case 3: {  // scribble on the peer's consumer line
            clean = false;
            const u64 v = in.u64v();
            memcpy(mem + layout::cons_line(vtx), &v, 8);
            break;
        }
        case 4: {  // plausible indices: small moves of the peer's write index
            clean = false;
            u64 w;
            memcpy(&w, mem + layout::prod_line(vrx), 8);
            w = (w & ~u64{0xFFFF'FFFF}) | static_cast<u32>(static_cast<u32>(w) + (in.u8v() - 128) * 8u);
            if (in.u8v() & 1)
                w += u64{1} << 32;
            memcpy(mem + layout::prod_line(vrx), &w, 8);
            break;
        }
        case 5: {  // a record header anywhere in the victim's receiving data area
            clean = false;
            const usize off = layout::data(vrx, ring) + ((u32{in.u8v()} | u32{in.u8v()} << 8) % (ring / 8)) * 8;
            const u32 len = in.u8v() & 1 ? in.u32v() : in.u8v();
            const u32 type = in.u8v() & 1 ? layout::k_type_pad : in.u32v();
            memcpy(mem + off, &len, 4);
            memcpy(mem + off + 4, &type, 4);
            break;
        }
        case 6: {  // arbitrary bytes anywhere in the region
            clean = false;
            const usize off = (usize{in.u8v()} | usize{in.u8v()} << 8) % rsize;
            const usize n = in.u8v() % 16 + 1;
            for (usize i = 0; i < n && off + i < rsize; ++i)
                mem[off + i] = in.u8v();
            break;
        }
        case 7: {  // the victim receives
            const usize cap = in.u8v() % 2 ? sizeof buf : in.u8v();
            auto r = victim.recv(buf, cap);
            if (r.ok()) {
                check(r.value().data == buf && r.value().size <= cap && r.value().size <= victim.max_message());
            } else {
                check(!clean || r.error() != Error::Corrupt);
                check(r.error() != Error::Corrupt || victim.corrupt());
            }
            break;
        }
        case 8: {  // the victim peeks, reads every byte, maybe releases
            auto r = victim.peek();
            if (r.ok()) {
                const Message m = r.value();
                check(m.size <= victim.max_message());
                check(in_region(m.data, m.size, mem + layout::data(vrx, ring), ring));
                u32 sum = 0;
                for (u32 i = 0; i < m.size; ++i)
                    sum += m.data[i];
                (void)sum;
                if (in.u8v() & 1)
                    check(victim.release().ok());
            } else {
                check(!clean || r.error() != Error::Corrupt);
            }
            break;
        }
        case 9: {  // the victim sends, by copy or zero copy
            const u32 n = in.u8v() % (victim.max_message() + 1);
            if (in.u8v() & 1) {
                auto r = victim.send(src, n, 1);
                check(!clean || r.ok() || r.error() != Error::Corrupt);
            } else {
                auto r = victim.reserve(n);
                if (r.ok()) {
                    check(r.value().size == n);
                    check(in_region(r.value().data, n, mem + layout::data(vtx, ring), ring));
                    memset(r.value().data, 0x5a, n);
                    check(victim.commit(n / 2, 2).ok());
                } else {
                    check(!clean || r.error() != Error::Corrupt);
                }
            }
            break;
        }
        case 10: {  // the victim's status calls
            auto f = victim.tx_free();
            if (f.ok())
                check(f.value() <= ring);
            auto p = victim.rx_pending();
            if (p.ok())
                check(p.value() <= ring);
            check(!clean || ((f.ok() || f.error() != Error::Corrupt) && (p.ok() || p.error() != Error::Corrupt)));
            break;
        }
        case 11:  // the victim recovers (or restarts the conversation)
            victim.reset();
            check(!victim.corrupt());
            break;
        case 12: {  // the peer restarts: a fresh Channel attaches (or finds the header broken)
            peer = Channel{};
            if (!peer.attach(mem, rsize, pside).ok()) {
                // Header scribbled: the peer formats afresh only as side A; as B it
                // waits (the victim must keep running either way).
                if (pside == Side::A)
                    check(peer.format(mem, rsize, ring).ok());
            }
            break;
        }
        case 13: {  // the victim restarts: a fresh Channel attaches to the region as it is
            victim = Channel{};
            auto r = victim.attach(mem, rsize, vside);
            if (!r.ok()) {
                check(!clean);
                // Nothing to run on until the region is valid again: re-format as A,
                // stop as B.
                if (vside == Side::A)
                    check(victim.format(mem, rsize, ring).ok());
                else
                    steps = 1 << 20;
            }
            break;
        }
        }
    }
    free(mem);
    return 0;
}
