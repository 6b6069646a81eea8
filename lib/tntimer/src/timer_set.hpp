// The armed timers of the image as N queues, one per CPU that serves a clock
// event (service.cpp: every CPU in tickless mode, CPU 0 alone with the
// periodic tick), and what each CPU's comparator should hold. Portable (no
// clock, no lock, no CPU number of its own): the caller passes the CPU and
// holds the kernel lock, so host tests drive it with any interleaving.
//
// A timer goes into the queue of the CPU that arms it and stays there until
// it fires or is cancelled, from any CPU. So a CPU only ever programs its
// own comparator: arming never needs an interrupt to another CPU. A cancel
// from another CPU leaves that CPU's comparator where it was; its interrupt
// then finds nothing due and programs the next deadline (one spurious
// interrupt, cheaper than an SGI to reprogram it at once).
#pragma once

#include <tn/list.hpp>
#include <tn/tntimer.hpp>

namespace tn::tntimer {

template <unsigned N>
class TimerSet {
public:
    static constexpr u64 k_none = ~u64{0};  // no deadline: the comparator is stopped

    constexpr TimerSet() {
        for (u64& p : m_programmed)
            p = k_none;  // stopped at boot (lib/clock's install)
    }

    // Arms @p t in @p cpu's queue, from wherever it was. True if @p cpu's
    // comparator must be reprogrammed (next_deadline()), i.e. @p t is now its
    // earliest and not the deadline already programmed.
    bool start(Timer& t, unsigned cpu, u64 deadline, u64 period) {
        if (t.node.linked())
            m_queues[t.queue].remove(t.node);
        t.period_ns = period;
        t.queue = static_cast<u16>(cpu);
        m_queues[cpu].insert(t.node, deadline);
        return m_queues[cpu].earliest() == &t.node && deadline != m_programmed[cpu];
    }

    // Disarms @p t, whichever CPU's queue it is in. True if it was armed.
    bool cancel(Timer& t) {
        if (!t.node.linked())
            return false;
        m_queues[t.queue].remove(t.node);
        return true;
    }

    // The next due timer of @p cpu's queue at @p now, taken out of the queue
    // (a periodic one re-armed one period on, in place, as popping and
    // re-inserting it would); nullptr when none is due. Equal deadlines come
    // in arming order.
    Timer* pop_due(unsigned cpu, u64 now) {
        Queue& q = m_queues[cpu];
        Node* n = q.earliest();
        if (!n || n->deadline > now)
            return nullptr;
        Timer& t = *container_of(n, &Timer::node);
        if (t.period_ns)
            q.replace_earliest(n->deadline + t.period_ns);
        else
            (void)q.pop_earliest();
        return &t;
    }

    // @p cpu's comparator fired and was stopped (lib/clock's one-shot event
    // stops itself before its callback): it holds nothing now.
    void fired(unsigned cpu) { m_programmed[cpu] = k_none; }

    // What @p cpu's comparator must be set to, recorded as programmed: its
    // earliest deadline, or k_none (stop it). False: it already holds that.
    bool next_deadline(unsigned cpu, u64& deadline) {
        Node* first = m_queues[cpu].earliest();
        u64 want = first ? first->deadline : k_none;
        if (want == m_programmed[cpu])
            return false;
        m_programmed[cpu] = want;
        deadline = want;
        return true;
    }

    // @p cpu's queue (tests, the expiry loop's view).
    const Queue& queue(unsigned cpu) const { return m_queues[cpu]; }

    // Armed timers on all CPUs.
    usize size() const {
        usize n = 0;
        for (const Queue& q : m_queues)
            n += q.size();
        return n;
    }

private:
    Queue m_queues[N];
    u64 m_programmed[N]{};  // the deadline each CPU's comparator holds
};

}  // namespace tn::tntimer
