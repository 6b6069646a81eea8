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
// Preemption points: when a Locked scope ends (so any call that made a more
// urgent thread ready switches to it before returning), on the way out of an
// interrupt (tn_irq_exit_hook), and in unlock_preemption(). A thread made
// ready for another CPU gets there with SGI smp::k_resched_sgi.
#include <tn/arch/context.hpp>
#include <tn/arch/fault.hpp>
#include <tn/arch/fpu.hpp>
#include <tn/arch/mmu.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/init.hpp>
#include <tn/irq.hpp>
#include <tn/mem/page_alloc.hpp>
#include <tn/plat.hpp>
#include <tn/smp.hpp>
#include <string.h>

#include <new>

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

// Thread stacks live in a window of the kernel's address space outside the
// identity map: slot n spans [k_window + n * k_slot, +k_slot), its lowest
// page never mapped (the guard), the stack pages mapped from the page pool
// at the top of the slot, and the Thread at the very top of the stack.
constexpr u64 k_window = 0x40'0000'0000;  // 256 GiB: below 2^39, above any RAM of QEMU virt we map
constexpr u64 k_page = 4096;
constexpr u64 k_slot = CONFIG_LIBSCHED_STACK_SLOT_SIZE;
constexpr unsigned k_slots = CONFIG_LIBSCHED_MAX_THREADS;
static_assert(k_slot % k_page == 0 && k_slot >= 2 * k_page, "stack slot: whole pages, guard plus stack");

struct Cpu {
    Thread* current = nullptr;
    Thread* idle = nullptr;
    RunQueue<k_priorities> rq;
    bool need_resched = false;
    bool preempt_pending = false;  // preemption came due while locked
    bool slice_expired = false;
    tntimer::Timer slice;
};

smp::PerCpu<Cpu> g_cpus;
Thread g_main_thread;
Thread g_secondary_idle[smp::k_max_cpus];
u64 g_slot_map[(k_slots + 63) / 64];

Thread* current_locked() { return g_cpus.local().current; }

int priority_of(const Thread* t) { return t->is_idle ? -1 : t->priority; }

void send_resched(unsigned cpu) {
#ifdef CONFIG_TN_SMP
    (void)irq::send_sgi(smp::k_resched_sgi, irq::SgiTarget::to(irq::CpuAffinity{smp::mpidr(cpu)}));
#else
    (void)cpu;
#endif
}

// Asks @p cpu to reschedule at its next preemption point.
void kick(unsigned cpu) {
    g_cpus[cpu].need_resched = true;
    if (cpu != smp::this_cpu())
        send_resched(cpu);
}

void arm_slice(Cpu& c, Thread* t) {
    if constexpr (k_slice_ns != 0) {
        if (!t->is_idle && c.rq.has(t->priority))
            tntimer::start_locked(c.slice, clock::now_ns() + k_slice_ns);
        else
            tntimer::cancel_locked(c.slice);
    }
}

[[gnu::always_inline]] inline void make_ready(Thread* t) {
    t->state = State::Ready;
    Cpu& c = g_cpus[t->cpu];
    c.rq.push_back(t->link, t->priority);
    int running = priority_of(c.current);
    if (t->priority > running)
        kick(t->cpu);
    else if (k_slice_ns && t->priority == running && !c.slice.armed())
        arm_slice(c, c.current);
}

// Run-time statistics read the virtual counter directly (the clock device's
// counter, without its ordering barrier: a few instructions of skew do not
// matter for accounting).
u64 stat_ticks() { return arch::CntvctEl0::read(); }

void switch_to(Cpu& c, Thread* prev, Thread* next) {
#ifdef CONFIG_LIBSCHED_RUNTIME_STATS
    u64 now = stat_ticks();
    prev->run_ticks += now - prev->switched_in_at;
    next->switched_in_at = now;
#endif
    ++next->switches_in;
    next->state = State::Running;
    c.current = next;
    arm_slice(c, next);
    arch::fp_switch(&prev->fp, &next->fp);
    tn_arch_switch(&prev->ctx, &next->ctx);
}

