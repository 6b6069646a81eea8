// Host tests of the fixed-size object pools.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <vector>

#include <tn/mem/object_pool.hpp>

namespace {

using namespace tn;
using namespace tn::mem;

struct Tracked {
    static inline int alive = 0;
    explicit Tracked(u64 v) : value(v) { ++alive; }
    ~Tracked() { --alive; }
    u64 value;
    u64 pad[3];
};

TEST(ObjectPool, CreateUntilExhaustedThenRecover) {
    ObjectPool<Tracked, 8> pool;
    EXPECT_EQ(pool.capacity(), 8u);
    std::vector<Tracked*> objs;
    for (u64 i = 0; i < 8; ++i) {
        auto r = pool.create(i);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r.value()->value, i);
        EXPECT_TRUE(is_aligned(reinterpret_cast<uptr>(r.value()), alignof(Tracked)));
        objs.push_back(r.value());
    }
    EXPECT_EQ(Tracked::alive, 8);
    EXPECT_EQ(pool.free_count(), 0u);
    EXPECT_EQ(pool.create(99u).error(), Error::OutOfMemory);
    EXPECT_EQ(Tracked::alive, 8);  // no constructor ran for the failed create
    ASSERT_TRUE(pool.destroy(objs[3]).ok());
    EXPECT_EQ(Tracked::alive, 7);
    auto again = pool.create(42u);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), objs[3]);  // LIFO reuse
    objs[3] = again.value();
    for (Tracked* t : objs)
        ASSERT_TRUE(pool.destroy(t).ok());
    EXPECT_EQ(Tracked::alive, 0);
    EXPECT_EQ(pool.free_count(), 8u);
}

TEST(ObjectPool, BadDestroysAreErrorsAndRunNoDestructor) {
    ObjectPool<Tracked, 4> pool;
    Tracked* a = pool.create(1u).value();
    Tracked outside(2);
    int alive = Tracked::alive;
    EXPECT_EQ(pool.destroy(&outside).error(), Error::NotOwned);
    EXPECT_EQ(pool.destroy(nullptr).error(), Error::NotOwned);
    auto* interior = reinterpret_cast<Tracked*>(reinterpret_cast<u8*>(a) + 8);
    EXPECT_EQ(pool.destroy(interior).error(), Error::BadPointer);
    EXPECT_EQ(pool.destroy(a + 1).error(), Error::DoubleFree);  // never created
    EXPECT_EQ(Tracked::alive, alive);
    EXPECT_TRUE(pool.owns(a));
    EXPECT_FALSE(pool.owns(&outside));
    ASSERT_TRUE(pool.destroy(a).ok());
    EXPECT_EQ(pool.destroy(a).error(), Error::DoubleFree);
    EXPECT_EQ(Tracked::alive, alive - 1);
    EXPECT_EQ(pool.free_count(), 4u);
}

// A static pool is constant-initialized: no constructor code at boot.
struct Node {
    u64 key;
    Node* next;
};
constinit ObjectPool<Node, 1000> g_nodes;

TEST(ObjectPool, StaticInstanceIsConstantInitialized) {
    EXPECT_EQ(g_nodes.free_count(), 1000u);
    Node* n = g_nodes.create(Node{7, nullptr}).value();
    EXPECT_EQ(n->key, 7u);
    ASSERT_TRUE(g_nodes.destroy(n).ok());
}

TEST(RawPool, LayoutAndCapacity) {
    alignas(64) static u8 buf[4096];
    usize need = RawPool::bytes_for(10, 40, 64);
    EXPECT_EQ(need, 64u + 10 * 64);
    auto r = RawPool::try_create(buf, need, 40, 64);
    ASSERT_TRUE(r.ok());
    RawPool pool = r.value();
    EXPECT_EQ(pool.capacity(), 10u);
    EXPECT_EQ(pool.slot_size(), 64u);
    std::set<void*> seen;
    for (int i = 0; i < 10; ++i) {
        void* p = pool.alloc().value();
        EXPECT_TRUE(is_aligned(reinterpret_cast<uptr>(p), 64));
        EXPECT_GE(static_cast<u8*>(p), buf + 40);
        EXPECT_LE(static_cast<u8*>(p) + 40, buf + need);
        EXPECT_TRUE(seen.insert(p).second);
    }
    EXPECT_EQ(pool.alloc().error(), Error::OutOfMemory);
    // One byte short of the layout: one slot fewer.
    EXPECT_EQ(RawPool::try_create(buf, need - 1, 40, 64).value().capacity(), 9u);
}

