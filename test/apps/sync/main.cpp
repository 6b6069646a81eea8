#include <tn/console.hpp>
#include <tn/sched.hpp>
#include <tn/sync.hpp>
#include <tn/sync.h>
#include <tn/tntimer.hpp>
#include <tn/clock.hpp>

using namespace tn;
using namespace tn::sync;

namespace {
int g_fail;
void check(bool ok, const char* what) { if (!ok) { tn_printf("sync: FAILED: %s\n", what); ++g_fail; } }

Mutex g_m;
Semaphore g_go(0, 1);
Semaphore g_locked(0, 1);
char g_trace[16]; int g_tn;
sched::Thread* g_low;

void low(void*) {
    check(g_m.lock().ok(), "low lock");
    g_trace[g_tn++] = 'l';
    check(g_locked.give().ok(), "give locked");
    check(g_go.take().ok(), "low take");
    g_trace[g_tn++] = 'u';
    check(g_m.unlock().ok(), "low unlock");
    g_trace[g_tn++] = 'L';
    check(sched::effective_priority(sched::current()) == 5, "low back at 5");
}
void high(void*) {
    check(g_m.lock().ok(), "high lock");
    g_trace[g_tn++] = 'H';
    check(g_m.unlock().ok(), "high unlock");
}
void high_timeout(void*) {
    auto r = g_m.lock(2'000'000);
    if (r.ok()) tn_printf("sync: hto got ok, owner %p low %p\n", (void*)g_m.owner(), (void*)g_low);
    else tn_printf("sync: hto error %s\n", sched::error_name(r.error()));
    check(!r.ok() && r.error() == Error::Timeout, "high lock times out");
    g_trace[g_tn++] = 'T';
}

EventFlags g_ev;
void timer_cb(tntimer::Timer&, void*) { g_ev.set(0x4); }

u32 g_buf[4];
MessageQueue g_q(sizeof(u32), 4, g_buf);
void producer(void*) { for (u32 i = 0; i < 10; ++i) check(g_q.send(&i).ok(), "send"); }
}

int main() {
    g_low = sched::create({"low", 5, 0, 0}, low, nullptr).value();
    check(g_locked.take().ok(), "low locked");
    check(g_m.owner() == g_low, "low owns");
    auto* h = sched::create({"high", 20, 0, 0}, high, nullptr).value();
    check(sched::effective_priority(g_low) == 20, "low inherits 20");
    auto* ht = sched::create({"hto", 18, 0, 0}, high_timeout, nullptr).value();
    (void)sched::sleep_ns(5'000'000);
    tn_printf("sync: low eff %u base %u, trace so far %d\n", sched::effective_priority(g_low), sched::priority(g_low), g_tn);
    check(sched::effective_priority(g_low) == 20, "still 20 after the timeout");
    check(g_go.give().ok(), "give");
    check(sched::join(h).ok() && sched::join(g_low).ok() && sched::join(ht).ok(), "join");
    g_trace[g_tn] = 0;
    tn_printf("sync: trace %s\n", g_trace);
    check(__builtin_strcmp(g_trace, "lTuHL") == 0, "trace");

    auto r = g_go.take(1'000'000);
    check(!r.ok() && r.error() == Error::Timeout, "sem timeout");
    static tntimer::Timer t;
    t.callback = timer_cb;
    tntimer::start(t, clock::now_ns() + 1'000'000);
    auto e = g_ev.wait(0x6, WaitMode::Any, true, 100'000'000);
    check(e.ok() && e.value() == 0x4, "event from timer ISR");

    auto* p = sched::create({"prod", 10, 0, 0}, producer, nullptr).value();
    for (u32 i = 0; i < 10; ++i) { u32 v = 99; check(g_q.receive(&v).ok() && v == i, "receive order"); }
    check(sched::join(p).ok(), "join prod");
    tn_mutex_t cm; tn_mutex_init(&cm);
    check(tn_mutex_unlock(&cm) == -TN_EPERM, "c eperm");
    tn_printf(g_fail ? "sync: %d failures\n" : "sync: all checks passed\n", g_fail);
    return g_fail;
}
