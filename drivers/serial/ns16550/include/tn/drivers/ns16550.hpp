// 16550-compatible UART, as National Semiconductor's PC16550D data sheet
// defines its registers, and the Synopsys DesignWare APB UART (DW_apb_uart
// databook, "Register Descriptions") that extends it: Rockchip's UARTs, among
// them rk3568's debug console UART2.
//
// The registers are numbered 0-7 (DesignWare adds USR at 31); register n
// lies at base + (n << reg_shift) and is accessed reg_io_width bytes wide
// (1: 8-bit accesses, 4: 32-bit accesses of which the low 8 bits count), as
// the device tree's reg-shift and reg-io-width say (rk3568: 2 and 4).
#pragma once

#include <tn/fdt.hpp>
#include <tn/register.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::ns16550 {

/// Register numbers (before reg_shift) and their fields.
namespace reg {
constexpr u32 rbr = 0;  ///< Receive buffer (read, LCR.DLAB = 0).
constexpr u32 thr = 0;  ///< Transmit holding (write, LCR.DLAB = 0).
constexpr u32 dll = 0;  ///< Divisor latch, low byte (LCR.DLAB = 1).
constexpr u32 ier = 1;  ///< Interrupt enable (LCR.DLAB = 0).
constexpr u32 dlh = 1;  ///< Divisor latch, high byte (LCR.DLAB = 1).
constexpr u32 iir = 2;  ///< Interrupt identification (read).
constexpr u32 fcr = 2;  ///< FIFO control (write).
constexpr u32 lcr = 3;  ///< Line control.
constexpr u32 mcr = 4;  ///< Modem control.
constexpr u32 lsr = 5;  ///< Line status.
constexpr u32 msr = 6;  ///< Modem status.
constexpr u32 scr = 7;  ///< Scratch.
constexpr u32 usr = 31; ///< DesignWare only: UART status (offset 0x7c with reg_shift 2).

struct Ier {
    struct Erbfi : Field<0, 1> {};  ///< Received data available (and character timeout).
    struct Etbei : Field<1, 1> {};  ///< Transmit holding register empty.
    struct Elsi : Field<2, 1> {};   ///< Receiver line status: overrun, parity, framing, break.
    struct Edssi : Field<3, 1> {};  ///< Modem status.
};
struct Iir {
    struct Id : Field<0, 4> {};          ///< Highest-priority pending interrupt (below).
    struct FifosEnabled : Field<6, 2> {};  ///< 3 when FCR enabled the FIFOs.
    static constexpr u32 k_modem_status = 0x0;
    static constexpr u32 k_none = 0x1;
    static constexpr u32 k_thr_empty = 0x2;
    static constexpr u32 k_rx_data = 0x4;
    static constexpr u32 k_line_status = 0x6;
    static constexpr u32 k_busy_detect = 0x7;  ///< DesignWare: LCR written while busy; read USR to clear.
    static constexpr u32 k_char_timeout = 0xc;
};
struct Fcr {
    struct Enable : Field<0, 1> {};
    struct RxReset : Field<1, 1> {};
    struct TxReset : Field<2, 1> {};
    struct RxTrigger : Field<6, 2> {};  ///< RxLevel.
};
struct Lcr {
    struct WordLength : Field<0, 2> {};  ///< 3 = 8 bits.
    struct Stop : Field<2, 1> {};
    struct ParityEnable : Field<3, 1> {};
    struct Dlab : Field<7, 1> {};  ///< Divisor latch access.
};
struct Mcr {
    struct Dtr : Field<0, 1> {};
    struct Rts : Field<1, 1> {};
    struct Out2 : Field<3, 1> {};  ///< Gates the interrupt line on PC-style boards.
};
struct Lsr {
    struct Dr : Field<0, 1> {};    ///< Data ready: the receive FIFO holds a byte.
    struct Oe : Field<1, 1> {};    ///< Overrun: a byte was lost (cleared by reading LSR).
    struct Pe : Field<2, 1> {};    ///< Parity error of the byte at the FIFO's head.
    struct Fe : Field<3, 1> {};    ///< Framing error, likewise.
    struct Bi : Field<4, 1> {};    ///< Break, likewise.
    struct Thre : Field<5, 1> {};  ///< Transmit holding register (FIFO) empty.
    struct Temt : Field<6, 1> {};  ///< Transmitter empty: FIFO and shifter.
    static constexpr u32 k_errors = 0x1e;  ///< Oe | Pe | Fe | Bi.
};
struct Usr {
    struct Busy : Field<0, 1> {};  ///< DesignWare: a transfer is in progress (LCR writes ignored).
};
}  // namespace reg

