// Ready threads of one CPU: a FIFO list per priority plus a bitmap of the
// non-empty ones, so the highest ready priority is one count-leading-zeros
// (O(1) whatever the number of threads or priorities), and insertion and
// removal are O(1). Portable: unit-tested on the host with plain nodes.
#pragma once

#include <tn/assert.hpp>
#include <tn/list.hpp>
#include <tn/types.hpp>

namespace tn::sched {

template <unsigned Priorities>
class RunQueue {
    static_assert(Priorities >= 1 && Priorities <= 64, "one bitmap word");

public:
    bool empty() const { return m_bitmap == 0; }
    /// Highest priority with a ready node, -1 if none.
    int top_priority() const { return m_bitmap ? 63 - __builtin_clzll(m_bitmap) : -1; }
    /// First node of the highest priority, nullptr if none.
    ListNode* top() const { return m_bitmap ? m_lists[top_priority()].front() : nullptr; }
    /// True if @p priority has a ready node.
    bool has(unsigned priority) const { return (m_bitmap >> priority) & 1; }

    void push_back(ListNode& n, unsigned priority) {
        TN_ASSERT(priority < Priorities);
        m_lists[priority].push_back(n);
        m_bitmap |= u64{1} << priority;
    }
    /// Ahead of its equals: a preempted thread resumes before them.
    void push_front(ListNode& n, unsigned priority) {
        TN_ASSERT(priority < Priorities);
        m_lists[priority].push_front(n);
        m_bitmap |= u64{1} << priority;
    }
    /// Takes the first node of the highest priority. @pre !empty()
    ListNode* pop_top() {
        TN_ASSERT(!empty());
        unsigned p = static_cast<unsigned>(top_priority());
        ListNode* n = m_lists[p].front();
        m_lists[p].unlink_front(*n);
        if (m_lists[p].empty())
            m_bitmap &= ~(u64{1} << p);
        return n;
    }
    /// A yield among equals: puts @p n behind the others of @p priority
    /// and takes the first of them, in one step (the priority's bit stays
    /// set, so the bitmap is not touched). @pre has(priority), !n.linked
    ListNode* rotate(ListNode& n, unsigned priority) {
        IntrusiveList& l = m_lists[priority];
        ListNode* first = l.front();
        l.unlink_front(*first);
        l.push_back(n);
        return first;
    }
    void remove(ListNode& n, unsigned priority) {
        TN_ASSERT(n.linked && has(priority));
        m_lists[priority].remove(n);
        if (m_lists[priority].empty())
            m_bitmap &= ~(u64{1} << priority);
    }

private:
    u64 m_bitmap = 0;
    IntrusiveList m_lists[Priorities];
};

}  // namespace tn::sched
