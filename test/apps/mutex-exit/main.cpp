// A thread that exits while it owns a mutex is a fatal error (tn/sync.hpp):
// the kernel names the thread and the mutex (with its highest waiter) and
// powers off with status 134. Here "holder" locks g_guarded (and, on the
// second CPU when there is one, the waiter "waiter" blocks on it), then
// returns without unlocking. Nothing after that may run: main reaching its
// end means the kernel let the thread go and left the mutex owned by a
// thread that no longer exists.
#include <tn/console.hpp>
#include <tn/sched.hpp>
#include <tn/smp.hpp>
#include <tn/sync.hpp>

using namespace tn;

namespace {

sync::Mutex g_guarded;
sync::Semaphore g_locked(0, 1);
sync::Semaphore g_may_exit(0, 1);

void holder(void*) {
    if (!g_guarded.lock().ok())
        tn_printf("mutex-exit: FAILED: holder lock\n");
    (void)g_locked.give();
    (void)g_may_exit.take();
    tn_printf("mutex-exit: holder returns holding the mutex\n");
    // Returning ends the thread (sched::exit) with g_guarded still owned.
}

volatile bool g_waiter_started;

void waiter(void*) {
    g_waiter_started = true;
    auto r = g_guarded.lock(2'000'000'000);
    tn_printf("mutex-exit: FAILED: the waiter got %s\n", r.ok() ? "the mutex" : sched::error_name(r.error()));
}

}  // namespace

int main() {
    tn_printf("mutex-exit: mutex at %p\n", static_cast<void*>(&g_guarded));
    auto h = sched::create({"holder", 10, 0, 0}, holder, nullptr);
    if (!h.ok() || !g_locked.take().ok())
        return 2;
    unsigned cpu = smp::online_count() > 1 ? 1 : 0;
    auto w = sched::create({"waiter", 20, 0, cpu}, waiter, nullptr);  // blocks on the mutex
    if (!w.ok())
        return 2;
    while (!g_waiter_started)
        (void)sched::sleep_ns(100'000);
    (void)sched::sleep_ns(2'000'000);  // the waiter is blocked in lock() by now
    (void)g_may_exit.give();
    (void)sched::join(h.value());  // the system powers off while the holder exits
    tn_printf("mutex-exit: FAILED: thread \"holder\" exited holding a mutex and the kernel went on\n");
    return 1;
}
