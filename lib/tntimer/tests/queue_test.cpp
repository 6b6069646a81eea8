// Host tests of the timer queue: order and FIFO ties, removal from every kind
// of slot, randomised traffic against a reference model with a full structural
// check after every operation, the invariant checker itself, and the
// worst-case bound on steps per operation (step counter).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include <tn/tntimer/queue.hpp>

namespace {

using namespace tn;
using namespace tn::tntimer;

unsigned floor_log2(usize v) { return 63u - static_cast<unsigned>(__builtin_clzll(v)); }

/// The node in slot @p k (1-based level order), found through the public links.
Node* slot_of(const Queue& q, usize k) {
    Node* node = q.earliest();
    for (unsigned bit = floor_log2(k); bit-- > 0 && node != nullptr;)
        node = (k >> bit) & 1 ? node->right : node->left;
    return node;
}

/// Depth of the deepest node (the root has depth 0), or -1 for an empty tree.
int height(const Node* node) {
    if (node == nullptr)
        return -1;
    return 1 + std::max(height(node->left), height(node->right));
}

/// Pops everything; returns the indices into @p nodes in pop order.
std::vector<usize> drain(Queue& q, const std::vector<Node>& nodes) {
    std::vector<usize> order;
    while (Node* n = q.pop_earliest()) {
        EXPECT_FALSE(n->linked());
        EXPECT_TRUE(q.check_invariants());
        order.push_back(static_cast<usize>(n - nodes.data()));
    }
    return order;
}

TEST(TntimerQueue, EmptyQueue) {
    constinit static Queue s_queue;  // constant-initialized: no boot code
    Queue q;
    for (Queue* p : {&q, &s_queue}) {
        EXPECT_TRUE(p->empty());
        EXPECT_EQ(p->size(), 0u);
        EXPECT_EQ(p->earliest(), nullptr);
        EXPECT_EQ(p->pop_earliest(), nullptr);
        EXPECT_EQ(p->pop_due(~u64{0}), nullptr);
        EXPECT_TRUE(p->check_invariants());
    }
}

TEST(TntimerQueue, InsertRemoveOne) {
    Queue q;
    Node n;
    EXPECT_FALSE(n.linked());
    q.insert(n, 42);
    EXPECT_TRUE(n.linked());
    EXPECT_EQ(n.deadline, 42u);
    EXPECT_EQ(q.earliest(), &n);
    EXPECT_EQ(q.size(), 1u);
    EXPECT_TRUE(q.check_invariants());
    q.remove(n);
    EXPECT_FALSE(n.linked());
    EXPECT_EQ(n.parent, nullptr);
    EXPECT_EQ(n.left, nullptr);
    EXPECT_EQ(n.right, nullptr);
    EXPECT_TRUE(q.empty());
    EXPECT_TRUE(q.check_invariants());
    q.insert(n, 7);  // an unlinked node can be armed again
    EXPECT_EQ(q.pop_earliest(), &n);
    EXPECT_TRUE(q.empty());
}

TEST(TntimerQueue, ExtremeDeadlines) {
    Queue q;
    std::vector<Node> nodes(4);
    q.insert(nodes[0], ~u64{0});
    q.insert(nodes[1], 0);
    q.insert(nodes[2], ~u64{0});
    q.insert(nodes[3], 0);
    EXPECT_EQ(drain(q, nodes), (std::vector<usize>{1, 3, 0, 2}));
}

TEST(TntimerQueue, EqualDeadlinesExpireInArmingOrder) {
    Queue q;
    std::vector<Node> nodes(200);
    for (auto& n : nodes)
        q.insert(n, 5);
    std::vector<usize> expected(nodes.size());
    for (usize i = 0; i < expected.size(); ++i)
        expected[i] = i;
    EXPECT_EQ(drain(q, nodes), expected);
}

TEST(TntimerQueue, FewDistinctDeadlinesSortStably) {
    std::mt19937_64 rng(3);
    Queue q;
    std::vector<Node> nodes(500);
    std::vector<std::pair<u64, usize>> expected;
    for (usize i = 0; i < nodes.size(); ++i) {
        u64 d = rng() % 4;
        q.insert(nodes[i], d);
        expected.emplace_back(d, i);
    }
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<usize> order = drain(q, nodes);
    ASSERT_EQ(order.size(), expected.size());
    for (usize i = 0; i < order.size(); ++i)
        EXPECT_EQ(order[i], expected[i].second) << i;
}

TEST(TntimerQueue, RearmedTimerGoesAfterEqualDeadlines) {
    Queue q;
    std::vector<Node> nodes(3);
    for (auto& n : nodes)
        q.insert(n, 10);
    q.remove(nodes[0]);
    q.insert(nodes[0], 10);
    EXPECT_EQ(drain(q, nodes), (std::vector<usize>{1, 2, 0}));
}

TEST(TntimerQueue, ThousandTimersPopInDeadlineOrder) {
    std::mt19937_64 rng(1000);
    Queue q;
    std::vector<Node> nodes(1000);
    for (auto& n : nodes)
        q.insert(n, rng() % 100000);
    EXPECT_EQ(q.size(), 1000u);
    EXPECT_TRUE(q.check_invariants());
    EXPECT_EQ(height(q.earliest()), 9);  // floor(log2 1000)
    std::pair<u64, u64> last{0, 0};
    usize popped = 0;
    while (Node* n = q.earliest()) {
        std::pair<u64, u64> key{n->deadline, n->seq};
        ASSERT_LT(last, key);  // deadline order, ties in arming order
        last = key;
        ASSERT_EQ(q.pop_earliest(), n);
        ++popped;
    }
    EXPECT_EQ(popped, 1000u);
}

// Removal of the root, of the node in the last slot, and of inner nodes, on
// every size up to 33 (full, nearly full and just-started bottom levels).
TEST(TntimerQueue, RemoveRootLastAndMiddle) {
    for (usize size = 1; size <= 33; ++size) {
        for (usize victim_slot = 1; victim_slot <= size; ++victim_slot) {
            std::mt19937_64 rng(size * 100 + victim_slot);
            Queue q;
            std::vector<Node> nodes(size);
            std::multiset<std::pair<u64, u64>> model;
            for (auto& n : nodes) {
                q.insert(n, rng() % 50);
                model.emplace(n.deadline, n.seq);
            }
            Node* victim = slot_of(q, victim_slot);
            ASSERT_NE(victim, nullptr);
            model.erase(model.find({victim->deadline, victim->seq}));
            q.remove(*victim);
            EXPECT_FALSE(victim->linked());
            ASSERT_TRUE(q.check_invariants()) << size << " " << victim_slot;
            ASSERT_EQ(q.size(), size - 1);
            for (const auto& key : model) {
                Node* n = q.earliest();
                ASSERT_NE(n, nullptr);
                EXPECT_EQ(std::make_pair(n->deadline, n->seq), key);
                ASSERT_EQ(q.pop_earliest(), n);
            }
            EXPECT_TRUE(q.empty());
        }
    }
}

TEST(TntimerQueue, PopDueTakesOnlyExpiredTimers) {
    Queue q;
    std::vector<Node> nodes(4);
    q.insert(nodes[0], 30);
    q.insert(nodes[1], 10);
    q.insert(nodes[2], 20);
    q.insert(nodes[3], 20);
    EXPECT_EQ(q.pop_due(9), nullptr);
    EXPECT_EQ(q.size(), 4u);
    std::vector<Node*> fired;
    while (Node* n = q.pop_due(20))
        fired.push_back(n);
    EXPECT_EQ(fired, (std::vector<Node*>{&nodes[1], &nodes[2], &nodes[3]}));
    EXPECT_EQ(q.size(), 1u);
    EXPECT_EQ(q.earliest(), &nodes[0]);
    EXPECT_TRUE(q.check_invariants());
}

// The checker must catch broken trees, or the randomised test proves nothing.
TEST(TntimerQueue, InvariantCheckDetectsCorruption) {
    Queue q;
    std::vector<Node> nodes(7);
    for (usize i = 0; i < nodes.size(); ++i)
        q.insert(nodes[i], 10 * (i + 1));  // ascending: slot k holds nodes[k - 1]
    ASSERT_TRUE(q.check_invariants());
    Node& root = nodes[0];
    Node& inner = nodes[1];
    Node& leaf = nodes[6];
    ASSERT_EQ(slot_of(q, 7), &leaf);

    leaf.deadline = 1;  // heap order
    EXPECT_FALSE(q.check_invariants());
    leaf.deadline = 70;

    Node* saved = inner.left->parent;  // parent link
    inner.left->parent = &root;
    EXPECT_FALSE(q.check_invariants());
    inner.left->parent = saved;

    u64 seq = inner.seq;  // unlinked node inside the tree
    inner.seq = 0;
    EXPECT_FALSE(q.check_invariants());
    inner.seq = seq;

    Node stray;  // an extra node hanging off slot 7: shape and count
    stray.deadline = 100;
    stray.seq = 99;
    stray.parent = &leaf;
    leaf.left = &stray;
    EXPECT_FALSE(q.check_invariants());
    leaf.left = nullptr;

    Node* right = nodes[2].right;  // a missing leaf: count
    nodes[2].right = nullptr;
    EXPECT_FALSE(q.check_invariants());
    nodes[2].right = right;

    Node* left = nodes[2].left;  // a right child without a left one: shape
    nodes[2].left = nullptr;
    EXPECT_FALSE(q.check_invariants());
    nodes[2].left = left;

    leaf.left = &root;  // a cycle must end the walk, not hang it
    EXPECT_FALSE(q.check_invariants());
    leaf.left = nullptr;

    EXPECT_TRUE(q.check_invariants());
    EXPECT_EQ(drain(q, nodes).size(), 7u);
}

// A periodic timer's expiry: replace_earliest() gives the same expiry order
// as pop_earliest() plus insert() (node for node, ties included), keeps the
// structure valid and costs at most floor(log2 n) steps.
TEST(TntimerQueue, ReplaceEarliestMatchesPopAndInsert) {
    for (usize count : {usize{1}, usize{2}, usize{3}, usize{10}, usize{1000}}) {
        std::mt19937_64 rng(count);
        Queue a, b;
        std::vector<Node> na(count), nb(count);
        std::vector<u64> periods(count);
        for (usize i = 0; i < count; ++i) {
            u64 d = rng() % 3 == 0 ? rng() % 4 : rng() % 100000;
            periods[i] = 1 + (rng() % 2 ? rng() % 8 : rng() % 50000);
            a.insert(na[i], d);
            b.insert(nb[i], d);
        }
        for (int step = 0; step < 5000; ++step) {
            Node* fa = a.earliest();
            usize i = static_cast<usize>(fa - na.data());
            u64 next = fa->deadline + periods[i];
            u64 before = a.step_count();
            a.replace_earliest(next);
            ASSERT_LE(a.step_count() - before, floor_log2(a.size())) << count;
            Node* fb = b.pop_earliest();
            ASSERT_EQ(static_cast<usize>(fb - nb.data()), i) << count << " " << step;
            b.insert(*fb, next);
            ASSERT_EQ(a.size(), count);
            if (count <= 10 || step % 97 == 0) {
                ASSERT_TRUE(a.check_invariants()) << count << " " << step;
            }
        }
        EXPECT_TRUE(a.check_invariants());
        for (usize k = 0; k < count; ++k) {
            Node* x = a.pop_earliest();
            Node* y = b.pop_earliest();
            ASSERT_EQ(x - na.data(), y - nb.data());
        }
    }
}

// Randomised traffic against a reference model: a set of (deadline, seq) keys
// plus each node's expected linked state. After every operation: size,
// earliest, and the full structural check.
class TntimerRandom : public ::testing::TestWithParam<u32> {};

TEST_P(TntimerRandom, MatchesReferenceModel) {
    std::mt19937_64 rng(GetParam());
    constexpr usize k_nodes = 700;
    Queue q;
    std::vector<Node> nodes(k_nodes);
    std::set<std::pair<u64, u64>> model;  // keys are unique: seq differs
    std::vector<bool> linked(k_nodes, false);
    std::vector<usize> live;                  // indices of linked nodes
    std::vector<usize> where(k_nodes, 0);     // position in live
    auto drop = [&](usize i) {
        linked[i] = false;
        usize pos = where[i];
        live[pos] = live.back();
        where[live[pos]] = pos;
        live.pop_back();
    };
    auto node_index = [&](const Node* n) { return static_cast<usize>(n - nodes.data()); };
    u64 now = 0;
    u64 last_seq = 0;
    for (int step = 0; step < 40000; ++step) {
        // Drift between growing to the pool size and draining, so every size
        // and tree shape is visited.
        bool grow_phase = (step / 5000) % 2 == 0;
        unsigned roll = static_cast<unsigned>(rng() % 100);
        bool do_insert = live.size() < k_nodes && (live.empty() || roll < (grow_phase ? 65u : 35u));
        if (do_insert) {
            usize i;
            do
                i = rng() % k_nodes;
            while (linked[i]);
            // Narrow deadline ranges make many ties; wide ones, deep sifts.
            u64 d = now + (rng() % 3 == 0 ? rng() % 8 : rng() % 1000000);
            q.insert(nodes[i], d);
            ASSERT_GT(nodes[i].seq, last_seq);  // arming order
            last_seq = nodes[i].seq;
            model.emplace(d, nodes[i].seq);
            linked[i] = true;
            where[i] = live.size();
            live.push_back(i);
        } else if (roll % 3 == 0) {
            usize i = live[rng() % live.size()];
            ASSERT_EQ(model.erase({nodes[i].deadline, nodes[i].seq}), 1u);
            q.remove(nodes[i]);
            drop(i);
        } else if (roll % 3 == 1) {
            Node* first = q.earliest();  // matched the model's smallest key after the last step
            Node* n = q.pop_earliest();
            ASSERT_EQ(n, first);
            ASSERT_FALSE(n->linked());
            usize i = node_index(n);
            ASSERT_TRUE(linked[i]);
            drop(i);
            model.erase(model.begin());
        } else {
            now += rng() % 2000;
            for (;;) {
                Node* first = q.earliest();
                Node* n = q.pop_due(now);
                bool due = !model.empty() && model.begin()->first <= now;
                ASSERT_EQ(n, due ? first : nullptr);
                if (n == nullptr)
                    break;
                model.erase(model.begin());
                drop(node_index(n));
                ASSERT_TRUE(q.check_invariants());
                ASSERT_EQ(q.size(), model.size());
                if (!model.empty()) {
                    ASSERT_EQ(std::make_pair(q.earliest()->deadline, q.earliest()->seq), *model.begin());
                }
            }
        }
        ASSERT_EQ(q.size(), model.size()) << step;
        ASSERT_EQ(q.empty(), model.empty());
        if (model.empty()) {
            ASSERT_EQ(q.earliest(), nullptr);
        } else {
            ASSERT_NE(q.earliest(), nullptr);
            ASSERT_EQ(std::make_pair(q.earliest()->deadline, q.earliest()->seq), *model.begin()) << step;
        }
        for (usize i : {usize{0}, usize{k_nodes / 2}, k_nodes - 1})
            ASSERT_EQ(nodes[i].linked(), linked[i]);
        ASSERT_TRUE(q.check_invariants()) << step;
    }
    // Whatever is left drains in model order.
    for (const auto& key : model) {
        Node* n = q.earliest();
        ASSERT_EQ(std::make_pair(n->deadline, n->seq), key);
        ASSERT_EQ(q.pop_earliest(), n);
    }
    EXPECT_TRUE(q.empty());
}

INSTANTIATE_TEST_SUITE_P(Seeds, TntimerRandom, ::testing::Values(1u, 7u, 99u, 0xBEEFu, 20240611u));

// Worst-case bound: path hops plus swaps of one call, against the header's
// derivation (h = floor(log2 n), n the size after an insert or before a
// removal): insert <= 2h - 1, remove and pop <= 2h. Not amortised: every
// single call is checked.
void check_bound(usize target, u32 seed) {
    std::mt19937_64 rng(seed);
    Queue q;
    std::vector<Node> nodes(target + 1);
    std::vector<usize> free_nodes;
    for (usize i = 0; i < nodes.size(); ++i)
        free_nodes.push_back(i);
    u64 max_insert = 0;
    u64 max_remove = 0;
    auto insert_one = [&] {
        usize i = free_nodes.back();
        free_nodes.pop_back();
        u64 before = q.step_count();
        q.insert(nodes[i], rng() % (4 * target + 1));
        u64 steps = q.step_count() - before;
        u64 h = floor_log2(q.size());
        ASSERT_LE(steps + 1, std::max<u64>(2 * h, 1)) << q.size();
        max_insert = std::max(max_insert, steps);
    };
    auto remove_one = [&] {
        u64 h = floor_log2(q.size());
        Node* victim = rng() % 2 ? q.earliest() : slot_of(q, 1 + rng() % q.size());
        u64 before = q.step_count();
        q.remove(*victim);
        u64 steps = q.step_count() - before;
        ASSERT_LE(steps, 2 * h) << q.size();
        max_remove = std::max(max_remove, steps);
        free_nodes.push_back(static_cast<usize>(victim - nodes.data()));
    };
    while (q.size() < target)
        insert_one();
    ASSERT_LE(height(q.earliest()), static_cast<int>(floor_log2(target)));
    for (int i = 0; i < 4000; ++i) {
        // Stay between target - 1 and target + 1 timers.
        if (q.size() < target || (q.size() == target && rng() % 2))
            insert_one();
        else
            remove_one();
    }
    EXPECT_TRUE(q.check_invariants());
    std::printf("[ info     ] %zu armed timers: max steps insert %llu, remove %llu (bound %u)\n", target,
                static_cast<unsigned long long>(max_insert), static_cast<unsigned long long>(max_remove),
                2 * floor_log2(target + 1));
}

TEST(TntimerBound, StepsPerCallAreLogarithmic) {
    for (usize target : {1u, 2u, 3u, 7u, 8u, 100u, 1000u, 65536u})
        check_bound(target, 42);
}

// The bound is tight for insert: strictly decreasing deadlines make every new
// timer the earliest, so it walks h - 1 hops and sifts h levels to the root.
TEST(TntimerBound, InsertBoundIsTight) {
    Queue q;
    std::vector<Node> nodes(4096);
    for (usize i = 0; i < nodes.size(); ++i) {
        u64 before = q.step_count();
        q.insert(nodes[i], nodes.size() - i);
        u64 h = floor_log2(q.size());
        EXPECT_EQ(q.step_count() - before, q.size() == 1 ? 0 : 2 * h - 1) << q.size();
    }
    EXPECT_TRUE(q.check_invariants());
    EXPECT_EQ(height(q.earliest()), 12);
}

}  // namespace
