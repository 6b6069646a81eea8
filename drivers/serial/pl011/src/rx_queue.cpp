#include <tn/drivers/pl011_rx.hpp>

namespace tn::pl011 {

Result<void, irq::Error> RxQueue::try_start(Uart uart, u32 intid) {
    TN_TRY(irq::register_handler(intid, on_interrupt, this));
    // UARTINTR is a level signal (TRM chapter 2, "Interrupts"); QEMU's device
    // tree says so too (flags 4, level high).
    if (auto r = irq::set_trigger(intid, irq::Trigger::Level); !r.ok() && r.error() != irq::Error::Unsupported) {
        (void)irq::unregister_handler(intid);
        return r;
    }
    m_uart = uart;
    // The UART's interrupts are still masked, so nothing else produces into
    // the ring while this drains what arrived before (QEMU signals the receive
    // interrupt only when the FIFO turns non-empty, so bytes left in it now
    // would never be reported).
    drain();
    m_uart.enable_rx_interrupts(RxLevel::Half);
    if (auto r = irq::enable(intid); !r.ok()) {
        m_uart.disable_rx_interrupts();
        (void)irq::unregister_handler(intid);
        return r;
    }
    return {};
}

irq::Completion RxQueue::on_interrupt(irq::Event, void* ctx) {
    static_cast<RxQueue*>(ctx)->drain();
    return irq::Completion::Done;
}

// Clears before reading: a byte that arrives after the last read raises the
// interrupt again instead of having its notification cleared unseen. The loop
// ends because each read is far faster than a character time (87 us at
// 115200 baud), so the FIFO empties. A full ring still drains the FIFO (and
// drops the bytes): leaving them would keep the level interrupt asserted.
void RxQueue::drain() {
    m_uart.clear_rx_interrupts();
    for (i32 word; (word = m_uart.try_receive()) >= 0;) {
        if (Regs::Dr::Oe::get(word))
            __atomic_store_n(&m_overruns, __atomic_load_n(&m_overruns, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
        (void)m_ring.push(static_cast<u8>(Regs::Dr::Data::get(word)));
    }
}

int RxQueue::try_get() {
    u8 c = 0;
    return m_ring.pop(c) ? c : -1;
}

// Checking with IRQs masked closes the window in which the interrupt could
// fill the ring after the check but before the WFI, which would then sleep
// with a byte waiting. WFI wakes on a pending interrupt even while masked.
void RxQueue::wait() {
    irq::local_disable();
    if (m_ring.empty())
        irq::wait_for_interrupt();
    irq::local_enable();
}

}  // namespace tn::pl011
