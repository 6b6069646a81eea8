// See sync_test.hpp. Thread state comes from lib/sched's private thread.hpp:
// these helpers are part of the test environment, like sched_env.cpp.
#include "sync_test.hpp"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>

#include "sched_env.hpp"
#include "thread.hpp"

namespace sched = tn::sched;
using sync_test::Thread;
using tn::u64;
using tn::u8;

namespace {

constexpr u8 k_main = CONFIG_LIBSCHED_MAIN_PRIORITY;

struct Started {
    std::string name;  // ThreadAttr::name must outlive the thread
    std::function<void()> body;
    Thread* thread = nullptr;
};

std::deque<std::unique_ptr<Started>> g_started;
unsigned g_priority_changes = 0;
bool g_timeout_hook = true;

void run_body(void* arg) { static_cast<Started*>(arg)->body(); }

void run_isr(void* arg) { (*static_cast<const std::function<void()>*>(arg))(); }

}  // namespace

// ---- Link-time seams (tests/unit.mk: -Wl,--wrap): lib/sync's calls into the
// scheduler, and the scheduler's call of lib/sync's timeout hook, go through
// these first. The symbols are the mangled names of
//   void tn::sched::set_effective_priority(Locked&, Thread*, u8)
//   void tn::sync::wait_timed_out(sched::Locked&, sched::Thread*)
#define SEP _ZN2tn5sched22set_effective_priorityERNS0_6LockedEPNS0_6ThreadEh
#define WTO _ZN2tn4sync14wait_timed_outERNS_5sched6LockedEPNS1_6ThreadE
#define WRAP2(p, s) p##s
#define WRAP(p, s) WRAP2(p, s)

extern "C" {
void WRAP(__real_, SEP)(sched::Locked&, Thread*, u8);
void WRAP(__real_, WTO)(sched::Locked&, Thread*);

void WRAP(__wrap_, SEP)(sched::Locked& l, Thread* t, u8 priority) {
    ++g_priority_changes;
    WRAP(__real_, SEP)(l, t, priority);
}

void WRAP(__wrap_, WTO)(sched::Locked& l, Thread* t) {
    if (g_timeout_hook)
        WRAP(__real_, WTO)(l, t);
}
}

namespace sync_test {

Thread* start(const char* name, u8 priority, std::function<void()> body) {
    EXPECT_GT(priority, k_controller) << name << " would not run at once";
    g_started.push_back(std::make_unique<Started>());
    Started* s = g_started.back().get();
    s->name = name;
    s->body = std::move(body);
    auto r = sched::create({s->name.c_str(), priority, 0, 0}, run_body, s);
    EXPECT_TRUE(r.ok()) << sched::error_name(r.error());
    s->thread = r.ok() ? r.value() : nullptr;
    return s->thread;
}

void hand_back() { EXPECT_TRUE(sched::suspend(sched::current()).ok()); }

void step(Thread* t) {
    ASSERT_TRUE(paused(t)) << name(t) << " is not paused";
    EXPECT_TRUE(sched::resume(t).ok());
}

Thread* self() { return sched::current(); }

void advance(u64 ns) { sched_env::advance(ns); }

void in_isr(const std::function<void()>& fn) { sched_env::interrupt(run_isr, const_cast<std::function<void()>*>(&fn)); }

bool blocked(const Thread* t) { return t->state == sched::State::Blocked; }
bool ready(const Thread* t) { return t->state == sched::State::Ready; }
bool paused(const Thread* t) { return t->state == sched::State::Suspended; }
bool done(const Thread* t) { return t->state == sched::State::Exited; }
u8 eff(const Thread* t) { return sched::effective_priority(t); }
u8 base(const Thread* t) { return sched::priority(t); }

void* blocked_on(Thread* t) {
    sched::Locked l;
    return sched::blocked_on(l, t);
}

bool holds_none(Thread* t) {
    sched::Locked l;
    return sched::held_mutexes(l, t).empty();
}

unsigned priority_changes() { return g_priority_changes; }
void set_timeout_hook(bool on) { g_timeout_hook = on; }

void SyncTest::SetUp() {
    sched_env::boot();
    m_stacks = sched_env::live_stacks();
    g_timeout_hook = true;
    ASSERT_TRUE(sched::set_priority(sched::current(), k_controller).ok());
    g_priority_changes = 0;  // after lib/sync's hook lowered the body
}

// A thread still blocked or paused now would wait in objects of the test
// body's frame, which is gone: nothing can safely wake or unwind it, so the
// binary stops here (run the test alone to see its failures).
void SyncTest::TearDown() {
    for (auto& s : g_started) {
        if (s->thread != nullptr && !done(s->thread)) {
            std::fprintf(stderr, "sync_test: thread \"%s\" did not finish; cannot go on\n", s->name.c_str());
            std::abort();
        }
    }
    for (auto& s : g_started) {
        if (s->thread != nullptr) {
            EXPECT_TRUE(sched::join(s->thread).ok());
        }
    }
    g_started.clear();
    EXPECT_TRUE(sched::set_priority(sched::current(), k_main).ok());
    EXPECT_TRUE(holds_none(sched::current()));
    EXPECT_EQ(sched_env::live_stacks(), m_stacks);
}

}  // namespace sync_test
