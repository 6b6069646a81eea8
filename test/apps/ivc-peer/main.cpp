// Guest app of the inter-VM channel tests (test/qemu/ivc-*.test, combined
// image test/apps/mortise-ivc). One of three roles (Config.uk):
//   alpha  member 0 of channel 'ping', privileged: runs the script below with
//          the C++ interface (tn/ivc.hpp), ringing through the hypercall;
//   beta   member 1: serves alpha's commands with the C interface (tn/ivc.h),
//          ringing through the MMIO doorbell, so both doorbell paths carry
//          the traffic;
//   gamma  not a member: its ivc hypercalls must be DENIED, and reading the
//          channel's memory must get it stopped by Mortise.
// The script, in one boot: ping-pong with count and checksum; gamma is
// stopped while alpha and beta go on; alpha pauses beta, rings it (latched)
// and resumes it; restarts it (peer reset with generations); beta scribbles
// over the ring on request (alpha reports Corrupt, keeps ticking, restarts
// beta, resets the ring); traffic works after each step.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/ivc.h>
#include <tn/ivc.hpp>
#include <tn/mortise.hpp>
#include <tn/plat.hpp>
#include <tn/plat/mortise_guest_map.hpp>
#include <tn/sched.hpp>

#include <string.h>

namespace {

using namespace tn;
namespace hv = tn::mortise;

// Message types of the script.
enum : u32 {
    k_hello = 1,       // beta -> alpha: attached; u32 generation
    k_ping = 2,        // alpha -> beta: payload to count and echo
    k_pong = 3,        // beta -> alpha: the echo
    k_sum_req = 4,     // alpha -> beta: report and restart the count
    k_sum = 5,         // beta -> alpha: u32 count, u32 checksum
    k_pause_prep = 6,  // alpha -> beta: wait for a doorbell
    k_ack = 7,         // beta -> alpha
    k_bell = 8,        // beta -> alpha: u32 ms waited, u32 1 if the doorbell came
    k_hostile = 9,     // alpha -> beta: scribble over the ring
    k_done = 10,       // alpha -> beta: power off
};

constexpr u64 k_ms = 1'000'000;
constexpr u64 k_s = 1'000 * k_ms;
constexpr u32 k_max_payload = 1500;

[[maybe_unused]] void sleep_ms(u64 ms) { (void)sched::sleep_ns(ms * k_ms); }

[[maybe_unused]] u32 fnv(u32 h, const u8* p, u32 n) {
    for (u32 i = 0; i < n; ++i)
        h = (h ^ p[i]) * 16777619u;
    return h;
}
constexpr u32 k_fnv_seed = 2166136261u;

[[maybe_unused]] u32 xorshift(u32& s) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
}

#ifdef CONFIG_IVC_PEER_ALPHA

ivc::Endpoint g_ep;
u8 g_out[k_max_payload];
u8 g_in[k_max_payload];
unsigned g_beta;
bool g_failed;

bool fail(const char* what, ivc::EndpointError e) {
    tn_printf("alpha: FAILED: %s: %s\n", what, ivc::error_name(e));
    g_failed = true;
    return false;
}

bool fail(const char* what) {
    tn_printf("alpha: FAILED: %s\n", what);
    g_failed = true;
    return false;
}

// send() that lets one PeerReset of the sending ring pass (beta restarted:
// the consumer end of our ring changed generation).
Result<void, ivc::EndpointError> send(const void* p, u32 n, u32 type) {
    auto r = g_ep.send(p, n, type, 5 * k_s);
    if (!r.ok() && r.error() == ivc::EndpointError::PeerReset)
        r = g_ep.send(p, n, type, 5 * k_s);
    return r;
}

