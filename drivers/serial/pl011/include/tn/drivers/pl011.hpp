// Arm PrimeCell UART (PL011), Technical Reference Manual r1p5 (DDI 0183),
// section 3.2 "Summary of registers" and section 3.3 "Register descriptions".
#pragma once

#include <tn/mmio.hpp>
#include <tn/types.hpp>

namespace tn::pl011 {

struct Regs : Mmio<0x1000> {
    // UARTDR: reading pops one character with its receive error flags.
    struct Dr : Reg<0x000, u32> {
        struct Data : Field<0, 8> {};
        struct Fe : Field<8, 1> {};   // framing error
        struct Pe : Field<9, 1> {};   // parity error
        struct Be : Field<10, 1> {};  // break
        struct Oe : Field<11, 1> {};  // overrun: the receive FIFO was full, a character was lost
    };
    struct Fr : Reg<0x018, u32> {
        struct Rxfe : Field<4, 1> {};  // receive FIFO empty
        struct Txff : Field<5, 1> {};  // transmit FIFO full
        struct Busy : Field<3, 1> {};
    };
    struct LcrH : Reg<0x02c, u32> {
        struct Fen : Field<4, 1> {};   // FIFOs enabled
        struct Wlen : Field<5, 2> {};  // word length: 3 = 8 bits
    };
    struct Cr : Reg<0x030, u32> {
        struct Uarten : Field<0, 1> {};
        struct Txe : Field<8, 1> {};
        struct Rxe : Field<9, 1> {};
    };
    // UARTIFLS: FIFO fill levels at which the receive/transmit interrupts assert.
    struct Ifls : Reg<0x034, u32> {
        struct Txiflsel : Field<0, 3> {};
        struct Rxiflsel : Field<3, 3> {};
    };
    // The interrupt bits, at the same positions in UARTIMSC (1 = unmasked),
    // UARTRIS (raw), UARTMIS (raw and unmasked) and UARTICR (write 1 to clear).
    struct Irqs {
        struct Rx : Field<4, 1> {};   // RXIM/RXRIS/RXMIS/RXIC: receive FIFO at its level
        struct Tx : Field<5, 1> {};   // TXIM...: transmit FIFO at its level
        struct Rt : Field<6, 1> {};   // RTIM...: receive timeout, data left below the level
        struct Oe : Field<10, 1> {};  // OEIM...: overrun
        static constexpr u32 k_all = 0x7ff;
    };
    struct Imsc : Reg<0x038, u32>, Irqs {};
    struct Ris : Reg<0x03c, u32>, Irqs {};
    struct Mis : Reg<0x040, u32>, Irqs {};
    struct Icr : Reg<0x044, u32>, Irqs {};
    using Mmio::Mmio;
};

/// Receive FIFO fill level for the receive interrupt (UARTIFLS.RXIFLSEL).
/// Fractions of the FIFO depth: 32 bytes from r1p5 on, 16 before (and in QEMU,
/// which raises the interrupt on the first byte whatever the level).
enum class RxLevel : u8 { Eighth = 0, Quarter = 1, Half = 2, ThreeQuarters = 3, SevenEighths = 4 };

/// A PL011 used for polled console output and polled or interrupt-driven input.
/// Holds only the base address: copies drive the same device.
class Uart {
public:
    constexpr explicit Uart(uptr base) : m_regs(base) {}

    /// Enables the UART with 8 data bits and FIFOs, all interrupts masked. The
    /// baud rate divisors are left as firmware set them (QEMU ignores them).
    void init();
    /// Writes one byte, waiting while the transmit FIFO is full.
    void put(char c);
    /// Reads one byte if one is waiting; -1 otherwise.
    int try_get();
    /// Reads one UARTDR word (the byte and its Regs::Dr error flags) if the
    /// receive FIFO holds one; -1 otherwise.
    i32 try_receive();
    /// Waits until every queued byte has left the shifter.
    void flush();

    /// Unmasks the receive interrupt at FIFO level @p level and the receive
    /// timeout interrupt, which reports bytes left below that level once the
    /// line has been idle for 32 bit periods.
    void enable_rx_interrupts(RxLevel level);
    /// Masks both again.
    void disable_rx_interrupts();
    /// Clears the receive and receive timeout interrupts (UARTICR). Reading
    /// the FIFO below its level also clears the receive interrupt.
    void clear_rx_interrupts();

private:
    Regs m_regs;
};

}  // namespace tn::pl011
