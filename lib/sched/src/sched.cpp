// The scheduler: per-CPU run queues, switching, blocking and waking.
//
// Locking: every scheduling decision and every change of a thread's state
// happens under the kernel lock (tn/tntimer.hpp) with IRQs masked, and a
// switch happens with it held: the thread switched to releases it (on its
// way out of its own Locked scope, or in thread_main() when new).
// One lock for all CPUs keeps cross-CPU wake-ups and priority inheritance
// simple; per-CPU run queues keep the common path free of cross-CPU traffic
// other than the lock's line.
//
// Run queues: a CPU's running thread stays in its run queue, as the first of
// its priority (runqueue.hpp), so a preempted thread needs no requeueing and
// a yield among equals is one rotation; it leaves the queue when it blocks,
// suspends itself or exits. The idle thread is never queued.
//
// Preemption points: when a Locked scope ends (so any call that made a more
// urgent thread ready switches to it before returning), on the way out of an
// interrupt (tn_irq_exit_hook), and in unlock_preemption(). A thread made
// ready for another CPU gets there through port::send_resched(). resume()
// and wake_one_last() make a thread ready as the last change of their scope:
// when it outranks every thread ready here they switch to it at once
// (make_ready_last()), the same switch the end of the scope would make.
//
// This is the portable core: it reaches the machine only through the arch
// contract and the port of core.hpp, so host unit tests build it against
// arch/fake. tenon.cpp ties it to the target (stacks in the stack window,
// the reschedule SGI, secondary CPUs, fault reports).
#include <tn/arch/context.hpp>
#include <tn/arch/cpu.hpp>
#include <tn/arch/fpu.hpp>
#include <tn/assert.hpp>
#include <tn/clock.hpp>
#include <tn/irq.hpp>
#include <tn/smp.hpp>

#include <new>

#include "core.hpp"
#include "policy.hpp"
#include "runqueue.hpp"
#include "thread.hpp"