// Algorithm 1, compiled once per cause so that each call site gets only its
// own branch of decide() (the yield and preemption paths are the hottest in
// the kernel). Lock held, IRQs masked.
template <Cause cause>
[[gnu::always_inline]] inline void reschedule_as(Cpu& c) {
    Thread* prev = c.current;
    c.need_resched = false;
    if constexpr (cause == Cause::Preempt) {
        if (c.slice_expired) [[unlikely]] {
            c.slice_expired = false;
            reschedule_as<Cause::Yield>(c);  // a used-up slice is a yield to its equals
            return;
        }
    }
    int top = c.rq.top_priority();
    Decision d = prev->is_idle ? Decision{top >= 0, false, false}
                               : decide(cause, prev->preempt_lock != 0, k_cooperative, prev->priority, top);
    if (d.keep_pending)
        c.preempt_pending = true;
    if (!d.switch_to_top)
        return;
    Thread* next;
    if (cause == Cause::Blocked || prev->is_idle) {
        next = top >= 0 ? container_of(c.rq.pop_top(), &Thread::link) : c.idle;
    } else {
        prev->state = State::Ready;
        if (d.prev_to_front) {
            next = container_of(c.rq.pop_top(), &Thread::link);
            c.rq.push_front(prev->link, prev->priority);
        } else if (top == prev->priority) {
            // Behind its equals, the first of which runs: one list rotation.
            next = container_of(c.rq.rotate(prev->link, prev->priority), &Thread::link);
        } else {
            next = container_of(c.rq.pop_top(), &Thread::link);
            c.rq.push_back(prev->link, prev->priority);
        }
    }
    if (next != prev)
        switch_to(c, prev, next);
}

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
    g_cpus[cpu].slice_expired = true;
    kick(cpu);
}

