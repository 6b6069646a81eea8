// Ready threads of one CPU: a FIFO list per priority plus a bitmap of the
// non-empty ones, so the highest ready priority is one count-leading-zeros
// (O(1) whatever the number of threads or priorities), and insertion and
// removal are O(1). Portable: unit-tested on the host with plain nodes.
#pragma once

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
        m_lists[priority].push_back(n);
        m_bitmap |= u64{1} << priority;
    }
    /// Ahead of its equals: a preempted thread resumes before them.
    void push_front(ListNode& n, unsigned priority) {
        m_lists[priority].push_front(n);
        m_bitmap |= u64{1} << priority;
    }
    void remove(ListNode& n, unsigned priority) {
        m_lists[priority].remove(n);
        if (m_lists[priority].empty())
            m_bitmap &= ~(u64{1} << priority);
    }

private:
    u64 m_bitmap = 0;
    IntrusiveList m_lists[Priorities];
};

}  // namespace tn::sched
