// The timer service: the queues, the clock events, one kernel lock (see
// tn/tntimer.hpp). Every queue change and the expiry loop run under the lock.
// Tickless: one queue per CPU (timer_set.hpp), each driving that CPU's own
// comparator. Tick: one queue, served by CPU 0's periodic event.
#include <tn/clock.hpp>
#include <tn/init.hpp>
#include <tn/irq.hpp>
#include <tn/smp.hpp>
#include <tn/tntimer.hpp>

#include "timer_set.hpp"

namespace tn::tntimer {

Spinlock detail::g_kernel_lock;

namespace {

#ifdef CONFIG_LIBTNTIMER_TICKLESS
constexpr unsigned k_queues = smp::k_max_cpus;
// The CPU whose queue a timer armed here goes to, and whose events are served here.
unsigned queue_here() { return smp::this_cpu(); }
#else
constexpr unsigned k_queues = 1;
unsigned queue_here() { return 0; }  // the tick runs on CPU 0 and serves every timer
#endif

constinit TimerSet<k_queues> g_timers;
Stats g_stats;

#ifdef CONFIG_LIBTNTIMER_TICKLESS
// Points this CPU's one-shot event at its earliest deadline, or stops it.
void program(unsigned cpu) {
    u64 deadline;
    if (!g_timers.next_deadline(cpu, deadline))
        return;
    if (deadline != TimerSet<k_queues>::k_none)
        (void)clock::arm_at(deadline);
    else
        clock::stop();
}
#endif

void on_clock_event(void*) {
    KernelLock held;
    ++g_stats.interrupts;
    const unsigned cpu = queue_here();
#ifdef CONFIG_LIBTNTIMER_TICKLESS
    // lib/clock stopped the one-shot event before calling here: a timer a
    // callback arms on this CPU, or the next earliest, must be programmed.
    g_timers.fired(cpu);
#endif
    u64 now = clock::now_ns();
    while (Timer* t = g_timers.pop_due(cpu, now)) {
        ++g_stats.fired;
        if (t->locked_callback) {
            t->callback(*t, t->ctx);
        } else {
            detail::g_kernel_lock.unlock();
            t->callback(*t, t->ctx);
            detail::g_kernel_lock.lock();
        }
    }
#ifdef CONFIG_LIBTNTIMER_TICKLESS
    program(cpu);
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
    const unsigned cpu = queue_here();
    [[maybe_unused]] bool earliest = g_timers.start(t, cpu, deadline_ns, period_ns);
#ifdef CONFIG_LIBTNTIMER_TICKLESS
    if (earliest)
        program(cpu);
#endif
}

bool cancel_locked(Timer& t) { return g_timers.cancel(t); }

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
    return g_timers.size();
}

Stats stats() {
    KernelLock held;
    return g_stats;
}

}  // namespace tn::tntimer
