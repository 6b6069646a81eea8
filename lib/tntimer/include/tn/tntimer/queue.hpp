/// @file
/// @brief Timer queue: the armed timers of one kernel instance, ordered by deadline,
/// with worst-case O(log n) arm and cancel and O(1) access to the earliest one.
///
/// Structure: an intrusive binary min-heap (J. W. J. Williams, "Algorithm 232:
/// Heapsort", CACM 1964) kept as a pointer-linked complete binary tree instead
/// of an array. Slots are numbered 1..n in level order; slot k has children 2k
/// and 2k+1, so the bits of k below its top bit, read from the most
/// significant end, spell the path from the root (0 = left, 1 = right).
/// Every timer embeds its own Node (key plus parent/left/right links), so the
/// queue has no capacity limit, never allocates, and a cancel needs no search.
///
/// Bounds, for n armed timers and h = floor(log2 n) (the tree height, exact
/// because the tree is complete):
///   earliest()         O(1): the root.
///   insert()           walk to the parent of slot n (h - 1 hops), link, and
///                      sift up (<= h swaps): <= 2h - 1 steps.
///   remove(), pop_*()  walk to slot n (h hops), move that last node into the
///                      hole and sift it up or down (<= h swaps): <= 2h steps.
///   replace_earliest() re-arm the root in place: sift it down (<= h steps),
///                      no walk (a periodic timer's expiry).
/// These are worst-case, not amortised: 65536 armed timers cost at most 32
/// pointer hops or swaps (each a constant number of loads and stores) per
/// operation. The host test counts steps and asserts the bound.
///
/// Why not the alternatives:
///  * array binary heap: the same bounds, but a fixed capacity (or a
///    reallocation on the arm path) and a back-index per timer for cancel;
///  * pairing heap: O(1) insert, but delete-min and cancel are only amortised
///    O(log n); one delete-min after n inserts is O(n) (Fredman et al. 1986),
///    which a real-time kernel cannot put in an IRQ handler;
///  * red-black tree with a cached leftmost node (Linux timerqueue): also
///    worst-case O(log n) with the same three links per node, but the height
///    is up to 2 log2(n + 1), insert and erase need rotations and recolouring
///    (several times the code), and ordered iteration, its extra feature, is
///    not needed to run timers;
///  * timer wheel: O(1) arm but cascading and a coarse granularity; no exact
///    earliest deadline to program the one-shot comparator with.
///
/// Ties: the key is (deadline, sequence number), where the sequence number
/// comes from a per-queue u64 counter taken at each insert. The key is thus a
/// strict total order, and timers with equal deadlines expire in the order
/// they were armed (FIFO), re-arms included. Sequence 0 is never handed out
/// and marks an unlinked node; the counter would need 2^64 inserts (584 years
/// at one per nanosecond) to wrap.
///
/// Cost: 40 bytes per Node, 24 bytes per Queue (LP64).
///
/// Context: any (thread or IRQ). No function blocks, allocates, or touches
/// hardware; there is no global state and no lock. The caller serializes all
/// calls on one queue and on the nodes linked into it (the kernel wraps the
/// queue in its own spinlock with IRQs masked).
#pragma once

#include <tn/types.hpp>

namespace tn::tntimer {

/// One armed timer's place in a Queue, embedded in the timer object (the
/// owner is recovered from the Node address). All-zero is "unlinked", so a
/// static timer needs no constructor code. The fields are public for reading;
/// only Queue writes them, and nothing may change them while linked().
struct Node {
    u64 deadline = 0;  ///< Absolute expiry time, in the caller's unit.
    u64 seq = 0;       ///< Arming order within the queue; 0 while unlinked.
    Node* parent = nullptr;  ///< Parent in the heap, nullptr at the root.
    Node* left = nullptr;    ///< Left child.
    Node* right = nullptr;   ///< Right child.

    constexpr Node() = default;
    // A linked node is referenced by its neighbours: it cannot be copied or moved.
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    /// True while the node is in a queue (between insert() and its removal).
    constexpr bool linked() const { return seq != 0; }
};

/// A min-heap of Nodes by (deadline, seq). See the file comment for bounds.
class Queue {
public:
    /// Empty queue. constexpr and all-zero, so a static queue lives in .bss.
    constexpr Queue() = default;
    // Nodes do not point back at the queue, but a copy would share them.
    Queue(const Queue&) = delete;
    Queue& operator=(const Queue&) = delete;

    /// Arms @p node to expire at @p deadline: after every linked node whose
    /// deadline is earlier or equal (FIFO on ties).
    /// @pre !node.linked(); the node's memory stays valid until it is removed.
    /// Worst-case O(log n): <= 2 floor(log2 n) - 1 steps, n the new size()
    /// (none when n = 1).
    void insert(Node& node, u64 deadline);

    /// Cancels @p node; it becomes unlinked and may be inserted again.
    /// @pre node.linked() into this queue (not another one).
    /// Worst-case O(log n): <= 2 floor(log2 n) steps, n the size() before.
    void remove(Node& node);

    /// The node with the smallest (deadline, seq), or nullptr when empty.
    /// The node stays linked. O(1).
    Node* earliest() const { return m_root; }

    /// Removes and returns earliest(), or returns nullptr when empty. The
    /// returned node is unlinked. Worst-case O(log n), as remove().
    Node* pop_earliest();

    /// Re-arms earliest() for @p deadline where it is: a fresh sequence number
    /// (FIFO on ties, as a re-insert) and a sift down. The same expiry order
    /// as pop_earliest() followed by insert() of the same node, without the
    /// walks to the last slot: a periodic timer's expiry.
    /// @pre !empty(). Worst-case O(log n): <= floor(log2 n) steps.
    void replace_earliest(u64 deadline);

    /// Removes and returns earliest() if its deadline is <= @p now, otherwise
    /// returns nullptr and changes nothing. Expiry loop of an IRQ handler:
    /// `while (Node* n = q.pop_due(now)) fire(n);`. O(1) when nothing is due,
    /// otherwise as remove().
    Node* pop_due(u64 now);

    /// Linked nodes. O(1).
    usize size() const { return m_size; }
    /// size() == 0. O(1).
    bool empty() const { return m_size == 0; }

    /// Walks the whole tree and returns false on any broken invariant: heap
    /// order, parent/child links that disagree, an unlinked node in the tree,
    /// or a shape that is not the complete tree of size() slots. O(n) time and
    /// O(1) space, and it stops on a cyclic or oversized structure. For tests
    /// and debug checks; unused, the linker drops it (--gc-sections).
    bool check_invariants() const;

#ifdef TN_HOST_TEST
    /// Host tests only: path hops and swaps done so far; the worst-case bound
    /// test reads it.
    u64 step_count() const { return m_steps; }
#endif

private:
    Node* slot(usize k) const;
    void link_as_last(Node& node);
    void unlink_last(Node& last);
    void take_place_of(Node& hole, Node& node);
    void swap_with_parent(Node& child);
    void sift_up(Node& node);
    void sift_down(Node& node);
    void count_step() const;

    Node* m_root = nullptr;
    usize m_size = 0;
    u64 m_last_seq = 0;  // seq of the latest insert; 0 marks an unlinked Node
#ifdef TN_HOST_TEST
    mutable u64 m_steps = 0;
#endif
};

}  // namespace tn::tntimer
