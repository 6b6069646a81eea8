// The eight Thread-Metric tests, written here from their published
// descriptions (the Thread-Metric RTOS benchmark suite defines what each test
// does; this is our own implementation on the Tenon API). The original counts
// operations in a fixed interval; here each sample is the counter delta over
// a known number of operations (ops=K on the report line), so the figure is
// instructions per operation under -icount. One operation is:
//   basic                 one pass of a fixed integer workload over 16 words,
//                         no kernel call (the CPU baseline)
//   cooperative           5 equal-priority threads in a ring; one thread
//                         increments its counter and yields
//   preemptive            5 threads of rising priority; each one resumes the
//                         next higher one and is preempted by it; the
//                         highest counts and suspends itself, and so back
//                         down: one thread's turn
//   interrupt             a thread sends itself an SGI, the handler gives a
//                         semaphore, the thread takes it (never blocks)
//   interrupt_preemption  as interrupt, but a higher-priority thread waits on
//                         the semaphore and preempts on the way out of the
//                         handler, counts, and blocks again
//   message               send a 16-byte message to a queue and receive it
//   synchronization       take and give a semaphore (never blocks)
//   memory_allocation     allocate and free a 128-byte block from a
//                         fixed-block pool (tn::mem::RawPool, IRQs masked
//                         around each call as a kernel pool would)
// Every sample also includes one stamp (2 instructions) and, for the
// multi-thread tests, the bookkeeping of recording it, spread over K ops.
#include <tn/irq.hpp>
#include <tn/mem/object_pool.hpp>
#include <tn/sched.hpp>
#include <tn/sync.hpp>

#include "bench.hpp"

using namespace tn;

