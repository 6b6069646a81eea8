// Host tests of the emulated PL011: registers a probing driver reads, line
// assembly with the guest-name prefix, input ring, interrupt line, bad accesses.
#include <gtest/gtest.h>

#include <mortise/vuart.hpp>

#include <string>
#include <vector>

using namespace mortise;
using namespace mortise::vuart;

namespace {

struct Harness {
    std::vector<std::string> lines;
    std::vector<bool> irq_edges;
    Pl011 uart{"linux0", &Harness::sink, this, &Harness::irq, this};

    static void sink(void* ctx, const char* text, usize len) {
        static_cast<Harness*>(ctx)->lines.emplace_back(text, len);
    }
    static void irq(void* ctx, bool level) { static_cast<Harness*>(ctx)->irq_edges.push_back(level); }

    u64 rd(u64 off, unsigned size = 4) {
        u64 v = ~u64{0};
        EXPECT_TRUE(uart.read(0, off, size, v)) << "offset " << off;
        return v;
    }
    void wr(u64 off, u64 v, unsigned size = 4) { EXPECT_TRUE(uart.write(0, off, size, v)) << "offset " << off; }
    void puts(const char* s) {
        while (*s)
            wr(reg::dr, static_cast<u8>(*s++));
    }
    void enable_rx() { wr(reg::cr, cr::uarten | cr::txe | cr::rxe); }
};

TEST(Pl011, IdentificationRegistersMatchAPl011) {
    Harness h;
    // What Linux's AMBA bus reads to match the pl011 driver (part 0x011, designer 0x41).
    u32 periph = 0;
    for (unsigned i = 0; i < 4; ++i)
        periph |= static_cast<u32>(h.rd(0xfe0 + 4 * i) & 0xff) << (8 * i);
    EXPECT_EQ(periph & 0x000fffff, 0x00041011u);
    u32 cell = 0;
    for (unsigned i = 0; i < 4; ++i)
        cell |= static_cast<u32>(h.rd(0xff0 + 4 * i) & 0xff) << (8 * i);
    EXPECT_EQ(cell, 0xb105f00du);
}

TEST(Pl011, ResetStateIsIdleTransmitterEmptyReceiver) {
    Harness h;
    EXPECT_EQ(h.rd(reg::fr), fr::txfe | fr::rxfe);
    EXPECT_EQ(h.rd(reg::cr), cr::txe | cr::rxe);
    EXPECT_EQ(h.rd(reg::imsc), 0u);
    EXPECT_EQ(h.rd(reg::ris), irq::tx);
    EXPECT_EQ(h.rd(reg::mis), 0u);
    EXPECT_FALSE(h.uart.irq_level());
}

TEST(Pl011, PlainRegistersKeepTheirImplementedBits) {
    Harness h;
    h.wr(reg::ibrd, 0x12345);
    h.wr(reg::fbrd, 0xff);
    h.wr(reg::lcr_h, 0x170);
    h.wr(reg::cr, 0xffffffff);
    h.wr(reg::ifls, 0xffff);
    h.wr(reg::dmacr, 0xff);
    EXPECT_EQ(h.rd(reg::ibrd), 0x2345u);
    EXPECT_EQ(h.rd(reg::fbrd), 0x3fu);
    EXPECT_EQ(h.rd(reg::lcr_h), 0x70u);
    EXPECT_EQ(h.rd(reg::cr), 0xff87u);
    EXPECT_EQ(h.rd(reg::ifls), 0x3fu);
    EXPECT_EQ(h.rd(reg::dmacr), 0x7u);
    // Read-only registers ignore writes.
    h.wr(reg::fr, 0);
    h.wr(reg::ris, 0);
    EXPECT_EQ(h.rd(reg::fr), fr::txfe | fr::rxfe);
}

TEST(Pl011, CompleteLinesArePrefixedWithTheGuestName) {
    Harness h;
    h.puts("hello\r\nworld");
    ASSERT_EQ(h.lines.size(), 1u);
    EXPECT_EQ(h.lines[0], "[linux0] hello\n");
    h.puts("!\n\n");
    ASSERT_EQ(h.lines.size(), 3u);
    EXPECT_EQ(h.lines[1], "[linux0] world!\n");
    EXPECT_EQ(h.lines[2], "[linux0] \n");
}

TEST(Pl011, LongLinesAreSplitAtTheLimit) {
    Harness h;
    std::string text(k_line_max * 2 + 5, 'x');
    h.puts(text.c_str());
    ASSERT_EQ(h.lines.size(), 2u);
    EXPECT_EQ(h.lines[0], "[linux0] " + std::string(k_line_max, 'x') + "\n");
    EXPECT_EQ(h.lines[1], h.lines[0]);
    h.uart.flush();
    ASSERT_EQ(h.lines.size(), 3u);
    EXPECT_EQ(h.lines[2], "[linux0] xxxxx\n");
    h.uart.flush();  // nothing buffered: nothing emitted
    EXPECT_EQ(h.lines.size(), 3u);
}

// The UART path goes through vuart::GuestLine (guest_line_test.cpp has the
// rules): a forged line stays tagged, CR and escape sequences arrive escaped.
TEST(Pl011, ForgedLinesStayTaggedAndControlsEscaped) {
    Harness h;
    h.puts("x\r\nmortise: forged\r\x1b[2Kgone\r\n");
    ASSERT_EQ(h.lines.size(), 2u);
    EXPECT_EQ(h.lines[0], "[linux0] x\n");
    EXPECT_EQ(h.lines[1], "[linux0] mortise: forged\\x0d\\x1b[2Kgone\n");
}

TEST(Pl011, ByteWritesToDataRegisterTransmit) {
    Harness h;
    h.wr(reg::dr, 'a', 1);
    h.wr(reg::dr, 0x100 | 'b', 2);  // upper bits dropped
    h.wr(reg::dr + 1, 'c', 1);      // upper byte: ignored
    h.wr(reg::dr, '\n', 1);
    ASSERT_EQ(h.lines.size(), 1u);
    EXPECT_EQ(h.lines[0], "[linux0] ab\n");
}

TEST(Pl011, LongNamesAreTruncated) {
    std::vector<std::string> out;
    auto sink = [](void* ctx, const char* t, usize n) { static_cast<std::vector<std::string>*>(ctx)->emplace_back(t, n); };
    Pl011 uart{"a-very-long-guest-name-that-exceeds-the-limit", sink, &out, nullptr, nullptr};
    ASSERT_TRUE(uart.write(0, reg::dr, 4, '\n'));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], "[" + std::string("a-very-long-guest-name-that-exceeds-the-limit").substr(0, k_name_max - 1) + "] \n");
}