// Waits for beta's hello, reporting each peer reset on the way; false on
// timeout. @p resets counts the PeerResets seen.
bool await_hello(const char* when, int& resets) {
    for (int tries = 0; tries < 20; ++tries) {
        auto m = g_ep.recv(g_in, sizeof g_in, 10 * k_s);
        if (m.ok() && m.value().type == k_hello) {
            u32 gen = 0;
            memcpy(&gen, m.value().data, sizeof gen);
            tn_printf("alpha: beta attached %s, generation %u\n", when, gen);
            return true;
        }
        if (m.ok())
            continue;  // a leftover of the previous conversation
        if (m.error() == ivc::EndpointError::PeerReset) {
            ++resets;
            tn_printf("alpha: peer reset reported, beta's generation now %u\n", g_ep.peer_generation());
            continue;
        }
        return fail("waiting for beta's hello", m.error());
    }
    return fail("no hello from beta");
}

// @p n ping-pongs of variable size, alternating copying and zero-copy calls on
// both ends, each echo checked; then beta's count and checksum against ours.
bool pingpong(u32 n, const char* label, u32 seed) {
    u32 s = seed;
    u32 sum = k_fnv_seed;
    for (u32 i = 0; i < n; ++i) {
        u32 size = 1 + xorshift(s) % k_max_payload;
        for (u32 k = 0; k < size; ++k)
            g_out[k] = static_cast<u8>(xorshift(s));
        sum = fnv(sum, g_out, size);
        if (i % 2 == 0) {
            auto r = g_ep.reserve(size, 5 * k_s);
            if (!r.ok() && r.error() == ivc::EndpointError::PeerReset)
                r = g_ep.reserve(size, 5 * k_s);
            if (!r.ok())
                return fail("reserve", r.error());
            memcpy(r.value().data, g_out, size);
            if (auto c = g_ep.commit(size, k_ping); !c.ok())
                return fail("commit", c.error());
        } else if (auto r = send(g_out, size, k_ping); !r.ok()) {
            return fail("send", r.error());
        }
        bool same = false;
        if (i % 2 == 0) {
            auto m = g_ep.recv(g_in, sizeof g_in, 5 * k_s);
            if (!m.ok())
                return fail("recv", m.error());
            same = m.value().type == k_pong && m.value().size == size && memcmp(g_in, g_out, size) == 0;
        } else {
            auto m = g_ep.peek(5 * k_s);
            if (!m.ok())
                return fail("peek", m.error());
            same = m.value().type == k_pong && m.value().size == size && memcmp(m.value().data, g_out, size) == 0;
            if (auto r = g_ep.release(); !r.ok())
                return fail("release", r.error());
        }
        if (!same) {
            tn_printf("alpha: FAILED: %s: echo %u differs\n", label, i);
            g_failed = true;
            return false;
        }
    }
    if (auto r = send(nullptr, 0, k_sum_req); !r.ok())
        return fail("send the sum request", r.error());
    auto m = g_ep.recv(g_in, sizeof g_in, 5 * k_s);
    if (!m.ok())
        return fail("recv the sum", m.error());
    u32 theirs[2] = {};
    memcpy(theirs, g_in, sizeof theirs);
    bool match = m.value().type == k_sum && theirs[0] == n && theirs[1] == sum;
    tn_printf("alpha: %s: %u messages, checksum 0x%08x; beta counted %u, checksum 0x%08x: %s\n", label, n, sum,
              theirs[0], theirs[1], match ? "match" : "FAILED: mismatch");
    g_failed = g_failed || !match;
    return match;
}

bool check_gamma() {
    unsigned gamma = 0;
    if (hv::find_guest("gamma", gamma) != hv::Status::Success)
        return fail("find guest gamma");
    hv::GuestInfo info{};
    for (int i = 0; i < 100; ++i) {
        if (hv::guest_info(gamma, info) == hv::Status::Success && info.state != hv::GuestState::Running)
            break;
        sleep_ms(50);
    }
    tn_printf("alpha: gamma is %s; the channel goes on\n", hv::state_name(info.state));
    return info.state != hv::GuestState::Running || fail("gamma still runs");
}

