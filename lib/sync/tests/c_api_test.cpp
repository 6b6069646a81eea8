// Host tests of the C interface (tn/sync.h): argument checks of the init
// functions and the mapping of every error to its own negative code.
#include <tn/sync.h>

#include "sync_test.hpp"

#include <set>

namespace {

using namespace sync_test;

class CApiTest : public SyncTest {};

TEST_F(CApiTest, CodesAreDistinct) {
    std::set<int> codes = {TN_EPERM, TN_EAGAIN, TN_EINVAL, TN_EDEADLK, TN_EOVERFLOW, TN_ETIMEDOUT, TN_EINISR};
    EXPECT_EQ(codes.size(), 7u);
    for (int c : codes)
        EXPECT_GT(c, 0);
}

TEST_F(CApiTest, Semaphore) {
    static tn_sem_t s_sem;
    EXPECT_EQ(tn_sem_init(&s_sem, 2, 1), -TN_EINVAL);
    EXPECT_EQ(tn_sem_init(&s_sem, 0, 0), -TN_EINVAL);
    ASSERT_EQ(tn_sem_init(&s_sem, 1, 1), 0);
    EXPECT_EQ(tn_sem_give(&s_sem), -TN_EOVERFLOW);
    EXPECT_EQ(tn_sem_take(&s_sem, TN_NO_WAIT), 0);
    EXPECT_EQ(tn_sem_take(&s_sem, TN_NO_WAIT), -TN_EAGAIN);
    in_isr([&] {
        EXPECT_EQ(tn_sem_take(&s_sem, TN_FOREVER), -TN_EINISR);
        EXPECT_EQ(tn_sem_give(&s_sem), 0);
    });
    EXPECT_EQ(tn_sem_count(&s_sem), 1u);
}

TEST_F(CApiTest, MutexAndTimeout) {
    tn_mutex_t m;
    ASSERT_EQ(tn_mutex_init(&m), 0);
    EXPECT_EQ(tn_mutex_unlock(&m), -TN_EPERM);
    EXPECT_EQ(tn_mutex_trylock(&m), 0);
    EXPECT_EQ(tn_mutex_lock(&m, TN_FOREVER), -TN_EDEADLK);
    Thread* t = start("t", 4, [&] { EXPECT_EQ(tn_mutex_lock(&m, k_timeout), -TN_ETIMEDOUT); });
    EXPECT_TRUE(blocked(t));
    advance(k_timeout);
    EXPECT_TRUE(done(t));
    EXPECT_EQ(tn_mutex_unlock(&m), 0);
    in_isr([&] { EXPECT_EQ(tn_mutex_trylock(&m), -TN_EINISR); });
}

TEST_F(CApiTest, CondVar) {
    tn_mutex_t m;
    tn_cond_t c;
    ASSERT_EQ(tn_mutex_init(&m), 0);
    ASSERT_EQ(tn_cond_init(&c), 0);
    EXPECT_EQ(tn_cond_wait(&c, &m, TN_FOREVER), -TN_EPERM);
    Thread* t = start("t", 4, [&] {
        EXPECT_EQ(tn_mutex_lock(&m, TN_FOREVER), 0);
        EXPECT_EQ(tn_cond_wait(&c, &m, TN_FOREVER), 0);
        EXPECT_EQ(tn_mutex_unlock(&m), 0);
    });
    EXPECT_TRUE(blocked(t));
    EXPECT_EQ(tn_cond_signal(&c), 0);
    EXPECT_TRUE(done(t));
    EXPECT_EQ(tn_cond_broadcast(&c), 0);
}

TEST_F(CApiTest, MessageQueue) {
    uint16_t buffer[2];
    tn_mq_t q;
    EXPECT_EQ(tn_mq_init(&q, nullptr, 2, 2), -TN_EINVAL);
    EXPECT_EQ(tn_mq_init(&q, buffer, 0, 2), -TN_EINVAL);
    EXPECT_EQ(tn_mq_init(&q, buffer, 2, 0), -TN_EINVAL);
    EXPECT_EQ(tn_mq_init(&q, buffer, SIZE_MAX / 2 + 1, 2), -TN_EINVAL);
    ASSERT_EQ(tn_mq_init(&q, buffer, sizeof(uint16_t), 2), 0);
    uint16_t in = 0xbeef, out = 0;
    EXPECT_EQ(tn_mq_send(&q, &in, TN_NO_WAIT), 0);
    EXPECT_EQ(tn_mq_count(&q), 1u);
    EXPECT_EQ(tn_mq_receive(&q, &out, TN_NO_WAIT), 0);
    EXPECT_EQ(out, 0xbeef);
    EXPECT_EQ(tn_mq_receive(&q, &out, TN_NO_WAIT), -TN_EAGAIN);
}

TEST_F(CApiTest, EventFlags) {
    tn_event_t ev;
    ASSERT_EQ(tn_event_init(&ev), 0);
    uint32_t matched = 0;
    EXPECT_EQ(tn_event_wait(&ev, 1, 4, TN_NO_WAIT, &matched), -TN_EINVAL);
    EXPECT_EQ(tn_event_set(&ev, 0x3), 0);
    EXPECT_EQ(tn_event_wait(&ev, 0x7, TN_EVENT_ALL, TN_NO_WAIT, &matched), -TN_EAGAIN);
    EXPECT_EQ(tn_event_wait(&ev, 0x6, TN_EVENT_ANY | TN_EVENT_CLEAR, TN_NO_WAIT, &matched), 0);
    EXPECT_EQ(matched, 0x2u);
    EXPECT_EQ(tn_event_get(&ev), 0x1u);
    EXPECT_EQ(tn_event_clear(&ev, 0x1), 0);
    EXPECT_EQ(tn_event_get(&ev), 0u);
    EXPECT_EQ(tn_event_wait(&ev, 0x1, TN_EVENT_ANY, TN_NO_WAIT, nullptr), -TN_EAGAIN);
}

}  // namespace
