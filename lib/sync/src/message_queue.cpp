// Message queues (tn/sync.hpp): a ring of msg_size-byte slots.
//
// Receivers: a receiver waits only while the queue is empty, and records
// where it wants its message (an RxBuffer on its stack, in m_rx_buffers). A
// sender that finds receivers waiting wakes the first and copies the message
// straight into its buffer under the lock: one copy, and nothing in the ring
// for a later receive() to take first. So while receivers wait the ring stays
// empty, and a message in the ring is never owed to anyone.
//
// Senders: when a receiver frees a slot while senders wait, it wakes the
// first sender and promises it that slot (m_tx_promised); arrivals see only
// the slots not promised:
//
//   slots a send() may fill at once = m_capacity - m_count - m_tx_promised
//
// and a woken sender redeems its promise when it runs (or, if receivers
// started waiting meanwhile, hands its message to one of them and passes the
// slot on). A sender waits only while every free slot is promised.
//
// The uncontended cases (room and no receiver waiting; a message and no
// sender waiting) are inline in the header under the bare kernel lock; the
// slow paths here run inside that lock hold (Locked over KernelLock::Held).
#include <tn/assert.hpp>
#include <tn/sync.hpp>

namespace tn::sync {

using sched::Locked;
using sched::Thread;

namespace {

/// A waiting receiver's destination, on its stack while it waits.
struct RxBuffer {
    ListNode link;
    Thread* thread;
    void* msg;
};

}  // namespace

bool MessageQueue::hand_to_receiver(Locked& l, const void* msg) {
    Thread* t = sched::wake_one(l, m_receivers);
    if (t == nullptr)
        return false;
    TN_ASSERT(m_count == 0);  // receivers wait only while the ring is empty
    // Few receivers wait on one queue: a short walk to the woken one's record.
    ListNode* n = m_rx_buffers.front();
    while (container_of(n, &RxBuffer::link)->thread != t)
        n = n->next;
    m_rx_buffers.remove(*n);
    copy(container_of(n, &RxBuffer::link)->msg, msg, m_msg_size);
    return true;
}

/// After a pop: promise the freed slot to the first waiting sender.
void MessageQueue::pass_slot_on(Locked& l) {
    if (sched::wake_one(l, m_senders) != nullptr)
        ++m_tx_promised;
}

Result<void, Error> MessageQueue::send_slow(const void* msg, u64 timeout_ns) {
    Locked l{tntimer::KernelLock::Held{}};
    if (hand_to_receiver(l, msg))
        return {};
    if (m_count + m_tx_promised >= m_capacity) {
        if (timeout_ns == k_no_wait)
            return err(Error::WouldBlock);
        // Only pass_slot_on() wakes a sender, with a slot promised to it.
        if (sched::wait(l, m_senders, timeout_ns) == sched::WaitResult::Timeout)
            return err(Error::Timeout);
        TN_ASSERT(m_tx_promised > 0);  // pass_slot_on() promised this sender a slot
        --m_tx_promised;
        if (hand_to_receiver(l, msg)) {
            pass_slot_on(l);  // the promised slot is free again
            return {};
        }
    }
    push(msg);
    return {};
}

Result<void, Error> MessageQueue::receive_slow(void* msg, u64 timeout_ns) {
    Locked l{tntimer::KernelLock::Held{}};
    if (m_count > 0) {
        pop(msg);
        pass_slot_on(l);
        return {};
    }
    if (timeout_ns == k_no_wait)
        return err(Error::WouldBlock);
    RxBuffer rx{{}, sched::current(), msg};
    m_rx_buffers.push_back(rx.link);
    // Only hand_to_receiver() wakes a receiver, with its message copied in.
    if (sched::wait(l, m_receivers, timeout_ns) == sched::WaitResult::Timeout) {
        TN_ASSERT(rx.link.linked);  // the timeout took it out of m_receivers first
        m_rx_buffers.remove(rx.link);
        return err(Error::Timeout);
    }
    TN_ASSERT(!rx.link.linked);
    return {};
}

u32 MessageQueue::count() const {
    Locked l;
    return m_count;
}

}  // namespace tn::sync
