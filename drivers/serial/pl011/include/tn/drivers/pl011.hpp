// Arm PrimeCell UART (PL011), Technical Reference Manual r1p5 (DDI 0183),
// section 3.2 "Summary of registers".
#pragma once

#include <tn/mmio.hpp>
#include <tn/types.hpp>

namespace tn::pl011 {

struct Regs : Mmio<0x1000> {
    struct Dr : Reg<0x000, u32> {};
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
    struct Imsc : Reg<0x038, u32> {};
    struct Icr : Reg<0x044, u32> {};
    using Mmio::Mmio;
};

/// A PL011 used for polled console I/O.
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
    /// Waits until every queued byte has left the shifter.
    void flush();

private:
    Regs m_regs;
};

}  // namespace tn::pl011