bool pause_test() {
    tn_puts("alpha: pause test: beta waits for a doorbell");
    if (auto r = send(nullptr, 0, k_pause_prep); !r.ok())
        return fail("send pause_prep", r.error());
    auto m = g_ep.recv(g_in, sizeof g_in, 5 * k_s);
    if (!m.ok() || m.value().type != k_ack)
        return fail("no ack from beta");
    sleep_ms(500);  // beta drains old doorbells and blocks in wait()
    if (hv::pause(g_beta) != hv::Status::Success)
        return fail("lifecycle.pause of beta");
    sleep_ms(50);
    auto info = g_ep.info();
    if (!info.ok())
        return fail("ivc.info", info.error());
    if (auto r = g_ep.notify(); !r.ok())
        return fail("ivc.notify", r.error());
    tn_printf("alpha: beta paused (running mask 0x%x), rang its doorbell\n", info.value().peers_running);
    sleep_ms(300);
    tn_puts("alpha: resuming beta");
    if (hv::resume(g_beta) != hv::Status::Success)
        return fail("lifecycle.resume of beta");
    m = g_ep.recv(g_in, sizeof g_in, 10 * k_s);
    if (!m.ok() || m.value().type != k_bell)
        return fail("no doorbell report from beta");
    u32 r[2] = {};
    memcpy(r, g_in, sizeof r);
    tn_printf("alpha: beta reports the doorbell %s after %u ms\n", r[1] ? "arrived" : "FAILED: never came", r[0]);
    return r[1] != 0 || fail("latched doorbell lost");
}

bool restart_test() {
    u32 before = g_ep.peer_generation();
    tn_printf("alpha: restarting beta (generation %u)\n", before);
    if (hv::restart(g_beta) != hv::Status::Success)
        return fail("lifecycle.restart of beta");
    int resets = 0;
    if (!await_hello("after the restart", resets))
        return false;
    tn_printf("alpha: peer reset: beta's generation %u -> %u (%d reset%s reported)\n", before,
              g_ep.peer_generation(), resets, resets == 1 ? "" : "s");
    if (resets == 0)
        return fail("no peer reset reported after beta restarted");
    return pingpong(200, "after the restart", 0xC0FFEE);
}

bool hostile_test() {
    tn_puts("alpha: asking beta to turn hostile");
    if (auto r = send(nullptr, 0, k_hostile); !r.ok())
        return fail("send hostile", r.error());
    bool corrupt = false;
    for (int tries = 0; tries < 20 && !corrupt; ++tries) {
        auto m = g_ep.recv(g_in, sizeof g_in, 1 * k_s);
        if (!m.ok() && m.error() == ivc::EndpointError::Corrupt)
            corrupt = true;
    }
    if (!corrupt)
        return fail("the scribbled ring was not reported corrupt");
    tn_puts("alpha: corrupt ring reported (Corrupt); alpha keeps running");
    auto s = g_ep.send("x", 1, k_ping, 0);
    tn_printf("alpha: sending now fails too: %s\n", s.ok() ? "sent" : ivc::error_name(s.error()));
    if (s.ok() || s.error() != ivc::EndpointError::Corrupt)
        return fail("Corrupt is not sticky");
    for (int t = 1; t <= 3; ++t) {
        sleep_ms(100);
        tn_printf("alpha: tick %d after the corruption\n", t);
    }
    tn_puts("alpha: restarting beta, then resetting the ring");
    if (hv::restart(g_beta) != hv::Status::Success)
        return fail("lifecycle.restart of beta");
    sleep_ms(100);
    if (auto r = g_ep.reset(); !r.ok())
        return fail("reset", r.error());
    tn_printf("alpha: ring reset, generation %u\n", g_ep.generation());
    int resets = 0;
    if (!await_hello("after the reset", resets))
        return false;
    return pingpong(200, "after the reset", 0xFACADE);
}

