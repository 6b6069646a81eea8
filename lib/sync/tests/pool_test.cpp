// Host tests of BlockPool: allocation order and limits, the checks free()
// makes, blocking with wake-ups in priority order and timeouts, the ISR
// rules, and that a freed block goes straight to the woken waiter (no
// barging); plus the direct hand-off of MessageQueue to a waiting receiver.
#include "sync_test.hpp"

#include <tn/sync.h>

#include <cstring>

namespace {

using namespace tn;
using namespace tn::sync;
using namespace sync_test;

class BlockPoolTest : public SyncTest {};

constexpr usize k_block = 32;
constexpr u32 k_blocks = 4;

TEST_F(BlockPoolTest, AllocatesEveryBlockOnceAndReusesFreed) {
    alignas(8) static u8 s_mem[k_block * k_blocks];
    constinit static BlockPool s_pool(s_mem, k_block, k_blocks);
    BlockPool& pool = s_pool;
    EXPECT_EQ(pool.capacity(), k_blocks);
    EXPECT_EQ(pool.block_size(), k_block);
    EXPECT_EQ(pool.available(), k_blocks);
    void* blocks[k_blocks];
    for (u32 i = 0; i < k_blocks; ++i) {
        auto r = pool.allocate(k_no_wait);
        ASSERT_EQ(st(r), "ok");
        blocks[i] = r.value();
        EXPECT_EQ(blocks[i], s_mem + i * k_block);
    }
    EXPECT_EQ(pool.available(), 0u);
    EXPECT_EQ(st(pool.allocate(k_no_wait)), "WouldBlock");
    EXPECT_EQ(st(pool.free(blocks[2])), "ok");
    EXPECT_EQ(st(pool.free(blocks[0])), "ok");
    EXPECT_EQ(pool.available(), 2u);
    auto r = pool.allocate(k_no_wait);  // the most recently freed first
    ASSERT_EQ(st(r), "ok");
    EXPECT_EQ(r.value(), blocks[0]);
    r = pool.allocate(k_no_wait);
    ASSERT_EQ(st(r), "ok");
    EXPECT_EQ(r.value(), blocks[2]);
    EXPECT_EQ(st(pool.allocate(k_no_wait)), "WouldBlock");
}

TEST_F(BlockPoolTest, FreeRejectsBadPointersAndDoubleFrees) {
    alignas(8) u8 mem[k_block * k_blocks];
    BlockPool pool(mem, k_block, k_blocks);
    void* a = pool.allocate(k_no_wait).value();
    void* b = pool.allocate(k_no_wait).value();
    u8 other[k_block];
    EXPECT_EQ(st(pool.free(other)), "NotOwner");
    EXPECT_EQ(st(pool.free(static_cast<u8*>(a) + 8)), "NotOwner");        // inside a block
    EXPECT_EQ(st(pool.free(mem + k_block * k_blocks)), "NotOwner");        // just past the end
    EXPECT_EQ(st(pool.free(mem + 3 * k_block)), "BadState");               // never allocated
    EXPECT_EQ(st(pool.free(a)), "ok");
    EXPECT_EQ(st(pool.free(a)), "BadState");  // double free
    EXPECT_EQ(pool.available(), k_blocks - 1);
    // A block in use whose data happen to look like a free block's is still freed.
    std::memcpy(b, a, k_block);
    EXPECT_EQ(st(pool.free(b)), "ok");
    EXPECT_EQ(st(pool.free(b)), "BadState");
    EXPECT_EQ(pool.available(), k_blocks);
}

TEST_F(BlockPoolTest, IsrRules) {
    alignas(8) u8 mem[k_block];
    BlockPool pool(mem, k_block, 1);
    in_isr([&] {
        EXPECT_EQ(st(pool.allocate(k_timeout)), "InIsr");  // even though a block is free
        EXPECT_EQ(st(pool.allocate(k_forever)), "InIsr");
        auto r = pool.allocate(k_no_wait);
        ASSERT_EQ(st(r), "ok");
        EXPECT_EQ(st(pool.allocate(k_no_wait)), "WouldBlock");
        EXPECT_EQ(st(pool.free(r.value())), "ok");
    });
    EXPECT_EQ(pool.available(), 1u);
}

TEST_F(BlockPoolTest, FreeHandsBlockToWaiterNoBarging) {
    alignas(8) u8 mem[k_block];
    BlockPool pool(mem, k_block, 1);
    void* mine = pool.allocate(k_no_wait).value();
    void* got = nullptr;
    Thread* t = start("t", 3, [&] {
        auto r = pool.allocate();
        ASSERT_EQ(st(r), "ok");
        got = r.value();
    });
    EXPECT_TRUE(blocked(t));
    {
        NoPreempt np;
        EXPECT_EQ(st(pool.free(mine)), "ok");
        EXPECT_TRUE(ready(t));
        EXPECT_EQ(pool.available(), 0u);                         // handed over, not freed
        EXPECT_EQ(st(pool.allocate(k_no_wait)), "WouldBlock");  // no barging
    }
    EXPECT_TRUE(done(t));
    EXPECT_EQ(got, mine);
    EXPECT_EQ(st(pool.free(got)), "ok");
}

TEST_F(BlockPoolTest, FreeFromIsrWakesHighestThenFifo) {
    alignas(8) u8 mem[k_block * 2];
    BlockPool pool(mem, k_block, 2);
    void* a = pool.allocate(k_no_wait).value();
    void* b = pool.allocate(k_no_wait).value();
    void* got_low = nullptr;
    void* got_high = nullptr;
    Thread* low = start("low", 2, [&] { got_low = pool.allocate().value(); });
    Thread* high = start("high", 8, [&] { got_high = pool.allocate().value(); });
    EXPECT_TRUE(blocked(low) && blocked(high));
    in_isr([&] {
        EXPECT_EQ(st(pool.free(b)), "ok");
        EXPECT_TRUE(ready(high));
        EXPECT_TRUE(blocked(low));
    });
    EXPECT_TRUE(done(high));
    EXPECT_EQ(got_high, b);
    EXPECT_EQ(st(pool.free(a)), "ok");
    EXPECT_TRUE(done(low));
    EXPECT_EQ(got_low, a);
}

TEST_F(BlockPoolTest, Timeout) {
    alignas(8) u8 mem[k_block];
    BlockPool pool(mem, k_block, 1);
    void* mine = pool.allocate(k_no_wait).value();
    Thread* t = start("t", 3, [&] { EXPECT_EQ(st(pool.allocate(k_timeout)), "Timeout"); });
    {
        NoPreempt np;
        advance(k_timeout);
        EXPECT_TRUE(ready(t));
        EXPECT_EQ(st(pool.free(mine)), "ok");  // nobody waits any more: freed
    }
    EXPECT_TRUE(done(t));
    EXPECT_EQ(pool.available(), 1u);
}

TEST_F(BlockPoolTest, CApi) {
    alignas(8) static uint8_t s_mem[k_block * 2];
    tn_pool_t pool;
    EXPECT_EQ(tn_pool_init(&pool, nullptr, k_block, 2), -TN_EINVAL);
    EXPECT_EQ(tn_pool_init(&pool, s_mem + 4, k_block, 2), -TN_EINVAL);
    EXPECT_EQ(tn_pool_init(&pool, s_mem, 8, 2), -TN_EINVAL);   // below the minimum
    EXPECT_EQ(tn_pool_init(&pool, s_mem, 20, 2), -TN_EINVAL);  // not a multiple of 8
    EXPECT_EQ(tn_pool_init(&pool, s_mem, k_block, 0), -TN_EINVAL);
    ASSERT_EQ(tn_pool_init(&pool, s_mem, k_block, 2), 0);
    void* a = nullptr;
    void* b = nullptr;
    void* c = nullptr;
    EXPECT_EQ(tn_pool_alloc(&pool, &a, TN_NO_WAIT), 0);
    EXPECT_EQ(tn_pool_alloc(&pool, &b, TN_NO_WAIT), 0);
    EXPECT_EQ(tn_pool_alloc(&pool, &c, TN_NO_WAIT), -TN_EAGAIN);
    EXPECT_EQ(c, nullptr);
    EXPECT_EQ(tn_pool_available(&pool), 0u);
    EXPECT_EQ(tn_pool_free(&pool, s_mem + 1), -TN_EINVAL);
    EXPECT_EQ(tn_pool_free(&pool, a), 0);
    EXPECT_EQ(tn_pool_free(&pool, a), -TN_EBADSTATE);
    EXPECT_EQ(tn_pool_free(&pool, b), 0);
    EXPECT_EQ(tn_pool_available(&pool), 2u);
    Thread* t = start("t", 3, [&] { EXPECT_EQ(tn_pool_alloc(&pool, &c, k_timeout), 0); });
    EXPECT_TRUE(done(t));
    EXPECT_EQ(c, b);
}

// ---- MessageQueue: a send while a receiver waits ------------------------

class MessageQueueHandOffTest : public SyncTest {};

TEST_F(MessageQueueHandOffTest, CopiesStraightIntoTheWaitingReceiver) {
    u64 buffer[2 * 4];
    MessageQueue q(sizeof(u64) * 4, 2, buffer);
    u64 got[4] = {};
    Thread* rx = start("rx", 4, [&] { EXPECT_EQ(st(q.receive(got)), "ok"); });
    EXPECT_TRUE(blocked(rx));
    u64 msg[4] = {1, 2, 3, 4};
    {
        NoPreempt np;
        EXPECT_EQ(st(q.send(msg, k_no_wait)), "ok");
        EXPECT_TRUE(ready(rx));
        EXPECT_EQ(q.count(), 0u);  // never stored in the ring
        EXPECT_EQ(got[0], 1u);     // already in the receiver's buffer
        EXPECT_EQ(got[3], 4u);
        msg[0] = 9;  // the sender's buffer is free again at once
    }
    EXPECT_TRUE(done(rx));
    EXPECT_EQ(got[0], 1u);
    EXPECT_EQ(st(q.receive(got, k_no_wait)), "WouldBlock");
}

TEST_F(MessageQueueHandOffTest, WokenSenderHandsToAReceiverThatCameMeanwhile) {
    u32 buffer[1];
    MessageQueue q(sizeof(u32), 1, buffer);
    u32 v = 1;
    ASSERT_EQ(st(q.send(&v, k_no_wait)), "ok");
    Thread* tx = start("tx", 3, [&] {
        u32 w = 2;
        EXPECT_EQ(st(q.send(&w)), "ok");
    });
    EXPECT_TRUE(blocked(tx));
    u32 got = 0;
    Thread* rx = nullptr;
    {
        NoPreempt np;
        u32 out = 0;
        EXPECT_EQ(st(q.receive(&out, k_no_wait)), "ok");  // frees the slot, promised to tx
        EXPECT_EQ(out, 1u);
        EXPECT_TRUE(ready(tx));
        // Runs first when preemption comes back, finds the ring empty and
        // waits; then tx runs with its promised slot and hands to rx.
        rx = start("rx", 5, [&] { EXPECT_EQ(st(q.receive(&got)), "ok"); });
    }
    EXPECT_TRUE(done(tx) && done(rx));
    EXPECT_EQ(got, 2u);
    EXPECT_EQ(q.count(), 0u);
    EXPECT_EQ(st(q.send(&v, k_no_wait)), "ok");  // the promised slot was released
}

}  // namespace
