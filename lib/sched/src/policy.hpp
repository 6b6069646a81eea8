// The decision of Algorithm 1 (the paper's scheduling flowchart), separated
// from the mechanism so every branch is unit-tested on the host.
//
// Inputs: why the scheduler runs, whether the running thread ("prev") is
// still ready, whether it may be preempted, and the priorities of prev and of
// the best ready thread. The running thread is not in the run queue.
#pragma once

namespace tn::sched {

enum class Cause : unsigned char {
    Blocked,  ///< prev blocked, slept or exited: it is not ready.
    Yield,    ///< prev yields (or its time slice ended): it is ready.
    Preempt,  ///< A thread was made ready or a priority changed ("rescheduling needed").
};

struct Decision {
    bool switch_to_top;  ///< Run the run queue's top thread (or idle when empty and prev is not ready).
    bool prev_to_front;  ///< Requeue prev ahead of its equals (preempted) instead of behind (yielded).
    bool keep_pending;   ///< Preemption is locked: remember it for unlock_preemption().
};

/// @p top_priority: -1 when no thread is ready. @p cooperative: threads are
/// never preempted, they only block or yield.
constexpr Decision decide(Cause cause, bool preempt_locked, bool cooperative, int prev_priority, int top_priority) {
    switch (cause) {
    case Cause::Blocked:
        // prev is not ready: the highest-priority ready thread, else idle.
        return {true, false, false};
    case Cause::Yield:
        // prev goes behind its equals; anyone of its priority or above runs.
        return {top_priority >= prev_priority, false, false};
    case Cause::Preempt:
        if (cooperative)
            return {false, false, false};
        if (preempt_locked)
            return {false, false, top_priority > prev_priority};
        return {top_priority > prev_priority, true, false};
    }
    return {false, false, false};
}

}  // namespace tn::sched
