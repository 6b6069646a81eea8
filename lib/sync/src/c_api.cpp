// The C interface (tn/sync.h): each C struct is storage for the C++ object,
// constructed in place by its tn_*_init().
#include <tn/sync.h>
#include <tn/sync.hpp>

#include <new>

namespace tn::sync {
namespace {

template <class C, class Obj>
constexpr bool fits() {
    return sizeof(C) == sizeof(Obj) && alignof(C) >= alignof(Obj);
}
static_assert(sizeof(void*) != 8 || fits<tn_sem_t, Semaphore>(), "tn_sem_t size");
static_assert(sizeof(void*) != 8 || fits<tn_mutex_t, Mutex>(), "tn_mutex_t size");
static_assert(sizeof(void*) != 8 || fits<tn_cond_t, CondVar>(), "tn_cond_t size");
static_assert(sizeof(void*) != 8 || fits<tn_mq_t, MessageQueue>(), "tn_mq_t size");
static_assert(sizeof(void*) != 8 || fits<tn_event_t, EventFlags>(), "tn_event_t size");
static_assert(sizeof(void*) != 8 || fits<tn_pool_t, BlockPool>(), "tn_pool_t size");

int to_errno(Error e) {
    switch (e) {
    case Error::Timeout: return -TN_ETIMEDOUT;
    case Error::WouldBlock: return -TN_EAGAIN;
    case Error::InIsr: return -TN_EINISR;
    case Error::Deadlock: return -TN_EDEADLK;
    case Error::NotOwner: return -TN_EPERM;
    case Error::Overflow: return -TN_EOVERFLOW;
    case Error::BadState: return -TN_EBADSTATE;
    default: return -TN_EINVAL;  // Not returned by lib/sync.
    }
}

int to_int(const Result<void, Error>& r) { return r.ok() ? 0 : to_errno(r.error()); }

template <class Obj, class C>
Obj& obj(C* c) {
    return *std::launder(reinterpret_cast<Obj*>(c));
}

}  // namespace
}  // namespace tn::sync

using namespace tn;
using namespace tn::sync;

extern "C" {

int tn_sem_init(tn_sem_t* sem, uint32_t initial, uint32_t max) {
    if (max == 0 || initial > max)
        return -TN_EINVAL;
    new (sem) Semaphore(initial, max);
    return 0;
}
int tn_sem_give(tn_sem_t* sem) { return to_int(obj<Semaphore>(sem).give()); }
int tn_sem_take(tn_sem_t* sem, uint64_t timeout_ns) { return to_int(obj<Semaphore>(sem).take(timeout_ns)); }
uint32_t tn_sem_count(tn_sem_t* sem) { return obj<Semaphore>(sem).count(); }

int tn_mutex_init(tn_mutex_t* mutex) {
    new (mutex) Mutex();
    return 0;
}
int tn_mutex_lock(tn_mutex_t* mutex, uint64_t timeout_ns) { return to_int(obj<Mutex>(mutex).lock(timeout_ns)); }
int tn_mutex_trylock(tn_mutex_t* mutex) { return to_int(obj<Mutex>(mutex).try_lock()); }
int tn_mutex_unlock(tn_mutex_t* mutex) { return to_int(obj<Mutex>(mutex).unlock()); }

int tn_cond_init(tn_cond_t* cond) {
    new (cond) CondVar();
    return 0;
}
int tn_cond_wait(tn_cond_t* cond, tn_mutex_t* mutex, uint64_t timeout_ns) {
    return to_int(obj<CondVar>(cond).wait(obj<Mutex>(mutex), timeout_ns));
}
int tn_cond_signal(tn_cond_t* cond) {
    obj<CondVar>(cond).signal();
    return 0;
}
int tn_cond_broadcast(tn_cond_t* cond) {
    obj<CondVar>(cond).broadcast();
    return 0;
}

int tn_mq_init(tn_mq_t* mq, void* buffer, size_t msg_size, uint32_t capacity) {
    if (buffer == nullptr || msg_size == 0 || capacity == 0 || msg_size > SIZE_MAX / capacity)
        return -TN_EINVAL;
    new (mq) MessageQueue(msg_size, capacity, buffer);
    return 0;
}
int tn_mq_send(tn_mq_t* mq, const void* msg, uint64_t timeout_ns) {
    return to_int(obj<MessageQueue>(mq).send(msg, timeout_ns));
}
int tn_mq_receive(tn_mq_t* mq, void* msg, uint64_t timeout_ns) {
    return to_int(obj<MessageQueue>(mq).receive(msg, timeout_ns));
}
uint32_t tn_mq_count(tn_mq_t* mq) { return obj<MessageQueue>(mq).count(); }

int tn_pool_init(tn_pool_t* pool, void* storage, size_t block_size, uint32_t count) {
    if (storage == nullptr || reinterpret_cast<uptr>(storage) % 8 != 0 || block_size < BlockPool::k_min_block_size ||
        block_size % 8 != 0 || count == 0 || block_size > SIZE_MAX / count)
        return -TN_EINVAL;
    new (pool) BlockPool(storage, block_size, count);
    return 0;
}
int tn_pool_alloc(tn_pool_t* pool, void** block, uint64_t timeout_ns) {
    auto r = obj<BlockPool>(pool).allocate(timeout_ns);
    if (!r)
        return to_errno(r.error());
    *block = r.value();
    return 0;
}
int tn_pool_free(tn_pool_t* pool, void* block) {
    auto r = obj<BlockPool>(pool).free(block);
    if (!r)
        return r.error() == Error::NotOwner ? -TN_EINVAL : to_errno(r.error());
    return 0;
}
uint32_t tn_pool_available(tn_pool_t* pool) { return obj<BlockPool>(pool).available(); }

int tn_event_init(tn_event_t* ev) {
    new (ev) EventFlags();
    return 0;
}
int tn_event_set(tn_event_t* ev, uint32_t bits) {
    obj<EventFlags>(ev).set(bits);
    return 0;
}
int tn_event_clear(tn_event_t* ev, uint32_t bits) {
    obj<EventFlags>(ev).clear(bits);
    return 0;
}
uint32_t tn_event_get(tn_event_t* ev) { return obj<EventFlags>(ev).flags(); }
int tn_event_wait(tn_event_t* ev, uint32_t bits, unsigned options, uint64_t timeout_ns, uint32_t* matched) {
    if ((options & ~(TN_EVENT_ALL | TN_EVENT_CLEAR)) != 0)
        return -TN_EINVAL;
    WaitMode mode = (options & TN_EVENT_ALL) ? WaitMode::All : WaitMode::Any;
    auto r = obj<EventFlags>(ev).wait(bits, mode, (options & TN_EVENT_CLEAR) != 0, timeout_ns);
    if (!r)
        return to_errno(r.error());
    if (matched != nullptr)
        *matched = r.value();
    return 0;
}

}  // extern "C"
