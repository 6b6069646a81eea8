// The 16550 driver against a register model (uart_model.hpp): line set-up,
// polled output and input, the reg-shift / reg-io-width variants, receive
// interrupts and overruns through RxQueue, and the device tree binding.
#include <gtest/gtest.h>

#include <tn/drivers/ns16550.hpp>
#include <tn/drivers/ns16550_rx.hpp>
#include <tn/fdt.hpp>

#include "dtb_builder.hpp"
#include "uart_model.hpp"

namespace tn::ns16550 {

namespace detail {
u32 bus_read(uptr addr, u8 width) { return test::UartModel::current()->read(addr, width); }
void bus_write(uptr addr, u8 width, u32 value) { test::UartModel::current()->write(addr, width, value); }
}  // namespace detail

namespace test {
namespace {

constexpr uptr k_base = 0xfe660000;  // rk3568 UART2

// Each test's model, reachable from the bus functions.
struct Attached {
    explicit Attached(UartModel& m) { UartModel::current() = &m; }
    ~Attached() { UartModel::current() = nullptr; }
};

struct Variant {
    u8 shift, width;
    bool dw;
};

class Ns16550 : public ::testing::TestWithParam<Variant> {
protected:
    Variant v = GetParam();
    UartModel model{k_base, v.shift, v.width, v.dw};
    Attached attached{model};
    Uart uart{Config{k_base, v.shift, v.width, v.dw, 0, 0}};
};

INSTANTIATE_TEST_SUITE_P(Variants, Ns16550,
                         ::testing::Values(Variant{2, 4, true}, Variant{0, 1, false}, Variant{2, 1, false},
                                           Variant{1, 1, false}, Variant{2, 4, false}),
                         [](const auto& info) {
                             return "shift" + std::to_string(info.param.shift) + "_width" +
                                    std::to_string(info.param.width) + (info.param.dw ? "_dw" : "");
                         });

TEST_P(Ns16550, InitSets8N1WithFifosAndMasksInterrupts) {
    model.ier = 0x0f;
    model.dll = 1;  // firmware's divisor: 24 MHz / (16 * 1,500,000)
    uart.init();
    EXPECT_EQ(model.lcr, 0x03u);
    EXPECT_EQ(model.ier, 0u);
    EXPECT_TRUE(model.fifo_enabled);
    EXPECT_EQ(model.rx_resets, 1);
    EXPECT_EQ(model.tx_resets, 1);
    EXPECT_EQ(model.mcr, 0x0bu);  // DTR, RTS, OUT2
    EXPECT_EQ(model.dll, 1u) << "without clock-frequency the firmware's divisor stays";
}

TEST_P(Ns16550, InitProgramsTheDivisorWhenClockAndBaudAreKnown) {
    Uart u{Config{k_base, v.shift, v.width, v.dw, 48'000'000, 115200}};
    u.init();
    EXPECT_EQ(model.dll, 26u);
    EXPECT_EQ(model.dlh, 0u);
    EXPECT_EQ(model.lcr, 0x03u) << "DLAB cleared again";
}

TEST_P(Ns16550, PutWaitsForTheTransmitterAndKeepsOrder) {
    uart.init();
    model.thre_delay = 3;
    for (char c : std::string("Hello from Tenon\n"))
        uart.put(c);
    EXPECT_EQ(model.tx, "Hello from Tenon\n");
    EXPECT_GE(model.lsr_polls, 3 * 16);
    uart.flush();
}

TEST_P(Ns16550, PolledReceive) {
    uart.init();
    EXPECT_EQ(uart.try_get(), -1);
    model.receive("ok");
    EXPECT_EQ(uart.try_get(), 'o');
    EXPECT_EQ(uart.try_get(), 'k');
    EXPECT_EQ(uart.try_get(), -1);
}

TEST_P(Ns16550, ReceiveErrorsTravelWithTheirByte) {
    uart.init();
    model.receive('a', reg::Lsr::Pe::mask);
    model.receive('b');
    i32 w = uart.try_receive();
    ASSERT_GE(w, 0);
    EXPECT_EQ(RxWord::Data::get(w), u32{'a'});
    EXPECT_EQ(RxWord::Errors::get(w), reg::Lsr::Pe::mask);
    w = uart.try_receive();
    EXPECT_EQ(RxWord::Data::get(w), u32{'b'});
    EXPECT_EQ(RxWord::Errors::get(w), 0u);
}

TEST_P(Ns16550, OverrunIsReportedOnceAndTheFifoKept) {
    uart.init();
    for (int i = 0; i < 70; ++i)
        model.receive(static_cast<u8>(i));
    i32 first = uart.try_receive();
    EXPECT_TRUE(first & RxWord::k_overrun);
    int n = 1;
    while (uart.try_receive() >= 0)
        ++n;
    EXPECT_EQ(n, 64) << "the bytes that came after the FIFO filled are lost, the FIFO's kept";
}

TEST_P(Ns16550, ReceiveInterruptAtTheFifoLevelAndOnTimeout) {
    uart.init();
    uart.enable_rx_interrupts(RxLevel::Half);
    EXPECT_EQ(model.ier, 0x05u);  // ERBFI | ELSI
    EXPECT_TRUE(model.fifo_enabled) << "FCR rewritten with FIFOs still on";
    model.receive(std::string(31, 'x'));
    EXPECT_FALSE(model.irq_pending()) << "below half of 64";
    model.receive('y');
    EXPECT_EQ(model.iir_id(), reg::Iir::k_rx_data);
    while (uart.try_get() >= 0)
        ;
    EXPECT_FALSE(model.irq_pending());
    model.receive("abc");
    EXPECT_FALSE(model.irq_pending());
    model.idle();
    EXPECT_EQ(model.iir_id(), reg::Iir::k_char_timeout);
    EXPECT_EQ(uart.acknowledge(), reg::Iir::k_char_timeout);
    uart.disable_rx_interrupts();
    EXPECT_EQ(model.ier, 0u);
    EXPECT_FALSE(model.irq_pending());
}

TEST(Ns16550Dw, InitWaitsWhileBusyBeforeWritingLcr) {
    UartModel model{k_base, 2, 4, true};
    Attached a{model};
    model.busy_polls = 5;
    model.lcr = 0x1f;
    Uart{Config{k_base, 2, 4, true, 0, 0}}.init();
    EXPECT_EQ(model.lcr_writes_ignored, 0);
    EXPECT_EQ(model.lcr, 0x03u);
}

TEST(Ns16550Dw, BusyDetectInterruptIsClearedThroughUsr) {
    UartModel model{k_base, 2, 4, true};
    Attached a{model};
    Uart uart{Config{k_base, 2, 4, true, 0, 0}};
    uart.init();
    model.busy_detect = true;
    EXPECT_EQ(uart.acknowledge(), reg::Iir::k_busy_detect);
    EXPECT_FALSE(model.irq_pending());
}

TEST(Ns16550Plain, NeverTouchesUsr) {
    // A plain 16550 has 8 registers: the model fails any access to register 31.
    UartModel model{k_base, 0, 1, false};
    Attached a{model};
    Uart uart{Config{k_base, 0, 1, false, 0, 0}};
    uart.init();
    (void)uart.acknowledge();
}

TEST(Ns16550Divisor, Values) {
    EXPECT_EQ(Uart::divisor(24'000'000, 1'500'000), 1u);
    EXPECT_EQ(Uart::divisor(1'843'200, 115200), 1u);
    EXPECT_EQ(Uart::divisor(24'000'000, 115200), 13u);
    EXPECT_EQ(Uart::divisor(0, 115200), 0u);
    EXPECT_EQ(Uart::divisor(24'000'000, 0), 0u);
    EXPECT_EQ(Uart::divisor(200'000'000, 50), 0u) << "above 16 bits";
}

// ------------------------------------------------------------ RxQueue

struct IrqLog {
    u32 registered = 0, enabled = 0;
    irq::Handler handler = nullptr;
    void* ctx = nullptr;
    bool level = false;
};
IrqLog g_irq;

class Ns16550Rx : public ::testing::Test {
protected:
    void SetUp() override { g_irq = {}; }
    UartModel model{k_base, 2, 4, true};
    Attached attached{model};
    Uart uart{Config{k_base, 2, 4, true, 0, 0}};
    RxQueue rx;
    /// The GIC delivers the UART's level interrupt while it is asserted.
    void deliver() {
        while (model.irq_pending())
            (void)g_irq.handler(irq::Event{}, g_irq.ctx);
    }
};

TEST_F(Ns16550Rx, StartTakesBytesAlreadyReceivedAndUnmasks) {
    uart.init();
    model.receive("hi");
    ASSERT_TRUE(rx.try_start(uart, 0x76 + 32).ok());
    EXPECT_EQ(g_irq.registered, 0x96u);
    EXPECT_EQ(g_irq.enabled, 0x96u);
    EXPECT_TRUE(g_irq.level);
    EXPECT_EQ(model.ier, 0x05u);
    EXPECT_EQ(rx.try_get(), 'h');
    EXPECT_EQ(rx.try_get(), 'i');
    EXPECT_EQ(rx.try_get(), -1);
}

TEST_F(Ns16550Rx, InterruptMovesTheFifoIntoTheRing) {
    uart.init();
    ASSERT_TRUE(rx.try_start(uart, 0x96).ok());
    model.receive(std::string(40, 'z'));
    deliver();
    EXPECT_EQ(model.rx_level(), 0u);
    model.receive("end");
    model.idle();
    deliver();
    std::string got;
    for (int c; (c = rx.try_get()) >= 0;)
        got.push_back(static_cast<char>(c));
    EXPECT_EQ(got, std::string(40, 'z') + "end");
    EXPECT_EQ(rx.overruns(), 0u);
    EXPECT_EQ(rx.dropped(), 0u);
}

TEST_F(Ns16550Rx, OverrunIsCountedAndTheLineStatusInterruptCleared) {
    uart.init();
    ASSERT_TRUE(rx.try_start(uart, 0x96).ok());
    // IRQs masked too long: 80 bytes reach a 64-byte FIFO.
    for (int i = 0; i < 80; ++i)
        model.receive('o');
    EXPECT_EQ(model.iir_id(), reg::Iir::k_line_status);
    deliver();
    EXPECT_EQ(rx.overruns(), 1u);
    EXPECT_FALSE(model.irq_pending());
}

TEST_F(Ns16550Rx, AFullRingDropsButStillEmptiesTheFifo) {
    uart.init();
    ASSERT_TRUE(rx.try_start(uart, 0x96).ok());
    static_assert(RxQueue::k_capacity <= 64, "the test fills the ring through one 64-byte FIFO");
    model.receive(std::string(RxQueue::k_capacity, 'q'));
    deliver();
    model.receive(std::string(10, 'r'));
    model.idle();
    deliver();
    EXPECT_EQ(model.rx_level(), 0u);
    EXPECT_EQ(rx.dropped(), 10u);
    EXPECT_EQ(rx.overruns(), 0u);
}

// ------------------------------------------------------------ device tree

using tn::fdt::test::DtbBuilder;

std::vector<u8> tree(const std::function<void(DtbBuilder&)>& uart_props) {
    DtbBuilder b;
    b.begin("").prop_u32("#address-cells", 2).prop_u32("#size-cells", 2);
    b.begin("serial@fe660000");
    uart_props(b);
    b.prop_cells("reg", {0, 0xfe660000, 0, 0x100});
    b.end();
    b.end();
    return b.build();
}

Result<Config, fdt::Error> config_of(const std::vector<u8>& blob, const char* options) {
    auto dt = fdt::Fdt::try_open(blob.data(), blob.size());
    EXPECT_TRUE(dt.ok());
    auto n = dt.value().find_path("/serial@fe660000");
    EXPECT_TRUE(n.ok());
    return config_from_node(dt.value(), n.value(), options);
}

TEST(Ns16550Dt, Rk3568Uart2) {
    auto blob = tree([](DtbBuilder& b) {
        b.prop_strs("compatible", {"rockchip,rk3568-uart", "snps,dw-apb-uart"})
            .prop_u32("reg-shift", 2)
            .prop_u32("reg-io-width", 4);
    });
    auto c = config_of(blob, "1500000n8");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.value().base, 0xfe660000u);
    EXPECT_EQ(c.value().reg_shift, 2);
    EXPECT_EQ(c.value().io_width, 4);
    EXPECT_TRUE(c.value().dw_apb);
    EXPECT_EQ(c.value().clock_hz, 0u);
    EXPECT_EQ(c.value().baud, 1'500'000u);
}

TEST(Ns16550Dt, PlainNs16550aDefaults) {
    auto blob = tree([](DtbBuilder& b) {
        b.prop_str("compatible", "ns16550a").prop_u32("clock-frequency", 1843200).prop_u32("current-speed", 9600);
    });
    auto c = config_of(blob, "115200n8");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.value().reg_shift, 0);
    EXPECT_EQ(c.value().io_width, 1);
    EXPECT_FALSE(c.value().dw_apb);
    EXPECT_EQ(c.value().clock_hz, 1843200u);
    EXPECT_EQ(c.value().baud, 9600u) << "current-speed wins over the stdout-path options";
}

TEST(Ns16550Dt, RefusesWhatItCannotDrive) {
    auto pl011 = tree([](DtbBuilder& b) { b.prop_strs("compatible", {"arm,pl011", "arm,primecell"}); });
    EXPECT_EQ(config_of(pl011, nullptr).error(), fdt::Error::BadValue);
    auto width2 = tree([](DtbBuilder& b) { b.prop_str("compatible", "ns16550a").prop_u32("reg-io-width", 2); });
    EXPECT_EQ(config_of(width2, nullptr).error(), fdt::Error::BadValue);
    auto shift9 = tree([](DtbBuilder& b) { b.prop_str("compatible", "ns16550a").prop_u32("reg-shift", 9); });
    EXPECT_EQ(config_of(shift9, nullptr).error(), fdt::Error::BadValue);
}

}  // namespace
}  // namespace test
}  // namespace tn::ns16550

// lib/irq as RxQueue sees it, recording what the driver asked for.
namespace tn::irq {
using tn::ns16550::test::g_irq;
Result<void, Error> register_handler(u32 intid, Handler handler, void* ctx) {
    g_irq.registered = intid;
    g_irq.handler = handler;
    g_irq.ctx = ctx;
    return {};
}
Result<void, Error> unregister_handler(u32) { return {}; }
Result<void, Error> set_trigger(u32, Trigger t) {
    g_irq.level = t == Trigger::Level;
    return {};
}
Result<void, Error> enable(u32 intid) {
    g_irq.enabled = intid;
    return {};
}
void local_enable() {}
void local_disable() {}
void wait_for_interrupt() {}
}  // namespace tn::irq
