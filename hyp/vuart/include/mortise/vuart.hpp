// Emulated PL011 UART (ARM DDI 0183G, "PrimeCell UART (PL011) Technical
// Reference Manual", chapter 3 "Programmers Model") for one guest, plus the
// console input switch.
//
// Output: bytes the guest writes to UARTDR are collected into a line buffer;
// each complete line goes to the core's sink as "[name] text\n", with control
// characters shown escaped (mortise/guest_line.hpp, shared with the console
// hypercall). A line longer than k_line_max is emitted in pieces of at most
// k_line_max bytes, each with the prefix, so one guest cannot hold the shared
// console. The transmitter is modelled as infinitely fast: UARTFR always says
// "TX FIFO empty, not busy", and the TX interrupt is permanently raised (the
// level a real PL011 shows while its FIFO is at or below the trigger level),
// exactly what the Linux and Tenon drivers expect from an idle UART. Like
// QEMU's model, transmission does not depend on UARTCR.UARTEN/TXE; with
// UARTCR.LBE (loopback) set, written bytes go to the receive side instead.
//
// Input: the core pushes bytes into a k_rx_capacity-byte ring (the PL011's
// 32-entry FIFO, doubled); the RX and RX-timeout interrupt conditions are
// "ring not empty", so a driver that drains on either sees both semantics.
// Every change of the UART interrupt output ((UARTRIS & UARTIMSC) != 0) is
// reported to the core's irq callback, which drives the guest's UART SPI
// (INTID 33) as a level-sensitive line in the vGIC.
//
// Bad accesses (defined behaviour): offsets outside [0, 0x1000), accesses
// that are not 1, 2 or 4 bytes wide, or not naturally aligned, return false
// (the hypervisor stops the guest). Reserved offsets inside the frame read
// as zero and ignore writes, as on the real part. Byte and halfword reads
// return the addressed bytes of the register; a narrow write at a register's
// address writes the zero-extended value, one at its upper bytes is ignored
// (no PL011 register has writable bits there, UARTDR's error bits are read-only).
//
// Read view (optional, attach_view()): a 4 KiB page the core can map at the
// UART's IPA read-only, so that guest reads do not exit. A read of any PL011
// register has no side effect exactly when the input ring is empty (UARTDR
// then reads 0 and pops nothing), so while it is, the view holds what read()
// would return at every offset (UARTDR 0, the registers, the ID registers,
// zeros elsewhere, little-endian) and the core keeps it mapped; guest writes
// still fault and come to write(). The view is refreshed under the lock after
// every state change (written register, input, reset); the hook is told which
// bytes changed (ViewOp::Clean, for cache maintenance) and when the mapping
// must change. When input makes the ring non-empty, the hook is told Unmap
// before anything else happens, with the view still saying "receiver empty,
// no RX interrupt": the core removes the mapping (and its TLB entries on every
// CPU) before returning, and only then does the model let the input show
// (trapped reads, the interrupt). When a trapped read of UARTDR empties the
// ring, the view is refreshed and the hook told Map. needs_trapping() says
// whether reads must exit now.
//
// Locking: one spinlock per device serialises guest accesses (any vCPU) with
// the core's push_input(). The sink, irq and view callbacks run with that lock held:
// they must not call back into this device. Lock order: vuart, then vgic.
#pragma once

#include <mortise/guest_line.hpp>
#include <tn/spinlock.hpp>
#include <tn/types.hpp>

namespace mortise {
using tn::u16;
using tn::u32;
using tn::u64;
using tn::u8;
using tn::usize;
}  // namespace mortise

#include <mortise/vdev.hpp>