void wq_insert(WaitQueue& wq, Thread* t) {
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

void wake(Thread* t, WaitResult result, uptr value) {
    tntimer::cancel_locked(t->timeout);
    if (t->waiting_on)
        wq_remove(t);
    t->wait_result = result;
    t->wake_value = value;
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

// ---- stacks

int alloc_slot() {
    for (unsigned w = 0; w < sizeof g_slot_map / sizeof g_slot_map[0]; ++w) {
        if (~g_slot_map[w] == 0)
            continue;
        unsigned bit = __builtin_ctzll(~g_slot_map[w]);
        if (w * 64 + bit >= k_slots)
            return -1;
        g_slot_map[w] |= u64{1} << bit;
        return static_cast<int>(w * 64 + bit);
    }
    return -1;
}

void free_slot(u64 slot) { g_slot_map[slot / 64] &= ~(u64{1} << (slot % 64)); }

u64* alloc_table(void*) {
    auto r = plat::page_allocator().alloc(0);
    if (!r.ok())
        return nullptr;
    auto* table = reinterpret_cast<u64*>(r.value().value());
    memset(table, 0, k_page);
    return table;
}

// Maps a stack of @p pages pages; returns its top (one past the end) or 0.
u64 map_stack(Thread& t, u64 pages) {
    int slot = alloc_slot();
    if (slot < 0)
        return 0;
    auto pa = plat::page_allocator().alloc_pages(pages);
    if (!pa.ok()) {
        free_slot(slot);
        return 0;
    }
    u64 top = k_window + (u64(slot) + 1) * k_slot;
    u64 base = top - pages * k_page;
    if (!arch::mmu::map_kernel_pages(base, pa.value().value(), pages * k_page, alloc_table, nullptr).ok()) {
        (void)plat::page_allocator().free_pages(pa.value(), pages);
        free_slot(slot);
        return 0;
    }
    t.stack_slot = slot;
    t.stack_pa = pa.value().value();
    t.stack_pages = pages;
    return top;
}

void unmap_stack(u64 slot, u64 pa, u64 pages) {
    u64 top = k_window + (slot + 1) * k_slot;
    arch::mmu::unmap_kernel_pages(top - pages * k_page, pages * k_page);
    (void)plat::page_allocator().free_pages(PhysAddr{pa}, pages);
    free_slot(slot);
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
    if (pages > k_slot / k_page - 1)
        return err(Error::BadStackSize);
    Thread probe;
    u64 top = map_stack(probe, pages);
    if (!top)
        return err(Error::NoMemory);
    auto* t = new (reinterpret_cast<void*>(align_down(top - sizeof(Thread), 64))) Thread;
    t->stack_slot = probe.stack_slot;
    t->stack_pa = probe.stack_pa;
    t->stack_pages = probe.stack_pages;
    t->name = attr.name ? attr.name : "thread";
    t->base_priority = t->priority = attr.priority;
    t->cpu = static_cast<u8>(attr.cpu);
    t->is_idle = idle;
    t->entry = entry;
    t->arg = arg;
    arch::init_context(t->ctx, thread_main, t, reinterpret_cast<u64>(t));  // stack below the Thread
    return t;
}

[[noreturn]] void idle_loop() {
    Cpu& c = g_cpus.local();
    for (;;) {
        irq::local_disable();
        if (!__atomic_load_n(&c.need_resched, __ATOMIC_RELAXED))
            irq::wait_for_interrupt();
        irq::local_enable();  // a pending IRQ is taken here; its exit switches away
    }
}

void idle_entry(void*) { idle_loop(); }

irq::Completion on_resched_sgi(irq::Event, void*) { return irq::Completion::Done; }

Result<void, irq::Error> enable_resched_sgi() {
    TN_TRY(irq::set_priority(smp::k_resched_sgi, irq::k_default_priority));
    return irq::enable(smp::k_resched_sgi);
}

int sched_init() {
    Cpu& c = g_cpus[0];
    Thread& m = g_main_thread;
    m.name = "main";
    m.base_priority = m.priority = CONFIG_LIBSCHED_MAIN_PRIORITY;
    m.state = State::Running;
    arch::fp_adopt(&m.fp);
    m.switched_in_at = stat_ticks();
    m.switches_in = 1;
    c.current = &m;
    c.slice.callback = on_slice_end;
    c.slice.locked_callback = true;
    Locked held;
    auto idle = create_locked({"idle0", 0, CONFIG_LIBSCHED_IDLE_STACK_SIZE, 0}, idle_entry, nullptr, true);
    if (!idle.ok()) {
        tn_printf("sched: cannot create the idle thread: %s\n", error_name(idle.error()));
        return -1;
    }
    c.idle = idle.value();
    if (!irq::register_handler(smp::k_resched_sgi, on_resched_sgi, nullptr).ok() || !enable_resched_sgi().ok())
        return -2;
    return 0;
}

}  // namespace

TN_INIT(sched_init, TN_INIT_LIB);

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

usize wake_all(Locked& l, WaitQueue& wq, uptr value) {
    usize n = 0;
    while (wake_one(l, wq, value))
        ++n;
    return n;
}

uptr wake_value(Locked&) { return current_locked()->wake_value; }

void set_effective_priority(Locked&, Thread* t, u8 priority) {
    if (t->priority == priority)
        return;
    Cpu& c = g_cpus[t->cpu];
    switch (t->state) {
    case State::Ready:
        c.rq.remove(t->link, t->priority);
        t->priority = priority;
        c.rq.push_back(t->link, priority);
        if (priority > priority_of(c.current))
            kick(t->cpu);
        break;
    case State::Running:
        t->priority = priority;
        if (c.rq.top_priority() > priority)
            kick(t->cpu);
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
    }
}

void set_blocked_on(Locked&, Thread* t, void* object) { t->blocked_on = object; }
void* blocked_on(Locked&, const Thread* t) { return t->blocked_on; }
IntrusiveList& held_mutexes(Locked&, Thread* t) { return t->held_mutexes; }

// ---- tn/sched.hpp

const char* error_name(Error e) {
    static const char* const names[] = {"BadPriority", "BadCpu",      "BadStackSize", "NoMemory",
                                        "Timeout",     "WouldBlock",  "NotJoinable",  "InIsr",
                                        "Deadlock",    "NotOwner",    "Overflow",     "BadState"};
    return enum_name(names, e);
}

Result<Thread*, Error> create(const ThreadAttr& attr, Entry entry, void* arg) {
    Locked held;
    Thread* t = TN_TRY(create_locked(attr, entry, arg, false));
    make_ready(t);
    return t;
}

void exit(uptr value) {
    Locked held;
    Thread* t = current_locked();
    if (!t->held_mutexes.empty() && sync::exit_holding_mutexes)
        sync::exit_holding_mutexes(held, t);  // fatal: its mutexes would point at a freed thread
    t->exit_value = value;
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
    if (t == current_locked() || t->joined || t->stack_pages == 0)
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
    u64 slot = t->stack_slot, pa = t->stack_pa, pages = t->stack_pages;
    t->~Thread();
    unmap_stack(slot, pa, pages);  // the Thread lived at the top of its stack
    return value;
}

// suspend() and resume() decide under the lock and return after it is
// released (a preemption there runs first), so the result lives in a
// register instead of being kept on the stack across the switch.
Result<void, Error> suspend(Thread* t) {
    bool ok = true;
    {
        Locked held;
        if (t->state == State::Ready) {
            g_cpus[t->cpu].rq.remove(t->link, t->priority);
            t->state = State::Suspended;
        } else if (t->state == State::Running && t == current_locked() && !irq::in_interrupt()) {
            t->state = State::Suspended;
            reschedule_blocked();
        } else {
            ok = false;
        }
    }
    if (!ok)
        return err(Error::BadState);
    return {};
}

Result<void, Error> resume(Thread* t) {
    bool ok = true;
    {
        Locked held;
        if (t->state == State::Suspended)
            make_ready(t);
        else
            ok = false;
    }
    if (!ok)
        return err(Error::BadState);
    return {};
}

Thread* current() {
    irq::LocalGuard masked;
    return g_cpus.local().current;
}

void yield() {
    Locked held;
    reschedule_as<Cause::Yield>(g_cpus.local());
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
        Locked held;
    }
}

