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

// ---- Read view ----

// A Pl011 with a read view; the hook plays the core (it records what it is
// asked, and what the guest could see through the view at an Unmap).
struct ViewHarness : Harness {
    struct Op {
        ViewOp op;
        u64 offset, size;
    };
    u32 view[k_view_words] = {};
    std::vector<Op> ops;
    bool mapped = false;
    // At each Unmap: UARTFR and UARTRIS in the view, and interrupt edges so far.
    std::vector<u32> fr_at_unmap, ris_at_unmap;
    std::vector<usize> edges_at_unmap;

    ViewHarness() {
        for (u32& w : view)
            w = 0xdeadbeef;
        uart.attach_view(view, &ViewHarness::hook, this);
    }
    static void hook(void* ctx, ViewOp op, u64 offset, u64 size) {
        auto* h = static_cast<ViewHarness*>(ctx);
        h->ops.push_back({op, offset, size});
        if (op == ViewOp::Map) {
            EXPECT_FALSE(h->mapped);
            h->mapped = true;
        } else if (op == ViewOp::Unmap) {
            EXPECT_TRUE(h->mapped);
            h->mapped = false;
            h->fr_at_unmap.push_back(h->view[reg::fr / 4]);
            h->ris_at_unmap.push_back(h->view[reg::ris / 4]);
            h->edges_at_unmap.push_back(h->irq_edges.size());
        }
    }
    // What a guest load of @p size at @p off reads from the view (little-endian).
    u64 view_read(u64 off, unsigned size) const {
        u64 v = 0;
        __builtin_memcpy(&v, reinterpret_cast<const u8*>(view) + off, size);
        return v;
    }
    // Every offset, at every width, reads the same from the view as through read().
    void expect_view_matches(const char* when) {
        ASSERT_FALSE(uart.needs_trapping()) << when;
        ASSERT_TRUE(mapped) << when;
        for (u64 off = 0; off < reg::frame_size; off += 4) {
            for (unsigned size : {4u, 2u, 1u})
                for (u64 at = off; at < off + 4; at += size)
                    EXPECT_EQ(view_read(at, size), rd(at, size)) << when << ": offset 0x" << std::hex << at
                                                                 << " size " << size;
        }
        EXPECT_FALSE(uart.needs_trapping()) << when << ": reads through read() changed nothing";
    }
    unsigned count(ViewOp op) const {
        unsigned n = 0;
        for (const Op& o : ops)
            n += o.op == op;
        return n;
    }
};

TEST(Pl011View, NoViewMeansEveryReadTraps) {
    Harness h;
    EXPECT_TRUE(h.uart.needs_trapping());
    h.enable_rx();
    EXPECT_TRUE(h.uart.needs_trapping());
}

TEST(Pl011View, AttachFillsTheWholePageAndMapsIt) {
    ViewHarness h;
    ASSERT_EQ(h.ops.size(), 2u);
    EXPECT_EQ(h.ops[0].op, ViewOp::Clean);
    EXPECT_EQ(h.ops[0].offset, 0u);
    EXPECT_EQ(h.ops[0].size, reg::frame_size);
    EXPECT_EQ(h.ops[1].op, ViewOp::Map);
    h.expect_view_matches("after attach");
}

TEST(Pl011View, MatchesReadsAfterEveryRegisterWrite) {
    ViewHarness h;
    const struct {
        u64 off;
        u32 value;
    } writes[] = {
        {reg::ibrd, 0x12345}, {reg::fbrd, 0xff}, {reg::lcr_h, 0x70}, {reg::ifls, 0x3f}, {reg::ilpr, 0x1ff},
        {reg::dmacr, 0xff},   {reg::imsc, irq::all}, {reg::cr, 0xff7f}, {reg::icr, irq::all}, {reg::rsr, 1},
        {reg::dr, 'x'},       {reg::fr, 0xffff}, {reg::ris, 0xffff}, {0x100, 0xffffffff}, {0xfe0, 0xff},
    };  // UARTCR: every bit but LBE (loopback is OverrunAndLoopbackAndReset's)
    for (const auto& w : writes) {
        h.wr(w.off, w.value);
        std::string when = "after writing offset " + std::to_string(w.off);
        h.expect_view_matches(when.c_str());
    }
    h.wr(reg::imsc, irq::tx, 2);  // narrow write
    h.expect_view_matches("after a halfword write of UARTIMSC");
    EXPECT_EQ(h.view[reg::imsc / 4], irq::tx);
    EXPECT_EQ(h.view[reg::mis / 4], irq::tx);
}

