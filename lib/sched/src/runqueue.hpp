// Ready threads of one CPU: a ring per priority plus a bitmap of the
// non-empty ones, so the highest ready priority is one count-leading-zeros
// (O(1) whatever the number of threads or priorities), and insertion and
// removal are O(1). Portable: unit-tested on the host with plain nodes.
//
// Each priority's threads form a circular doubly-linked ring reached through
// its first node. The scheduler keeps the running thread in the queue, as the
// first of its priority: a preempted thread needs no requeueing (it stays
// first), and a yield among equals is rotate(): the first becomes the last by
// moving the ring's entry point one node on.
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
    ListNode* top() const { return m_bitmap ? m_first[top_priority()] : nullptr; }
    /// First node of @p priority, nullptr if none.
    ListNode* first(unsigned priority) const { return m_first[priority]; }
    /// True if @p priority has a ready node.
    bool has(unsigned priority) const { return (m_bitmap >> priority) & 1; }
    /// True if a priority above @p priority has a node. @pre has(priority)
    bool above(unsigned priority) const { return (m_bitmap >> priority) > 1; }
    /// True if no priority from @p priority up has a node (all ready nodes
    /// are below it).
    bool none_from(unsigned priority) const { return (m_bitmap >> priority) == 0; }
    /// True if @p priority has two nodes or more.
    bool several(unsigned priority) const {
        ListNode* f = m_first[priority];
        return f && f->next != f;
    }

    /// Behind the others of @p priority. @pre !n.linked
    void push_back(ListNode& n, unsigned priority) {
        TN_ASSERT(priority < Priorities);
        TN_ASSERT(!n.linked);
        ListNode*& f = m_first[priority];
        if (f) {
            ListNode* last = f->prev;
            n.next = f;
            n.prev = last;
            last->next = &n;
            f->prev = &n;
        } else {
            n.next = n.prev = &n;
            f = &n;
            m_bitmap |= u64{1} << priority;
        }
        n.linked = true;
    }
    /// push_back() into an empty ring (the caller knows it is: none_from()).
    /// @pre !n.linked && !has(priority)
    void push_alone(ListNode& n, unsigned priority) {
        TN_ASSERT(priority < Priorities);
        TN_ASSERT(!n.linked && !has(priority));
        n.next = n.prev = &n;
        m_first[priority] = &n;
        m_bitmap |= u64{1} << priority;
        n.linked = true;
    }
    /// Ahead of its equals (a running thread whose priority changed).
    /// @pre !n.linked
    void push_front(ListNode& n, unsigned priority) {
        push_back(n, priority);
        m_first[priority] = &n;
    }
    /// Takes the first node of the highest priority. @pre !empty()
    ListNode* pop_top() {
        TN_ASSERT(!empty());
        unsigned p = static_cast<unsigned>(top_priority());
        ListNode* n = m_first[p];
        remove(*n, p);
        return n;
    }
    /// A yield among equals: the first node of @p priority goes behind the
    /// others (alone, it stays first); returns the new first. @pre has(priority)
    ListNode* rotate(unsigned priority) { return m_first[priority] = m_first[priority]->next; }
    /// @pre n is in the ring of @p priority.
    void remove(ListNode& n, unsigned priority) {
        TN_ASSERT(n.linked && has(priority));
        ListNode*& f = m_first[priority];
        if (n.next == &n) {
            f = nullptr;
            m_bitmap &= ~(u64{1} << priority);
        } else {
            n.prev->next = n.next;
            n.next->prev = n.prev;
            if (f == &n)
                f = n.next;
        }
        n.linked = false;
    }

private:
    u64 m_bitmap = 0;
    ListNode* m_first[Priorities] = {};
};

}  // namespace tn::sched
