// A driver-shaped test of a device the platform does not map itself: finds
// the ARM PL031 real-time clock in the device tree, maps its registers
// (tn::plat::map_device), checks the PrimeCell ID, and waits for
// RTC_ALARM_COUNT alarm interrupts, each set one second ahead through the
// match register. Under Mortise the RTC is a pass-through device: its node in
// the guest's device tree and its forwarded SPI are what this exercises
// (test/qemu/mortise-passthrough.test); on bare QEMU it is test/qemu/rtc-alarm.test.
//
// PL031 registers (ARM DDI 0224C §3.3): RTCDR 0x00 data (seconds), RTCMR 0x04
// match, RTCIMSC 0x10 interrupt mask (1 = enabled), RTCMIS 0x18 masked status,
// RTCICR 0x1C clear; PrimeCell peripheral ID 0xFE0-0xFEC reads 0x31 0x10 0x?4 0x00.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/fdt.hpp>
#include <tn/irq.hpp>
#include <tn/plat.hpp>

namespace {

using namespace tn;

constexpr u64 k_dr = 0x00, k_mr = 0x04, k_imsc = 0x10, k_mis = 0x18, k_icr = 0x1c, k_periph_id0 = 0xfe0;
constexpr u64 k_watch_ms = 10;

u64 g_base;
volatile u32 g_alarms;
volatile u32 g_watch;

u32 reg(u64 off) { return *reinterpret_cast<volatile u32*>(g_base + off); }
void set_reg(u64 off, u32 v) { *reinterpret_cast<volatile u32*>(g_base + off) = v; }

irq::Completion on_alarm(irq::Event, void*) {
    if (reg(k_mis) & 1) {
        set_reg(k_icr, 1);  // drops the level line before the end of interrupt
        g_alarms = g_alarms + 1;
    }
    return irq::Completion::Done;
}

void on_watch(void*) { g_watch = g_watch + 1; }

int fail(const char* what) {
    tn_printf("rtc: FAILED: %s\n", what);
    return 2;
}

}  // namespace

int main() {
    auto dt = plat::device_tree();
    if (!dt.ok())
        return fail("no device tree");
    auto dev = dt.value().find_device("arm,pl031");
    if (!dev.ok())
        return fail("the device tree has no arm,pl031 node");
    if (!dev.value().has_irq)
        return fail("the arm,pl031 node has no interrupts");
    g_base = dev.value().reg.address;
    const u32 intid = dev.value().intid;
    tn_printf("rtc: PL031 at 0x%lx, INTID %u (device tree)\n", g_base, intid);
    // A plain read here would fault: the platform maps only its own devices.
    if (auto m = plat::map_device(g_base, dev.value().reg.size); !m.ok()) {
        tn_printf("rtc: FAILED: cannot map its registers (%s)\n", plat::map_error_name(m.error()));
        return 2;
    }
    if (auto m = plat::map_device(reinterpret_cast<u64>(&g_alarms), 4); m.ok() || m.error() != plat::MapError::NotDevice)
        return fail("map_device() accepted a RAM address");
    if (reg(k_periph_id0) != 0x31 || reg(k_periph_id0 + 4) != 0x10)
        return fail("the registers do not identify as a PL031");
    if (!irq::register_handler(intid, on_alarm, nullptr).ok() ||
        !irq::set_trigger(intid, irq::Trigger::Level).ok() || !irq::enable(intid).ok())
        return fail("cannot set up its interrupt");
    clock::set_callback(on_watch, nullptr);
    if (!clock::arm_periodic(k_watch_ms * 1'000'000).ok())
        return fail("cannot start the watchdog timer");
    irq::local_enable();
    for (u32 n = 1; n <= CONFIG_RTC_ALARM_COUNT; ++n) {
        const u32 set_at = reg(k_dr);
        set_reg(k_mr, set_at + 1);
        set_reg(k_icr, 1);
        set_reg(k_imsc, 1);
        const u32 watch0 = g_watch;
        while (g_alarms < n && (g_watch - watch0) * k_watch_ms < CONFIG_RTC_ALARM_TIMEOUT_MS)
            irq::wait_for_interrupt();
        set_reg(k_imsc, 0);
        if (g_alarms < n) {
            tn_printf("rtc: FAILED: no alarm interrupt within %u ms (RTCDR %u, match %u)\n",
                      CONFIG_RTC_ALARM_TIMEOUT_MS, reg(k_dr), set_at + 1);
            return 3;
        }
        const u32 now = reg(k_dr);
        // 1 normally; more when the guest was paused while the alarm fired
        // and the interrupt waited for it (Mortise's pass-through test).
        tn_printf("rtc: alarm %u: interrupt at RTCDR %u, %u s after it was set\n", n, now, now - set_at);
    }
    clock::stop();
    if (g_alarms != CONFIG_RTC_ALARM_COUNT)
        return fail("more alarm interrupts than alarms");
    tn_puts("rtc: done");
    return 0;
}
