// Interrupt-driven receive path of a 16550 (DRV_SERIAL_NS16550_RX_IRQ): the
// interrupt handler moves every byte of the receive FIFO into a lock-free
// ring (tn/ring.hpp), thread context takes them out, so the ring, not the
// hardware FIFO, bounds how long a reader may be away.
//
// Interrupts (PC16550D, "Interrupt Identification Register"): received data
// at the FCR trigger level, character timeout (bytes below the level, line
// idle for four character times), receiver line status (overrun and the
// errors of the byte at the FIFO's head); DesignWare adds busy detect. All
// share one level-high output, one GIC SPI on rk3568.
#pragma once

#include <tn/drivers/ns16550.hpp>
#include <tn/irq.hpp>
#include <tn/result.hpp>
#include <tn/ring.hpp>
#include <tn/types.hpp>

namespace tn::ns16550 {

class RxQueue {
public:
    static constexpr usize k_capacity = CONFIG_DRV_SERIAL_NS16550_RX_BUFFER_SIZE;
    static_assert(is_pow2(k_capacity), "DRV_SERIAL_NS16550_RX_BUFFER_SIZE must be a power of two");

    constexpr RxQueue() = default;

    /// Takes over receiving on @p uart, whose interrupt is @p intid: registers
    /// the handler, makes @p intid level-triggered, moves bytes already
    /// received into the ring, unmasks the UART's receive interrupts at
    /// RxLevel::Half and enables @p intid. On failure the handler is
    /// unregistered again and the UART's interrupts stay masked.
    /// @pre @p uart is initialised; called once, from thread context, after the
    /// platform installed its interrupt controller.
    /// Errors: those of irq::register_handler(), irq::set_trigger() and irq::enable().
    Result<void, irq::Error> try_start(Uart uart, u32 intid);

    // Consumer side: one thread at a time.

    /// The oldest received byte, or -1 if none is waiting. Never blocks.
    int try_get();
    /// Returns once a byte may be waiting: at once if one is, else after the
    /// next interrupt of any kind (WFI). Leaves IRQs unmasked on the calling CPU.
    void wait();
    /// Bytes received while the ring was full, hence lost.
    u64 dropped() const { return m_ring.dropped(); }
    /// Times the hardware lost bytes because its FIFO was full (LSR.OE).
    u64 overruns() const { return __atomic_load_n(&m_overruns, __ATOMIC_RELAXED); }

    /// Producer side: what the interrupt handler does (public for host tests,
    /// which play the interrupt). Acknowledges the UART and empties its FIFO.
    void drain();

private:
    static irq::Completion on_interrupt(irq::Event event, void* ctx);

    Uart m_uart{Config{}};
    u64 m_overruns = 0;
    ByteRing<k_capacity> m_ring;
};

}  // namespace tn::ns16550