TEST(RawPool, InvalidArguments) {
    alignas(16) static u8 buf[256];
    EXPECT_EQ(RawPool::try_create(nullptr, 256, 16, 16).error(), Error::InvalidArgument);
    EXPECT_EQ(RawPool::try_create(buf + 1, 255, 16, 16).error(), Error::InvalidArgument);
    EXPECT_EQ(RawPool::try_create(buf, 256, 0, 16).error(), Error::InvalidArgument);
    EXPECT_EQ(RawPool::try_create(buf, 256, 16, 24).error(), Error::InvalidArgument);
    EXPECT_EQ(RawPool::try_create(buf, 16, 16, 16).error(), Error::InvalidArgument);
    RawPool empty;
    EXPECT_EQ(empty.alloc().error(), Error::OutOfMemory);
    EXPECT_EQ(empty.free(buf).error(), Error::NotOwned);
}

TEST(RawPool, BadFreesAreErrors) {
    alignas(16) static u8 buf[1024];
    RawPool pool = RawPool::try_create(buf, sizeof(buf), 24, 8).value();
    auto* a = static_cast<u8*>(pool.alloc().value());
    u32 free_before = pool.free_count();
    int x;
    EXPECT_EQ(pool.free(&x).error(), Error::NotOwned);
    EXPECT_EQ(pool.free(buf).error(), Error::NotOwned);  // the link area
    EXPECT_EQ(pool.free(a + 8).error(), Error::BadPointer);
    EXPECT_EQ(pool.free(a + 24).error(), Error::DoubleFree);  // the next slot, never allocated
    EXPECT_EQ(pool.free_count(), free_before);
    ASSERT_TRUE(pool.free(a).ok());
    EXPECT_EQ(pool.free(a).error(), Error::DoubleFree);
}

class RawPoolRandom : public ::testing::TestWithParam<u32> {};

TEST_P(RawPoolRandom, MatchesReferenceModel) {
    std::mt19937_64 rng(GetParam());
    constexpr usize k_size = 40, k_align = 8;
    std::vector<u64> storage(8192 / 8);
    auto* buf = reinterpret_cast<u8*>(storage.data());
    RawPool pool = RawPool::try_create(buf, 8192, k_size, k_align).value();
    const u32 cap = pool.capacity();
    EXPECT_EQ(cap, 8192u / (4 + 40));
    std::vector<u8*> live;
    std::set<u8*> live_set;
    u64 ooms = 0;
    for (int step = 0; step < 50000; ++step) {
        if (live.empty() || rng() % 100 < 55) {
            auto r = pool.alloc();
            if (!r) {
                ASSERT_EQ(r.error(), Error::OutOfMemory);
                ASSERT_EQ(live.size(), cap);
                ++ooms;
                continue;
            }
            auto* p = static_cast<u8*>(r.value());
            ASSERT_TRUE(is_aligned(reinterpret_cast<uptr>(p), k_align));
            ASSERT_GE(p, buf + cap * 4);
            ASSERT_LE(p + k_size, buf + 8192);
            ASSERT_TRUE(live_set.insert(p).second) << "slot handed out twice";
            std::memset(p, static_cast<int>(reinterpret_cast<uptr>(p) & 0xff), k_size);
            live.push_back(p);
        } else {
            usize i = rng() % live.size();
            u8* p = live[i];
            for (usize b = 0; b < k_size; ++b)
                ASSERT_EQ(p[b], static_cast<u8>(reinterpret_cast<uptr>(p) & 0xff));
            ASSERT_TRUE(pool.free(p).ok());
            live_set.erase(p);
            live[i] = live.back();
            live.pop_back();
        }
        ASSERT_EQ(pool.free_count(), cap - live.size());
    }
    EXPECT_GT(ooms, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RawPoolRandom, ::testing::Values(1u, 5u, 0xABCDu));

}  // namespace
