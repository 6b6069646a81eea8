#include <gtest/gtest.h>
#include <tn/list.hpp>

#include <deque>
#include <random>

namespace {

struct Item {
    int value;
    tn::ListNode link;
};

std::vector<int> values(const tn::IntrusiveList& l) {
    std::vector<int> out;
    for (tn::ListNode* n = l.front(); n; n = n->next)
        out.push_back(tn::container_of(n, &Item::link)->value);
    return out;
}

TEST(IntrusiveList, ZeroInitialisedIsEmpty) {
    static tn::IntrusiveList l;
    EXPECT_TRUE(l.empty());
    EXPECT_EQ(l.front(), nullptr);
    EXPECT_EQ(l.pop_front(), nullptr);
}

TEST(IntrusiveList, PushPopAndContainerOf) {
    Item a{1, {}}, b{2, {}}, c{3, {}};
    tn::IntrusiveList l;
    l.push_back(b.link);
    l.push_front(a.link);
    l.push_back(c.link);
    EXPECT_EQ(values(l), (std::vector<int>{1, 2, 3}));
    EXPECT_TRUE(b.link.linked);
    l.remove(b.link);
    EXPECT_FALSE(b.link.linked);
    EXPECT_EQ(values(l), (std::vector<int>{1, 3}));
    l.insert_before(&c.link, b.link);
    EXPECT_EQ(values(l), (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(tn::container_of(l.pop_front(), &Item::link), &a);
    EXPECT_EQ(l.back(), &c.link);
    l.remove(c.link);
    EXPECT_TRUE(l.single());
    l.remove(b.link);
    EXPECT_TRUE(l.empty());
    EXPECT_EQ(l.back(), nullptr);
}

TEST(IntrusiveList, RandomAgainstDeque) {
    std::mt19937 rng(7);
    std::vector<Item> items(64);
    for (int i = 0; i < 64; ++i)
        items[i].value = i;
    tn::IntrusiveList l;
    std::deque<int> model;
    for (int step = 0; step < 20000; ++step) {
        Item& it = items[rng() % items.size()];
        if (it.link.linked) {
            l.remove(it.link);
            model.erase(std::find(model.begin(), model.end(), it.value));
        } else if (rng() % 2) {
            l.push_back(it.link);
            model.push_back(it.value);
        } else {
            l.push_front(it.link);
            model.push_front(it.value);
        }
        ASSERT_EQ(values(l), std::vector<int>(model.begin(), model.end()));
    }
}

}  // namespace
