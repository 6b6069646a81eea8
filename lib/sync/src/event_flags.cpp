// Event flags (tn/sync.hpp).
//
// set() must check every waiter's own condition, but a WaitQueue can only
// wake its first thread. So each waiter blocks on a private WaitQueue inside
// a record on its own stack, and the object keeps the records in an
// intrusive list in wake-up order; set() walks the list and wakes the
// records it satisfies. The record outlives its place in the list: the
// waiter unlinks it itself on a timeout, set() unlinks it on success.
#include <tn/assert.hpp>
#include <tn/sync.hpp>

#include "sched_hooks.hpp"

namespace tn::sync {

using sched::Locked;

namespace {

struct Waiter {
    ListNode link;
    sched::WaitQueue queue;  ///< Holds only the waiting thread.
    u32 bits;
    WaitMode mode;
    bool clear_on_exit;
    u8 priority;      ///< Effective priority when it started waiting (list order).
    bool done;        ///< Satisfied by set(); result is valid.
    u32 result;
};

/// The bits of @p flags that satisfy a wait for @p bits in @p mode, or 0.
/// @pre bits != 0
u32 match(u32 flags, u32 bits, WaitMode mode) {
    u32 hit = flags & bits;
    if (mode == WaitMode::All && hit != bits)
        return 0;
    return hit;
}

/// Inserts @p w after every waiter of the same or higher priority.
void enqueue(IntrusiveList& list, Waiter& w) {
    ListNode* pos = list.front();
    while (pos != nullptr && container_of(pos, &Waiter::link)->priority >= w.priority)
        pos = pos->next;
    list.insert_before(pos, w.link);
}

}  // namespace

void EventFlags::set(u32 bits) {
    Locked l;
    m_flags |= bits;
    for (ListNode* n = m_waiters.front(); n != nullptr && m_flags != 0;) {
        ListNode* next = n->next;
        Waiter* w = container_of(n, &Waiter::link);
        if (u32 hit = match(m_flags, w->bits, w->mode)) {
            m_waiters.remove(*n);
            w->result = hit;
            w->done = true;
            if (w->clear_on_exit)
                m_flags &= ~hit;
            // nullptr if the waiter's timeout passed but it has not run yet:
            // it finds done set and returns this result all the same.
            (void)sched::wake_one(l, w->queue);
        }
        n = next;
    }
}

void EventFlags::clear(u32 bits) {
    Locked l;
    m_flags &= ~bits;
}

u32 EventFlags::flags() const {
    Locked l;
    return m_flags;
}

Result<u32, Error> EventFlags::wait(u32 bits, WaitMode mode, bool clear_on_exit, u64 timeout_ns) {
    if (timeout_ns != k_no_wait && irq::in_interrupt())
        return err(Error::InIsr);
    if (bits == 0)
        return u32{0};
    sched::Thread* self = sched::current();
    Locked l;
    if (u32 hit = match(m_flags, bits, mode)) {
        if (clear_on_exit)
            m_flags &= ~hit;
        return hit;
    }
    if (timeout_ns == k_no_wait)
        return err(Error::WouldBlock);

    Waiter w{};
    w.bits = bits;
    w.mode = mode;
    w.clear_on_exit = clear_on_exit;
    w.priority = hooks::effective_priority(l, self);
    enqueue(m_waiters, w);
    (void)sched::wait(l, w.queue, timeout_ns);
    if (w.done) {
        TN_ASSERT(!w.link.linked && match(w.result, bits, mode) == w.result);  // set() unlinked it
        return w.result;
    }
    m_waiters.remove(w.link);
    return err(Error::Timeout);
}

}  // namespace tn::sync
