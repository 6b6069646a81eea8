// Test application for the interrupt and timer layer (lib/irq, lib/clock, the
// GIC drivers, the Arm generic timer), run by test/qemu/timer-irq*.test:
//
//   1. an SGI sent to this CPU runs its handler;
//   2. lib/irq refuses bad requests (double registration, special INTID,
//      non-SGI IPI, affinity of a PPI, enabling without a handler);
//   3. an SPI made pending by software, edge-triggered and routed to this CPU,
//      runs its handler;
//   4. split end of interrupt: while that SPI's handler has deferred its
//      deactivation, the SPI is not taken again but a lower-priority SGI is
//      (its priority was dropped); deactivate() lets the pending SPI in;
//   5. the periodic timer event at TIMER_IRQ_HZ delivers TIMER_IRQ_TICKS ticks,
//   6. whose first-to-last interval, read from the virtual counter in the
//      callback, is (TICKS - 1 + overruns) / HZ within TIMER_IRQ_TOLERANCE_PPM.
//
// Exit status 0 when all hold; otherwise the number of the first failed step.
#include <tn/arch/sysreg.hpp>
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/irq.hpp>

namespace {

using namespace tn;

constexpr u32 k_sgi = 1;
// An SPI no QEMU virt device drives: hw/arm/virt.c (a15irqmap) wires SPIs up
// to 175 (the platform bus), and its GICv3 implements INTIDs up to 255.
constexpr u32 k_spi = 250;
constexpr u32 k_hz = CONFIG_TIMER_IRQ_HZ;
constexpr u32 k_ticks = CONFIG_TIMER_IRQ_TICKS;
constexpr u64 k_tolerance_ppm = CONFIG_TIMER_IRQ_TOLERANCE_PPM;

u64 counter() {
    asm volatile("isb" ::: "memory");
    return arch::CntvctEl0::read();
}

volatile u32 g_sgi_runs;
volatile u32 g_spi_runs;
volatile bool g_defer_next;
volatile u32 g_deferred_intid, g_deferred_raw;
volatile u32 g_ticks;
volatile u64 g_first_tick, g_last_tick, g_max_gap, g_min_gap;

irq::Completion on_sgi(irq::Event e, void*) {
    if (e.intid == k_sgi)
        g_sgi_runs = g_sgi_runs + 1;
    return irq::Completion::Done;
}

irq::Completion on_spi(irq::Event e, void*) {
    if (e.intid != k_spi)
        return irq::Completion::Done;
    g_spi_runs = g_spi_runs + 1;
    if (!g_defer_next)
        return irq::Completion::Done;
    g_defer_next = false;
    g_deferred_intid = e.intid;
    g_deferred_raw = e.raw;
    return irq::Completion::Deferred;
}

// Timestamps every tick; stops the timer after the last one so no tick
// lands after the measurement.
void on_tick(void*) {
    u64 now = counter();
    u32 n = g_ticks + 1;
    if (n == 1) {
        g_first_tick = now;
        g_min_gap = ~u64{0};
    } else {
        u64 gap = now - g_last_tick;
        if (gap > g_max_gap)
            g_max_gap = gap;
        if (gap < g_min_gap)
            g_min_gap = gap;
    }
    g_last_tick = now;
    g_ticks = n;
    if (n == k_ticks)
        clock::stop();
}

// Polls (IRQs unmasked) until @p count reaches @p want or @p ms pass.
bool poll_until(const volatile u32& count, u32 want, u32 ms = 100) {
    u64 limit = counter() + clock::frequency_hz() * ms / 1000;
    while (count < want)
        if (counter() > limit)
            return false;
    return true;
}

bool fails_with(Result<void, irq::Error> r, irq::Error e) { return !r.ok() && r.error() == e; }

bool check_registration_errors() {
    bool ok = fails_with(irq::register_handler(k_sgi, on_sgi, nullptr), irq::Error::AlreadyRegistered) &&
              fails_with(irq::register_handler(1023, on_sgi, nullptr), irq::Error::OutOfRange) &&
              fails_with(irq::send_sgi(16, irq::SgiTarget::self()), irq::Error::NotSgi) &&
              fails_with(irq::set_affinity(27, irq::CpuAffinity{0}), irq::Error::NotSpi) &&
              fails_with(irq::enable(k_spi + 1), irq::Error::NotRegistered);
    tn_printf("timer-irq: registration errors %s\n", ok ? "as expected" : "WRONG");
    return ok;
}

bool check_sgi() {
    if (!irq::register_handler(k_sgi, on_sgi, nullptr).ok() || !irq::enable(k_sgi).ok())
        return false;
    if (!irq::send_sgi(k_sgi, irq::SgiTarget::self()).ok() || !poll_until(g_sgi_runs, 1))
        return false;
    tn_printf("timer-irq: SGI %u handled\n", k_sgi);
    return true;
}

bool check_spi() {
    irq::CpuAffinity self{arch::MpidrEl1::read()};
    if (!irq::register_handler(k_spi, on_spi, nullptr).ok() || !irq::set_trigger(k_spi, irq::Trigger::Edge).ok() ||
        !irq::set_affinity(k_spi, self).ok() || !irq::set_priority(k_spi, 0x80).ok() || !irq::enable(k_spi).ok())
        return false;
    if (!irq::raise(k_spi).ok() || !poll_until(g_spi_runs, 1))
        return false;
    tn_printf("timer-irq: SPI %u handled\n", k_spi);
    return true;
}

// The SPI (priority 0x80) stays active after a Deferred completion: raising
// it again must not run the handler, an SGI at the lower default priority must
// (the priority drop happened), and deactivate() must let the SPI in again.
bool check_deferred() {
    g_defer_next = true;
    u32 runs = g_spi_runs, sgis = g_sgi_runs;
    if (!irq::raise(k_spi).ok() || !poll_until(g_spi_runs, runs + 1) || g_defer_next)
        return false;
    if (!irq::raise(k_spi).ok() || poll_until(g_spi_runs, runs + 2, 5))
        return false;
    if (!irq::send_sgi(k_sgi, irq::SgiTarget::self()).ok() || !poll_until(g_sgi_runs, sgis + 1))
        return false;
    if (!irq::deactivate({g_deferred_intid, g_deferred_raw}).ok() || !poll_until(g_spi_runs, runs + 2))
        return false;
    tn_printf("timer-irq: deferred deactivation of SPI %u held it active, SGI taken meanwhile\n", k_spi);
    return true;
}

// Sleeps in WFI between ticks; each tick wakes it.
bool run_ticks() {
    clock::set_callback(on_tick, nullptr);
    if (!clock::arm_periodic(1'000'000'000ull / k_hz).ok())
        return false;
    u64 limit = counter() + clock::frequency_hz() * (k_ticks / k_hz + 2);
    while (g_ticks < k_ticks) {
        if (counter() > limit)
            return false;
        irq::wait_for_interrupt();
    }
    return true;
}

// Periods skipped because a tick was handled more than a period late (QEMU
// without -icount, on a busy host) still belong to the interval: the deadlines
// stay on their grid, which is what is checked.
bool check_rate() {
    u64 freq = clock::frequency_hz();
    u64 periods = k_ticks - 1 + clock::overruns();
    u64 interval = g_last_tick - g_first_tick;
    u64 expected = periods * freq / k_hz;
    u64 error = interval > expected ? interval - expected : expected - interval;
    u64 ppm = error * 1'000'000 / expected;
    tn_printf("timer-irq: %u ticks at %u Hz: %lu counter ticks for %lu periods, expected %lu, error %lu ppm\n",
              k_ticks, k_hz, interval, periods, expected, ppm);
    tn_printf("timer-irq: period min %lu max %lu counter ticks, counter %lu Hz, %lu overruns\n", g_min_gap,
              g_max_gap, freq, clock::overruns());
    return ppm <= k_tolerance_ppm;
}

}  // namespace

int main() {
    tn_printf("timer-irq: controller %s, counter %lu Hz\n", irq::controller_name(), clock::frequency_hz());
    irq::local_enable();
    if (!check_sgi())
        return 1;
    if (!check_registration_errors())
        return 2;
    if (!check_spi())
        return 3;
    if (!check_deferred())
        return 4;
    if (!run_ticks())
        return 5;
    if (!check_rate())
        return 6;
    tn_printf("timer-irq: all checks passed\n");
    return 0;
}
