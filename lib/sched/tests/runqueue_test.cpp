// RunQueue: O(1) selection of the highest priority, FIFO within a priority,
// head insertion, rotation among equals; against a reference model.
#include <gtest/gtest.h>

#include <map>
#include <deque>
#include <random>

#include "runqueue.hpp"

namespace {

struct Node {
    int id;
    unsigned prio;
    tn::ListNode link;
};

Node* top(const tn::sched::RunQueue<32>& rq) {
    tn::ListNode* n = rq.top();
    return n ? tn::container_of(n, &Node::link) : nullptr;
}

TEST(RunQueue, EmptyHasNoTop) {
    static tn::sched::RunQueue<32> rq;  // zero-initialised, as in BSS
    EXPECT_TRUE(rq.empty());
    EXPECT_EQ(rq.top_priority(), -1);
    EXPECT_EQ(rq.top(), nullptr);
    EXPECT_TRUE(rq.none_from(0));
}

TEST(RunQueue, HighestPriorityFirstFifoWithin) {
    tn::sched::RunQueue<32> rq;
    Node a{1, 5, {}}, b{2, 7, {}}, c{3, 7, {}}, d{4, 0, {}}, e{5, 31, {}};
    for (Node* n : {&a, &b, &c, &d})
        rq.push_back(n->link, n->prio);
    EXPECT_EQ(rq.top_priority(), 7);
    EXPECT_EQ(top(rq), &b);
    rq.push_back(e.link, e.prio);
    EXPECT_EQ(top(rq), &e);
    rq.remove(e.link, e.prio);
    rq.remove(b.link, b.prio);
    EXPECT_EQ(top(rq), &c);
    rq.push_front(b.link, b.prio);  // preempted: back at the head
    EXPECT_EQ(top(rq), &b);
    EXPECT_TRUE(rq.has(0));
    rq.remove(d.link, d.prio);
    EXPECT_FALSE(rq.has(0));
}

TEST(RunQueue, RandomAgainstModel) {
    std::mt19937 rng(3);
    std::vector<Node> nodes(200);
    for (int i = 0; i < 200; ++i)
        nodes[i] = {i, static_cast<unsigned>(rng() % 32), {}};
    tn::sched::RunQueue<32> rq;
    std::map<unsigned, std::deque<int>, std::greater<>> model;
    for (int step = 0; step < 50000; ++step) {
        Node& n = nodes[rng() % nodes.size()];
        if (!model.empty() && rng() % 8 == 0) {
            // What the scheduler does to pick the next thread.
            Node* got = tn::container_of(rq.pop_top(), &Node::link);
            auto& q = model.begin()->second;
            ASSERT_EQ(got->id, q.front());
            ASSERT_FALSE(got->link.linked);
            q.pop_front();
            if (q.empty())
                model.erase(model.begin());
        } else if (rq.has(n.prio) && rng() % 8 == 0) {
            // A yield among equals: the first goes behind, the next is first.
            Node* got = tn::container_of(rq.rotate(n.prio), &Node::link);
            auto& q = model[n.prio];
            q.push_back(q.front());
            q.pop_front();
            ASSERT_EQ(got->id, q.front());
            ASSERT_TRUE(got->link.linked);
            ASSERT_EQ(rq.several(n.prio), q.size() > 1);
        } else if (n.link.linked) {
            rq.remove(n.link, n.prio);
            auto& q = model[n.prio];
            q.erase(std::find(q.begin(), q.end(), n.id));
            if (q.empty())
                model.erase(n.prio);
        } else if (!rq.has(n.prio) && step % 3 == 0) {
            rq.push_alone(n.link, n.prio);
            model[n.prio].push_back(n.id);
        } else if (rng() % 4 == 0) {
            rq.push_front(n.link, n.prio);
            model[n.prio].push_front(n.id);
        } else {
            rq.push_back(n.link, n.prio);
            model[n.prio].push_back(n.id);
        }
        if (model.empty()) {
            ASSERT_TRUE(rq.empty());
        } else {
            ASSERT_EQ(rq.top_priority(), static_cast<int>(model.begin()->first));
            ASSERT_EQ(top(rq)->id, model.begin()->second.front());
        }
        auto from = static_cast<unsigned>(step % 32);
        ASSERT_EQ(rq.none_from(from), model.empty() || model.begin()->first < from);
    }
}

TEST(RunQueue, SixtyFourLevels) {
    tn::sched::RunQueue<64> rq;
    Node hi{1, 63, {}}, lo{2, 0, {}};
    rq.push_back(lo.link, lo.prio);
    rq.push_back(hi.link, hi.prio);
    EXPECT_EQ(rq.top_priority(), 63);
    rq.remove(hi.link, hi.prio);
    EXPECT_EQ(rq.top_priority(), 0);
}

// The scheduler takes a thread only when top_priority() found one, and
// queues only valid priorities: anything else is a kernel bug, stopped here.
TEST(RunQueueDeathTest, PopOfAnEmptyQueueAndABadPriorityAssert) {
    tn::sched::RunQueue<32> rq;
    Node a{1, 32, {}};
    EXPECT_DEATH(rq.pop_top(), "assertion failed: !empty\\(\\)");
    EXPECT_DEATH(rq.push_back(a.link, a.prio), "assertion failed: priority < Priorities");
}

}  // namespace
