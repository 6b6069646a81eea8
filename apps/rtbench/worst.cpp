// Worst-case interrupt latency: an SGI that arrives while the kernel runs one
// of its longest paths with IRQs masked on the same CPU (the kernel lock is
// taken with IRQs masked, so on the CPU that holds it an interrupt waits for
// the end of the masked section). Sample: the handler's first stamp minus
// the stamp taken right after the SGI was made pending.
//
//   timer_expiry_100  100 software timers share a deadline; the first
//                     callback raises the SGI, which waits for the other 99
//                     callbacks (the expiry loop runs in the timer interrupt),
//                     the next deadline's programming and the IRQ exit.
//   broadcast_100     CondVar::broadcast() wakes 100 waiters in one locked
//                     scope (sched::wake_all); the SGI was raised with IRQs
//                     masked just before the call and is taken on return.
//   pi_chain_8        Mutex::lock() on a mutex at the head of a chain of 8
//                     owners, each blocked on the next one's mutex
//                     (LIBSYNC_PI_MAX_DEPTH's default): the priority-
//                     inheritance walk boosts all 8, then the caller blocks
//                     and the CPU switches; the SGI is taken when the next
//                     thread leaves the kernel.
//   create            sched::create() of a thread (stack pages, mapping,
//                     control block, run-queue insert), IRQs masked across.
// Masking IRQs across a whole call bounds the masked section from above (the
// call's unlocked parts are included): that is what an interrupt raised at
// the worst moment waits for at most. irq_latency.worst repeats the path
// whose largest sample is the largest, under that name.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/irq.hpp>
#include <tn/sched.hpp>
#include <tn/sync.hpp>
#include <tn/tntimer.hpp>

#include "bench.hpp"

using namespace tn;

