// The fake scheduler (see fake_sched.hpp). It also checks lib/sync's side of
// the contract: the lock is never taken twice, wait() is never called from
// an ISR or by the controller, effective priorities never drop below base.
#include "fake_sched.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include <tn/sync.hpp>

#include "sched_hooks.hpp"

namespace tn::sched {

struct WaitQueueAccess {
    static IntrusiveList& list(WaitQueue& q) { return q.m_list; }
    static const IntrusiveList& list(const WaitQueue& q) { return q.m_list; }
};

}  // namespace tn::sched

namespace {

using namespace tn;
using sched::Thread;
using State = Thread::State;

/// Thrown into a thread still blocked at reset(), to unwind it.
struct Killed {};

struct Slot {
    Thread thread;
    std::thread host;
    bool killed = false;
};

std::mutex g_baton_mutex;
std::condition_variable g_baton_cv;
Thread* g_baton = nullptr;  // the fake thread allowed to run; nullptr: the controller

std::deque<std::unique_ptr<Slot>> g_slots;
Thread g_main;
thread_local Thread* t_self = &g_main;
int g_lock_depth = 0;
bool g_in_isr = false;
bool g_timeout_hook = true;
unsigned g_priority_changes = 0;

Slot* slot_of(Thread* t) {
    for (auto& s : g_slots)
        if (&s->thread == t)
            return s.get();
    return nullptr;
}

/// Passes the baton to @p next and waits until it comes back to @p self.
void hand_over(Thread* self, Thread* next) {
    std::unique_lock<std::mutex> lk(g_baton_mutex);
    g_baton = next;
    g_baton_cv.notify_all();
    g_baton_cv.wait(lk, [&] { return g_baton == self; });
}

/// A fake thread gives the baton back and waits to be resumed.
void yield_to_controller() {
    Thread* self = t_self;
    hand_over(self, nullptr);
    if (slot_of(self)->killed)
        throw Killed{};
}

/// The controller runs @p t until it gives the baton back.
void run(Thread* t) {
    t->state = State::Running;
    hand_over(nullptr, t);
}

void wq_insert(sched::WaitQueue& wq, Thread* t) {
    IntrusiveList& l = sched::WaitQueueAccess::list(wq);
    ListNode* pos = l.front();
    while (pos && container_of(pos, &Thread::link)->eff >= t->eff)
        pos = pos->next;
    l.insert_before(pos, t->link);
    t->waiting_on = &wq;
}

void wq_remove(Thread* t) {
    sched::WaitQueueAccess::list(*t->waiting_on).remove(t->link);
    t->waiting_on = nullptr;
}

void make_ready(Thread* t, sched::WaitResult r, uptr value) {
    wq_remove(t);
    t->result = r;
    t->wake_value = value;
    t->state = State::Ready;
}

}  // namespace

// ---- The contract -------------------------------------------------------

// KernelLock is inline: masking IRQs is what it does on the host too, so
// counting here tracks the lock (lib/sync masks IRQs nowhere else).
namespace tn::irq {

u64 local_save_disable() {
    EXPECT_EQ(g_lock_depth, 0) << "the scheduler lock is not recursive";
    ++g_lock_depth;
    return 0;
}
void local_restore(u64) { --g_lock_depth; }

}  // namespace tn::irq

namespace tn::tntimer {
Spinlock detail::g_kernel_lock;
}  // namespace tn::tntimer