TEST(Pl011, InputIsReadInOrderAndFlagsFollowTheRing) {
    Harness h;
    EXPECT_FALSE(h.uart.push_input('x')) << "receiver disabled after reset (UARTEN clear)";
    EXPECT_EQ(h.uart.rx_dropped(), 1u);
    h.enable_rx();
    EXPECT_TRUE(h.uart.push_input('o'));
    EXPECT_TRUE(h.uart.push_input('k'));
    EXPECT_EQ(h.rd(reg::fr) & fr::rxfe, 0u);
    EXPECT_EQ(h.rd(reg::dr + 1, 1), 0u) << "upper byte of UARTDR must not consume input";
    EXPECT_EQ(h.rd(reg::dr), u64{'o'});
    EXPECT_EQ(h.rd(reg::dr, 1), u64{'k'});
    EXPECT_EQ(h.rd(reg::fr) & fr::rxfe, fr::rxfe);
    EXPECT_EQ(h.rd(reg::dr), 0u) << "empty FIFO reads zero";
}

TEST(Pl011, FullRingDropsAndFlagsOverrun) {
    Harness h;
    h.enable_rx();
    for (usize i = 0; i < k_rx_capacity; ++i)
        ASSERT_TRUE(h.uart.push_input(static_cast<u8>('a' + i % 26)));
    EXPECT_EQ(h.rd(reg::fr) & fr::rxff, fr::rxff);
    EXPECT_FALSE(h.uart.push_input('!'));
    EXPECT_EQ(h.uart.rx_dropped(), 1u);
    EXPECT_EQ(h.rd(reg::ris) & irq::oe, irq::oe);
    EXPECT_EQ(h.rd(reg::rsr), 8u);
    EXPECT_EQ(h.rd(reg::dr), u64{'a'} | (1u << 11)) << "the byte after the loss carries OE";
    EXPECT_EQ(h.rd(reg::dr), u64{'b'});
    h.wr(reg::icr, irq::oe);
    EXPECT_EQ(h.rd(reg::ris) & irq::oe, 0u);
}

