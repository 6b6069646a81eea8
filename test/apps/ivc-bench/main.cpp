// Guest app of the inter-VM channel benchmarks (scripts/bench, configurations
// ivc-bench and ivc-linux-bench; docs/benchmarks.md "Inter-VM channels"). One
// of three roles on the channel 'bench' (Config.uk):
//   measure  member 0: times, in one boot, the stamp pair, the null hypercall
//            round trip, a virtual interrupt round trip, ivc.pingpong and
//            ivc.throughput.{64,1k,16k} against a guest in the echo role;
//   echo     member 1: answers pings and batch ends with the blocking calls;
//   linux    member 0: times ivc.linux_pingpong against `ivc-tool echo bench`
//            in a Linux guest.
// Every figure is a difference of the virtual counter, which ticks once per
// instruction (of all CPUs together) under QEMU -icount shift=4; the lines
// have apps/rtbench's format, which scripts/bench parses.
#include <tn/bytes.hpp>
#include <tn/console.hpp>
#include <tn/irq.hpp>
#include <tn/ivc.hpp>
#include <tn/mortise.hpp>
#include <tn/sched.hpp>

namespace {

using namespace tn;
namespace hv = tn::mortise;
using ivc::EndpointError;

// Message types on 'bench' (ivc-tool echo sends each message back with its type).
enum : u32 {
    k_ping = 1,  // measure -> echo: answer with k_ping, same payload
    k_data = 2,  // measure -> echo: a throughput message, counted and dropped
    k_sync = 3,  // measure -> echo: end of a batch; answer k_ack with the count
    k_ack = 4,   // echo -> measure: u32 data messages since the last k_sync
    k_stop = 5,  // measure -> echo: power off
    k_yield = 6,  // measure -> echo (mode 2): u32 n; sched.yield n times, then answer k_ack with n
};

constexpr char k_channel[] = "bench";
constexpr u32 k_ping_bytes = 8;  // a small message: one 16-byte record
constexpr int k_warmup = 16;
constexpr u32 k_max_payload = 16384;

[[maybe_unused]] u8 g_in[2 * k_max_payload];
ivc::Endpoint g_ep;

inline u64 stamp() {
    u64 v;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

int fail(const char* what, EndpointError e) {
    tn_printf("bench: FAILED: %s: %s\n", what, ivc::error_name(e));
    return 1;
}

// The first call in each direction after the peer attached reports PeerReset
// once (docs/ivc.md, "Restarts"): call again.
Result<void, EndpointError> send(const void* data, u32 size, u32 type) {
    for (int i = 0;; ++i) {
        auto r = g_ep.send(data, size, type);
        if (r.ok() || r.error() != EndpointError::PeerReset || i > 0)
            return r;
    }
}

Result<ivc::Message, EndpointError> recv() {
    for (int i = 0;; ++i) {
        auto r = g_ep.recv(g_in, sizeof g_in);
        if (r.ok() || r.error() != EndpointError::PeerReset || i > 0)
            return r;
    }
}

#if defined(CONFIG_IVC_BENCH_MEASURE) || defined(CONFIG_IVC_BENCH_LINUX)
constexpr int k_samples = CONFIG_IVC_BENCH_SAMPLES;
constexpr int k_batches = k_samples / 20 < 10 ? 10 : k_samples / 20;
u64 g_samples[k_samples];
u8 g_out[k_max_payload];

// apps/rtbench's line over the first @n samples, each of @ops operations:
// integers only (no FP context in this image).
void report(const char* metric, int n, u32 ops) {
    u64 lo = ~u64{0}, hi = 0, sum = 0;
    for (int i = 0; i < n; ++i) {
        lo = g_samples[i] < lo ? g_samples[i] : lo;
        hi = g_samples[i] > hi ? g_samples[i] : hi;
        sum += g_samples[i];
    }
    const u64 mean_x100 = sum * 100 / n;
    u64 var_x10000 = 0;
    for (int i = 0; i < n; ++i) {
        const i64 d = static_cast<i64>(g_samples[i] * 100) - static_cast<i64>(mean_x100);
        var_x10000 += static_cast<u64>(d * d) / n;
    }
    u64 sd = 0;  // integer square root, bit by bit
    for (u64 bit = u64{1} << 62; bit; bit >>= 2) {
        if (var_x10000 >= sd + bit) {
            var_x10000 -= sd + bit;
            sd = (sd >> 1) + bit;
        } else {
            sd >>= 1;
        }
    }
    tn_printf("bench: %s samples=%d min=%lu mean=%lu.%02lu max=%lu stddev=%lu.%02lu ops=%u\n", metric, n, lo,
              mean_x100 / 100, mean_x100 % 100, hi, sd / 100, sd % 100, ops);
}

// One round trip: a small ping out, the peer wakes from its blocking receive
// and sends it back, this thread wakes from its own.
bool round_trip(u32 seq, EndpointError& err) {
    for (u32 i = 0; i < k_ping_bytes; ++i)
        g_out[i] = static_cast<u8>(seq + i);
    if (auto s = send(g_out, k_ping_bytes, k_ping); !s.ok()) {
        err = s.error();
        return false;
    }
    auto r = recv();
    if (!r.ok()) {
        err = r.error();
        return false;
    }
    const ivc::Message& m = r.value();
    if (m.type != k_ping || m.size != k_ping_bytes || g_in[0] != static_cast<u8>(seq)) {
        tn_printf("bench: FAILED: round trip %u: type %u, %u bytes, first byte %u\n", seq, m.type, m.size, g_in[0]);
        err = EndpointError::Corrupt;
        return false;
    }
    return true;
}

int measure_pingpong(const char* metric) {
    EndpointError e{};
    for (int i = -k_warmup; i < k_samples; ++i) {
        const u64 a = stamp();
        if (!round_trip(static_cast<u32>(i), e))
            return fail(metric, e);
        const u64 b = stamp();
        if (i >= 0)
            g_samples[i] = b - a;
    }
    report(metric, k_samples, 1);
    return 0;
}
#endif

#ifdef CONFIG_IVC_BENCH_MEASURE
constexpr u32 k_sgi = 7;  // unused by the kernel (tn/smp.hpp has 14 and 15)
volatile u32 g_sgis;

irq::Completion on_sgi(irq::Event, void*) {
    g_sgis = g_sgis + 1;
    return irq::Completion::Done;
}

// A virtual interrupt taken and returned from: the SGI is sent with IRQs
// masked (the ICC_SGI1R_EL1 write traps to Mortise, which makes it pending in
// this vCPU's virtual GIC; not timed), then unmasking takes it at once; the
// sample runs from just before the unmask to the first instruction after the
// handler's eret, as apps/rtbench's irq_roundtrip does on bare Tenon.
int measure_virq() {
    if (!irq::register_handler(k_sgi, on_sgi, nullptr).ok() || !irq::enable(k_sgi).ok()) {
        tn_puts("bench: FAILED: register the SGI handler");
        return 1;
    }
    for (int i = -k_warmup; i < k_samples; ++i) {
        const u32 before = g_sgis;
        const u64 flags = irq::local_save_disable();
        if (!irq::send_sgi(k_sgi, irq::SgiTarget::self()).ok()) {
            tn_puts("bench: FAILED: send_sgi");
            return 1;
        }
        const u64 a = stamp();
        irq::local_enable();
        const u64 b = stamp();
        irq::local_restore(flags);
        if (g_sgis != before + 1) {
            tn_printf("bench: FAILED: virtual SGI %d not taken at the unmask\n", i);
            return 1;
        }
        if (i >= 0)
            g_samples[i] = b - a;
    }
    (void)irq::unregister_handler(k_sgi);
    report("ivc.virq_roundtrip", k_samples, 1);
    return 0;
}

// One way: @ops messages of @size bytes with the blocking send (it waits on
// the doorbell while the ring is full), then a k_sync the peer answers once it
// has taken them all out: a sample ends when the last message was received.
int measure_throughput(const char* metric, u32 size, u32 ops) {
    for (u32 i = 0; i < size; ++i)
        g_out[i] = static_cast<u8>(i * 7);
    for (int i = -1; i < k_batches; ++i) {
        const u64 a = stamp();
        for (u32 k = 0; k < ops; ++k) {
            if (auto s = send(g_out, size, k_data); !s.ok())
                return fail(metric, s.error());
        }
        if (auto s = send(nullptr, 0, k_sync); !s.ok())
            return fail(metric, s.error());
        auto r = recv();
        const u64 b = stamp();
        if (!r.ok())
            return fail(metric, r.error());
        const u32 got = tn::load_le32(g_in);
        if (r.value().type != k_ack || r.value().size != 4 || got != ops) {
            tn_printf("bench: FAILED: %s: the peer received %u of %u messages\n", metric, got, ops);
            return 1;
        }
        if (i >= 0)
            g_samples[i] = b - a;
    }
    report(metric, k_batches, ops);
    return 0;
}

#ifdef CONFIG_IVC_BENCH_MODE2
// mode2.switch: instance to instance on one CPU, as thread_switch.2 is thread
// to thread in Tenon, by sched.yield (the instance-level yield: a vCPU hands
// its CPU to the next ready one of its priority). First mode2.yield_alone, a
// yield with no other vCPU ready (echo blocks in its receive): the hypercall
// and Mortise's yield that finds no one to switch to. Then echo is asked to
// yield once more than this side times, so that from the second yield on both
// sides alternate: each timed yield hands the CPU to echo, whose own yield
// returns, loops and hands it back. Sample: half such a round trip (echo's
// loop adds a handful of instructions). A sample no longer than the lone
// yield's shortest had no switch in it: a failure, as is a yield refused.
int measure_switch() {
    for (int i = -k_warmup; i < k_samples; ++i) {
        const u64 a = stamp();
        const hv::Status y = hv::sched_yield();
        const u64 b = stamp();
        if (y != hv::Status::Success) {
            tn_printf("bench: FAILED: sched.yield: %s\n", hv::status_name(y));
            return 1;
        }
        if (i >= 0)
            g_samples[i] = b - a;
    }
    report("mode2.yield_alone", k_samples, 1);
    u64 alone = ~u64{0};
    for (int i = 0; i < k_samples; ++i)
        alone = g_samples[i] < alone ? g_samples[i] : alone;
    const u32 n = k_warmup + k_samples + 1;
    u8 req[4];
    tn::store_le32(req, n);
    if (auto s = send(req, sizeof req, k_yield); !s.ok())
        return fail("mode2.switch", s.error());
    (void)hv::sched_yield();  // echo takes the request and starts its loop
    for (int i = -k_warmup; i < k_samples; ++i) {
        const u64 a = stamp();
        (void)hv::sched_yield();
        const u64 b = stamp();
        if (i < 0)
            continue;
        if (b - a <= alone) {
            tn_printf("bench: FAILED: mode2.switch: yield %d took %lu, no longer than one without a switch (%lu)\n",
                      i, b - a, alone);
            return 1;
        }
        g_samples[i] = (b - a) / 2;
    }
    auto r = recv();  // echo's last yield returns with this wait; it answers and blocks in its receive
    if (!r.ok())
        return fail("mode2.switch", r.error());
    const u32 got = tn::load_le32(g_in);
    if (r.value().type != k_ack || got != n) {
        tn_printf("bench: FAILED: mode2.switch: echo yielded %u times of %u\n", got, n);
        return 1;
    }
    report("mode2.switch", k_samples, 1);
    return 0;
}
#endif

int run() {
    u64 hz;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    tn_printf("bench: counter %lu Hz\n", hz);  // scripts/bench's format, as apps/rtbench
    if (auto o = g_ep.open(k_channel); !o.ok())
        return fail("open 'bench'", o.error());
    tn_printf("bench: channel '%s', largest message %u bytes\n", k_channel, g_ep.max_message());
    if (g_ep.max_message() < k_max_payload) {
        tn_puts("bench: FAILED: the channel is too small for 16 KiB messages (give it 256 KiB)");
        return 1;
    }
#ifdef CONFIG_IVC_BENCH_MODE2
    // Mortise mode 2, both guests on one CPU: a round trip is two hand-overs,
    // each a send (doorbell hypercall) and a blocking receive whose WFI gives
    // the CPU to the other guest's vCPU, up to that guest's return from its
    // own wait.
    if (int rc = measure_pingpong("mode2.pingpong"))
        return rc;
    if (int rc = measure_switch())
        return rc;
    if (auto s = send(nullptr, 0, k_stop); !s.ok())
        return fail("stop", s.error());
    tn_puts("bench: done");
    return 0;
#endif
    // The same stamp pair and hypercall as test/apps/mortise-ctl's bench
    // mode, in this image, so that ivc.pingpong compares within one build.
    for (int i = -k_warmup; i < k_samples; ++i) {
        const u64 a = stamp();
        const u64 b = stamp();
        if (i >= 0)
            g_samples[i] = b - a;
    }
    report("ivc.stamp", k_samples, 1);
    for (int i = -k_warmup; i < k_samples; ++i) {
        const u64 a = stamp();
        const hv::Result v = hv::version();
        const u64 b = stamp();
        if (!v.ok()) {
            tn_printf("bench: FAILED: info.version: %s\n", hv::status_name(v.status));
            return 1;
        }
        if (i >= 0)
            g_samples[i] = b - a;
    }
    report("ivc.null_hypercall", k_samples, 1);
    if (int rc = measure_virq())
        return rc;
    if (int rc = measure_pingpong("ivc.pingpong"))
        return rc;
    if (int rc = measure_throughput("ivc.throughput.64", 64, 512))
        return rc;
    if (int rc = measure_throughput("ivc.throughput.1k", 1024, 128))
        return rc;
    if (int rc = measure_throughput("ivc.throughput.16k", 16384, 32))
        return rc;
    if (auto s = send(nullptr, 0, k_stop); !s.ok())
        return fail("stop", s.error());
    tn_puts("bench: done");
    return 0;
}
#endif

#ifdef CONFIG_IVC_BENCH_LINUX
// Linux takes a while to boot and start ivc-tool: the first ping waits in the
// ring (member 0 formatted it at open()) until ivc-tool attaches and answers.
int run() {
    u64 hz;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    tn_printf("bench: counter %lu Hz\n", hz);
    if (auto o = g_ep.open(k_channel); !o.ok())
        return fail("open 'bench'", o.error());
    tn_puts("bench: waiting for ivc-tool echo in Linux");
    EndpointError e{};
    if (!round_trip(0xa5, e))
        return fail("first round trip", e);
    tn_puts("bench: Linux answers");
    if (int rc = measure_pingpong("ivc.linux_pingpong"))
        return rc;
    tn_puts("bench: done");
    return 0;
}
#endif

#ifdef CONFIG_IVC_BENCH_ECHO
int run() {
    if (auto o = g_ep.open(k_channel); !o.ok())
        return fail("open 'bench'", o.error());
    u32 count = 0;
    for (;;) {
        auto r = recv();
        if (!r.ok())
            return fail("recv", r.error());
        const ivc::Message m = r.value();
        if (m.type == k_data) {
            ++count;
            continue;
        }
        if (m.type == k_stop) {
            tn_puts("echo: done");
            return 0;
        }
        if (m.type == k_ping) {
            if (auto s = send(g_in, m.size, k_ping); !s.ok())
                return fail("send", s.error());
            continue;
        }
        if (m.type == k_yield && m.size == 4) {
            const u32 n = tn::load_le32(g_in);
            u32 done = 0;
            while (done < n && hv::sched_yield() == hv::Status::Success)  // see measure_switch()
                ++done;
            u8 ack[4];
            tn::store_le32(ack, done);
            if (auto s = send(ack, sizeof ack, k_ack); !s.ok())
                return fail("send", s.error());
            continue;
        }
        if (m.type != k_sync) {
            tn_printf("echo: FAILED: message type %u\n", m.type);
            return 1;
        }
        u8 ack[4];
        tn::store_le32(ack, count);
        count = 0;
        if (auto s = send(ack, sizeof ack, k_ack); !s.ok())
            return fail("send", s.error());
    }
}
#endif

}  // namespace

int main() { return run(); }
