// Interrupt-driven receive path of a PL011 (DRV_SERIAL_PL011_RX_IRQ): the
// interrupt handler moves every byte of the receive FIFO into a lock-free ring
// (tn/ring.hpp), thread context takes them out. The ring, not the 32-byte
// hardware FIFO, then bounds how long a reader may be away:
// DRV_SERIAL_PL011_RX_BUFFER_SIZE bytes, 22 ms at 115200 baud for 256.
//
// Interrupts (TRM DDI 0183, chapter 2, "Interrupts"): the receive interrupt
// asserts at the UARTIFLS level, the receive timeout interrupt when fewer
// bytes than that sit in the FIFO and the line has been idle for 32 bit
// periods. Both are level signals, combined on UARTINTR, which QEMU virt wires
// to one GIC SPI.
#pragma once

#include <tn/drivers/pl011.hpp>
#include <tn/irq.hpp>
#include <tn/result.hpp>
#include <tn/ring.hpp>
#include <tn/types.hpp>

namespace tn::pl011 {

class RxQueue {
public:
    static constexpr usize k_capacity = CONFIG_DRV_SERIAL_PL011_RX_BUFFER_SIZE;
    static_assert(is_pow2(k_capacity), "DRV_SERIAL_PL011_RX_BUFFER_SIZE must be a power of two");

    constexpr RxQueue() = default;

    /// Takes over receiving on @p uart, whose receive interrupt is @p intid:
    /// registers the handler, makes @p intid level-triggered, moves bytes
    /// already received into the ring, unmasks the UART's receive interrupts
    /// at RxLevel::Half and enables @p intid. IRQs on the calling CPU stay as
    /// they are. On failure the handler is unregistered again and the UART's
    /// interrupts stay masked.
    /// @pre @p uart is initialised; called once, from thread context, after the
    /// platform installed its interrupt controller.
    /// Errors: those of irq::register_handler(), irq::set_trigger() and
    /// irq::enable() (OutOfRange, AlreadyRegistered, NoController, ...).
    Result<void, irq::Error> try_start(Uart uart, u32 intid);

    // Consumer side: one thread at a time.

    /// The oldest received byte, or -1 if none is waiting. Never blocks.
    int try_get();
    /// Returns once a byte may be waiting: at once if one is, else after the
    /// next interrupt of any kind (WFI). Leaves IRQs unmasked on the calling
    /// CPU, which the receive interrupt needs to be taken.
    void wait();
    /// Bytes received while the ring was full, hence lost.
    u64 dropped() const { return m_ring.dropped(); }
    /// Bytes the hardware lost because its FIFO was full (UARTDR.OE): the
    /// interrupt was not taken in time (IRQs masked too long).
    u64 overruns() const { return __atomic_load_n(&m_overruns, __ATOMIC_RELAXED); }

private:
    static irq::Completion on_interrupt(irq::Event event, void* ctx);
    /// Producer side: the handler, or try_start() before it unmasks the UART.
    void drain();

    Uart m_uart{0};
    u64 m_overruns = 0;
    ByteRing<k_capacity> m_ring;
};

}  // namespace tn::pl011