TEST(Pl011, InterruptLineFollowsReceiveDataAndMask) {
    Harness h;
    h.enable_rx();
    h.wr(reg::imsc, irq::rx | irq::rt);
    EXPECT_TRUE(h.irq_edges.empty());
    ASSERT_TRUE(h.uart.push_input('q'));
    ASSERT_EQ(h.irq_edges.size(), 1u);
    EXPECT_TRUE(h.irq_edges[0]);
    EXPECT_EQ(h.rd(reg::mis), u64{irq::rx | irq::rt});
    ASSERT_TRUE(h.uart.push_input('r'));
    EXPECT_EQ(h.irq_edges.size(), 1u) << "no new edge while the line stays high";
    h.wr(reg::icr, irq::all);  // clearing does not drop a level condition
    EXPECT_TRUE(h.uart.irq_level());
    (void)h.rd(reg::dr);
    EXPECT_TRUE(h.uart.irq_level());
    (void)h.rd(reg::dr);
    ASSERT_EQ(h.irq_edges.size(), 2u);
    EXPECT_FALSE(h.irq_edges[1]);
}

TEST(Pl011, TransmitInterruptIsAlwaysRaisedWhenUnmasked) {
    Harness h;
    h.wr(reg::imsc, irq::tx);
    ASSERT_EQ(h.irq_edges.size(), 1u);
    EXPECT_TRUE(h.irq_edges[0]);
    h.wr(reg::imsc, 0);
    ASSERT_EQ(h.irq_edges.size(), 2u);
    EXPECT_FALSE(h.irq_edges[1]);
}

TEST(Pl011, LoopbackSendsOutputToTheReceiver) {
    Harness h;
    h.wr(reg::cr, cr::uarten | cr::txe | cr::rxe | cr::lbe);
    h.wr(reg::dr, 'Z');
    EXPECT_TRUE(h.lines.empty());
    h.uart.flush();
    EXPECT_TRUE(h.lines.empty());
    EXPECT_EQ(h.rd(reg::dr), u64{'Z'});
}

TEST(Pl011, BadAccessesAreRefusedReservedOnesAreRazWi) {
    Harness h;
    u64 v = 0;
    EXPECT_FALSE(h.uart.read(0, 0x1000, 4, v)) << "outside the frame";
    EXPECT_FALSE(h.uart.read(0, 0xffe, 4, v)) << "crosses the frame end";
    EXPECT_FALSE(h.uart.read(0, reg::fr, 8, v)) << "64-bit access";
    EXPECT_FALSE(h.uart.read(0, reg::fr, 3, v)) << "odd width";
    EXPECT_FALSE(h.uart.read(0, reg::fr + 2, 4, v)) << "misaligned";
    EXPECT_FALSE(h.uart.write(0, ~u64{0} - 1, 1, 0)) << "offset wraps";
    EXPECT_FALSE(h.uart.write(0, reg::dr, 8, 'x'));
    EXPECT_TRUE(h.lines.empty());
    EXPECT_TRUE(h.uart.read(0, 0x100, 4, v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(h.uart.write(0, 0x100, 4, 0xffffffff));
    EXPECT_TRUE(h.uart.read(0, 0x100, 4, v));
    EXPECT_EQ(v, 0u);
    EXPECT_EQ(h.rd(reg::fr + 2, 2), 0u) << "upper half of a 16-bit register";
}

TEST(Pl011, ResetDropsInputAndPartialLine) {
    Harness h;
    h.enable_rx();
    h.wr(reg::imsc, irq::rx);
    ASSERT_TRUE(h.uart.push_input('a'));
    h.puts("partial");
    h.uart.reset();
    EXPECT_FALSE(h.uart.irq_level());
    EXPECT_EQ(h.irq_edges.back(), false);
    EXPECT_EQ(h.rd(reg::fr), fr::txfe | fr::rxfe);
    h.uart.flush();
    EXPECT_TRUE(h.lines.empty());
}

}  // namespace
