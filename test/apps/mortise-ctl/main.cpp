// Guest app for Mortise's lifecycle, crash and hypercall-cost tests
// (test/qemu/mortise-*.test). One of six modes (Config.uk):
//   control  lists the guests, then pauses, resumes, restarts and destroys
//            MORTISE_CTL_TARGET by hypercall; the boot test checks from the
//            console that the target's output stops and starts accordingly;
//   denied   checks that a guest without 'privileged' gets DENIED;
//   crash    crashes so badly at EL1 that Mortise must step in;
//   cpu-off  powers off its only vCPU with PSCI CPU_OFF;
//   forge    tries to forge console lines (newline, CR, ANSI escapes);
//   bench    measures the null hypercall round trip.
#include <tn/arch/psci.hpp>
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/irq.hpp>
#include <tn/mortise.hpp>

namespace {

using namespace tn;
namespace hv = tn::mortise;

// Sleeps in WFI until its own timer's deadline rather than spinning on the counter. Under
// QEMU's -icount the vCPUs take turns on one host thread, each turn lasting until the next
// virtual-clock deadline, and a CPU that arms a new earliest timer ends its own turn: a guest
// spinning here for 400 ms kept a tickless Mortise CPU (which arms a timer at every vCPU
// wait and slice) from running its vCPUs for most of that time (qemu/mode2-lifecycle).
[[maybe_unused]] void wait_ms(u64 ms) {
    u64 until = clock::now_ns() + ms * 1'000'000;
    (void)clock::arm_at(until);
    while (clock::now_ns() < until)
        irq::wait_for_interrupt();  // woken by the timer, taken or still masked
    clock::stop();
}

[[maybe_unused]] int fail(const char* what, hv::Status s) {
    tn_printf("ctl: FAILED: %s: %s\n", what, hv::status_name(s));
    return 1;
}

// Interface version 1.x, and the info calls answer for any guest.
[[maybe_unused]] bool check_info(const char* who) {
    hv::Result v = hv::version();
    hv::Result id = hv::guest_id();
    hv::Result n = hv::vcpu_count();
    if (!v.ok() || (v.x1 >> 16) != 1 || !id.ok() || !n.ok()) {
        tn_printf("%s: FAILED: info calls: version %s 0x%lx, guest_id %s, vcpu_count %s\n", who,
                  hv::status_name(v.status), v.x1, hv::status_name(id.status), hv::status_name(n.status));
        return false;
    }
    tn_printf("%s: Mortise interface %lu.%lu, this is guest %lu, vCPU %lu of %lu\n", who, v.x1 >> 16,
              v.x1 & 0xffff, id.x1, n.x2, n.x1);
    return true;
}

#ifdef CONFIG_MORTISE_CTL_CONTROL
// The target's state as Mortise reports it, or a failure.
bool expect_state(unsigned index, hv::GuestState want) {
    hv::GuestInfo info;
    hv::Status s = hv::guest_info(index, info);
    if (s != hv::Status::Success || info.state != want) {
        tn_printf("ctl: FAILED: %s is %s (%s), expected %s\n", CONFIG_MORTISE_CTL_TARGET, hv::state_name(info.state),
                  hv::status_name(s), hv::state_name(want));
        return false;
    }
    return true;
}

bool step(const char* what, hv::Status got, hv::Status want) {
    if (got == want)
        return true;
    tn_printf("ctl: FAILED: %s returned %s, expected %s\n", what, hv::status_name(got), hv::status_name(want));
    return false;
}

int run() {
    using S = hv::Status;
    using G = hv::GuestState;
    constexpr u64 k_window = CONFIG_MORTISE_CTL_PAUSE_MS;
    constexpr const char* k_target = CONFIG_MORTISE_CTL_TARGET;
    if (!check_info("ctl"))
        return 1;
    hv::Result n = hv::guest_count();
    if (!n.ok())
        return fail("lifecycle.count", n.status);
    tn_printf("ctl: %lu guests\n", n.x1);
    for (unsigned i = 0; i < n.x1; ++i) {
        hv::GuestInfo info;
        S s = hv::guest_info(i, info);
        if (s != S::Success)
            return fail("lifecycle.info", s);
        tn_printf("ctl: guest %u '%s' %s, %u vCPU%s\n", i, info.name, hv::state_name(info.state), info.vcpus,
                  info.vcpus == 1 ? "" : "s");
    }
    // Argument validation: no guest 99; a name buffer outside this guest's RAM.
    if (!step("pause(99)", hv::pause(99), S::InvalidParameters) ||
        !step("name into 0x1000", hv::call(hv::fid::k_guest_name, 0, 0x1000, 32).status, S::InvalidAddress))
        return 1;
    unsigned t = 0;
    S s = hv::find_guest(k_target, t);
    if (s != S::Success)
        return fail("find the target guest", s);
    // Let the target run a while, so that its output before the pause is seen.
    wait_ms(k_window);
    if (!expect_state(t, G::Running))
        return 1;

    tn_printf("ctl: pausing %s\n", k_target);
    if (!step("pause", hv::pause(t), S::Success) || !expect_state(t, G::Paused) ||
        !step("pause again", hv::pause(t), S::InvalidState))
        return 1;
    wait_ms(50);  // the target's vCPU leaves its CPU at its next exit (kick SGI)
    tn_printf("ctl: %s paused, watching it for %lu ms\n", k_target, k_window);
    wait_ms(k_window);

    tn_printf("ctl: resuming %s\n", k_target);
    if (!step("resume", hv::resume(t), S::Success) || !expect_state(t, G::Running) ||
        !step("resume again", hv::resume(t), S::InvalidState))
        return 1;
    wait_ms(k_window);
    tn_printf("ctl: %s resumed\n", k_target);

    tn_printf("ctl: restarting %s\n", k_target);
    if (!step("restart", hv::restart(t), S::Success))
        return 1;
    wait_ms(k_window);
    if (!expect_state(t, G::Running))
        return 1;
    tn_printf("ctl: %s restarted\n", k_target);

    tn_printf("ctl: destroying %s\n", k_target);
    if (!step("destroy", hv::destroy(t), S::Success) || !expect_state(t, G::Stopped) ||
        !step("resume a stopped guest", hv::resume(t), S::InvalidState))
        return 1;
    wait_ms(50);
    tn_printf("ctl: %s destroyed, watching it for %lu ms\n", k_target, k_window);
    wait_ms(k_window);
    tn_puts("ctl: all lifecycle checks passed");
    return 0;
}
#endif

#ifdef CONFIG_MORTISE_CTL_DENIED
int run() {
    using S = hv::Status;
    if (!check_info("nopriv"))
        return 1;
    static const char k_text[] = "nopriv: this line went through console.write";
    S s = hv::write(k_text, sizeof k_text - 1);
    if (s != S::Success)
        return fail("console.write", s);
    char name[32];
    struct {
        const char* what;
        S got;
    } calls[] = {
        {"count", hv::guest_count().status},
        {"info", hv::call(hv::fid::k_guest_info, 0).status},
        {"name", hv::call(hv::fid::k_guest_name, 0, reinterpret_cast<u64>(name), sizeof name).status},
        {"start", hv::start(0)},
        {"pause", hv::pause(0)},
        {"resume", hv::resume(0)},
        {"destroy", hv::destroy(0)},
        {"restart", hv::restart(0)},
    };
    bool ok = true;
    for (const auto& c : calls) {
        tn_printf("nopriv: lifecycle.%s -> %s\n", c.what, hv::status_name(c.got));
        ok = ok && c.got == S::Denied;
    }
    // An unknown function of a known owner, and the yielding form, are refused too.
    S unknown = hv::call(hv::function_id(2, 0x7f)).status;
    S yielding = hv::call(hv::fid::k_version & ~(1u << 31)).status;
    tn_printf("nopriv: unknown function -> %s, yielding call -> %s\n", hv::status_name(unknown),
              hv::status_name(yielding));
    ok = ok && unknown == S::NotSupported && yielding == S::NotSupported;
    tn_puts(ok ? "nopriv: every lifecycle call was denied" : "nopriv: FAILED: a lifecycle call was not denied");
    return ok ? 0 : 1;
}
#endif

#ifdef CONFIG_MORTISE_CTL_CRASH
int run() {
    // After a short while, so that a boot test sees the crashes of several
    // guests in a known order.
    wait_ms(100);
    tn_puts("crash: MMU off, VBAR_EL1 = 0, then an undefined instruction");
    // With the MMU off the code keeps running (Tenon maps RAM identity); the
    // undefined instruction's vector is fetched from IPA 0x200, where this
    // guest has nothing: a stage-2 instruction abort only Mortise can handle.
    asm volatile(
        "mrs x9, sctlr_el1\n"
        "bic x9, x9, #1\n"
        "msr sctlr_el1, x9\n"
        "isb\n"
        "msr vbar_el1, xzr\n"
        "isb\n"
        "udf #0\n" ::
            : "x9", "memory");
    tn_puts("crash: FAILED: still running");
    return 1;
}
#endif

#ifdef CONFIG_MORTISE_CTL_CPU_OFF
int run() {
    // PSCI CPU_OFF (DEN 0022D 5.5) does not return on success.
    constexpr u64 k_cpu_off = 0x8400'0002;
    tn_puts("cpuoff: PSCI CPU_OFF on this guest's only vCPU");
    i64 r = tn::arch::psci_call(tn::arch::PsciConduit::Hvc, k_cpu_off);
    tn_printf("cpuoff: FAILED: CPU_OFF returned %ld\n", r);
    return 1;
}
#endif

#ifdef CONFIG_MORTISE_CTL_FORGE
int run() {
    // A line that claims to be Mortise's, then CR and erase-line to wipe the
    // tag, and cursor-up to overwrite the line above.
    tn_puts("forge: through the console\nmortise: forged by the console\r\x1b[2K\x1b[1Aerased");
    static const char k_text[] = "forge: through console.write\nmortise: forged by console.write\r\x1b[2K";
    hv::Status s = hv::write(k_text, sizeof k_text - 1);
    if (s != hv::Status::Success)
        return fail("console.write", s);
    tn_puts("forge: done");
    return 0;
}
#endif

#ifdef CONFIG_MORTISE_CTL_BENCH
constexpr int k_samples = CONFIG_MORTISE_CTL_SAMPLES;
constexpr int k_warmup = 16;
u64 g_samples[k_samples];

inline u64 stamp() {
    u64 v;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

// Same line as apps/rtbench report(): integers only (no FP in this image).
void report(const char* metric) {
    u64 lo = ~u64{0}, hi = 0, sum = 0;
    for (u64 v : g_samples) {
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        sum += v;
    }
    u64 mean_x100 = sum * 100 / k_samples;
    u64 var_x10000 = 0;
    for (u64 v : g_samples) {
        i64 d = static_cast<i64>(v * 100) - static_cast<i64>(mean_x100);
        var_x10000 += static_cast<u64>(d * d) / k_samples;
    }
    u64 sd = 0;
    for (u64 bit = u64{1} << 62; bit; bit >>= 2) {
        if (var_x10000 >= sd + bit) {
            var_x10000 -= sd + bit;
            sd = (sd >> 1) + bit;
        } else {
            sd >>= 1;
        }
    }
    tn_printf("bench: %s samples=%d min=%lu mean=%lu.%02lu max=%lu stddev=%lu.%02lu ops=1\n", metric, k_samples, lo,
              mean_x100 / 100, mean_x100 % 100, hi, sd / 100, sd % 100);
}

int run() {
    u64 at_main = stamp();
    u64 hz;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    tn_printf("bench: counter %lu Hz\n", hz);  // scripts/bench's format, as apps/rtbench
    tn_printf("bench: main at guest virtual counter %lu\n", at_main);
    if (!check_info("bench"))
        return 1;
    // The stamp pair alone, then around info.version: the difference of the
    // two minima is the HVC round trip itself.
    for (int i = -k_warmup; i < k_samples; ++i) {
        u64 a = stamp();
        u64 b = stamp();
        if (i >= 0)
            g_samples[i] = b - a;
    }
    report("mortise.stamp");
    for (int i = -k_warmup; i < k_samples; ++i) {
        u64 a = stamp();
        hv::Result r = hv::version();
        u64 b = stamp();
        if (!r.ok())
            return fail("info.version", r.status);
        if (i >= 0)
            g_samples[i] = b - a;
    }
    report("mortise.null_hypercall");
    tn_puts("bench: done");
    return 0;
}
#endif

}  // namespace

int main() { return run(); }