namespace tn::sched {

Locked::~Locked() {}

Thread* WaitQueue::first() const {
    ListNode* n = WaitQueueAccess::list(*this).front();
    return n ? container_of(n, &Thread::link) : nullptr;
}

WaitResult wait(Locked&, WaitQueue& wq, u64 timeout_ns) {
    EXPECT_EQ(g_lock_depth, 1);
    if (timeout_ns == k_no_wait)
        return WaitResult::Timeout;
    Thread* self = t_self;
    if (self == &g_main || g_in_isr) {
        ADD_FAILURE() << "wait() by the controller or in an ISR would block it";
        return WaitResult::Timeout;
    }
    wq_insert(wq, self);
    self->timeout_ns = timeout_ns;
    self->state = State::Blocked;
    g_lock_depth = 0;  // released while blocked
    yield_to_controller();
    g_lock_depth = 1;
    return self->result;
}

Thread* wake_one(Locked&, WaitQueue& wq, uptr value) {
    EXPECT_EQ(g_lock_depth, 1);
    Thread* t = wq.first();
    if (t)
        make_ready(t, WaitResult::Woken, value);
    return t;
}

usize wake_all(Locked& l, WaitQueue& wq, uptr value) {
    usize n = 0;
    while (wake_one(l, wq, value))
        ++n;
    return n;
}

uptr wake_value(Locked&) { return t_self->wake_value; }

void set_effective_priority(Locked&, Thread* t, u8 priority) {
    EXPECT_EQ(g_lock_depth, 1);
    EXPECT_GE(priority, t->base) << t->name << " set below its base priority";
    ++g_priority_changes;
    if (t->waiting_on) {
        WaitQueue& wq = *t->waiting_on;
        wq_remove(t);
        t->eff = priority;
        wq_insert(wq, t);
    } else {
        t->eff = priority;
    }
}

void set_blocked_on(Locked&, Thread* t, void* object) { t->blocked_on = object; }
void* blocked_on(Locked&, const Thread* t) { return t->blocked_on; }
IntrusiveList& held_mutexes(Locked&, Thread* t) { return t->held; }

const char* error_name(Error e) {
    static const char* const names[] = {"BadPriority", "BadCpu",     "BadStackSize", "NoMemory",
                                        "Timeout",     "WouldBlock", "NotJoinable",  "InIsr",
                                        "Deadlock",    "NotOwner",   "Overflow"};
    auto i = static_cast<usize>(e);
    return i < sizeof names / sizeof names[0] ? names[i] : "?";
}

Thread* current() { return t_self; }
bool in_isr() { return g_in_isr && t_self == &g_main; }
u8 priority(const Thread* t) { return t->base; }
u8 effective_priority(const Thread* t) { return t->eff; }
const char* name(const Thread* t) { return t->name.c_str(); }

}  // namespace tn::sched

// ---- The harness --------------------------------------------------------

namespace fake {

void reset() {
    for (auto& s : g_slots) {
        Thread& t = s->thread;
        if (t.state == State::Blocked || t.state == State::Paused || t.state == State::Ready) {
            ADD_FAILURE() << "thread " << t.name << " did not finish";
            s->killed = true;
            run(&t);
        }
        if (s->host.joinable())
            s->host.join();
    }
    g_slots.clear();
    g_main = Thread{};
    g_main.name = "main";
    g_main.base = g_main.eff = 0;
    g_lock_depth = 0;
    g_in_isr = false;
    g_timeout_hook = true;
    g_priority_changes = 0;
}

Thread* main_thread() { return &g_main; }

Thread* make(const char* name, u8 priority) {
    g_slots.push_back(std::make_unique<Slot>());
    Thread& t = g_slots.back()->thread;
    t.name = name;
    t.base = t.eff = priority;
    return &t;
}

void start(Thread* t, std::function<void()> body) {
    Slot* s = slot_of(t);
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(t->state, State::New);
    s->host = std::thread([t, body = std::move(body)] {
        t_self = t;
        {
            std::unique_lock<std::mutex> lk(g_baton_mutex);
            g_baton_cv.wait(lk, [&] { return g_baton == t; });
        }
        try {
            body();
        } catch (const Killed&) {
            // Unwound at reset().
        }
        t->state = State::Done;
        std::lock_guard<std::mutex> lk(g_baton_mutex);
        g_baton = nullptr;
        g_baton_cv.notify_all();
    });
    run(t);
}

void hand_back() {
    Thread* self = t_self;
    self->state = State::Paused;
    yield_to_controller();
}

void step(Thread* t) {
    ASSERT_TRUE(t->state == State::Paused || t->state == State::Ready)
        << t->name << " cannot run: it is blocked or finished";
    run(t);
}

void expire(Thread* t) {
    ASSERT_EQ(t->state, State::Blocked) << t->name << " is not waiting";
    ASSERT_NE(t->timeout_ns, tn::sched::k_forever) << t->name << " waits without a timeout";
    tn::sched::Locked l;
    make_ready(t, tn::sched::WaitResult::Timeout, 0);
    if (g_timeout_hook && t->blocked_on != nullptr)
        tn::sync::wait_timed_out(l, t);
}

void set_timeout_hook(bool on) { g_timeout_hook = on; }
void set_in_isr(bool on) { g_in_isr = on; }
bool blocked(const Thread* t) { return t->state == State::Blocked; }
bool done(const Thread* t) { return t->state == State::Done; }
unsigned priority_changes() { return g_priority_changes; }

}  // namespace fake