int run() {
    if (auto r = g_ep.open("ping", 5 * k_s); !r.ok())
        return fail("open(\"ping\")", r.error()), 1;
    const ivc::ChannelDesc& d = g_ep.desc();
    tn_printf("alpha: channel '%s' id %u: member %u of %u, %u-byte rings, %s, doorbell INTID %u, generation %u\n",
              d.name, d.id, d.member, d.members, g_ep.ring().ring_bytes(), d.uncached ? "uncached" : "write-back",
              d.intid, g_ep.generation());
    auto info = g_ep.info();
    if (!info.ok())
        return fail("ivc.info", info.error()), 1;
    tn_printf("alpha: ivc.info: member %u of %u\n", info.value().member, info.value().members);
    if (hv::find_guest("beta", g_beta) != hv::Status::Success)
        return fail("find guest beta"), 1;
    int resets = 0;
    if (!await_hello("at boot", resets) || !pingpong(CONFIG_IVC_PEER_MESSAGES, "ping-pong", 0x1234567) ||
        !check_gamma() || !pingpong(100, "after gamma", 0x7654321) || !pause_test() || !restart_test() ||
        !hostile_test())
        return 1;
    if (auto r = send(nullptr, 0, k_done); !r.ok())
        return fail("send done", r.error()), 1;
    tn_puts(g_failed ? "alpha: FAILED" : "alpha: all IVC checks passed");
    return g_failed ? 1 : 0;
}

#endif  // CONFIG_IVC_PEER_ALPHA

#ifdef CONFIG_IVC_PEER_BETA

// Beta speaks the C interface (tn/ivc.h) and rings through the doorbell page.
tn_ivc_ch_t g_ch;
u8 g_buf[k_max_payload];

int fail(const char* what, int e) {
    tn_printf("beta: FAILED: %s: error %d\n", what, e);
    return 1;
}

int reply(const void* p, u32 n, u32 type) {
    int r = tn_ivc_ch_send(&g_ch, p, n, type, 5 * k_s);
    if (r == -TN_ECONNRESET)
        r = tn_ivc_ch_send(&g_ch, p, n, type, 5 * k_s);
    return r;
}

// Overwrites the whole shared memory with random bytes and rings alpha.
void scribble() {
    size_t size = 0;
    auto* p = static_cast<u8*>(tn_ivc_ch_shm(&g_ch, &size));
    u32 s = 0xBAD5EED;
    for (size_t i = 0; i < size; ++i)
        p[i] = static_cast<u8>(xorshift(s));
    (void)tn_ivc_ch_notify(&g_ch, 0);
    tn_printf("beta: scribbled %lu random bytes over the ring and rang\n", static_cast<unsigned long>(size));
}

int run() {
    int r = tn_ivc_ch_open(&g_ch, "ping", 10 * k_s);
    if (r != 0)
        return fail("tn_ivc_ch_open", r);
    tn_ivc_ch_set_doorbell(&g_ch, TN_IVC_DOORBELL_MMIO);
    tn_ivc_ch_info_t info{};
    r = tn_ivc_ch_info(&g_ch, &info);
    if (r != 0)
        return fail("tn_ivc_ch_info", r);
    u32 gen = tn_ivc_ch_generation(&g_ch);
    tn_printf("beta: attached to 'ping' as member %u of %u, generation %u\n", info.member, info.members, gen);
    if ((r = reply(&gen, sizeof gen, k_hello)) != 0)
        return fail("send hello", r);
    u32 count = 0, sum = k_fnv_seed;
    for (;;) {
        tn_ivc_msg_t m{};
        bool zero_copy = count % 2 == 1;  // alternate recv and peek/release
        r = zero_copy ? tn_ivc_ch_peek(&g_ch, &m, TN_FOREVER) : tn_ivc_ch_recv(&g_ch, g_buf, sizeof g_buf, &m, TN_FOREVER);
        if (r == -TN_ECONNRESET) {
            tn_puts("beta: peer reset reported");
            continue;
        }
        if (r != 0)
            return fail("receive", r);
        if (m.type == k_ping) {
            if (zero_copy) {  // copy once (the bytes could change), then echo zero-copy
                memcpy(g_buf, m.data, m.size < sizeof g_buf ? m.size : sizeof g_buf);
                (void)tn_ivc_ch_release(&g_ch);
            }
            u32 n = m.size < sizeof g_buf ? m.size : static_cast<u32>(sizeof g_buf);
            sum = fnv(sum, g_buf, n);
            ++count;
            if (count % 2 == 0) {
                void* out = nullptr;
                r = tn_ivc_ch_reserve(&g_ch, n, &out, 5 * k_s);
                if (r == 0) {
                    memcpy(out, g_buf, n);
                    r = tn_ivc_ch_commit(&g_ch, n, k_pong);
                }
            } else {
                r = reply(g_buf, n, k_pong);
            }
            if (r != 0)
                return fail("echo", r);
            continue;
        }
        if (zero_copy)
            (void)tn_ivc_ch_release(&g_ch);
        switch (m.type) {
        case k_sum_req: {
            tn_printf("beta: %u messages, checksum 0x%08x\n", count, sum);
            u32 out[2] = {count, sum};
            if ((r = reply(out, sizeof out, k_sum)) != 0)
                return fail("send sum", r);
            count = 0;
            sum = k_fnv_seed;
            break;
        }
        case k_pause_prep: {
            if ((r = reply(nullptr, 0, k_ack)) != 0)
                return fail("send ack", r);
            sleep_ms(50);
            while (tn_ivc_ch_wait(&g_ch, TN_NO_WAIT) == 0) {
            }
            tn_puts("beta: waiting for the doorbell");
            u64 t0 = clock::now_ns();
            r = tn_ivc_ch_wait(&g_ch, 5 * k_s);
            u32 ms = static_cast<u32>((clock::now_ns() - t0) / k_ms);
            if (r == 0)
                tn_printf("beta: doorbell received after %u ms\n", ms);
            else
                tn_printf("beta: FAILED: no doorbell within %u ms (error %d)\n", ms, r);
            u32 out[2] = {ms, r == 0 ? 1u : 0u};
            if ((r = reply(out, sizeof out, k_bell)) != 0)
                return fail("send the doorbell report", r);
            break;
        }
        case k_hostile:
            tn_puts("beta: turning hostile");
            scribble();
            for (;;)
                sleep_ms(1000);
        case k_done:
            tn_puts("beta: done");
            return 0;
        default:
            break;
        }
    }
}