namespace tn::sched {

struct WaitQueueAccess {
    static IntrusiveList& list(WaitQueue& wq) { return wq.m_list; }
    static const IntrusiveList& list(const WaitQueue& wq) { return wq.m_list; }
};

namespace {

#ifdef CONFIG_LIBSCHED_COOPERATIVE
constexpr bool k_cooperative = true;
#else
constexpr bool k_cooperative = false;
#endif
#if defined(CONFIG_LIBSCHED_TIMESLICE_US) && !defined(CONFIG_LIBSCHED_COOPERATIVE)
constexpr u64 k_slice_ns = u64{CONFIG_LIBSCHED_TIMESLICE_US} * 1000;
#else
constexpr u64 k_slice_ns = 0;
#endif

constexpr u64 k_page = 4096;

Thread g_main_thread;
Thread g_secondary_idle[smp::k_max_cpus];

Thread* current_locked() { return g_cpus.local().current; }

int priority_of(const Thread* t) { return t->is_idle ? -1 : t->priority; }

// Asks @p cpu to reschedule at its next preemption point.
void kick(unsigned cpu) {
    g_cpus[cpu].need_resched = true;
    if (smp::k_max_cpus > 1 && cpu != smp::this_cpu())  // one CPU: always this one
        port::send_resched(cpu);
}

void arm_slice(Cpu& c, Thread* t) {
    if constexpr (k_slice_ns != 0) {
        if (!t->is_idle && c.rq.several(t->priority)) {
            if (t != c.slice_owner) {
                c.slice_owner = t;
                c.slice_end = clock::now_ns() + k_slice_ns;
            }
            tntimer::start_locked(c.slice, c.slice_end);
        } else {
            if (t == c.slice_owner)
                c.slice_owner = nullptr;  // alone at its priority: its next slice starts afresh
            tntimer::cancel_locked(c.slice);
        }
    }
}

#ifdef CONFIG_LIBSCHED_RESERVATIONS
// Reservations (set_reservation()): a reserved thread is charged from
// switch-in to switch-out against its budget for the current period. While
// it runs, its CPU's budget timer is armed at the end of its budget; when
// that fires the thread is throttled (State::Throttled, in no queue) until
// its replenishment timer refills the budget, every period from
// set_reservation() (deferrable server: a thread that blocks keeps what is
// left, and nothing carries over to the next period). Time run past the
// budget (the budget interrupt's latency, a whole tick with the periodic
// tick, a boost, a preemption lock) is a debt paid from the next budgets,
// so the thread's share stays budget/period however coarse the timer.
//
// Priority inheritance outranks the budget: a thread boosted above its base
// priority (it holds a mutex a more urgent thread waits for) is not
// throttled, so the waiter's blocking stays bounded by the critical section
// rather than by the reservation's period; the budget end counts as an
// overrun and it is throttled when the boost ends. A budget end that finds
// preemption locked is served at unlock_preemption().
bool boosted(const Thread* t) { return t->priority > t->base_priority; }

void throttle(Thread* t) {
    t->state = State::Throttled;
    ++t->resv.throttles;
}

// A reserved thread about to become ready with no budget left (it blocked
// boosted after its budget ended, and the boost is over) is throttled instead.
bool throttled_on_wake(Thread* t) {
    if (!t->reserved || t->resv.left_ns != 0 || boosted(t)) [[likely]]
        return false;
    throttle(t);
    return true;
}

// Charges reserved @p t's run since its switch-in (or last charge) up to @p now.
void charge(Thread* t, u64 now) {
    Reservation& r = t->resv;
    u64 used = now - r.switched_in_ns;
    if (used >= r.left_ns) {
        r.debt_ns += used - r.left_ns;
        r.left_ns = 0;
    } else {
        r.left_ns -= used;
    }
    r.switched_in_ns = now;
}

// A new period's budget: the full budget less what the thread owes.
void refill(Reservation& r) {
    u64 pay = r.debt_ns < r.budget_ns ? r.debt_ns : r.budget_ns;
    r.debt_ns -= pay;
    r.left_ns = r.budget_ns - pay;
}

// Budget left of reserved @p t, counting the current run if it is running.
u64 budget_left(const Thread* t) {
    const Reservation& r = t->resv;
    if (t->state != State::Running)
        return r.left_ns;
    u64 used = clock::now_ns() - r.switched_in_ns;
    return used >= r.left_ns ? 0 : r.left_ns - used;
}

void on_budget_end(tntimer::Timer&, void* ctx) {
    auto cpu = static_cast<unsigned>(reinterpret_cast<uptr>(ctx));
    g_cpus[cpu].budget_expired = true;
    kick(cpu);
}
#endif

[[gnu::always_inline]] inline void make_ready(Thread* t) {
    // A thread is in at most one queue: a ready one in no wait queue.
    TN_ASSERT(!t->rq_link.linked && !t->link.linked && t->waiting_on == nullptr);
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    if (throttled_on_wake(t)) [[unlikely]]
        return;
#endif
    t->state = State::Ready;
    Cpu& c = g_cpus[t->cpu];
    c.rq.push_back(t->rq_link, t->priority);
    int running = priority_of(c.current);
    if (t->priority > running)
        kick(t->cpu);
    else if (k_slice_ns && t->priority == running && !c.slice.armed())
        arm_slice(c, c.current);
}

// Run-time statistics read the arch counter directly (the clock device's
// counter, without its ordering barrier: a few instructions of skew do not
// matter for accounting).
u64 stat_ticks() { return arch::read_counter(); }

// The first thread of the highest ready priority. @pre !c.rq.empty()
Thread* top_thread(const Cpu& c) {
    return container_of(c.rq.first(static_cast<unsigned>(c.rq.top_priority())), &Thread::rq_link);
}

#ifdef CONFIG_LIBSCHED_RESERVATIONS
// The budget side of a switch from or to a reserved thread: charges prev for
// its run, arms the budget timer for next. Out of line: unreserved switches
// pay only the test of the two flags.
[[gnu::noinline]] void budget_switch(Cpu& c, Thread* prev, Thread* next) {
    u64 now = clock::now_ns();
    if (prev->reserved) {
        Reservation& r = prev->resv;
        charge(prev, now);
        c.budget_expired = false;  // served, or made moot by this charge
        // Preempted or yielding at (or past) the end of its budget: it
        // leaves the run queue here, as the budget timer would have made it.
        if (r.left_ns == 0 && prev->state == State::Ready && !boosted(prev)) {
            c.rq.remove(prev->rq_link, prev->priority);
            throttle(prev);
        }
    }
    if (next->reserved && next->resv.left_ns != 0) {
        next->resv.switched_in_ns = now;
        tntimer::start_locked(c.budget, now + next->resv.left_ns);
    } else {
        // Running on no budget (boosted) arms nothing: the boost's end checks.
        next->resv.switched_in_ns = now;
        tntimer::cancel_locked(c.budget);
    }
}
#endif

void switch_to(Cpu& c, Thread* prev, Thread* next) {
    // prev stays queued (ready), blocked, suspended or exited (the idle
    // thread is never queued); next is the first of its priority (or idle).
    TN_ASSERT(prev->state != State::Running || prev->is_idle);
    TN_ASSERT(next->is_idle ? !next->rq_link.linked : next == top_thread(c));
#ifdef CONFIG_LIBSCHED_RUNTIME_STATS
    u64 now = stat_ticks();
    prev->run_ticks += now - prev->switched_in_at;
    next->switched_in_at = now;
#endif
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    if (prev->reserved | next->reserved) [[unlikely]]
        budget_switch(c, prev, next);
#endif
    ++next->switches_in;
    next->state = State::Running;
    c.current = next;
    c.yield_due = false;  // prev's: it yielded, blocked or was preempted (its slice is re-armed when it runs)
    arm_slice(c, next);
#ifdef CONFIG_LIBSCHED_SWITCH_HOOK
    switch_hook(next->is_idle ? 0 : next->priority);
#endif
    arch::fp_switch(&prev->fp, &next->fp);
    arch::switch_context(prev->ctx, next->ctx);
}

// make_ready(t) as the last change of a locked scope in thread context:
// when @p t outranks every thread ready on this CPU and the running thread
// may be preempted, switches to it here, which is what the end of the scope
// would do through reschedule_as<Cause::Preempt>() (t is then the run
// queue's top, above the running thread), without its generic decision.
// Otherwise as make_ready(t). Returns after the caller runs again, still
// locked; whatever it read under the lock before may be stale by then.
[[gnu::always_inline]] inline void make_ready_last(Thread* t) {
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    if (throttled_on_wake(t)) [[unlikely]]
        return;
#endif
    Cpu& c = g_cpus.local();
    Thread* prev = c.current;
    // In an interrupt handler first: there the switch waits for the way out.
    if (!k_cooperative && !irq::in_interrupt() && (smp::k_max_cpus == 1 || t->cpu == smp::this_cpu()) &&
        c.rq.none_from(t->priority) && !prev->is_idle && prev->preempt_lock == 0 &&
        !c.yield_due) [[likely]] {
        TN_ASSERT(!t->rq_link.linked && !t->link.linked && t->waiting_on == nullptr);
        c.rq.push_alone(t->rq_link, t->priority);  // nothing is ready at its priority
        prev->state = State::Ready;  // stays first of its priority: it resumes before its equals
        c.need_resched = false;      // t is the top: any pending request is served
        switch_to(c, prev, t);
        return;
    }
    make_ready(t);
}

#ifdef CONFIG_LIBSCHED_RESERVATIONS
bool budget_end(Cpu& c);
#endif

// Algorithm 1, compiled once per cause so that each call site gets only its
// own branch (the yield and preemption paths are the hottest in the kernel).
// The running thread is in the run queue (first of its priority), so its own
// priority counts in top_priority(): a preemption needs a strictly higher one.
// Lock held, IRQs masked.
template <Cause cause, bool may_be_idle = true>
[[gnu::always_inline]] inline void reschedule_as(Cpu& c) {
    Thread* prev = c.current;
    c.need_resched = false;
    Thread* next;
    if constexpr (cause == Cause::Blocked) {
        // prev blocked, suspended itself or exited: it leaves the run queue.
        c.rq.remove(prev->rq_link, prev->priority);
        if constexpr (k_slice_ns != 0)
            if (c.slice_owner == prev)
                c.slice_owner = nullptr;  // it gave the CPU up: a new slice when it runs again
        next = c.rq.empty() ? c.idle : top_thread(c);
    } else {
        if constexpr (cause == Cause::Preempt) {
#ifdef CONFIG_LIBSCHED_RESERVATIONS
            if (c.budget_expired && budget_end(c)) [[unlikely]]
                return;
#endif
            if (c.yield_due) [[unlikely]] {
                // A used-up slice, or a priority change, is a yield to its equals: a preemption,
                // so it waits for the end of a preemption lock as decide() makes others wait.
                if (!prev->is_idle && prev->preempt_lock != 0) {
                    c.preempt_pending = true;
                    return;
                }
                c.yield_due = false;
                c.slice_owner = nullptr;
                reschedule_as<Cause::Yield>(c);
                return;
            }
        }
        if (may_be_idle && prev->is_idle) [[unlikely]] {
            if (c.rq.empty())
                return;
            next = top_thread(c);
        } else if constexpr (cause == Cause::Yield) {
            // Behind its equals (one rotation, nothing if alone); anyone of
            // its priority or above runs.
            ListNode* first = c.rq.rotate(prev->priority);
            next = c.rq.above(prev->priority) ? top_thread(c) : container_of(first, &Thread::rq_link);
            if (next == prev)
                return;
            prev->state = State::Ready;
        } else {
            Decision d = decide(cause, prev->preempt_lock != 0, k_cooperative, prev->priority, c.rq.top_priority());
            if (d.keep_pending)
                c.preempt_pending = true;
            if (!d.switch_to_top)
                return;
            // prev stays first of its priority, so it resumes before its equals.
            next = top_thread(c);
            prev->state = State::Ready;
        }
    }
    if (next != prev)
        switch_to(c, prev, next);
}

#ifdef CONFIG_LIBSCHED_RESERVATIONS
// The running thread's budget timer fired. Returns whether it was throttled
// (and the CPU switched away); false: it keeps running for now (see above).
[[gnu::noinline]] bool budget_end(Cpu& c) {
    Thread* t = c.current;
    c.budget_expired = false;
    if (!t->reserved || t->is_idle)  // removed, or switched out, meanwhile
        return false;
    if (u64 left = budget_left(t); left != 0) [[unlikely]] {
        // Refilled or re-armed since the flag was set: not its end yet.
        tntimer::start_locked(c.budget, clock::now_ns() + left);
        return false;
    }
    if (t->preempt_lock != 0) {
        ++t->resv.overruns;
        c.budget_expired = true;  // again at the last unlock_preemption()
        c.preempt_pending = true;
        return false;
    }
    if (boosted(t)) {
        ++t->resv.overruns;
        return false;
    }
    throttle(t);
    reschedule_as<Cause::Blocked>(c);
    return true;
}

void on_replenish(tntimer::Timer&, void* ctx) {
    auto* t = static_cast<Thread*>(ctx);
    Reservation& r = t->resv;
    ++r.periods;
    bool running = t->state == State::Running && !t->is_idle;
    if (running)
        charge(t, clock::now_ns());  // the run so far was the old period's
    refill(r);
    if (r.left_ns == 0)  // all of it paid a debt: it stays as it is (throttled, boosted, ...)
        return;
    if (t->state == State::Throttled) {
        make_ready(t);
    } else if (running) {
        Cpu& c = g_cpus[t->cpu];
        c.budget_expired = false;
        tntimer::start_locked(c.budget, r.switched_in_ns + r.left_ns);
    }
}

// Starts a period with a full budget now, debts forgiven (set_reservation(),
// resume()).
void start_period(Thread* t, u64 now) {
    Reservation& r = t->resv;
    r.left_ns = r.budget_ns;
    r.debt_ns = 0;
    r.replenish.callback = on_replenish;
    r.replenish.ctx = t;
    r.replenish.locked_callback = true;
    tntimer::start_locked(r.replenish, now + r.period_ns, r.period_ns);
}
#endif

[[gnu::noinline]] void reschedule_blocked() { reschedule_as<Cause::Blocked>(g_cpus.local()); }
[[gnu::noinline]] void reschedule_preempt() { reschedule_as<Cause::Preempt>(g_cpus.local()); }

void reschedule(Cause cause) {
    switch (cause) {
    case Cause::Blocked:
        return reschedule_blocked();
    case Cause::Yield:
        return reschedule_as<Cause::Yield>(g_cpus.local());
    case Cause::Preempt:
        return reschedule_preempt();
    }
}

// A Locked scope ends: switch if something more urgent became ready here.
void preemption_point() {
    if (g_cpus.local().need_resched && !irq::in_interrupt()) [[unlikely]]
        reschedule_preempt();
}

void on_slice_end(tntimer::Timer&, void* ctx) {
    auto cpu = static_cast<unsigned>(reinterpret_cast<uptr>(ctx));
    g_cpus[cpu].yield_due = true;
    kick(cpu);
}

void wq_insert(WaitQueue& wq, Thread* t) {
    TN_ASSERT(!t->link.linked && t->waiting_on == nullptr);
    IntrusiveList& l = WaitQueueAccess::list(wq);
    ListNode* pos = l.front();
    while (pos && container_of(pos, &Thread::link)->priority >= t->priority)
        pos = pos->next;
    l.insert_before(pos, t->link);
    t->waiting_on = &wq;
}

void wq_remove(Thread* t) {
    WaitQueueAccess::list(*t->waiting_on).remove(t->link);
    t->waiting_on = nullptr;
}

// The first half of a wake-up: @p t leaves its wait. Returns whether it is
// to be made ready (false: suspended while it waited).
[[gnu::always_inline]] inline bool end_wait(Thread* t, WaitResult result, uptr value) {
    TN_ASSERT(t->state == State::Blocked);
    if (t->timeout.armed())
        tntimer::cancel_locked(t->timeout);
    if (t->waiting_on)
        wq_remove(t);
    t->wait_result = result;
    t->wake_value = value;
    if (t->suspend_pending) [[unlikely]] {
        // Suspended while it waited: the wait is over, the suspension is not.
        t->suspend_pending = false;
        t->state = State::Suspended;
        return false;
    }
    return true;
}

[[gnu::always_inline]] inline void wake(Thread* t, WaitResult result, uptr value) {
    if (end_wait(t, result, value))
        make_ready(t);
}

void on_timeout(tntimer::Timer&, void* ctx) {
    auto* t = static_cast<Thread*>(ctx);
    if (t->state != State::Blocked)
        return;
    wake(t, WaitResult::Timeout, 0);
    if (t->blocked_on && sync::wait_timed_out) {
        Locked held{tntimer::KernelLock::Held{}};  // the timer service holds the lock
        sync::wait_timed_out(held, t);
    }
}

u64 deadline_after(u64 ns) {
    u64 now = clock::now_ns();
    return ns > ~u64{0} - now ? ~u64{0} : now + ns;
}

// Blocks the current thread (already in its wait queue, if any) until woken
// or @p deadline (k_forever: none).
WaitResult block(Thread* t, u64 deadline) {
    // Only the running thread blocks itself, never idle, never in an interrupt.
    TN_ASSERT(t == current_locked() && !t->is_idle && !irq::in_interrupt());
    t->state = State::Blocked;
    t->wait_result = WaitResult::Timeout;
    if (deadline != k_forever) {
        t->timeout.callback = on_timeout;
        t->timeout.ctx = t;
        t->timeout.locked_callback = true;
        tntimer::start_locked(t->timeout, deadline);
    }
    reschedule(Cause::Blocked);
    return t->wait_result;
}

// First code of every thread. It starts inside the switch that some Locked
// scope of another thread began, so it releases the lock itself.
[[noreturn]] void thread_main(void* arg) {
    auto* t = static_cast<Thread*>(arg);
    tntimer::detail::release_kernel_lock();
    irq::local_enable();
    t->entry(t->arg);
    sched::exit(0);
}

Result<Thread*, Error> create_locked(const ThreadAttr& attr, Entry entry, void* arg, bool idle) {
    if (attr.priority >= k_priorities)
        return err(Error::BadPriority);
    if (attr.cpu >= smp::k_max_cpus || (!smp::online(attr.cpu) && attr.cpu != smp::this_cpu()))
        return err(Error::BadCpu);
    usize size = attr.stack_size ? attr.stack_size : CONFIG_LIBSCHED_DEFAULT_STACK_SIZE;
    if (size < CONFIG_LIBSCHED_MIN_STACK_SIZE)
        return err(Error::BadStackSize);
    u64 pages = align_up(size + sizeof(Thread), k_page) / k_page;
    if (pages > port::max_stack_pages())
        return err(Error::BadStackSize);
    ThreadStack stack;
    u64 top = port::map_stack(stack, pages);
    if (!top)
        return err(Error::NoMemory);
    auto* t = new (reinterpret_cast<void*>(align_down(top - sizeof(Thread), 64))) Thread;
    t->stack = stack;
    t->name = attr.name ? attr.name : "thread";
    t->base_priority = t->priority = attr.priority;
    t->cpu = static_cast<u8>(attr.cpu);
    t->is_idle = idle;
    t->entry = entry;
    t->arg = arg;
    // The stack runs from its base up to the Thread.
    arch::init_context(t->ctx, thread_main, t, top - pages * k_page, reinterpret_cast<u64>(t));
    return t;
}

void idle_entry(void*) { idle_loop(); }

}  // namespace

smp::PerCpu<Cpu> g_cpus;

[[noreturn]] void idle_loop() {
    Cpu& c = g_cpus.local();
    for (;;) {
        irq::local_disable();
        if (!__atomic_load_n(&c.need_resched, __ATOMIC_RELAXED))
            irq::wait_for_interrupt();
        irq::local_enable();  // a pending IRQ is taken here; its exit switches away
    }
}

Result<void, Error> init_boot_cpu() {
    Cpu& c = g_cpus[0];
    Thread& m = g_main_thread;
    m.name = "main";
    m.base_priority = m.priority = CONFIG_LIBSCHED_MAIN_PRIORITY;
    m.state = State::Running;
    arch::fp_adopt(&m.fp);
    m.switched_in_at = stat_ticks();
    m.switches_in = 1;
    c.current = &m;
    c.rq.push_back(m.rq_link, m.priority);  // the running thread stays queued
    c.slice.callback = on_slice_end;
    c.slice.locked_callback = true;
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    c.budget.callback = on_budget_end;
    c.budget.locked_callback = true;
#endif
    Locked held;
    c.idle = TN_TRY(create_locked({"idle0", 0, CONFIG_LIBSCHED_IDLE_STACK_SIZE, 0}, idle_entry, nullptr, true));
    return {};
}

void init_secondary_cpu(unsigned cpu) {
    Cpu& c = g_cpus[cpu];
    Thread& idle = g_secondary_idle[cpu];
    idle.name = "idle";
    idle.is_idle = true;
    idle.cpu = static_cast<u8>(cpu);
    idle.state = State::Running;
    arch::fp_adopt(&idle.fp);
    idle.switched_in_at = stat_ticks();
    c.idle = c.current = &idle;
    c.slice.callback = on_slice_end;
    c.slice.ctx = reinterpret_cast<void*>(uptr{cpu});
    c.slice.locked_callback = true;
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    c.budget.callback = on_budget_end;
    c.budget.ctx = reinterpret_cast<void*>(uptr{cpu});
    c.budget.locked_callback = true;
#endif
}

// ---- tn/sched_impl.hpp

Locked::~Locked() { preemption_point(); }

Thread* WaitQueue::first() const {
    ListNode* n = WaitQueueAccess::list(*this).front();
    return n ? container_of(n, &Thread::link) : nullptr;
}

WaitResult wait(Locked&, WaitQueue& wq, u64 timeout_ns) {
    if (timeout_ns == k_no_wait)
        return WaitResult::Timeout;
    Thread* t = current_locked();
    wq_insert(wq, t);
    return block(t, timeout_ns == k_forever ? k_forever : deadline_after(timeout_ns));
}

Thread* wake_one(Locked&, WaitQueue& wq, uptr value) {
    Thread* t = wq.first();
    if (t)
        wake(t, WaitResult::Woken, value);
    return t;
}

bool wake_one_last(Locked&, WaitQueue& wq, uptr value) {
    Thread* t = wq.first();
    if (!t)
        return false;
    if (end_wait(t, WaitResult::Woken, value))
        make_ready_last(t);
    return true;
}

usize wake_all(Locked& l, WaitQueue& wq, uptr value) {
    usize n = 0;
    while (wake_one(l, wq, value))
        ++n;
    return n;
}

uptr wake_value(Locked&) { return current_locked()->wake_value; }

bool interrupt(Locked&, Thread* t) {
    if (t->state != State::Blocked || t->blocked_on)
        return false;
    wake(t, WaitResult::Interrupted, 0);
    return true;
}

void kick(Locked&, Thread* t) {
    if (t->state == State::Running && t->cpu != smp::this_cpu() && !t->is_idle)
        kick(t->cpu);  // it takes an interrupt, and its way out sees why
}

void set_translation_root(Locked&, Thread* t, u64 root) {
    arch::set_translation_root(t->ctx, root);
    if (t == current_locked())
        arch::load_translation_root(root);
}

void set_effective_priority(Locked&, Thread* t, u8 priority) {
    // The caller computed max(base, inherited) from valid priorities.
    TN_ASSERT(priority >= t->base_priority && priority < k_priorities);
    if (t->priority == priority)
        return;
    Cpu& c = g_cpus[t->cpu];
    switch (t->state) {
    case State::Ready:
        c.rq.remove(t->rq_link, t->priority);
        t->priority = priority;
#ifdef CONFIG_LIBSCHED_RESERVATIONS
        if (t->reserved && t->resv.left_ns == 0 && !boosted(t)) {
            throttle(t);  // its boost outlasted its budget
            break;
        }
#endif
        c.rq.push_back(t->rq_link, priority);
        if (priority > priority_of(c.current))
            kick(t->cpu);
        break;
    case State::Running:
        if (t->is_idle) [[unlikely]] {
            t->priority = priority;
            break;
        }
        // Behind the threads of its new priority, as a thread made ready there goes (else one
        // whose priority goes up and down, as a Mortise vCPU following its guest's scheduling
        // hints, would come back ahead of its equals each time and keep them off the CPU for
        // good). It stays the first of its ring while it runs (the run queue's rule for the
        // running thread): the move behind its equals is a yield at the next preemption point.
        c.rq.remove(t->rq_link, t->priority);
        t->priority = priority;
        c.rq.push_front(t->rq_link, priority);
        if (!k_cooperative && c.rq.several(priority)) {
            c.yield_due = true;
            kick(t->cpu);
        } else if (c.rq.top_priority() > priority) {
            kick(t->cpu);
        }
#ifdef CONFIG_LIBSCHED_RESERVATIONS
        if (t->reserved && !boosted(t) && budget_left(t) == 0) {
            c.budget_expired = true;  // its boost outlasted its budget
            kick(t->cpu);
        }
#endif
        break;
    case State::Blocked:
        if (t->waiting_on) {
            WaitQueue& wq = *t->waiting_on;
            wq_remove(t);
            t->priority = priority;
            wq_insert(wq, t);
        } else {
            t->priority = priority;
        }
        break;
    case State::Suspended:
    case State::Exited:
        t->priority = priority;
        break;
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    case State::Throttled:
        t->priority = priority;
        if (boosted(t))
            make_ready(t);  // a more urgent thread waits for its mutex: it runs on no budget
        break;
#endif
    }
}

void set_blocked_on(Locked&, Thread* t, void* object) { t->blocked_on = object; }
void* blocked_on(Locked&, const Thread* t) { return t->blocked_on; }
IntrusiveList& held_mutexes(Locked&, Thread* t) { return t->held_mutexes; }

// ---- tn/sched.hpp

const char* error_name(Error e) {
    static const char* const names[] = {"BadPriority", "BadCpu",      "BadStackSize", "NoMemory",
                                        "Timeout",     "WouldBlock",  "NotJoinable",  "InIsr",
                                        "Deadlock",    "NotOwner",    "Overflow",     "BadState",
                                        "BadReservation"};
    return enum_name(names, e);
}

Result<Thread*, Error> create(const ThreadAttr& attr, Entry entry, void* arg) {
    Locked held;
    Thread* t = TN_TRY(create_locked(attr, entry, arg, false));
    if (attr.start_suspended)
        t->state = State::Suspended;  // the first resume() starts it
    else
        make_ready(t);
    return t;
}

namespace {
ExitHook g_exit_hooks[k_max_exit_hooks];
unsigned g_exit_hook_count;
}  // namespace

void*& slot(Thread* t, unsigned index) {
    TN_ASSERT(index < k_thread_slots);
    return t->slots[index];
}

Result<void, Error> add_exit_hook(ExitHook hook) {
    Locked held;
    if (g_exit_hook_count == k_max_exit_hooks)
        return err(Error::NoMemory);
    g_exit_hooks[g_exit_hook_count] = hook;
    // A hook becomes visible to other CPUs' exit() once the count covers it.
    __atomic_store_n(&g_exit_hook_count, g_exit_hook_count + 1, __ATOMIC_RELEASE);
    return {};
}

void exit(uptr value) {
    Thread* self = current();
    TN_ASSERT(!self->is_idle);
    for (unsigned i = 0, n = __atomic_load_n(&g_exit_hook_count, __ATOMIC_ACQUIRE); i < n; ++i)
        g_exit_hooks[i](self);
    Locked held;
    Thread* t = current_locked();
    if (!t->held_mutexes.empty() && sync::exit_holding_mutexes)
        sync::exit_holding_mutexes(held, t);  // fatal: its mutexes would point at a freed thread
    t->exit_value = value;
#ifdef CONFIG_LIBSCHED_RESERVATIONS
    if (t->reserved)
        tntimer::cancel_locked(t->resv.replenish);  // its budget timer goes at the switch
#endif
    t->state = State::Exited;
    arch::fp_forget(&t->fp);  // its registers need not be kept: it never runs again
    wake_all(held, t->joiners);
    reschedule(Cause::Blocked);
    __builtin_unreachable();
}

Result<uptr, Error> join(Thread* t, u64 timeout_ns) {
    if (irq::in_interrupt())
        return err(Error::InIsr);
    Locked held;
    if (t == current_locked() || t->joined || t->stack.pages == 0)
        return err(Error::NotJoinable);
    u64 deadline = timeout_ns == k_forever ? k_forever : deadline_after(timeout_ns);
    while (t->state != State::Exited) {
        if (timeout_ns == k_no_wait)
            return err(Error::WouldBlock);
        wq_insert(t->joiners, current_locked());
        if (block(current_locked(), deadline) == WaitResult::Timeout && t->state != State::Exited)
            return err(Error::Timeout);
    }
    t->joined = true;
    uptr value = t->exit_value;
    ThreadStack stack = t->stack;
    t->~Thread();
    port::unmap_stack(stack);  // the Thread lived at the top of its stack
    return value;
}

// suspend() and resume() decide under the lock and return after it is
// released (a preemption there runs first), so the result lives in a
// register instead of being kept on the stack across the switch. The error
// comes from a function of its own so that the success path returns a
// constant instead of assembling a Result from both outcomes.
namespace {
[[gnu::cold, gnu::noinline]] Result<void, Error> bad_state() { return err(Error::BadState); }
}  // namespace

Result<void, Error> suspend(Thread* t) {
    bool ok = true;
    {
        Locked held;
        if (t == current_locked()) {
            // Itself (not idle, which stays Running; not from an interrupt
            // handler, which would stop the thread it interrupted).
            ok = !t->is_idle && !irq::in_interrupt();
            if (ok) {
#ifdef CONFIG_LIBSCHED_RESERVATIONS
                if (t->reserved)
                    tntimer::cancel_locked(t->resv.replenish);  // resume() starts a new period
#endif
                t->state = State::Suspended;
                reschedule_as<Cause::Blocked>(g_cpus.local());
            }
        } else {
            switch (t->state) {
            case State::Ready:
                g_cpus[t->cpu].rq.remove(t->rq_link, t->priority);
#ifdef CONFIG_LIBSCHED_RESERVATIONS
                if (t->reserved)
                    tntimer::cancel_locked(t->resv.replenish);
#endif
                t->state = State::Suspended;
                break;
#ifdef CONFIG_LIBSCHED_RESERVATIONS
            case State::Throttled:
                tntimer::cancel_locked(t->resv.replenish);
                t->state = State::Suspended;
                break;
#endif
            case State::Blocked:
                // It stays in its wait; when that ends it is Suspended, not Ready.
                ok = !t->suspend_pending;
                t->suspend_pending = true;
                break;
            case State::Running:  // on another CPU: it cannot be stopped from here
            case State::Suspended:
            case State::Exited:
                ok = false;
                break;
            }
        }
    }
    if (!ok) [[unlikely]]
        return bad_state();
    return {};
}

Result<void, Error> resume(Thread* t) {
    bool ok = true;
    {
        Locked held;
        if (t->state == State::Suspended) [[likely]] {
#ifdef CONFIG_LIBSCHED_RESERVATIONS
            if (t->reserved)
                start_period(t, clock::now_ns());
#endif
            // Resuming a more urgent thread is the common use: the
            // preemption happens here rather than at the end of the scope.
            make_ready_last(t);
        } else if (t->state == State::Blocked && t->suspend_pending) {
            t->suspend_pending = false;  // still waiting: only the suspension ends
        } else {
            ok = false;
        }
    }
    if (!ok) [[unlikely]]
        return bad_state();
    return {};
}

Thread* current() {
    // No IRQ masking needed: threads never migrate, so whatever switches
    // happen around the load, the caller reads its own CPU's running thread.
    return __atomic_load_n(&g_cpus.local().current, __ATOMIC_RELAXED);
}

void yield() {
    Locked held;
    reschedule_as<Cause::Yield, false>(g_cpus.local());  // the idle thread never yields
}

Result<void, Error> sleep_until(u64 deadline_ns) {
    if (irq::in_interrupt())
        return err(Error::InIsr);
    Locked held;
    if (clock::now_ns() >= deadline_ns)
        return {};
    block(current_locked(), deadline_ns);
    return {};
}

Result<void, Error> sleep_ns(u64 ns) {
    if (irq::in_interrupt())
        return err(Error::InIsr);
    return sleep_until(deadline_after(ns));
}

Result<void, Error> set_priority(Thread* t, u8 priority) {
    if (priority >= k_priorities)
        return err(Error::BadPriority);
    Locked held;
    t->base_priority = priority;
    if (sync::base_priority_changed)
        sync::base_priority_changed(held, t);  // max(base, inherited), passed along its chain
    else
        set_effective_priority(held, t, priority);
    return {};
}

u8 priority(const Thread* t) { return t->base_priority; }
u8 effective_priority(const Thread* t) { return t->priority; }
const char* name(const Thread* t) { return t->name; }

ThreadStats stats(const Thread* t) {
    Locked held;
    u64 ticks = t->run_ticks;
#ifdef CONFIG_LIBSCHED_RUNTIME_STATS
    if (t->state == State::Running)
        ticks += stat_ticks() - t->switched_in_at;
#endif
    u64 hz = clock::frequency_hz();
    return {t->switches_in, hz ? ticks * 1'000'000'000ull / hz : 0};
}

#ifdef CONFIG_LIBSCHED_RESERVATIONS
Result<void, Error> set_reservation(Thread* t, u64 budget_ns, u64 period_ns) {
    bool remove = budget_ns == 0 && period_ns == 0;
    if (!remove && (budget_ns < k_min_budget_ns || budget_ns > period_ns || period_ns > k_max_period_ns))
        return err(Error::BadReservation);
    Locked held;
    if (t->is_idle || t->state == State::Exited)
        return err(Error::BadState);
    Cpu& c = g_cpus[t->cpu];
    if (remove) {
        if (!t->reserved)
            return {};
        tntimer::cancel_locked(t->resv.replenish);
        if (t->state == State::Running) {
            tntimer::cancel_locked(c.budget);
            c.budget_expired = false;
        }
        t->reserved = false;
        if (t->state == State::Throttled)
            make_ready(t);
        return {};
    }
    Reservation& r = t->resv;
    r.budget_ns = budget_ns;
    r.period_ns = period_ns;
    u64 now = clock::now_ns();
    if (t->state != State::Suspended)  // else at resume()
        start_period(t, now);
    else
        r.left_ns = budget_ns, r.debt_ns = 0;
    if (t->state == State::Running) {
        r.switched_in_ns = now;
        c.budget_expired = false;
        tntimer::start_locked(c.budget, now + budget_ns);
    }
    t->reserved = true;
    if (t->state == State::Throttled)
        make_ready(t);
    return {};
}

ReservationStats reservation_stats(const Thread* t) {
    Locked held;
    if (!t->reserved)
        return {};
    const Reservation& r = t->resv;
    return {r.budget_ns, r.period_ns, budget_left(t),        r.periods,
            r.throttles, r.overruns,  r.debt_ns, t->state == State::Throttled};
}
#endif

void lock_preemption() {
    irq::LocalGuard masked;
    ++g_cpus.local().current->preempt_lock;
}

void unlock_preemption() {
    Locked held;
    Cpu& c = g_cpus.local();
    if (--c.current->preempt_lock == 0 && c.preempt_pending) {
        c.preempt_pending = false;
        c.need_resched = true;
    }
}

bool in_isr() { return irq::in_interrupt(); }

}  // namespace tn::sched

using namespace tn;
using namespace tn::sched;


extern "C" void tn_irq_exit_hook() {
    if (g_cpus.local().need_resched) {
        // IRQs are masked on the way out of an interrupt: the lock alone,
        // without saving and restoring their state (a Locked scope's work).
        tntimer::detail::g_kernel_lock.lock();
        preemption_point();
        tntimer::detail::release_kernel_lock();
    }
}
