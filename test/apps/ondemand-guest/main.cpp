// Guest app for Mortise's on-demand instance test (test/qemu/mode2-ondemand.test). One of three
// roles (Config.uk):
//   ctl     (privileged) creates, pauses, resumes and reclaims instances by hypercall: bad
//           arguments first, then an instance's lifecycle, the scrubbing check (an instance of
//           'secret', reclaimed, then one of 'probe' in the same RAM) and 20 create/reclaim
//           cycles with the pool's free RAM and tables compared before and after; then it
//           waits, for the shell part of the test;
//   shared  (privileged) the same for mode-2 instances on a CPU shared with a reserved mode-2
//           guest (test/qemu/mode2-ondemand-shared.test): the live schedulability check's
//           refusals, an instance beside that guest, reclaimed and created again, the scrubbing;
//           then it exits;
//   secret  writes a pattern over its free RAM, reads it back and exits;
//   probe   scans the same range for the pattern and reports how many words hold it.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/irq.hpp>
#include <tn/mortise.hpp>

extern "C" char _end[];

namespace {

using namespace tn;
namespace hv = tn::mortise;

#ifdef CONFIG_ONDEMAND_GUEST_SHARED
volatile bool g_timer_fired;
void on_timer(void*) { g_timer_fired = true; }

// Sleeps on its timer (WFI): a CPU spinning here would take QEMU's instructions, under icount the
// measure of time, from the shared CPU the instances run on.
void wait_ms(u64 ms) {
    g_timer_fired = false;
    if (!clock::arm_at(clock::now_ns() + ms * 1'000'000).ok()) {
        tn_puts("ctl: FAILED: cannot arm the timer");
        return;
    }
    while (!g_timer_fired)
        irq::wait_for_interrupt();
}
#else
[[maybe_unused]] void wait_ms(u64 ms) {
    u64 until = clock::now_ns() + ms * 1'000'000;
    while (clock::now_ns() < until) {
    }
}
#endif

#if defined(CONFIG_ONDEMAND_GUEST_SECRET) || defined(CONFIG_ONDEMAND_GUEST_PROBE)
// The word Mortise must not let the next instance see at @p a.
constexpr u64 k_secret = 0x5343'5255'425f'4d45;  // "SCRUB_ME"
u64 secret(u64 a) { return k_secret ^ a; }

// From the first 2 MiB boundary above the image to 2 MiB below the top of RAM (the device tree's
// room): nothing Tenon uses in this app (no page pool), and the same range in both roles.
constexpr u64 k_ram = 0x4000'0000, k_top = k_ram + u64{CONFIG_ONDEMAND_GUEST_RAM_MIB} * MiB - 2 * MiB;
u64 low() { return align_up(reinterpret_cast<u64>(_end), 2 * MiB); }
#endif

#ifdef CONFIG_ONDEMAND_GUEST_SECRET
int run() {
    auto* w = reinterpret_cast<volatile u64*>(low());
    const u64 n = (k_top - low()) / 8;
    for (u64 i = 0; i < n; ++i)
        w[i] = secret(reinterpret_cast<u64>(&w[i]));
    u64 bad = 0;
    for (u64 i = 0; i < n; ++i)
        bad += w[i] != secret(reinterpret_cast<u64>(&w[i])) ? 1 : 0;
    tn_printf("secret: %lu words written over [0x%lx, 0x%lx), %s\n", n, low(), k_top,
              bad ? "FAILED: some did not read back" : "all read back");
    return bad ? 1 : 0;
}
#endif

#ifdef CONFIG_ONDEMAND_GUEST_PROBE
int run() {
    auto* w = reinterpret_cast<volatile u64*>(low());
    const u64 n = (k_top - low()) / 8;
    u64 found = 0, nonzero = 0, first = 0;
    for (u64 i = 0; i < n; ++i) {
        const u64 v = w[i];
        nonzero += v != 0 ? 1 : 0;
        if (v == secret(reinterpret_cast<u64>(&w[i])) && found++ == 0)
            first = reinterpret_cast<u64>(&w[i]);
    }
    if (found)
        tn_printf("probe: FAILED: %lu words of the secret found in [0x%lx, 0x%lx), the first at 0x%lx\n", found,
                  low(), k_top, first);
    else
        tn_printf("probe: 0 words of the secret in [0x%lx, 0x%lx) (%lu words scanned, %lu not zero)\n", low(),
                  k_top, n, nonzero);
    return found ? 1 : 0;
}
#endif

#if defined(CONFIG_ONDEMAND_GUEST_CTL) || defined(CONFIG_ONDEMAND_GUEST_SHARED)
using S = hv::Status;
using G = hv::GuestState;
constexpr u64 k_mib = MiB;

bool g_ok = true;

void expect(const char* what, S got, S want) {
    if (got == want) {
        tn_printf("ctl: %s -> %s\n", what, hv::status_name(got));
        return;
    }
    tn_printf("ctl: FAILED: %s returned %s, expected %s\n", what, hv::status_name(got), hv::status_name(want));
    g_ok = false;
}

hv::GuestInfo info(unsigned index) {
    hv::GuestInfo i{};
    if (S s = hv::guest_info(index, i); s != S::Success) {
        tn_printf("ctl: FAILED: lifecycle.info(%u): %s\n", index, hv::status_name(s));
        g_ok = false;
    }
    return i;
}

[[maybe_unused]] bool expect_state(unsigned index, G want) {
    const hv::GuestInfo i = info(index);
    if (i.state == want)
        return true;
    tn_printf("ctl: FAILED: guest %u '%s' is %s, expected %s\n", index, i.name, hv::state_name(i.state),
              hv::state_name(want));
    g_ok = false;
    return false;
}

// The pool as instance.pool reports it, printed.
hv::Result pool(const char* when) {
    hv::Result r = hv::instance_pool();
    if (!r.ok()) {
        tn_printf("ctl: FAILED: instance.pool: %s\n", hv::status_name(r.status));
        g_ok = false;
        return r;
    }
    tn_printf("ctl: pool %s: %lu MiB free of %lu MiB, CPU mask 0x%lx free, %lu stage-2 tables free\n", when,
              r.x1 / k_mib, r.x2 / k_mib, r.x3 & 0xffff'ffff, r.x3 >> 32);
    return r;
}

// Reclaims @p index, again while its vCPUs are still leaving (Busy).
S reclaim(unsigned index) {
    S s = S::Busy;
    for (int i = 0; i < 100 && s == S::Busy; ++i)
        s = hv::instance_reclaim(index);
    return s;
}

// Waits up to 10 s for guest @p index to stop by itself (its app returned).
bool wait_stopped(unsigned index) {
    for (int i = 0; i < 1000; ++i) {
        const G s = info(index).state;
        if (s == G::Stopped)
            return true;
        if (s == G::Faulted)
            break;
        wait_ms(10);
    }
    tn_printf("ctl: FAILED: guest %u did not stop by itself (%s)\n", index, hv::state_name(info(index).state));
    g_ok = false;
    return false;
}

#endif

#ifdef CONFIG_ONDEMAND_GUEST_CTL
void bad_arguments() {
    static const char k_long[40] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";  // 39 characters
    char unterminated[40];
    for (char& c : unterminated)
        c = 'a';
    namespace inst = tn::mortise_abi::instance;
    const u64 outside = 0x1000;  // no RAM of this guest there
    expect("create with the image name outside its RAM",
           hv::instance_create(reinterpret_cast<const char*>(outside), "x", 8 * k_mib).status, S::InvalidAddress);
    expect("create with the name outside its RAM",
           hv::instance_create("tick", reinterpret_cast<const char*>(outside), 8 * k_mib).status, S::InvalidAddress);
    expect("create with a name 39 characters long", hv::instance_create("tick", k_long, 8 * k_mib).status,
           S::InvalidParameters);
    expect("create with an unterminated name", hv::instance_create("tick", unterminated, 8 * k_mib).status,
           S::InvalidParameters);
    expect("create with an empty name", hv::instance_create("tick", "", 8 * k_mib).status, S::InvalidParameters);
    expect("create with the name 'Bad!'", hv::instance_create("tick", "Bad!", 8 * k_mib).status,
           S::InvalidParameters);
    expect("create of image 'nosuch'", hv::instance_create("nosuch", "x", 8 * k_mib).status, S::InvalidParameters);
    expect("create named 'ctl' (taken)", hv::instance_create("tick", "ctl", 8 * k_mib).status, S::InvalidParameters);
    expect("create with 3 MiB", hv::instance_create("tick", "x", 3 * k_mib).status, S::InvalidParameters);
    expect("create with 0 bytes", hv::instance_create("tick", "x", 0).status, S::InvalidParameters);
    expect("create with 1 GiB (more than the pool)", hv::instance_create("tick", "x", 1024 * k_mib).status,
           S::InvalidParameters);
    expect("create with 0 vCPUs", hv::instance_create("tick", "x", 8 * k_mib, 0).status, S::InvalidParameters);
    expect("create with 3 vCPUs (2 pool CPUs)", hv::instance_create("tick", "x", 8 * k_mib, 3).status,
           S::Unavailable);
    expect("create with priority 32", hv::instance_create("tick", "x", 8 * k_mib, 1, 32).status,
           S::InvalidParameters);
    expect("create with budget 2000 us per 1000 us",
           hv::instance_create("tick", "x", 8 * k_mib, 1, 0, inst::budget(2000, 1000)).status, S::InvalidParameters);
    expect("reclaim guest 0 (ctl, not an instance)", hv::instance_reclaim(0), S::InvalidParameters);
    expect("reclaim guest 99", hv::instance_reclaim(99), S::InvalidParameters);
}

void lifecycle() {
    namespace inst = tn::mortise_abi::instance;
    hv::Result r = hv::instance_create("tick", "t1", 8 * k_mib, 1, 7, inst::budget(1000, 10000));
    expect("create t1 from 'tick' (8 MiB, priority 7, 1000 us per 10000 us)", r.status, S::Success);
    if (!r.ok())
        return;
    const auto t = static_cast<unsigned>(r.x1);
    tn_printf("ctl: t1 is guest %u\n", t);
    expect("create t1 again (name taken)", hv::instance_create("tick", "t1", 8 * k_mib).status, S::InvalidParameters);
    wait_ms(300);
    expect_state(t, G::Running);
    expect("pause t1", hv::pause(t), S::Success);
    expect_state(t, G::Paused);
    wait_ms(50);  // its vCPU leaves its CPU at its next exit
    tn_puts("ctl: t1 paused, watching it for 300 ms");
    wait_ms(300);
    tn_puts("ctl: resuming t1");
    expect("resume t1", hv::resume(t), S::Success);
    wait_ms(300);
    expect_state(t, G::Running);
    expect("reclaim t1", reclaim(t), S::Success);
    const hv::GuestInfo gone = info(t);
    tn_printf("ctl: guest %u after reclaim: %s, name '%s', %u vCPUs\n", t, hv::state_name(gone.state), gone.name,
              gone.vcpus);
    if (gone.state != G::Stopped || gone.name[0] != '\0' || gone.vcpus != 0) {
        tn_puts("ctl: FAILED: the reclaimed slot still looks like a guest");
        g_ok = false;
    }
    expect("pause the reclaimed t1", hv::pause(t), S::InvalidState);
    expect("start the reclaimed t1", hv::start(t), S::Unavailable);
    expect("reclaim t1 again", hv::instance_reclaim(t), S::InvalidParameters);
    r = hv::instance_create("tick", "t1", 8 * k_mib);
    expect("recreate t1", r.status, S::Success);
    wait_ms(200);
    expect_state(static_cast<unsigned>(r.x1), G::Running);
    expect("reclaim the new t1", reclaim(static_cast<unsigned>(r.x1)), S::Success);
}

#endif

#if defined(CONFIG_ONDEMAND_GUEST_CTL) || defined(CONFIG_ONDEMAND_GUEST_SHARED)
// The RAM of 'secret' and 'probe' (their ONDEMAND_GUEST_RAM_MIB).
#ifdef CONFIG_ONDEMAND_GUEST_SHARED
constexpr u64 k_scrub_mib = 8;  // under icount on a shared CPU: a quarter of the mode-1 test's work
#else
constexpr u64 k_scrub_mib = 32;
#endif

void scrubbing(unsigned priority = 0) {
    hv::Result r = hv::instance_create("secret", "s1", k_scrub_mib * k_mib, 1, priority);
    expect("create s1 from 'secret'", r.status, S::Success);
    if (!r.ok() || !wait_stopped(static_cast<unsigned>(r.x1)))
        return;
    expect("reclaim s1", reclaim(static_cast<unsigned>(r.x1)), S::Success);
    r = hv::instance_create("probe", "s2", k_scrub_mib * k_mib, 1, priority);
    expect("create s2 from 'probe'", r.status, S::Success);
    if (!r.ok() || !wait_stopped(static_cast<unsigned>(r.x1)))
        return;
    expect("reclaim s2", reclaim(static_cast<unsigned>(r.x1)), S::Success);
}

#endif

#ifdef CONFIG_ONDEMAND_GUEST_CTL
void cycles() {
    const hv::Result before = pool("before 20 cycles");
    for (int i = 0; i < 20 && g_ok; ++i) {
        hv::Result r = hv::instance_create("tick", "cycle", 8 * k_mib);
        if (!r.ok()) {
            tn_printf("ctl: FAILED: cycle %d: create: %s\n", i, hv::status_name(r.status));
            g_ok = false;
            break;
        }
        if (i % 2)
            wait_ms(20);  // every other one is reclaimed while it runs, the others while they boot
        if (S s = reclaim(static_cast<unsigned>(r.x1)); s != S::Success) {
            tn_printf("ctl: FAILED: cycle %d: reclaim: %s\n", i, hv::status_name(s));
            g_ok = false;
        }
    }
    const hv::Result after = pool("after 20 cycles");
    if (before.x1 != after.x1 || before.x3 != after.x3) {
        tn_puts("ctl: FAILED: the pool lost RAM, CPUs or tables over 20 cycles");
        g_ok = false;
    } else {
        tn_puts("ctl: 20 create/reclaim cycles: nothing leaked");
    }
}

int run() {
    hv::Result v = hv::version();
    if (!v.ok() || v.x1 < ((1u << 16) | 3u)) {
        tn_printf("ctl: FAILED: interface 1.3 needed, Mortise has %lu.%lu\n", v.x1 >> 16, v.x1 & 0xffff);
        return 1;
    }
    pool("at start");
    bad_arguments();
    lifecycle();
    scrubbing();
    cycles();
    tn_puts(g_ok ? "ctl: all hypercall checks passed" : "ctl: FAILED: see above");
    // Stays, so that the shell part of the test has a guest running; 'destroy ctl' ends it.
    for (;;)
        asm volatile("wfi");
}
#endif

#ifdef CONFIG_ONDEMAND_GUEST_SHARED
// The instance pool shares CPU 2 with 'hog' (priority 20, reserved 3000 us per 10000 us, spinning
// for good). What the live check refuses, and why (Mortise's line says it).
void refusals() {
    namespace inst = tn::mortise_abi::instance;
    expect("create at priority 25 without a reservation (above reserved hog)",
           hv::instance_create("spin", "x", 8 * k_mib, 1, 25).status, S::Unavailable);
    expect("create at priority 10 with 8000 us per 10000 us (not schedulable under hog)",
           hv::instance_create("spin", "x", 8 * k_mib, 1, 10, inst::budget(8000, 10000)).status, S::Unavailable);
    expect("create at priority 32", hv::instance_create("spin", "x", 8 * k_mib, 1, 32).status,
           S::InvalidParameters);
    expect("create with budget 5 us per 1000 us",
           hv::instance_create("spin", "x", 8 * k_mib, 1, 5, inst::budget(5, 1000)).status, S::InvalidParameters);
    expect("create with 2 vCPUs (1 shared pool CPU)", hv::instance_create("spin", "x", 8 * k_mib, 2, 5).status,
           S::Unavailable);
}

// An instance of 'spin' at priority 5, below hog: CPU-bound, it counts the windows of 50 ms it
// made progress in beside hog (the image's check) and stops; then it is reclaimed.
void beside_hog(const char* what) {
    hv::Result r = hv::instance_create("spin", "v1", 8 * k_mib, 1, 5);
    expect(what, r.status, S::Success);
    if (!r.ok() || !wait_stopped(static_cast<unsigned>(r.x1)))
        return;
    expect("reclaim v1", reclaim(static_cast<unsigned>(r.x1)), S::Success);
}

int run() {
    clock::set_callback(on_timer, nullptr);
    irq::local_enable();
    const hv::Result before = pool("at start");
    refusals();
    beside_hog("create v1 from 'spin' at priority 5");
    beside_hog("create v1 again (the same slot and thread)");
    scrubbing(5);
    const hv::Result after = pool("at the end");
    if (before.x1 != after.x1 || before.x3 != after.x3) {
        tn_puts("ctl: FAILED: the pool lost RAM, CPUs or tables");
        g_ok = false;
    }
    tn_puts(g_ok ? "ctl: all hypercall checks passed" : "ctl: FAILED: see above");
    return g_ok ? 0 : 1;  // CPU 1 goes idle: the shell's part of the test measures CPU 2 alone
}
#endif

}  // namespace

int main() { return run(); }