TEST(Pl011View, CleanCoversEveryChangeAndOnlyChangesAreReported) {
    ViewHarness h;
    h.ops.clear();
    h.puts("hello\n");  // the transmitter changes no register
    EXPECT_TRUE(h.ops.empty());
    h.wr(reg::imsc, irq::rx);
    ASSERT_EQ(h.ops.size(), 1u);
    EXPECT_EQ(h.ops[0].op, ViewOp::Clean);
    EXPECT_LE(h.ops[0].offset, reg::imsc);
    EXPECT_GE(h.ops[0].offset + h.ops[0].size, reg::mis + 4);
    EXPECT_EQ(h.view[reg::imsc / 4], irq::rx);
}

TEST(Pl011View, InputUnmapsTheViewBeforeItShows) {
    ViewHarness h;
    h.enable_rx();
    h.wr(reg::imsc, irq::rx | irq::rt);
    h.expect_view_matches("receiver enabled");
    const usize edges = h.irq_edges.size();
    ASSERT_TRUE(h.uart.push_input('a'));
    // The core was told to unmap while the view still said "nothing received"
    // and before the interrupt was raised.
    ASSERT_EQ(h.count(ViewOp::Unmap), 1u);
    EXPECT_NE(h.fr_at_unmap[0] & fr::rxfe, 0u);
    EXPECT_EQ(h.ris_at_unmap[0] & (irq::rx | irq::rt), 0u);
    EXPECT_EQ(h.edges_at_unmap[0], edges);
    EXPECT_EQ(h.irq_edges.size(), edges + 1);
    EXPECT_TRUE(h.irq_edges.back());
    EXPECT_TRUE(h.uart.needs_trapping());
    EXPECT_FALSE(h.mapped);
    // Trapped reads: status reads leave the ring (and the view unmapped) alone.
    EXPECT_EQ(h.rd(reg::fr) & fr::rxfe, 0u);
    EXPECT_EQ(h.rd(reg::dr + 1, 1), 0u) << "upper byte of UARTDR pops nothing";
    EXPECT_TRUE(h.uart.needs_trapping());
    ASSERT_TRUE(h.uart.push_input('b'));
    EXPECT_EQ(h.count(ViewOp::Unmap), 1u) << "already unmapped";
    EXPECT_EQ(h.rd(reg::dr), u64{'a'});
    EXPECT_TRUE(h.uart.needs_trapping()) << "'b' still waits";
    EXPECT_EQ(h.count(ViewOp::Map), 1u);
    EXPECT_EQ(h.rd(reg::dr), u64{'b'});
    // The read that emptied the ring mapped the view again, up to date.
    EXPECT_EQ(h.count(ViewOp::Map), 2u);
    EXPECT_FALSE(h.irq_edges.back());
    h.expect_view_matches("input drained");
}

TEST(Pl011View, DroppedInputLeavesTheViewMapped) {
    ViewHarness h;  // receiver disabled (UARTEN clear): input is dropped
    h.ops.clear();
    EXPECT_FALSE(h.uart.push_input('a'));
    EXPECT_TRUE(h.ops.empty());
    h.expect_view_matches("dropped input");
}

TEST(Pl011View, OverrunAndLoopbackAndReset) {
    ViewHarness h;
    h.enable_rx();
    h.wr(reg::imsc, irq::oe);
    for (usize i = 0; i <= k_rx_capacity; ++i)
        (void)h.uart.push_input(static_cast<u8>('0' + i % 10));
    EXPECT_TRUE(h.uart.needs_trapping());
    for (usize i = 0; i < k_rx_capacity; ++i)
        (void)h.rd(reg::dr);
    h.expect_view_matches("after an overrun, drained");
    EXPECT_NE(h.view[reg::ris / 4] & irq::oe, 0u);
    h.wr(reg::icr, irq::oe);
    h.expect_view_matches("overrun cleared");
    // Loopback: the guest's own write fills the receive side.
    h.wr(reg::cr, cr::uarten | cr::txe | cr::rxe | cr::lbe);
    h.wr(reg::dr, 'z');
    EXPECT_TRUE(h.uart.needs_trapping());
    EXPECT_FALSE(h.mapped);
    ASSERT_TRUE(h.uart.push_input('y'));
    h.uart.reset();
    EXPECT_TRUE(h.mapped);
    h.expect_view_matches("after reset");
    EXPECT_EQ(h.view[reg::cr / 4], cr::reset);
}

}  // namespace
