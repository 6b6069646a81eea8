// Pointer-linked binary min-heap of timers (see tn/tntimer/queue.hpp).
//
// Invariants between calls, for n = m_size:
//  * the tree is the complete binary tree of slots 1..n (slot k's children are
//    slots 2k and 2k+1), m_root is slot 1, and m_root is null iff n == 0;
//  * every child's parent link names its parent, and the root's is null;
//  * no child precedes its parent in (deadline, seq) order (heap order);
//  * a linked node has seq != 0, an unlinked one seq == 0 and null links.
// Nodes move by relinking, never by copying their keys, because callers hold
// pointers to their own Nodes.
#include <tn/tntimer/queue.hpp>

namespace tn::tntimer {

static_assert(sizeof(void*) != 8 || sizeof(Node) == 40, "the Config.uk help quotes 40 bytes per node");

namespace {

/// Strict total order of the heap: deadline, then arming order.
bool before(const Node& a, const Node& b) {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
}

/// Position of the highest set bit. @pre v != 0
unsigned floor_log2(usize v) { return 63u - static_cast<unsigned>(__builtin_clzll(v)); }

/// Replaces @p old_child by @p new_child among @p parent's children.
void relink_child(Node& parent, const Node* old_child, Node* new_child) {
    if (parent.left == old_child)
        parent.left = new_child;
    else
        parent.right = new_child;
}

}  // namespace

inline void Queue::count_step() const {
#ifdef TN_HOST_TEST
    ++m_steps;
#endif
}

/// The node in slot @p k: follow the bits of k below its top bit from the
/// root. floor(log2 k) hops. @pre 1 <= k <= m_size
Node* Queue::slot(usize k) const {
    Node* node = m_root;
    for (unsigned bit = floor_log2(k); bit-- > 0;) {
        node = (k >> bit) & 1 ? node->right : node->left;
        count_step();
    }
    return node;
}

void Queue::insert(Node& node, u64 deadline) {
    node.deadline = deadline;
    node.seq = ++m_last_seq;
    link_as_last(node);
    sift_up(node);
}

/// Puts @p node in the new slot m_size + 1, as a leaf.
void Queue::link_as_last(Node& node) {
    node.left = nullptr;
    node.right = nullptr;
    usize k = ++m_size;
    if (k == 1) {
        node.parent = nullptr;
        m_root = &node;
        return;
    }
    Node* parent = slot(k / 2);
    node.parent = parent;
    if (k % 2 == 0)
        parent->left = &node;
    else
        parent->right = &node;
}

void Queue::remove(Node& node) {
    Node* last = slot(m_size);
    unlink_last(*last);
    if (last != &node) {
        // The last slot's node fills the hole. It was a leaf of another
        // subtree, so it may belong above or below the hole; it moves one
        // way only, because the hole's parent precedes the hole's children.
        take_place_of(node, *last);
        if (last->parent != nullptr && before(*last, *last->parent))
            sift_up(*last);
        else
            sift_down(*last);
    }
    node.parent = nullptr;
    node.left = nullptr;
    node.right = nullptr;
    node.seq = 0;
}

/// Detaches @p last, the (childless) node in slot m_size.
void Queue::unlink_last(Node& last) {
    if (last.parent == nullptr)
        m_root = nullptr;
    else
        relink_child(*last.parent, &last, nullptr);
    --m_size;
}

/// Gives unlinked @p node the links and slot of linked @p hole. @p hole keeps
/// stale links; the caller resets them.
void Queue::take_place_of(Node& hole, Node& node) {
    node.parent = hole.parent;
    node.left = hole.left;
    node.right = hole.right;
    if (node.left != nullptr)
        node.left->parent = &node;
    if (node.right != nullptr)
        node.right->parent = &node;
    if (node.parent == nullptr)
        m_root = &node;
    else
        relink_child(*node.parent, &hole, &node);
}

/// Exchanges the slots of @p child and its parent, keys untouched. O(1).
/// @pre child.parent != nullptr
void Queue::swap_with_parent(Node& child) {
    Node& parent = *child.parent;
    Node* grandparent = parent.parent;
    Node* child_left = child.left;
    Node* child_right = child.right;
    Node* sibling;
    if (parent.left == &child) {
        sibling = parent.right;
        child.left = &parent;
        child.right = sibling;
    } else {
        sibling = parent.left;
        child.left = sibling;
        child.right = &parent;
    }
    if (sibling != nullptr)
        sibling->parent = &child;
    parent.left = child_left;
    parent.right = child_right;
    if (child_left != nullptr)
        child_left->parent = &parent;
    if (child_right != nullptr)
        child_right->parent = &parent;
    parent.parent = &child;
    child.parent = grandparent;
    if (grandparent == nullptr)
        m_root = &child;
    else
        relink_child(*grandparent, &parent, &child);
    count_step();
}

void Queue::sift_up(Node& node) {
    while (node.parent != nullptr && before(node, *node.parent))
        swap_with_parent(node);
}

// Moves @p node down to its place. Rather than swapping it with a child level
// by level, it leaves a hole that descends: the earlier child climbs into the
// hole (taking over its parent and one link), and @p node is linked once, into
// the final hole. One step per level.
void Queue::sift_down(Node& node) {
    Node* first = node.left;
    if (first == nullptr)
        return;  // complete tree: no left child means no right child
    if (node.right != nullptr && before(*node.right, *first))
        first = node.right;
    if (!before(*first, node))
        return;
    // The hole: its parent, the link that points at it, its children.
    Node* parent = node.parent;
    Node** link = parent == nullptr ? &m_root : parent->left == &node ? &parent->left : &parent->right;
    Node* left = node.left;
    Node* right = node.right;
    for (;;) {
        // @p first (left or right) climbs into the hole; the hole takes its slot.
        Node* below_left = first->left;
        Node* below_right = first->right;
        first->parent = parent;
        *link = first;
        if (first == left) {
            first->right = right;
            if (right != nullptr)
                right->parent = first;
            link = &first->left;
        } else {
            first->left = left;
            left->parent = first;
            link = &first->right;
        }
        parent = first;
        left = below_left;
        right = below_right;
        count_step();
        first = left;
        if (first == nullptr)
            break;
        if (right != nullptr && before(*right, *first))
            first = right;
        if (!before(*first, node))
            break;
    }
    node.parent = parent;
    node.left = left;
    node.right = right;
    *link = &node;
    if (left != nullptr)
        left->parent = &node;
    if (right != nullptr)
        right->parent = &node;
}

void Queue::replace_earliest(u64 deadline) {
    Node& node = *m_root;
    node.deadline = deadline;
    node.seq = ++m_last_seq;
    sift_down(node);
}

Node* Queue::pop_earliest() {
    Node* node = m_root;
    if (node != nullptr)
        remove(*node);
    return node;
}

Node* Queue::pop_due(u64 now) {
    Node* node = m_root;
    if (node == nullptr || node->deadline > now)
        return nullptr;
    remove(*node);
    return node;
}

namespace {

/// True if @p child is null or a correctly linked, not earlier child of @p node.
bool child_valid(const Node& node, const Node* child) {
    return child == nullptr || (child->parent == &node && !before(*child, node));
}

/// The local invariants of @p node in slot @p k of a tree of @p size slots.
bool node_valid(const Node& node, usize k, usize size) {
    return node.linked() && k <= size && child_valid(node, node.left) && child_valid(node, node.right) &&
           (node.left != nullptr || node.right == nullptr) && (node.left == nullptr || node.left != node.right);
}

}  // namespace

bool Queue::check_invariants() const {
    if (m_root == nullptr || m_root->parent != nullptr)
        return m_root == nullptr && m_size == 0;
    // Pre-order walk along the links with no stack, tracking the slot number
    // k: we arrive at a node from its parent (first visit), from its left
    // child or from its right child. A node's children are checked to point
    // back at it before we descend, so climbing retraces the descent. A tree
    // of n nodes takes 2n - 1 arrivals; a child linked from two parents fails
    // the back-link check, and a cycle shows up as too many arrivals.
    usize count = 0;
    usize arrivals = 0;
    usize k = 1;
    const Node* from = nullptr;
    const Node* node = m_root;
    while (node != nullptr) {
        if (++arrivals > 2 * m_size)
            return false;
        const Node* next = node->parent;  // climb, unless a child is next
        usize next_k = k / 2;
        if (from == node->parent) {
            if (!node_valid(*node, k, m_size) || ++count > m_size)
                return false;
            if (node->left != nullptr) {  // no left child means no child
                next = node->left;
                next_k = 2 * k;
            }
        } else if (from == node->left && node->right != nullptr) {
            next = node->right;
            next_k = 2 * k + 1;
        }
        from = node;
        node = next;
        k = next_k;
    }
    // Every slot number seen was <= m_size, and there were m_size distinct
    // ones: exactly slots 1..m_size, so the shape is complete.
    return count == m_size;
}

}  // namespace tn::tntimer