#ifdef CONFIG_ARCH_ARM64_ECTX_LAZY
// The lazy FP trap loads the registers of the thread running on this CPU.
extern "C" tn::arch::FpContext* tn_arch_fp_current() { return &g_cpus.local().current->fp; }
#endif

// A fault report names the thread that faulted and, for a thread with a
// stack of its own, the stack and the unmapped rest of its slot below it (an
// overflow lands there). Lock-free: the faulting thread may hold the lock.
extern "C" bool tn_arch_fault_thread(tn::arch::FaultThread* out) {
    const Thread* t = g_cpus.local().current;
    if (!t)
        return false;  // before sched_init
    out->name = t->name;
    if (t->stack_pages != 0) {
        u64 slot_base = k_window + t->stack_slot * k_slot;
        out->guard_base = slot_base;
        out->stack_base = slot_base + k_slot - t->stack_pages * k_page;
        out->stack_top = reinterpret_cast<u64>(t);  // the Thread sits at the top of its stack
    }
    return true;
}

#ifdef CONFIG_TN_SMP
extern "C" [[noreturn]] void tn_secondary_main(unsigned cpu) {
    {
        Locked held;
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
        if (!enable_resched_sgi().ok())
            tn_printf("sched: CPU %u cannot enable its reschedule SGI\n", cpu);
    }
    idle_loop();
}
#endif
