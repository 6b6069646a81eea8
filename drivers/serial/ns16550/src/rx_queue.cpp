#include <tn/drivers/ns16550_rx.hpp>

namespace tn::ns16550 {

Result<void, irq::Error> RxQueue::try_start(Uart uart, u32 intid) {
    TN_TRY(irq::register_handler(intid, on_interrupt, this));
    if (auto r = irq::set_trigger(intid, irq::Trigger::Level); !r.ok() && r.error() != irq::Error::Unsupported) {
        (void)irq::unregister_handler(intid);
        return r;
    }
    m_uart = uart;
    // The UART's interrupts are still masked: nothing else produces into the
    // ring while this takes what arrived before.
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

// Each LSR read both reports and clears an overrun, so every read is
// counted. The loop ends because a read is far faster than a character time
// (6.7 us at 1,500,000 baud). A full ring still empties the FIFO (dropping
// the bytes): left there, they would keep the level interrupt asserted.
void RxQueue::drain() {
    (void)m_uart.acknowledge();
    for (;;) {
        u32 lsr = m_uart.line_status();
        if (reg::Lsr::Oe::get(lsr))
            __atomic_store_n(&m_overruns, __atomic_load_n(&m_overruns, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
        if (!reg::Lsr::Dr::get(lsr))
            break;
        (void)m_ring.push(m_uart.read_data());
    }
}

int RxQueue::try_get() {
    u8 c = 0;
    return m_ring.pop(c) ? c : -1;
}

// Checking with IRQs masked closes the window in which the interrupt could
// fill the ring after the check but before the WFI.
void RxQueue::wait() {
    irq::local_disable();
    if (m_ring.empty())
        irq::wait_for_interrupt();
    irq::local_enable();
}

}  // namespace tn::ns16550
