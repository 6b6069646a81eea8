// Message queues (tn/sync.hpp): a ring of msg_size-byte slots.
//
// No barging: when a sender stores a message while receivers wait, it wakes
// the first receiver and promises it that message (m_rx_promised); when a
// receiver frees a slot while senders wait, it wakes the first sender and
// promises it that slot (m_tx_promised). Arrivals see only what is not
// promised:
//
//   messages a receive() may take at once = m_count - m_rx_promised
//   slots a send() may fill at once        = m_capacity - m_count - m_tx_promised
//
// and a woken waiter redeems its promise when it runs. A receiver waits only
// while every stored message is promised, a sender only while every free
// slot is, so nobody waits while there is something for them.
#include <tn/assert.hpp>
#include <tn/sync.hpp>

namespace tn::sync {

using sched::Locked;

void MessageQueue::push(const void* msg) {
    TN_ASSERT(m_count < m_capacity && m_head < m_capacity);
    u32 slot = m_head + m_count;
    if (slot >= m_capacity)
        slot -= m_capacity;
    __builtin_memcpy(static_cast<u8*>(m_buffer) + usize{slot} * m_msg_size, msg, m_msg_size);
    ++m_count;
}

void MessageQueue::pop(void* msg) {
    TN_ASSERT(m_count > 0 && m_head < m_capacity);
    __builtin_memcpy(msg, static_cast<const u8*>(m_buffer) + usize{m_head} * m_msg_size, m_msg_size);
    if (++m_head == m_capacity)
        m_head = 0;
    --m_count;
}

/// After a push: promise the new message to the first waiting receiver.
void MessageQueue::pass_message_on(Locked& l) {
    if (sched::wake_one(l, m_receivers) != nullptr)
        ++m_rx_promised;
}

/// After a pop: promise the freed slot to the first waiting sender.
void MessageQueue::pass_slot_on(Locked& l) {
    if (sched::wake_one(l, m_senders) != nullptr)
        ++m_tx_promised;
}

Result<void, Error> MessageQueue::send(const void* msg, u64 timeout_ns) {
    if (timeout_ns != k_no_wait && sched::in_isr())
        return err(Error::InIsr);
    Locked l;
    if (m_count + m_tx_promised >= m_capacity) {
        if (timeout_ns == k_no_wait)
            return err(Error::WouldBlock);
        // Only pass_slot_on() wakes a sender, with a slot promised to it.
        if (sched::wait(l, m_senders, timeout_ns) == sched::WaitResult::Timeout)
            return err(Error::Timeout);
        TN_ASSERT(m_tx_promised > 0);  // pass_slot_on() promised this sender a slot
        --m_tx_promised;
    }
    push(msg);
    pass_message_on(l);
    return {};
}

Result<void, Error> MessageQueue::receive(void* msg, u64 timeout_ns) {
    if (timeout_ns != k_no_wait && sched::in_isr())
        return err(Error::InIsr);
    Locked l;
    if (m_count <= m_rx_promised) {
        if (timeout_ns == k_no_wait)
            return err(Error::WouldBlock);
        // Only pass_message_on() wakes a receiver, with a message promised to it.
        if (sched::wait(l, m_receivers, timeout_ns) == sched::WaitResult::Timeout)
            return err(Error::Timeout);
        TN_ASSERT(m_rx_promised > 0 && m_rx_promised <= m_count);  // and a message is there for it
        --m_rx_promised;
    }
    pop(msg);
    pass_slot_on(l);
    return {};
}

u32 MessageQueue::count() const {
    Locked l;
    return m_count;
}

}  // namespace tn::sync
