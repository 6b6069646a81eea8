// threads-demo: a tour of Tenon's thread API in one small application.
//
// Four things run side by side on one CPU for three seconds:
//
//   sampler   (priority 28)  a periodic task: wakes every 5 ms with
//                            sleep_until() on a fixed grid and records how
//                            late each wake-up was (its jitter);
//   producer  (priority 12)  makes a "reading" every 10 ms and sends it
//                            through a message queue;
//   consumer  (priority 11)  receives the readings and keeps a running sum;
//   reporter  (priority  4)  a low-priority thread that holds a mutex for a
//                            while to publish a report, and
//   alarm     (priority 24)  a high-priority thread that needs the same mutex
//                            every 100 ms: while it waits, the reporter
//                            inherits its priority (priority inheritance),
//                            so nothing of medium priority can delay it.
//
// main() (priority 16) starts them, prints a line every second, stops them
// and prints a summary. Every call that can fail returns a Result; the demo
// checks each one, because a real-time program that ignores an error is
// usually one that misses a deadline later.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/sched.hpp>
#include <tn/sync.hpp>

using namespace tn;

namespace {

// ---- Small helpers -------------------------------------------------------

constexpr u64 k_ms = 1'000'000;  // nanoseconds per millisecond
constexpr u64 k_run_time = 3'000 * k_ms;

int g_errors;

// Reports a failed call. Kernel errors are values (sched::Error), never
// exceptions; error_name() turns one into text.
template <class R>
bool ok(const R& r, const char* what) {
    if (r.ok())
        return true;
    tn_printf("demo: %s failed: %s\n", what, sched::error_name(r.error()));
    ++g_errors;
    return false;
}

// Set by main() when the demo time is over; every loop checks it.
volatile bool g_stop;

// Keeps the CPU busy for @p ns: stands in for real computation.
void compute_for(u64 ns) {
    u64 until = clock::now_ns() + ns;
    while (clock::now_ns() < until) {
    }
}

// ---- 1. Producer and consumer over a message queue ----------------------
//
// A MessageQueue copies fixed-size messages into storage the application
// provides: no allocation, so it can be a static object. send() waits while
// the queue is full, receive() while it is empty; both take a timeout.

struct Reading {
    u32 seq;
    u32 value;
    u64 made_at_ns;
};

constexpr u32 k_queue_depth = 8;
Reading g_queue_storage[k_queue_depth];
sync::MessageQueue g_queue(sizeof(Reading), k_queue_depth, g_queue_storage);

u32 g_produced, g_consumed, g_sum_produced, g_sum_consumed;
u64 g_worst_transit_ns;

void producer(void*) {
    u64 next = clock::now_ns();
    for (u32 seq = 0; !g_stop; ++seq) {
        Reading r{seq, (seq * 37u) % 101u, clock::now_ns()};
        if (!ok(g_queue.send(&r, 50 * k_ms), "send"))
            break;
        ++g_produced;
        g_sum_produced += r.value;
        next += 10 * k_ms;
        (void)sched::sleep_until(next);
    }
}

void consumer(void*) {
    for (;;) {
        Reading r;
        // A timeout lets the consumer notice the end of the demo even when
        // no more readings come: Timeout is an expected result here.
        auto got = g_queue.receive(&r, 20 * k_ms);
        if (!got.ok()) {
            if (got.error() == sched::Error::Timeout && g_stop)
                return;
            if (got.error() != sched::Error::Timeout)
                ok(got, "receive");
            continue;
        }
        u64 transit = clock::now_ns() - r.made_at_ns;
        if (transit > g_worst_transit_ns)
            g_worst_transit_ns = transit;
        g_sum_consumed += r.value;
        if (r.seq != g_consumed) {
            tn_printf("demo: reading %u arrived out of order (expected %u)\n", r.seq, g_consumed);
            ++g_errors;
        }
        ++g_consumed;
    }
}

// ---- 2. A periodic high-priority task -------------------------------------
//
// sleep_until() on deadlines of a fixed grid (start + n * period) keeps the
// period exact: the time the task itself takes, or a late wake-up, does not
// shift later periods, as sleep_ns(period) would ("drift").

constexpr u64 k_period = 5 * k_ms;
u32 g_periods;
u64 g_jitter_max_ns, g_jitter_sum_ns;

void sampler(void*) {
    u64 deadline = clock::now_ns();
    while (!g_stop) {
        deadline += k_period;
        (void)sched::sleep_until(deadline);
        u64 late = clock::now_ns() - deadline;  // never negative: sleeps never end early
        if (late > g_jitter_max_ns)
            g_jitter_max_ns = late;
        g_jitter_sum_ns += late;
        ++g_periods;
        compute_for(50'000);  // the periodic work itself: 50 us
    }
}

// ---- 3. A mutex shared across priorities ---------------------------------
//
// The reporter (low) holds the mutex for 3 ms at a time. When the alarm
// (high) asks for it, the kernel lends the reporter the alarm's priority
// until it unlocks, so the medium-priority threads (producer, consumer,
// main) cannot preempt it: the alarm waits for at most one critical section.
// Without inheritance (LIBSYNC_MUTEX_PI=n) it could wait as long as the
// medium threads keep running: an unbounded priority inversion.

sync::Mutex g_report_lock;
u32 g_reports, g_boosted_reports, g_boosted_to;
u32 g_alarms;
u64 g_alarm_wait_max_ns;

void reporter(void*) {
    sched::Thread* self = sched::current();
    while (!g_stop) {
        if (!ok(g_report_lock.lock(), "reporter lock"))
            return;
        compute_for(3 * k_ms);  // "formatting the report" with the lock held
        // Still holding the lock: if the alarm is waiting, we run at its
        // priority right now. effective_priority() shows it.
        u8 now = sched::effective_priority(self);
        if (now > sched::priority(self)) {
            ++g_boosted_reports;
            g_boosted_to = now;
        }
        ++g_reports;
        ok(g_report_lock.unlock(), "reporter unlock");  // back to priority 4 here
        (void)sched::sleep_ns(1 * k_ms);
    }
}

void alarm(void*) {
    u64 next = clock::now_ns();
    while (!g_stop) {
        next += 100 * k_ms;
        (void)sched::sleep_until(next);
        u64 asked = clock::now_ns();
        // A bounded wait: if the mutex is not ours within 20 ms, something
        // is badly wrong, and a real system would raise a fault here.
        if (!ok(g_report_lock.lock(20 * k_ms), "alarm lock"))
            continue;
        u64 waited = clock::now_ns() - asked;
        if (waited > g_alarm_wait_max_ns)
            g_alarm_wait_max_ns = waited;
        ++g_alarms;
        ok(g_report_lock.unlock(), "alarm unlock");
    }
}

// ---- main: start, watch, stop, summarise ----------------------------------

struct Task {
    const char* name;
    u8 priority;
    sched::Entry entry;
    sched::Thread* thread;
};

Task g_tasks[] = {
    {"sampler", 28, sampler, nullptr},   {"alarm", 24, alarm, nullptr},     {"producer", 12, producer, nullptr},
    {"consumer", 11, consumer, nullptr}, {"reporter", 4, reporter, nullptr},
};

}  // namespace

int main() {
    tn_printf("demo: %u threads, %lu s\n", static_cast<unsigned>(sizeof g_tasks / sizeof g_tasks[0]),
              k_run_time / 1'000 / k_ms);

    // create() makes a thread ready at once; a thread of higher priority than
    // main (16) starts running before create() returns.
    for (Task& t : g_tasks) {
        auto r = sched::create({t.name, t.priority, 0, 0}, t.entry, nullptr);
        if (!ok(r, t.name))
            return 1;
        t.thread = r.value();
    }

    // main sleeps, so the lower-priority threads get the CPU meanwhile.
    u64 start = clock::now_ns();
    for (u64 second = 1; second * 1'000 * k_ms <= k_run_time; ++second) {
        (void)sched::sleep_until(start + second * 1'000 * k_ms);
        tn_printf("demo: t=%lus  readings %u/%u  periods %u (max jitter %lu us)  reports %u  alarms %u\n", second,
                  g_consumed, g_produced, g_periods, g_jitter_max_ns / 1000, g_reports, g_alarms);
    }

    // Stop: every loop sees g_stop within its next period (the consumer
    // within its 20 ms receive timeout), so 100 ms later all have ended.
    g_stop = true;
    (void)sched::sleep_ns(100 * k_ms);

    // What the scheduler keeps about each thread: how often it was switched
    // in and how long it ran. An ended thread keeps its record until join().
    tn_printf("demo: summary\n");
    for (Task& t : g_tasks) {
        sched::ThreadStats st = sched::stats(t.thread);
        tn_printf("demo:   %-8s priority %2u  switched in %5lu times, ran %4lu ms\n", t.name, t.priority,
                  st.switches_in, st.run_ns / k_ms);
    }

    // join() waits for a thread to end (here: it has) and returns its stack
    // to the kernel.
    for (Task& t : g_tasks)
        ok(sched::join(t.thread, 100 * k_ms), "join");

    tn_printf("demo:   message queue: %u readings produced, %u consumed, sums %s, worst transit %lu us\n", g_produced,
              g_consumed, g_sum_produced == g_sum_consumed ? "match" : "DIFFER", g_worst_transit_ns / 1000);
    tn_printf("demo:   periodic task: %u periods of %lu ms, jitter max %lu us, mean %lu us\n", g_periods,
              k_period / k_ms, g_jitter_max_ns / 1000, g_periods ? g_jitter_sum_ns / g_periods / 1000 : 0);
    tn_printf("demo:   shared mutex: %u reports, %u of them finished at inherited priority %u; "
              "alarm waited at most %lu us\n",
              g_reports, g_boosted_reports, g_boosted_to, g_alarm_wait_max_ns / 1000);
    bool consistent = g_produced == g_consumed && g_sum_produced == g_sum_consumed && g_periods > 0 && g_alarms > 0;
    if (!consistent || g_errors) {
        tn_printf("demo: %d errors, results %s\n", g_errors, consistent ? "consistent" : "INCONSISTENT");
        return 1;
    }
    tn_printf("demo: done\n");
    return 0;
}