namespace rtbench {

namespace {

constexpr u32 k_sgi = 9;  // 7 is irq.cpp's, 8 thread_metric.cpp's
constexpr u8 k_releaser = 1;  // runs only when every other benchmark thread waits
constexpr u8 k_waiter = 5;
constexpr u8 k_chain_base = 2;  // chain thread i: k_chain_base + i
constexpr u8 k_measurer = 12;
constexpr int k_timers = 100;
constexpr int k_waiters = 100;
constexpr int k_depth = 8;

volatile u64 g_first;
volatile u64 g_t0;
volatile bool g_stop;

irq::Completion on_sgi(irq::Event, void*) {
    g_first = stamp();
    return irq::Completion::Done;
}

// Makes the SGI pending; the caller has IRQs masked. Returns the stamp after it.
u64 raise_sgi() {
    if (!irq::send_sgi(k_sgi, irq::SgiTarget::self()).ok())
        fail("worst: send_sgi");
    return stamp();
}

// ---- timer_expiry: the first callback raises the SGI.
tntimer::Timer g_timers[k_timers];
volatile int g_fired;

void on_timer(tntimer::Timer&, void* ctx) {
    if (ctx == &g_timers[0])
        g_t0 = raise_sgi();
    g_fired = g_fired + 1;
}

void path_timer_expiry() {
    for (auto& t : g_timers) {
        t.callback = on_timer;
        t.ctx = &t;
    }
    while (!full()) {
        g_fired = 0;
        u64 deadline = clock::now_ns() + 200'000;
        for (auto& t : g_timers)
            tntimer::start(t, deadline);
        while (g_fired != k_timers) {
        }
        add(g_first - g_t0);
    }
}

// ---- The releaser: the lowest benchmark thread; it runs only when every
// other one waits, so its give() tells the measurer the stage is set.
sync::Semaphore g_ready{0, 1};
sync::Semaphore g_release{0, 1};
bool g_release_chain;

void releaser(void*) {
    while (!g_stop) {
        (void)g_ready.give();
        if (g_release_chain && !g_stop)
            (void)g_release.give();
    }
}

// ---- broadcast: 100 waiters on one condition variable.
sync::Mutex g_mutex;
sync::CondVar g_cond;
volatile u32 g_generation;

void cond_waiter(void*) {
    u32 seen = 0;
    for (;;) {
        (void)g_mutex.lock();
        while (!g_stop && g_generation == seen)
            (void)g_cond.wait(g_mutex);
        seen = g_generation;
        (void)g_mutex.unlock();
        if (g_stop)
            return;
    }
}

void broadcast_measurer(void*) {
    while (!full()) {
        (void)g_ready.take();
        g_generation = g_generation + 1;
        u64 flags = irq::local_save_disable();
        u64 t0 = raise_sgi();
        g_cond.broadcast();
        irq::local_restore(flags);
        add(g_first - t0);
    }
    g_stop = true;
    g_cond.broadcast();
}

void path_broadcast() {
    g_stop = false;
    g_release_chain = false;
    sched::Thread* t[k_waiters];
    for (auto*& w : t)
        w = spawn("worst-waiter", k_waiter, cond_waiter);
    auto* r = spawn("worst-releaser", k_releaser, releaser);
    auto* m = spawn("worst-broadcast", k_measurer, broadcast_measurer);
    join_thread(m);
    for (auto* w : t)
        join_thread(w);
    join_thread(r);
}

// ---- pi_chain: thread i holds mutex i and waits for mutex i + 1; the last
// one holds its mutex and waits on g_release.
sync::Mutex g_chain[k_depth];
sync::Semaphore g_go[k_depth] = {{0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}};
static_assert(k_depth == 8, "one g_go initialiser per chain thread");

void chain_thread(void* arg) {
    int i = static_cast<int>(reinterpret_cast<uptr>(arg));
    for (;;) {
        (void)g_go[i].take();
        if (g_stop)
            return;
        (void)g_chain[i].lock();
        if (i + 1 < k_depth) {
            (void)g_chain[i + 1].lock();
            (void)g_chain[i + 1].unlock();
        } else {
            (void)g_release.take();
        }
        (void)g_chain[i].unlock();
    }
}

void chain_measurer(void*) {
    while (!full()) {
        // The chain builds from its highest thread down, then the releaser runs.
        for (auto& go : g_go)
            (void)go.give();
        (void)g_ready.take();
        u64 flags = irq::local_save_disable();
        u64 t0 = raise_sgi();
        (void)g_chain[0].lock();  // walks and boosts the chain, blocks; the releaser unwinds it
        irq::local_restore(flags);
        add(g_first - t0);
        (void)g_chain[0].unlock();
    }
}

void path_pi_chain() {
    g_stop = false;
    g_release_chain = true;
    sched::Thread* t[k_depth];
    for (int i = 0; i < k_depth; ++i)
        t[i] = spawn("worst-chain", static_cast<u8>(k_chain_base + i), chain_thread,
                     reinterpret_cast<void*>(static_cast<uptr>(i)));
    auto* r = spawn("worst-releaser", k_releaser, releaser);
    auto* m = spawn("worst-pi", k_measurer, chain_measurer);
    join_thread(m);
    g_stop = true;
    for (auto& go : g_go)
        (void)go.give();
    for (auto* c : t)
        join_thread(c);
    (void)g_ready.give();
    join_thread(r);
    // Leave the semaphores empty for the next run.
    (void)g_ready.take(sched::k_no_wait);
    (void)g_release.take(sched::k_no_wait);
    for (auto& go : g_go)
        (void)go.take(sched::k_no_wait);
}

// ---- create: a thread below main's priority, joined after the sample.
void nothing(void*) {}

void path_create() {
    while (!full()) {
        u64 flags = irq::local_save_disable();
        u64 t0 = raise_sgi();
        auto r = sched::create({"worst-create", k_releaser, 0, 0}, nothing, nullptr);
        irq::local_restore(flags);
        add(g_first - t0);
        if (!r.ok())
            fail("worst: create");
        join_thread(r.value());
    }
}

struct Path {
    const char* metric;
    void (*run)();
};

constexpr Path k_paths[] = {
    {"irq_latency.worst.timer_expiry_100", path_timer_expiry},
    {"irq_latency.worst.broadcast_100", path_broadcast},
    {"irq_latency.worst.pi_chain_8", path_pi_chain},
    {"irq_latency.worst.create", path_create},
};

u64 g_max;

}  // namespace

void run_worst() {
    if (!irq::register_handler(k_sgi, on_sgi, nullptr).ok() || !irq::enable(k_sgi).ok())
        fail("worst: register SGI handler");
    const Path* worst = nullptr;
    for (const Path& p : k_paths) {
        reset();
        p.run();
        u64 hi = largest_sample();
        if (!worst || hi > g_max) {
            worst = &p;
            g_max = hi;
        }
        report(p.metric);
    }
    tn_printf("bench: irq_latency.worst is set by %s\n", worst->metric + sizeof "irq_latency.worst");
    reset();
    worst->run();
    report("irq_latency.worst");
    (void)irq::unregister_handler(k_sgi);
}

}  // namespace rtbench
