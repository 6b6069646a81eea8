/// @file
/// @brief Schedulability of reservations on one CPU (header-only, integer arithmetic).
///
/// lib/sched's reservations (tn::sched::set_reservation()) are deferrable
/// servers under fixed priorities: each server i has a priority, a budget C_i
/// and a period T_i, and its deadline is the end of its period. This is the
/// response-time analysis for them: the worst-case response R_i of server i
/// is the least fixed point of
///
///     R_i = C_i + sum over j != i with priority_j >= priority_i of
///                 ceil((R_i + T_j - C_j) / T_j) * C_j
///
/// iterated from R_i = C_i until it repeats (schedulable when R_i <= T_i) or
/// exceeds T_i (not). The T_j - C_j term is the deferrable server's
/// back-to-back hit: a server that kept its budget to the end of one period
/// runs again at the start of the next, so in the worst case it interferes
/// like a periodic task with release jitter T_j - C_j. Servers of equal
/// priority count as interference both ways (their order is FIFO, not
/// known in advance).
///
/// Integer nanoseconds only, no floating point and no library: it builds at
/// EL2 without FP, in host tools and in constant expressions.
#pragma once

#include <tn/types.hpp>

/// Schedulability analysis of lib/sched's reservations.
namespace tn::sched::analysis {

/// Largest period the analysis takes (2^60 ns, about 36 years): keeps every
/// sum below 2^64.
inline constexpr u64 k_max_period_ns = u64{1} << 60;

/// One reserved thread on the CPU analysed.
struct Server {
    unsigned priority;  ///< Higher runs first (lib/sched's priorities).
    u64 budget_ns;      ///< C: budget per period.
    u64 period_ns;      ///< T: period, also the deadline.
};

/// The outcome for one server.
enum class Verdict : u8 {
    Schedulable,    ///< Its worst-case response is within its period.
    Unschedulable,  ///< Its worst-case response exceeds its period.
    Invalid,        ///< Budget 0, budget above period, or period above k_max_period_ns.
};

/// Verdict and worst-case response of one server.
struct ServerResult {
    Verdict verdict;  ///< See Verdict.
    /// Schedulable: the worst-case response (the fixed point). Unschedulable:
    /// the first iterate above the period. Invalid: 0.
    u64 response_ns;
};

/// Verdict over all servers.
struct Summary {
    bool schedulable;     ///< Every server is Schedulable.
    /// Sum of budget/period in parts per million, each term rounded up (so
    /// 1,000,000 or more is certainly overloaded).
    u64 utilisation_ppm;
};

/// True if @p s has a budget in 1..period and a period up to k_max_period_ns.
constexpr bool valid(const Server& s) {
    return s.budget_ns != 0 && s.budget_ns <= s.period_ns && s.period_ns <= k_max_period_ns;
}

/// ceil(a / b) for b > 0.
constexpr u64 ceil_div(u64 a, u64 b) { return a / b + (a % b != 0); }

/// ceil(1,000,000 * @p budget / @p period) for budget <= period <= 2^60,
/// digit by digit so that no product exceeds 64 bits.
constexpr u64 ppm(u64 budget, u64 period) {
    u64 q = budget / period;
    u64 rem = budget % period;
    for (int k = 0; k < 6; ++k) {
        rem *= 10;  // rem < period <= 2^60
        q = q * 10 + rem / period;
        rem %= period;
    }
    return q + (rem != 0);
}

/// Response-time analysis of server @p i of @p servers[0..count).
/// Servers that are invalid themselves make server @p i Invalid only if
/// they interfere with it (priority at or above its own).
/// @param servers the servers sharing the CPU.
/// @param count how many.
/// @param i the one analysed, below @p count.
constexpr ServerResult response_time(const Server* servers, usize count, usize i) {
    const Server& me = servers[i];
    if (!valid(me))
        return {Verdict::Invalid, 0};
    for (usize j = 0; j < count; ++j)
        if (j != i && servers[j].priority >= me.priority && !valid(servers[j]))
            return {Verdict::Invalid, 0};
    u64 r = me.budget_ns;
    for (;;) {
        u64 next = me.budget_ns;
        for (usize j = 0; j < count && next <= me.period_ns; ++j) {
            const Server& o = servers[j];
            if (j == i || o.priority < me.priority)
                continue;
            // r <= T_i <= 2^60 and T_j <= 2^60: the sum and the product
            // (at most r + T_j) stay below 2^62.
            next += ceil_div(r + o.period_ns - o.budget_ns, o.period_ns) * o.budget_ns;
        }
        if (next > me.period_ns)
            return {Verdict::Unschedulable, next};
        if (next == r)
            return {Verdict::Schedulable, r};
        // r grows strictly and is bounded by T_i, so the loop ends; each
        // round adds at least one more job of some j, so there are at most
        // sum over j of (T_i / T_j + 2) rounds.
        r = next;
    }
}

/// Analyses every server: @p out[i] gets server i's result (if @p out is not
/// null), and the summary says whether all are schedulable and the
/// utilisation (invalid servers count 0 in it).
/// @param servers the servers sharing the CPU.
/// @param count how many.
/// @param out @p count results, or null.
constexpr Summary analyse(const Server* servers, usize count, ServerResult* out = nullptr) {
    Summary sum{true, 0};
    for (usize i = 0; i < count; ++i) {
        ServerResult r = response_time(servers, count, i);
        if (out)
            out[i] = r;
        sum.schedulable = sum.schedulable && r.verdict == Verdict::Schedulable;
        if (valid(servers[i]))
            sum.utilisation_ppm += ppm(servers[i].budget_ns, servers[i].period_ns);
    }
    return sum;
}

}  // namespace tn::sched::analysis
