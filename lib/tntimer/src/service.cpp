// The timer service: one queue, one clock event, one kernel lock (see
// tn/tntimer.hpp). Every queue change and the expiry loop run under the lock.
#include <tn/clock.hpp>
#include <tn/init.hpp>
#include <tn/irq.hpp>
#include <tn/list.hpp>
#include <tn/tntimer.hpp>

namespace tn::tntimer {

Spinlock detail::g_kernel_lock;

namespace {

Queue g_queue;
Stats g_stats;

#ifdef CONFIG_LIBTNTIMER_TICKLESS
u64 g_programmed = ~u64{0};  // deadline the clock event is armed for; ~0: none

// Points the one-shot event at the earliest deadline, or stops it.
void program() {
    Node* first = g_queue.earliest();
    u64 want = first ? first->deadline : ~u64{0};
    if (want == g_programmed)
        return;
    g_programmed = want;
    if (first)
        (void)clock::arm_at(want);
    else
        clock::stop();
}
#endif

void on_clock_event(void*) {
    KernelLock held;
    ++g_stats.interrupts;
    u64 now = clock::now_ns();
    for (Node* n; (n = g_queue.earliest()) != nullptr && n->deadline <= now;) {
        Timer& t = *container_of(n, &Timer::node);
        // A periodic timer is re-armed where it is (one sift down), the
        // same order as popping and re-inserting it.
        if (t.period_ns)
            g_queue.replace_earliest(n->deadline + t.period_ns);
        else
            (void)g_queue.pop_earliest();
        ++g_stats.fired;
        if (t.locked_callback) {
            t.callback(t, t.ctx);
        } else {
            detail::g_kernel_lock.unlock();
            t.callback(t, t.ctx);
            detail::g_kernel_lock.lock();
        }
    }
#ifdef CONFIG_LIBTNTIMER_TICKLESS
    g_programmed = 0;  // the event fired: whatever comes next must be programmed
    program();
#endif
}

int tntimer_init() {
    clock::set_callback(on_clock_event, nullptr);
#ifdef CONFIG_LIBTNTIMER_TICK
    if (!clock::arm_periodic(1'000'000'000ull / CONFIG_LIBTNTIMER_HZ).ok())
        return -1;
#endif
    return 0;
}

}  // namespace

TN_INIT(tntimer_init, TN_INIT_LIB);

void start_locked(Timer& t, u64 deadline_ns, u64 period_ns) {
    if (t.node.linked())
        g_queue.remove(t.node);
    t.period_ns = period_ns;
    g_queue.insert(t.node, deadline_ns);
#ifdef CONFIG_LIBTNTIMER_TICKLESS
    if (g_queue.earliest() == &t.node)
        program();
#endif
}

bool cancel_locked(Timer& t) {
    if (!t.node.linked())
        return false;
    g_queue.remove(t.node);
    return true;
}

void start(Timer& t, u64 deadline_ns, u64 period_ns) {
    KernelLock held;
    start_locked(t, deadline_ns, period_ns);
}

bool cancel(Timer& t) {
    KernelLock held;
    return cancel_locked(t);
}

usize armed_count() {
    KernelLock held;
    return g_queue.size();
}

Stats stats() {
    KernelLock held;
    return g_stats;
}

}  // namespace tn::tntimer