namespace mortise::vuart {

/// Register offsets and fields (DDI 0183G §3.2, Table 3-1).
namespace reg {
constexpr u64 dr = 0x000, rsr = 0x004, fr = 0x018, ilpr = 0x020, ibrd = 0x024, fbrd = 0x028, lcr_h = 0x02c,
              cr = 0x030, ifls = 0x034, imsc = 0x038, ris = 0x03c, mis = 0x040, icr = 0x044, dmacr = 0x048,
              periph_id0 = 0xfe0, pcell_id3 = 0xffc;
constexpr u64 frame_size = 0x1000;
}  // namespace reg

/// UARTFR bits (§3.3.3).
namespace fr {
constexpr u32 busy = 1u << 3, rxfe = 1u << 4, txff = 1u << 5, rxff = 1u << 6, txfe = 1u << 7;
}
/// UARTCR bits (§3.3.8).
namespace cr {
constexpr u32 uarten = 1u << 0, lbe = 1u << 7, txe = 1u << 8, rxe = 1u << 9;
constexpr u32 reset = txe | rxe;
}
/// Interrupt bits shared by UARTIMSC/RIS/MIS/ICR (§3.3.10-3.3.14).
namespace irq {
constexpr u32 rx = 1u << 4, tx = 1u << 5, rt = 1u << 6, oe = 1u << 10;
constexpr u32 all = 0x7ff;
}

/// Identification registers UARTPeriphID0-3 and UARTPCellID0-3 (§3.3.15-3.3.22):
/// part 0x011, designer ARM (0x41), revision r1p5, PrimeCell ID B105F00D.
constexpr u8 k_id[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

constexpr usize k_line_max = 160;    // bytes of text per emitted line, prefix excluded
constexpr usize k_rx_capacity = 64;  // bytes of unread input held for the guest
constexpr usize k_name_max = 32;     // guest name, as partition::k_name_len

/// Receives one complete output line "[name] text\n" (not NUL-terminated).
using LineSink = void (*)(void* ctx, const char* text, usize len);
/// Told the new level of the UART's interrupt output whenever it changes.
using IrqLine = void (*)(void* ctx, bool level);

/// Words in a read view: one per 32-bit register slot of the frame.
constexpr usize k_view_words = reg::frame_size / 4;
/// Bytes at the start of the view that can change (UARTDR..UARTDMACR); the
/// rest (reserved zeros, ID registers) is written once by attach_view().
constexpr u64 k_view_live_bytes = reg::dmacr + 4;

/// What the core must do for the read view.
enum class ViewOp : u8 {
    Clean,  ///< bytes [offset, offset + size) of the view were written
    Map,    ///< map the view: guest reads may use it from now on
    Unmap,  ///< remove the mapping on every CPU before returning
};
using ViewHook = void (*)(void* ctx, ViewOp op, u64 offset, u64 size);

class Pl011 final : public MmioDevice {
public:
    /// @p name: the guest's name (truncated to k_name_max - 1). The callbacks
    /// may be null (output discarded / no interrupt).
    Pl011(const char* name, LineSink sink, void* sink_ctx, IrqLine irq, void* irq_ctx);

    bool read(unsigned vcpu, u64 offset, unsigned size, u64& value) override;
    bool write(unsigned vcpu, u64 offset, unsigned size, u64 value) override;

    /// Offers one input byte to the guest. Returns false (byte dropped, counted
    /// in rx_dropped()) if the guest has not read the previous k_rx_capacity
    /// bytes or its receiver is disabled (UARTCR.UARTEN or RXE clear).
    bool push_input(u8 byte);
    /// Emits a partial output line now (e.g. before the guest is stopped).
    void flush();
    /// Back to the reset state (guest restart): registers, input and partial
    /// line are discarded; the irq callback is told the line dropped.
    void reset();

    /// Gives the device a read view to keep (k_view_words words, 4-byte
    /// aligned, owned by the caller for the device's life) and the hook that
    /// maps and unmaps it. Fills the view, reports it all as written, then
    /// asks for Map when the input ring is empty. Call once, before the guest runs.
    void attach_view(u32* view, ViewHook hook, void* ctx);
    /// Reads have side effects now (input waiting), or there is no view:
    /// they must trap. False: the view is mapped and up to date.
    bool needs_trapping() const { return !m_view_mapped; }

    u32 rx_dropped() const { return m_rx_dropped; }
    /// Current interrupt output: (UARTRIS & UARTIMSC) != 0.
    bool irq_level() const;

private:
    u32 read_reg(u64 offset);
    void write_reg(u64 offset, u32 v);
    u32 raw_status() const;
    u32 flags() const;
    void transmit(u8 byte);
    bool receive(u8 byte);
    void update_irq();
    void sync_view();

    tn::Spinlock m_lock;
    GuestLine m_out;  // the output line being assembled
    IrqLine m_irq;
    void* m_irq_ctx;

    // Registers without side effects, kept as written (masked to their width).
    u32 m_cr = cr::reset, m_lcr_h = 0, m_ibrd = 0, m_fbrd = 0, m_ifls = 0x12, m_imsc = 0, m_ilpr = 0;
    u32 m_dmacr = 0;
    u32 m_latched = 0;  // interrupt bits that stay until UARTICR clears them (overrun)
    u32 m_rsr = 0;      // receive status: overrun (bit 3) after a dropped byte
    bool m_irq_out = false;

    u8 m_rx[k_rx_capacity];
    u32 m_rx_head = 0, m_rx_tail = 0;  // free-running; fill = head - tail
    u32 m_rx_dropped = 0;

    u32* m_view = nullptr;
    ViewHook m_view_hook = nullptr;
    void* m_view_ctx = nullptr;
    bool m_view_mapped = false;
};

/// Who receives console input.
struct Target {
    enum class Kind : u8 { Shell, Guest };
    Kind kind;
    unsigned guest;  // guest index when kind == Guest
    bool operator==(const Target&) const = default;
};

/// Console input switch. Ctrl-A (0x01) starts an escape; the next byte
/// selects: '1'..'9' guest 0..8, '0' or 'm' the Mortise shell, Ctrl-A a literal
/// Ctrl-A for the current target. Any other byte cancels the escape and both
/// bytes go to the current target, so nothing typed is lost.
class InputSwitch {
public:
    static constexpr u8 k_escape = 0x01;

    struct Result {
        enum class Kind : u8 {
            Forward,   // deliver bytes[0..count) to target
            Pending,   // escape started; nothing to deliver yet
            Switched,  // target changed to `target`
            NoGuest,   // the digit names a guest that does not exist; target unchanged
        };
        Kind kind;
        Target target;  // the target after this byte
        u8 bytes[2];
        unsigned count;
        unsigned requested;  // for NoGuest: the guest index asked for
    };

    /// @p guest_count: guests that may be selected (indices 0..guest_count-1).
    explicit InputSwitch(unsigned guest_count, Target initial = {Target::Kind::Shell, 0})
        : m_guests(guest_count), m_target(initial) {}

    Result feed(u8 byte);
    Target target() const { return m_target; }
    void set_guest_count(unsigned n) { m_guests = n; }

private:
    Result forward(u8 a) const;
    Result forward(u8 a, u8 b) const;

    unsigned m_guests;
    Target m_target;
    bool m_escape = false;
};

}  // namespace mortise::vuart
