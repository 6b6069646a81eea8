// apps/ivc-demo's Tenon guest: a simulated sensor sampled at 1 kHz, streamed to
// Linux over the inter-VM channel 'telemetry', with set points coming back.
//
//   sampler   (priority 28)  sleep_until() on a 1 ms grid: reads the sensor (a
//                            triangle wave + a slowly drifting bias + the offset
//                            Linux set last) and sends the record without
//                            waiting: when the ring is full the record is
//                            dropped and counted, the sequence goes on; when
//                            it is more than a period late it moves its grid
//                            (counted as late) instead of catching up;
//   receiver  (priority 20)  blocks on the channel (the doorbell, no polling):
//                            start/stop, set points (applied at once; their
//                            round trip measured from the record they answer),
//                            pings (answered with pongs), text, records Linux
//                            sent back (checked);
//   main      (priority 16)  prints the statistics every second while streaming.
//
// The messages are support/ivc-linux/ivc_demo.h; the Linux side is
// `ivc-tool demo telemetry` (apps/ivc-demo/README.md).
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/ivc.hpp>
#include <tn/sched.hpp>
#include <tn/sync.hpp>

#include "ivc_demo.h"

using namespace tn;

namespace {

constexpr u64 k_us = 1'000;
constexpr u64 k_ms = 1'000'000;
constexpr u32 k_default_period_us = 1000;
constexpr i32 k_bias = 5000;  // the sensor's bias at seq 0, in thousandths
constexpr const char* k_channel = "telemetry";

ivc::Endpoint g_ep;
// The sampler and the receiver both send (records, pongs): one at a time.
sync::Mutex g_send_lock;

// ---- State the threads share (aligned words, __atomic) ----------------------

struct Stream {
    bool on;
    u32 limit;      // records to send; 0: until stop
    u32 period_us;
    u32 generation; // bumped by every start: the sampler restarts its grid
};
Stream g_stream;
sync::Mutex g_stream_lock;

template <class T>
T load(const T& v) { return __atomic_load_n(&v, __ATOMIC_ACQUIRE); }
template <class T>
void store(T& v, T x) { __atomic_store_n(&v, x, __ATOMIC_RELEASE); }

u32 g_seq;           // next record's sequence number
u32 g_sent, g_drops;
u32 g_overruns;      // periods the sampler skipped, being late
i32 g_offset;        // the last set point
u32 g_setpoints, g_sp_expect, g_sp_unordered;
u64 g_rtt_max_ns, g_rtt_sum_ns;
u32 g_bad;           // messages that failed their check or made no sense
u32 g_echoed, g_echo_bad, g_pongs, g_texts;  // since boot: records sent back, pings, texts
u64 g_started_ns;

// ---- The channel -----------------------------------------------------------

// Sends one message without waiting; false when the ring is full.
bool send(const void* data, u32 size, u32 type) {
    (void)g_send_lock.lock();
    auto r = g_ep.try_send(data, size, type);
    (void)g_send_lock.unlock();
    return r.ok();
}

// ---- The sampler -------------------------------------------------------------

i32 read_sensor(u32 seq) { return ivc_demo_waveform(seq) + k_bias + static_cast<i32>(seq / 10); }

void sampler(void*) {
    u32 gen = ~0u;
    u64 next = 0;
    for (;;) {
        (void)g_stream_lock.lock();
        const Stream s = g_stream;
        (void)g_stream_lock.unlock();
        if (!s.on) {
            (void)sched::sleep_ns(5 * k_ms);
            continue;
        }
        if (s.generation != gen) {
            gen = s.generation;
            next = clock::now_ns();
        }
        next += u64{s.period_us} * k_us;
        // Behind by more than a period (the CPU was taken: a slow doorbell,
        // QEMU's host thread descheduled): sample now and move the grid, rather
        // than catch up back to back and starve every lower-priority thread.
        const u64 now = clock::now_ns();
        if (now > next + u64{s.period_us} * k_us) {
            next = now;
            store(g_overruns, load(g_overruns) + 1);
        }
        (void)sched::sleep_until(next);
        const u32 seq = load(g_seq);
        ivc_demo_sample rec{};
        rec.seq = seq;
        rec.offset = load(g_offset);
        rec.value = read_sensor(seq) + rec.offset;
        rec.time_ns = clock::now_ns();
        rec.setpoints = load(g_setpoints);
        rec.drops = load(g_drops);
        rec.check = ivc_demo_check(&rec, __builtin_offsetof(ivc_demo_sample, check));
        if (send(&rec, sizeof rec, IVC_DEMO_SAMPLE))
            store(g_sent, load(g_sent) + 1);
        else
            store(g_drops, load(g_drops) + 1);
        store(g_seq, seq + 1);
        if (s.limit != 0 && seq + 1 >= s.limit) {
            (void)g_stream_lock.lock();
            if (g_stream.generation == gen)
                g_stream.on = false;
            (void)g_stream_lock.unlock();
        }
    }
}

// ---- The receiver --------------------------------------------------------------

void start(u32 records, u32 period_us) {
    (void)g_stream_lock.lock();
    store(g_seq, 0u);
    store(g_sent, 0u);
    store(g_drops, 0u);
    store(g_overruns, 0u);
    store(g_offset, 0);
    store(g_setpoints, 0u);
    store(g_sp_expect, 0u);
    store(g_sp_unordered, 0u);
    store(g_rtt_max_ns, u64{0});
    store(g_rtt_sum_ns, u64{0});
    store(g_started_ns, clock::now_ns());
    g_stream.limit = records;
    g_stream.period_us = period_us != 0 ? period_us : k_default_period_us;
    g_stream.generation = g_stream.generation + 1;
    g_stream.on = true;
    (void)g_stream_lock.unlock();
    tn_printf("sensor: streaming %u records every %u us\n", records, g_stream.period_us);
}

void report(const char* what);

// Linux sends stop after its last set point: the summary is complete now.
void stop() {
    (void)g_stream_lock.lock();
    g_stream.on = false;
    (void)g_stream_lock.unlock();
    report("stream ended");
}

void on_setpoint(const u8* buf, u32 n) {
    ivc_demo_setpoint sp;
    if (n != sizeof sp) {
        tn_printf("sensor: a set point of %u bytes: bad size\n", n);
        store(g_bad, load(g_bad) + 1);
        return;
    }
    __builtin_memcpy(&sp, buf, sizeof sp);
    if (sp.check != ivc_demo_check(&sp, __builtin_offsetof(ivc_demo_setpoint, check))) {
        tn_printf("sensor: set point %u: bad checksum\n", sp.seq);
        store(g_bad, load(g_bad) + 1);
        return;
    }
    const u64 rtt = clock::now_ns() - sp.sample_time_ns;
    store(g_offset, sp.offset);
    if (sp.seq != load(g_sp_expect))
        store(g_sp_unordered, load(g_sp_unordered) + 1);
    store(g_sp_expect, sp.seq + 1);
    store(g_setpoints, load(g_setpoints) + 1);
    store(g_rtt_sum_ns, load(g_rtt_sum_ns) + rtt);
    if (rtt > load(g_rtt_max_ns))
        store(g_rtt_max_ns, rtt);
}

void on_echo(const u8* buf, u32 n) {
    ivc_demo_sample rec;
    if (n == sizeof rec) {
        __builtin_memcpy(&rec, buf, sizeof rec);
        if (rec.check == ivc_demo_check(&rec, __builtin_offsetof(ivc_demo_sample, check))) {
            store(g_echoed, load(g_echoed) + 1);
            return;
        }
    }
    store(g_echo_bad, load(g_echo_bad) + 1);
}

// Text from Linux: "stream N" starts N records (ivc-tool send telemetry stream 100),
// anything else is printed.
void on_text(const u8* buf, u32 n) {
    char text[96];
    u32 len = n < sizeof text - 1 ? n : static_cast<u32>(sizeof text - 1);
    for (u32 i = 0; i < len; ++i)
        text[i] = buf[i] >= 0x20 && buf[i] < 0x7f ? static_cast<char>(buf[i]) : '.';
    text[len] = '\0';
    store(g_texts, load(g_texts) + 1);
    if (len > 7 && __builtin_memcmp(text, "stream ", 7) == 0) {
        u32 count = 0;
        for (u32 i = 7; i < len && text[i] >= '0' && text[i] <= '9'; ++i)
            count = count * 10 + static_cast<u32>(text[i] - '0');
        start(count, 0);
        return;
    }
    tn_printf("sensor: text from linux (%u bytes): %s\n", n, text);
}

void receiver(void*) {
    alignas(8) static u8 buf[4096];
    for (;;) {
        auto r = g_ep.recv(buf, sizeof buf, 1'000 * k_ms);
        if (!r.ok()) {
            if (r.error() == ivc::Error::PeerReset) {
                // Linux attached anew (each ivc-tool run does): nothing is lost.
                tn_puts("sensor: linux attached to the channel");
                continue;
            }
            if (r.error() != ivc::Error::Timeout) {
                tn_printf("sensor: receiving failed: %s\n", ivc::error_name(r.error()));
                (void)sched::sleep_ns(100 * k_ms);
            }
            continue;
        }
        const u32 n = r.value().size;
        switch (r.value().type) {
        case IVC_DEMO_START: {
            ivc_demo_start st{};
            if (n == sizeof st)
                __builtin_memcpy(&st, buf, sizeof st);
            start(st.records, st.period_us);
            break;
        }
        case IVC_DEMO_STOP: stop(); break;
        case IVC_DEMO_SETPOINT: on_setpoint(buf, n); break;
        case IVC_DEMO_SAMPLE: on_echo(buf, n); break;
        case IVC_DEMO_TEXT: on_text(buf, n); break;
        case IVC_DEMO_PING:
            // The pong must get through: a full ring empties at Linux's pace.
            for (int tries = 0; !send(buf, n, IVC_DEMO_PONG) && tries < 100; ++tries)
                (void)sched::sleep_ns(1 * k_ms);
            store(g_pongs, load(g_pongs) + 1);
            break;
        default:
            tn_printf("sensor: message of unknown type %u (%u bytes)\n", r.value().type, n);
            store(g_bad, load(g_bad) + 1);
        }
    }
}

void report(const char* what) {
    const u32 sp = load(g_setpoints);
    const u64 secs = (clock::now_ns() - load(g_started_ns)) / (1'000 * k_ms);
    // Two lines: Mortise's console cuts lines at 160 bytes.
    tn_printf("sensor: %s (t=%lu s): %u records sent, %u dropped, %u late; %u set points applied (offset %d, "
              "%u out of order)\n",
              what, secs, load(g_sent), load(g_drops), load(g_overruns), sp, load(g_offset), load(g_sp_unordered));
    tn_printf("sensor:   set point round trip mean %lu us, max %lu us; %u bad messages\n",
              sp != 0 ? load(g_rtt_sum_ns) / sp / k_us : 0, load(g_rtt_max_ns) / k_us, load(g_bad));
}

}  // namespace

int main() {
    auto opened = ivc::Endpoint::open(k_channel);
    if (!opened.ok()) {
        tn_printf("sensor: cannot open channel '%s': %s\n", k_channel, ivc::error_name(opened.error()));
        return 1;
    }
    g_ep = opened.value();
    tn_printf("sensor: channel '%s' open (member %u), waiting for linux\n", k_channel, g_ep.member());
    if (!sched::create({"sampler", 28, 0, 0}, sampler, nullptr).ok() ||
        !sched::create({"receiver", 20, 0, 0}, receiver, nullptr).ok()) {
        tn_puts("sensor: cannot create the threads");
        return 1;
    }
    u32 echoed = 0, pongs = 0, texts = 0;
    u64 next = clock::now_ns();
    for (;;) {
        next += 1'000 * k_ms;
        (void)sched::sleep_until(next);
        bool on;
        (void)g_stream_lock.lock();
        on = g_stream.on;
        (void)g_stream_lock.unlock();
        if (on)
            report("streaming");
        if (load(g_echoed) != echoed || load(g_pongs) != pongs || load(g_texts) != texts) {
            echoed = load(g_echoed);
            pongs = load(g_pongs);
            texts = load(g_texts);
            tn_printf("sensor: from linux: %u records came back intact (%u bad), %u pings answered, %u texts\n",
                      echoed, load(g_echo_bad), pongs, texts);
        }
    }
}
