// Every blocking call times out correctly, on the target with the real
// scheduler and timers: Semaphore::take, Mutex::lock, CondVar::wait,
// MessageQueue send (full) and receive (empty), EventFlags::wait,
// sched::join and sched::sleep_ns/sleep_until. For each one and each of a
// sub-tick and a multi-tick timeout:
//   * a finite timeout returns Timeout, no earlier than requested and at
//     most TIMEOUT_TEST_SLACK_US later;
//   * k_no_wait returns WouldBlock within TIMEOUT_TEST_NO_WAIT_TICKS;
//   * the object still works afterwards, and the timed-out caller left no
//     stale waiter behind: a unit, message, flag, signal or mutex handed
//     out next goes to a real taker, not to the thread that gave up.
// The suite runs in a thread on CPU 0 and, with two CPUs online, again on
// CPU 1 (its helper threads on the same CPU).
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/sched.hpp>
#include <tn/smp.hpp>
#include <tn/sync.hpp>

using namespace tn;
using sched::Error;

namespace {

int g_failures;
unsigned g_cpu;  // where the current suite runs
u64 g_worst_late_ns;
u64 g_worst_no_wait_ticks;

void check(bool ok, const char* what, const char* call = "") {
    if (!ok) {
        tn_printf("timeouts: FAILED on CPU %u: %s%s%s\n", g_cpu, call, *call ? ": " : "", what);
        ++g_failures;
    }
}

template <class R>
bool is_error(const R& r, Error e) {
    return !r.ok() && r.error() == e;
}

sched::Thread* spawn(const char* name, u8 prio, sched::Entry fn, void* arg) {
    auto r = sched::create({name, prio, 0, g_cpu}, fn, arg);
    check(r.ok(), "create a helper thread", name);
    return r.ok() ? r.value() : nullptr;
}

// Runs @p call (which must time out after @p timeout_ns) and checks the
// status and the time it took.
template <class F>
void timed_out(const char* name, u64 timeout_ns, F call) {
    u64 start = clock::now_ns();
    auto r = call(timeout_ns);
    u64 took = clock::now_ns() - start;
    check(is_error(r, Error::Timeout), "returns Timeout", name);
    check(took >= timeout_ns, "not earlier than requested", name);
    u64 late = took >= timeout_ns ? took - timeout_ns : 0;
    if (late > g_worst_late_ns)
        g_worst_late_ns = late;
    if (late > u64{CONFIG_TIMEOUT_TEST_SLACK_US} * 1000) {
        tn_printf("timeouts: %s(%lu ns) took %lu ns\n", name, timeout_ns, took);
        check(false, "within the slack of the timeout", name);
    }
}

// Runs @p call with k_no_wait: WouldBlock, at once.
template <class F>
void would_block(const char* name, F call) {
    u64 start = clock::now_ticks();
    auto r = call(sched::k_no_wait);
    u64 took = clock::now_ticks() - start;
    check(is_error(r, Error::WouldBlock), "k_no_wait returns WouldBlock", name);
    if (took > g_worst_no_wait_ticks)
        g_worst_no_wait_ticks = took;
    check(took <= CONFIG_TIMEOUT_TEST_NO_WAIT_TICKS, "k_no_wait returns at once", name);
}

// ---- Semaphore::take
sync::Semaphore g_sem(0, 1);
void sem_taker(void*) { check(g_sem.take().ok(), "a later taker gets the unit", "Semaphore::take"); }

void test_semaphore(u64 t) {
    timed_out("Semaphore::take", t, [](u64 ns) { return g_sem.take(ns); });
    would_block("Semaphore::take", [](u64 ns) { return g_sem.take(ns); });
    check(g_sem.give().ok(), "give after the timeout", "Semaphore");
    check(g_sem.count() == 1, "the unit stays (nobody stale took it)", "Semaphore");
    check(g_sem.take(sched::k_no_wait).ok(), "take after the timeout", "Semaphore");
    auto* w = spawn("sem-taker", 20, sem_taker, nullptr);  // blocks at once
    check(g_sem.give().ok() && g_sem.count() == 0, "the unit goes to the blocked taker", "Semaphore");
    check(w && sched::join(w).ok(), "the taker finished", "Semaphore");
}

// ---- Mutex::lock (held by a lower thread that waits for a go)
sync::Mutex g_mutex;
sync::Semaphore g_mutex_held(0, 1), g_mutex_release(0, 1);
void mutex_holder(void*) {
    check(g_mutex.lock().ok(), "holder locks", "Mutex");
    check(g_mutex_held.give().ok(), "holder reports", "Mutex");
    check(g_mutex_release.take().ok(), "holder waits", "Mutex");
    check(g_mutex.unlock().ok(), "holder unlocks", "Mutex");
}

void test_mutex(u64 t) {
    constexpr u8 k_holder = 8;
    auto* h = spawn("holder", k_holder, mutex_holder, nullptr);
    check(g_mutex_held.take().ok(), "the holder holds the mutex", "Mutex");
    timed_out("Mutex::lock", t, [](u64 ns) { return g_mutex.lock(ns); });
    would_block("Mutex::lock", [](u64 ns) { return g_mutex.lock(ns); });
    check(h && sched::effective_priority(h) == k_holder, "the owner lost what it inherited", "Mutex::lock");
    check(g_mutex_release.give().ok(), "release", "Mutex");
    check(h && sched::join(h).ok(), "holder finished", "Mutex");
    check(g_mutex.owner() == nullptr, "unlocked, not handed to the caller that gave up", "Mutex");
    check(g_mutex.lock(sched::k_no_wait).ok() && g_mutex.unlock().ok(), "lock after the timeout", "Mutex");
}

// ---- CondVar::wait
sync::Mutex g_cv_mutex;
sync::CondVar g_cv;
bool g_cv_flag;
void cv_waiter(void*) {
    check(g_cv_mutex.lock().ok(), "waiter locks", "CondVar");
    while (!g_cv_flag)
        check(g_cv.wait(g_cv_mutex).ok(), "waiter woken", "CondVar");
    check(g_cv_mutex.unlock().ok(), "waiter unlocks", "CondVar");
}

void test_condvar(u64 t) {
    check(g_cv_mutex.lock().ok(), "lock", "CondVar");
    timed_out("CondVar::wait", t, [](u64 ns) { return g_cv.wait(g_cv_mutex, ns); });
    check(g_cv_mutex.owner() == sched::current(), "the mutex is held again after Timeout", "CondVar::wait");
    would_block("CondVar::wait", [](u64 ns) { return g_cv.wait(g_cv_mutex, ns); });
    check(g_cv_mutex.owner() == sched::current(), "still held after WouldBlock", "CondVar::wait");
    check(g_cv_mutex.unlock().ok(), "unlock", "CondVar");
    g_cv_flag = false;
    auto* w = spawn("cv-waiter", 20, cv_waiter, nullptr);  // waits at once
    check(g_cv_mutex.lock().ok(), "lock", "CondVar");
    g_cv_flag = true;
    g_cv.signal();  // must reach the waiter, not a stale entry
    check(g_cv_mutex.unlock().ok(), "unlock", "CondVar");
    check(w && sched::join(w, 100'000'000).ok(), "the signal woke the real waiter", "CondVar");
}

// ---- MessageQueue send (full) and receive (empty)
u32 g_q_buf[2];
sync::MessageQueue g_q(sizeof(u32), 2, g_q_buf);

void test_queue(u64 t) {
    for (u32 v : {1u, 2u})
        check(g_q.send(&v, sched::k_no_wait).ok(), "fill", "MessageQueue");
    u32 extra = 99;
    timed_out("MessageQueue::send", t, [&](u64 ns) { return g_q.send(&extra, ns); });
    would_block("MessageQueue::send", [&](u64 ns) { return g_q.send(&extra, ns); });
    check(g_q.count() == 2, "a timed-out send stored nothing", "MessageQueue::send");
    for (u32 want : {1u, 2u}) {
        u32 v = 0;
        check(g_q.receive(&v, sched::k_no_wait).ok() && v == want, "messages intact, in order", "MessageQueue");
    }
    u32 got = 0;
    timed_out("MessageQueue::receive", t, [&](u64 ns) { return g_q.receive(&got, ns); });
    would_block("MessageQueue::receive", [&](u64 ns) { return g_q.receive(&got, ns); });
    u32 v = 7;
    check(g_q.send(&v, sched::k_no_wait).ok(), "send after the timeout", "MessageQueue");
    check(g_q.count() == 1, "no stale receiver took the message", "MessageQueue");
    check(g_q.receive(&got, sched::k_no_wait).ok() && got == 7, "receive after the timeout", "MessageQueue");
}

// ---- EventFlags::wait
sync::EventFlags g_ev;

void test_event_flags(u64 t) {
    timed_out("EventFlags::wait", t, [](u64 ns) { return g_ev.wait(0x5, sync::WaitMode::All, true, ns); });
    would_block("EventFlags::wait", [](u64 ns) { return g_ev.wait(0x5, sync::WaitMode::All, true, ns); });
    g_ev.set(0x5);
    check(g_ev.flags() == 0x5, "no stale clear-on-exit waiter consumed the bits", "EventFlags");
    auto r = g_ev.wait(0x5, sync::WaitMode::All, true, sched::k_no_wait);
    check(r.ok() && r.value() == 0x5 && g_ev.flags() == 0, "wait after the timeout", "EventFlags");
}

// ---- sched::join (a thread that waits for a go)
sync::Semaphore g_join_go(0, 1);
void joinee(void*) {
    check(g_join_go.take().ok(), "joinee waits", "join");
    sched::exit(1234);
}

void test_join(u64 t) {
    auto* j = spawn("joinee", 8, joinee, nullptr);
    if (!j)
        return;
    timed_out("sched::join", t, [&](u64 ns) { return sched::join(j, ns); });
    would_block("sched::join", [&](u64 ns) { return sched::join(j, ns); });
    check(g_join_go.give().ok(), "go", "join");
    auto r = sched::join(j, 100'000'000);
    check(r.ok() && r.value() == 1234, "join after the timeout returns the exit value", "sched::join");
}

// ---- sleeps: ok, never early, within the slack; zero and past deadlines at once
void test_sleep(u64 t) {
    u64 start = clock::now_ns();
    check(sched::sleep_ns(t).ok(), "sleep_ns", "sleep");
    u64 took = clock::now_ns() - start;
    check(took >= t, "sleep_ns not shorter than asked", "sleep");
    check(took - t <= u64{CONFIG_TIMEOUT_TEST_SLACK_US} * 1000, "sleep_ns within the slack", "sleep");
    if (took >= t && took - t > g_worst_late_ns)
        g_worst_late_ns = took - t;
    start = clock::now_ns();
    check(sched::sleep_until(start + t).ok(), "sleep_until", "sleep");
    took = clock::now_ns() - start;
    check(took >= t && took - t <= u64{CONFIG_TIMEOUT_TEST_SLACK_US} * 1000, "sleep_until on time", "sleep");
    u64 ticks = clock::now_ticks();
    check(sched::sleep_ns(0).ok() && sched::sleep_until(start).ok(), "zero and past sleeps", "sleep");
    ticks = clock::now_ticks() - ticks;
    check(ticks <= 2 * CONFIG_TIMEOUT_TEST_NO_WAIT_TICKS, "zero and past sleeps return at once", "sleep");
}

void suite(void*) {
    // A sub-tick timeout (250 us) and one of several ticks (3.5 ms).
    for (u64 t : {250'000ull, 3'500'000ull}) {
        test_semaphore(t);
        test_mutex(t);
        test_condvar(t);
        test_queue(t);
        test_event_flags(t);
        test_join(t);
        test_sleep(t);
    }
}

}  // namespace

int main() {
    unsigned cpus = smp::online_count() < 2 ? 1 : 2;
    for (g_cpu = 0; g_cpu < cpus; ++g_cpu) {
        auto t = sched::create({"suite", 16, 0, g_cpu}, suite, nullptr);
        check(t.ok() && sched::join(t.value()).ok(), "the suite ran");
        tn_printf("timeouts: CPU %u done: latest timeout %lu ns late, slowest k_no_wait %lu ticks\n", g_cpu,
                  g_worst_late_ns, g_worst_no_wait_ticks);
    }
    if (g_failures)
        return 1;
    tn_printf("timeouts: all checks passed on %u CPUs\n", cpus);
    return 0;
}