namespace rtbench {

namespace {

constexpr u32 k_sgi = 8;  // 7 is irq.cpp's; 14 and 15 are the kernel's
constexpr int k_threads = 5;
constexpr u8 k_base = 5;  // below main()'s priority, so main waits in join

volatile bool g_stop;
volatile u64 g_counter[k_threads];

// ---- basic
u32 g_work[16];

[[gnu::noinline]] void basic_op() {
    u32 acc = 0x9e3779b9;
    for (u32 i = 0; i < 16; ++i) {
        acc = (acc ^ g_work[i]) * 33 + i;
        g_work[i] = acc >> 3;
    }
}

void tm_basic() {
    reset();
    while (!full()) {
        u64 a = stamp();
        basic_op();
        add(stamp() - a);
    }
    report("tm.basic");
}

// ---- cooperative: thread 0 stamps once per round of k_threads ops.
u64 g_last;

void coop_thread(void* arg) {
    auto id = reinterpret_cast<usize>(arg);
    while (!g_stop) {
        if (id == 0) {
            u64 now = stamp();
            if (g_last)
                add(now - g_last);
            g_last = now;
            if (full())
                g_stop = true;
        }
        g_counter[id] = g_counter[id] + 1;
        sched::yield();
    }
}

void tm_cooperative() {
    reset();
    g_stop = false;
    g_last = 0;
    sched::Thread* t[k_threads];
    sched::lock_preemption();
    for (usize i = 0; i < k_threads; ++i)
        t[i] = spawn("tm-coop", k_base, coop_thread, reinterpret_cast<void*>(i));
    sched::unlock_preemption();
    for (auto* th : t)
        join_thread(th);
    report("tm.cooperative", k_threads);
}

// ---- preemptive: thread i (priority k_base + i) suspends itself and is
// resumed by thread i - 1.
sched::Thread* g_tm_threads[k_threads];

void preempt_thread(void* arg) {
    auto id = reinterpret_cast<usize>(arg);
    for (;;) {
        if (id == 0) {
            u64 now = stamp();
            if (g_last)
                add(now - g_last);
            g_last = now;
            if (full())
                g_stop = true;
        } else {
            (void)sched::suspend(sched::current());
        }
        g_counter[id] = g_counter[id] + 1;
        if (id + 1 < k_threads)
            (void)sched::resume(g_tm_threads[id + 1]);  // the next one preempts us here
        if (g_stop)
            return;
    }
}

void tm_preemptive() {
    reset();
    g_stop = false;
    g_last = 0;
    sched::Thread** t = g_tm_threads;
    // The higher ones first: each runs until it suspends itself.
    for (usize i = k_threads; i-- > 0;)
        t[i] = spawn("tm-preempt", static_cast<u8>(k_base + i), preempt_thread, reinterpret_cast<void*>(i));
    for (usize i = 0; i < k_threads; ++i)
        join_thread(t[i]);
    report("tm.preemptive", k_threads);
}

// ---- interrupt and interrupt_preemption
sync::Semaphore g_isr_sem{0, 1};

irq::Completion on_sgi(irq::Event, void*) {
    (void)g_isr_sem.give();
    return irq::Completion::Done;
}

// The interrupt: the registered handler, run in interrupt context through
// irq::offload() (as Thread-Metric ports do with their RTOS's offload call),
// so the figure is the handler and the interrupt exit, without a GIC.
irq::Handler g_isr_handler;

void run_isr(void*) { (void)g_isr_handler({k_sgi, k_sgi}, nullptr); }

void trigger() { irq::offload(run_isr, nullptr); }

void tm_interrupt() {
    reset();
    while (!full()) {
        u64 a = stamp();
        trigger();
        if (!g_isr_sem.take(sync::k_no_wait).ok())
            fail("tm.interrupt: the handler did not give the semaphore");
        add(stamp() - a);
    }
    report("tm.interrupt");
}

void isr_waiter(void*) {
    for (;;) {
        (void)g_isr_sem.take();
        if (g_stop)
            return;
        g_counter[1] = g_counter[1] + 1;
    }
}

void isr_trigger(void*) {
    while (!full()) {
        u64 a = stamp();
        trigger();  // the waiter runs before trigger() returns
        add(stamp() - a);
    }
    g_stop = true;
    trigger();
}

void tm_interrupt_preemption() {
    reset();
    g_stop = false;
    auto* waiter = spawn("tm-isr-waiter", k_base + 1, isr_waiter);
    auto* trig = spawn("tm-isr-trigger", k_base, isr_trigger);
    join_thread(trig);
    join_thread(waiter);
    report("tm.interrupt_preemption");
}

// ---- message
u32 g_queue_buf[4 * 8];
sync::MessageQueue g_queue{16, 8, g_queue_buf};

void tm_message() {
    reset();
    u32 out[4] = {1, 2, 3, 4}, in[4];
    while (!full()) {
        u64 a = stamp();
        (void)g_queue.send(out, sync::k_no_wait);
        (void)g_queue.receive(in, sync::k_no_wait);
        add(stamp() - a);
        out[0] = in[0] + 1;
    }
    report("tm.message");
}

// ---- synchronization
sync::Semaphore g_sync_sem{1, 1};

void tm_synchronization() {
    reset();
    while (!full()) {
        u64 a = stamp();
        (void)g_sync_sem.take(sync::k_no_wait);
        (void)g_sync_sem.give();
        add(stamp() - a);
    }
    report("tm.synchronization");
}

// ---- memory_allocation
alignas(16) unsigned char g_pool_mem[mem::RawPool::bytes_for(16, 128, 16)];

void tm_memory_allocation() {
    auto pool = mem::RawPool::try_create(g_pool_mem, sizeof g_pool_mem, 128, 16);
    if (!pool.ok())
        fail("tm.memory_allocation: pool");
    reset();
    while (!full()) {
        u64 a = stamp();
        void* block;
        {
            irq::LocalGuard guard;
            auto r = pool.value().alloc();
            block = r.ok() ? r.value() : nullptr;
        }
        if (!block)
            fail("tm.memory_allocation: alloc");
        {
            irq::LocalGuard guard;
            (void)pool.value().free(block);
        }
        add(stamp() - a);
    }
    report("tm.memory_allocation");
}

}  // namespace

void run_tm() {
    g_isr_handler = on_sgi;
    tm_basic();
    tm_cooperative();
    tm_preemptive();
    tm_interrupt();
    tm_interrupt_preemption();
    tm_message();
    tm_synchronization();
    tm_memory_allocation();
}

}  // namespace rtbench
