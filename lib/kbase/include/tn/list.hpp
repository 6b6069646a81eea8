/// @file
/// @brief Intrusive doubly-linked list: the element embeds a ListNode, so insertion
/// and removal are O(1), never allocate, and cannot fail. An all-zero list and
/// node are valid (empty, unlinked), so both can live in BSS. Not locked:
/// the owner serialises calls.
///
/// @code{.cpp}
///   struct Thread { ListNode link; ... };
///   IntrusiveList ready;
///   ready.push_back(t.link);
///   Thread* first = container_of(ready.front(), &Thread::link);
/// @endcode
#pragma once

#include <tn/types.hpp>

namespace tn {

/// The links an element embeds.
struct ListNode {
    ListNode* next = nullptr;  ///< Next element, nullptr at the end.
    ListNode* prev = nullptr;  ///< Previous element, nullptr at the front.
    bool linked = false;       ///< True while in a list.
};

/// A list of ListNodes; every operation is O(1).
class IntrusiveList {
public:
    /// True if the list has no element.
    bool empty() const { return m_head == nullptr; }
    /// The first element, nullptr if empty.
    ListNode* front() const { return m_head; }
    /// The last element, nullptr if empty.
    ListNode* back() const { return m_tail; }

    /// Appends @p n. @pre !n.linked
    void push_back(ListNode& n) {
        n.next = nullptr;
        n.prev = m_tail;
        if (m_tail)
            m_tail->next = &n;
        else
            m_head = &n;
        m_tail = &n;
        n.linked = true;
    }
    /// Prepends @p n. @pre !n.linked
    void push_front(ListNode& n) {
        n.prev = nullptr;
        n.next = m_head;
        if (m_head)
            m_head->prev = &n;
        else
            m_tail = &n;
        m_head = &n;
        n.linked = true;
    }

    /// Inserts @p n before @p pos (nullptr: at the end). @pre !n.linked, pos in this list.
    void insert_before(ListNode* pos, ListNode& n) {
        n.next = pos;
        n.prev = pos ? pos->prev : m_tail;
        if (n.prev)
            n.prev->next = &n;
        else
            m_head = &n;
        if (pos)
            pos->prev = &n;
        else
            m_tail = &n;
        n.linked = true;
    }

    /// Removes @p n. @pre n is in this list.
    void remove(ListNode& n) {
        if (n.prev)
            n.prev->next = n.next;
        else
            m_head = n.next;
        if (n.next)
            n.next->prev = n.prev;
        else
            m_tail = n.prev;
        n.next = n.prev = nullptr;
        n.linked = false;
    }

    /// Removes and returns the first element, nullptr if empty.
    ListNode* pop_front() {
        ListNode* n = m_head;
        if (n)
            unlink_front(*n);
        return n;
    }
    /// remove() for the first element: fewer branches (run queues take
    /// their next thread from the front). @pre &n == front()
    void unlink_front(ListNode& n) {
        m_head = n.next;
        if (m_head)
            m_head->prev = nullptr;
        else
            m_tail = nullptr;
        n.next = nullptr;
        n.linked = false;
    }

    /// True if this list holds exactly one element.
    bool single() const { return m_head && m_head == m_tail; }

private:
    ListNode* m_head = nullptr;
    ListNode* m_tail = nullptr;
};

/// The object whose member @p member is @p node.
/// (The member's offset is taken on a dummy address, never dereferenced.)
template <typename T, typename M>
T* container_of(M* node, M T::*member) {
    constexpr uptr k_dummy = 0x1000;
    auto offset = reinterpret_cast<uptr>(&(reinterpret_cast<T*>(k_dummy)->*member)) - k_dummy;
    return reinterpret_cast<T*>(reinterpret_cast<uptr>(node) - offset);
}

}  // namespace tn