#endif  // CONFIG_IVC_PEER_BETA

#ifdef CONFIG_IVC_PEER_GAMMA

int run() {
    namespace map = tn::plat::mortise_guest::map;
    hv::Result n = hv::ivc_notify(0);
    tn_printf("gamma: ivc.notify(channel 0) -> %s\n", hv::status_name(n.status));
    hv::Result i = hv::ivc_info(0);
    tn_printf("gamma: ivc.info(channel 0) -> %s\n", hv::status_name(i.status));
    ivc::Endpoint ep;
    auto o = ep.open("ping", 0);
    tn_printf("gamma: open(\"ping\") -> %s\n", o.ok() ? "opened" : ivc::error_name(o.error()));
    if (n.status != hv::Status::Denied || i.status != hv::Status::Denied || o.ok()) {
        tn_puts("gamma: FAILED: a non-member used the channel");
        return 1;
    }
    // tn::plat::map_shared() refuses RAM: here, this guest's own.
    auto ram = plat::map_shared(map::k_ram.value() + 0x10000, 0x1000, true);
    tn_printf("gamma: map_shared over its own RAM -> %s\n", ram.ok() ? "mapped" : plat::map_error_name(ram.error()));
    if (ram.ok() || ram.error() != plat::MapError::NotShared) {
        tn_puts("gamma: FAILED: map_shared mapped RAM");
        return 1;
    }
    // Map the first channel's shared memory by hand and read it: stage 2 has
    // nothing there for this guest, so Mortise must stop it.
    const u64 shm = map::k_ivc.value() + map::k_ivc_shm_offset;
    if (auto m = plat::map_shared(shm, 0x1000, true); !m.ok()) {
        tn_printf("gamma: FAILED: map_shared: %s\n", plat::map_error_name(m.error()));
        return 1;
    }
    tn_printf("gamma: reading the channel's memory at IPA 0x%lx\n", shm);
    u32 v = *reinterpret_cast<volatile u32*>(shm);
    tn_printf("gamma: FAILED: read 0x%x from a channel it is not a member of\n", v);
    return 1;
}

#endif  // CONFIG_IVC_PEER_GAMMA

}  // namespace

int main() { return run(); }