/// Receive FIFO level at which the received-data interrupt asserts (FCR[7:6]):
/// 1 byte, or a quarter, half, or two bytes short of a full FIFO.
enum class RxLevel : u8 { One = 0, Quarter = 1, Half = 2, AlmostFull = 3 };

/// How to reach one UART; from the device tree (config_from_node()) or board constants.
struct Config {
    uptr base;         ///< Register 0.
    u8 reg_shift;      ///< Register n at base + (n << reg_shift): 0-3.
    u8 io_width;       ///< Access width in bytes: 1 or 4.
    bool dw_apb;       ///< Synopsys DesignWare APB UART (has USR and the busy-detect interrupt).
    u32 clock_hz;      ///< Input clock; 0 if unknown (the divisor is then left as firmware set it).
    u32 baud;          ///< Line rate to program; 0 keeps firmware's.
};

/// The device tree compatibles this driver handles, most specific first.
bool compatible(const fdt::Fdt& dt, fdt::Node n);

/// Config of the UART node @p n: reg (first entry), reg-shift (default 0),
/// reg-io-width (default 1), clock-frequency (default 0 = unknown),
/// current-speed, else the baud rate at the start of @p options (the
/// stdout-path text after ':', e.g. "1500000n8"; nullptr if none).
/// Errors: NotFound (no reg), BadValue (not a 16550-compatible node,
/// reg-shift above 3, reg-io-width other than 1 or 4), the tree's decoding errors.
Result<Config, fdt::Error> config_from_node(const fdt::Fdt& dt, fdt::Node n, const char* options);

/// Decoded receive word of Uart::try_receive(): the byte and the LSR error bits.
struct RxWord {
    struct Data : Field<0, 8> {};
    struct Errors : Field<8, 8> {};  ///< LSR bits shifted up by 8: reg::Lsr fields << 8.
    static constexpr u32 k_overrun = reg::Lsr::Oe::mask << 8;
};

/// A 16550 used for polled console output and polled or interrupt-driven
/// input. Holds only its Config: copies drive the same device.
class Uart {
public:
    constexpr explicit Uart(const Config& c) : m_c(c) {}

    /// Waits for the transmitter to drain, masks every interrupt, sets 8N1
    /// (and the divisor when Config has both clock_hz and baud), enables and
    /// resets the FIFOs, raises DTR, RTS and OUT2. A DesignWare UART that is
    /// busy receiving is waited for (its LCR ignores writes while busy).
    void init();
    /// Writes one byte, waiting while the transmit FIFO is not empty.
    void put(char c);
    /// Reads one byte if one is waiting; -1 otherwise (error flags dropped).
    int try_get();
    /// Reads one byte with its error flags (RxWord) if the receive FIFO holds
    /// one; -1 otherwise. Reading LSR clears its overrun flag, which is
    /// reported with this byte.
    i32 try_receive();
    /// LSR. Reading it clears LSR.OE and, with it, a line-status interrupt.
    u32 line_status();
    /// Pops the receive FIFO's head (RBR). @pre line_status() showed LSR.DR.
    u8 read_data();
    /// Waits until every queued byte has left the shifter (LSR.TEMT).
    void flush();

    /// Sets the receive FIFO level and unmasks the received-data (with
    /// character-timeout) and line-status interrupts.
    void enable_rx_interrupts(RxLevel level);
    /// Masks every interrupt again.
    void disable_rx_interrupts();
    /// Reads IIR (and, for a DesignWare busy-detect interrupt, USR, which
    /// clears it); returns IIR's interrupt identification (reg::Iir). The
    /// received-data and timeout interrupts clear as the FIFO is read, the
    /// line-status one as LSR is read (line_status()).
    u32 acknowledge();

    /// The divisor for @p baud from @p clock_hz (16 clocks per bit), rounded to
    /// the nearest; 0 when it does not fit 16 bits or an argument is 0.
    static constexpr u32 divisor(u32 clock_hz, u32 baud) {
        if (!clock_hz || !baud)
            return 0;
        u64 d = (u64{clock_hz} + 8ull * baud) / (16ull * baud);
        return d == 0 || d > 0xffff ? 0 : static_cast<u32>(d);
    }

    const Config& config() const { return m_c; }

private:
    u32 read(u32 r) const;
    void write(u32 r, u32 v) const;
    void wait_not_busy() const;

    Config m_c;
};

namespace detail {
/// The device access every register goes through (src/bus.cpp: volatile
/// loads and stores of @p width bytes). Host tests link a register model instead.
u32 bus_read(uptr addr, u8 width);
void bus_write(uptr addr, u8 width, u32 value);
}  // namespace detail

}  // namespace tn::ns16550
