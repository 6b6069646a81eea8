// The eight Thread-Metric tests, written here from their published
// descriptions (the Thread-Metric RTOS benchmark suite defines what each test
// does; this is our own implementation on the Tenon API). The original counts
// operations in a fixed interval; here each sample is the counter delta over
// a known number of operations (ops=K on the report line), so the figure is
// instructions per operation under -icount. One operation is:
//   basic                 one pass of the published workload over a
//                         1024-entry array of unsigned long (each entry
//                         becomes (entry + counter) ^ entry), then the
//                         counter increments; no kernel call (the CPU
//                         baseline)
//   cooperative           5 equal-priority threads in a ring; one thread
//                         increments its counter and yields
//   preemptive            5 threads of rising priority; each one resumes the
//                         next higher one and is preempted by it; the
//                         highest counts and suspends itself, and so back
//                         down: one thread's turn
//   interrupt             the thread causes an interrupt (trigger()), the
//                         handler gives a semaphore, the thread takes it
//                         (never blocks)
//   interrupt_preemption  a higher-priority thread is suspended; the lower
//                         one causes the interrupt, the handler resumes the
//                         higher one, which preempts on the way out of the
//                         handler, counts and suspends itself; then the
//                         lower one counts
//   message               send a 4-unsigned-long message (32 bytes on
//                         AArch64) to a queue and receive it back in the
//                         same thread
//   synchronization       take and give a semaphore (never blocks)
//   memory_allocation     allocate and free a 128-byte block of a 2048-byte
//                         kernel fixed-block pool (tn::sync::BlockPool)
// Every sample also includes one stamp (2 instructions) and, for the
// multi-thread tests, the bookkeeping of recording it, spread over K ops.
#include <tn/irq.hpp>
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

// ---- basic: the published workload.
volatile unsigned long g_basic_array[1024];
volatile unsigned long g_basic_counter;

[[gnu::noinline]] void basic_op() {
    unsigned long counter = g_basic_counter;
    for (usize i = 0; i < 1024; ++i)
        g_basic_array[i] = (g_basic_array[i] + counter) ^ g_basic_array[i];
    g_basic_counter = counter + 1;
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

// ---- interrupt and interrupt_preemption: the handler gives g_isr_sem, or,
// during interrupt_preemption, resumes g_isr_resume.
sync::Semaphore g_isr_sem{0, 1};
sched::Thread* volatile g_isr_resume;
volatile bool g_isr_failed;

irq::Completion on_sgi(irq::Event, void*) {
    if (sched::Thread* t = g_isr_resume) {
        if (!sched::resume(t).ok())
            g_isr_failed = true;
    } else {
        (void)g_isr_sem.give();
    }
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

// The higher thread: suspended until the handler resumes it.
void isr_resumed(void*) {
    for (;;) {
        (void)sched::suspend(g_isr_resume);
        if (g_stop)
            return;
        g_counter[1] = g_counter[1] + 1;
    }
}

void isr_trigger(void*) {
    while (!full()) {
        u64 a = stamp();
        u64 before = g_counter[1];
        trigger();  // the resumed thread runs before trigger() returns
        g_counter[0] = g_counter[0] + 1;
        add(stamp() - a);
        if (g_counter[1] != before + 1 || g_isr_failed)
            fail("tm.interrupt_preemption: the handler did not resume the higher thread");
    }
    g_stop = true;
    trigger();
}

void tm_interrupt_preemption() {
    reset();
    g_stop = false;
    // Runs first (above the trigger thread) and suspends itself.
    auto* resumed = spawn("tm-isr-resumed", k_base + 1, isr_resumed);
    g_isr_resume = resumed;
    auto* trig = spawn("tm-isr-trigger", k_base, isr_trigger);
    join_thread(trig);
    join_thread(resumed);
    g_isr_resume = nullptr;
    report("tm.interrupt_preemption");
}

// ---- message: 4 unsigned longs, as published.
constexpr usize k_msg_words = 4;
unsigned long g_queue_buf[k_msg_words * 16];
sync::MessageQueue g_queue{sizeof(unsigned long) * k_msg_words, 16, g_queue_buf};

void tm_message() {
    reset();
    unsigned long out[k_msg_words] = {1, 2, 3, 4}, in[k_msg_words];
    while (!full()) {
        u64 a = stamp();
        (void)g_queue.send(out, sync::k_no_wait);
        (void)g_queue.receive(in, sync::k_no_wait);
        add(stamp() - a);
        if (in[k_msg_words - 1] != out[k_msg_words - 1] || in[0] != out[0])
            fail("tm.message: the message came back changed");
        out[k_msg_words - 1] = in[k_msg_words - 1] + 1;
    }
    static_assert(sizeof out == 32, "the report line says 32 bytes");
    report("tm.message", 1, " msg_bytes=32");
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

// ---- memory_allocation: 128-byte blocks of a 2048-byte pool, as published.
alignas(16) unsigned char g_pool_mem[2048];
sync::BlockPool g_pool{g_pool_mem, 128, sizeof g_pool_mem / 128};

void tm_memory_allocation() {
    reset();
    while (!full()) {
        u64 a = stamp();
        auto r = g_pool.allocate(sync::k_no_wait);
        if (!r.ok())
            fail("tm.memory_allocation: allocate");
        (void)g_pool.free(r.value());
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
