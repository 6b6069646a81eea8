/// @file
/// @brief Admission of one more mode-2 vCPU to a shared CPU at run time (an on-demand instance).
///
/// The rules are the description's for mode-2 guests on one CPU (docs/mortise.md,
/// "Reservations"): the reserved vCPUs are deferrable servers that must pass
/// tn/sched_analysis.hpp's response-time analysis, and no unreserved vCPU may sit at or above a
/// reserved one's priority (nothing bounds how long it runs). Mortise checks a new instance's
/// vCPU against the vCPUs its CPU has now (the description's mode-2 guests and the live
/// instances) and refuses it, leaving everything as it was, when the CPU would break a rule.
/// Header-only, integer arithmetic: it builds at EL2 and in host tests.
#pragma once

#include <tn/sched_analysis.hpp>
#include <tn/types.hpp>

namespace mortise::partition {

/// A mode-2 vCPU on one CPU as the admission check sees it.
struct Mode2Vcpu {
    unsigned priority;  ///< lib/sched priority, 1-31.
    tn::u32 budget_us;  ///< Reservation budget per period; 0: no reservation.
    tn::u32 period_us;  ///< Reservation period; 0 without a reservation.
};

/// Why admit_mode2() refuses, or that it does not.
enum class Admit : tn::u8 {
    Ok,             ///< The CPU keeps every rule with the new vCPU.
    UnreservedAbove,  ///< The new vCPU has no reservation and a priority at or above reserved vCPU `other`'s.
    BelowUnreserved,  ///< The new vCPU is reserved and unreserved vCPU `other` is at or above its priority.
    Unschedulable,  ///< With the new vCPU, reserved vCPU `other` (the count: the new one) can miss its period.
};

/// The outcome of admit_mode2().
struct Admission {
    Admit verdict;             ///< See Admit.
    unsigned other;            ///< The vCPU of the refusal (an index of the CPU's; their count: the new one).
    tn::u64 response_us;       ///< Unschedulable: that vCPU's worst-case response (rounded up), beyond its period.
    tn::u64 utilisation_ppm;   ///< Reserved share of the CPU with the new vCPU, in parts per million.
};

/// Can @p add join the CPU that runs @p on_cpu[0..count)? The description's rules over all of them.
/// @param on_cpu the mode-2 vCPUs the CPU has now (they keep the rules among themselves).
/// @param count how many, at most 64.
/// @param add the new vCPU (a reservation already within lib/sched's limits, or none).
constexpr Admission admit_mode2(const Mode2Vcpu* on_cpu, unsigned count, const Mode2Vcpu& add) {
    namespace sa = tn::sched::analysis;
    for (unsigned i = 0; i < count; ++i) {
        const Mode2Vcpu& o = on_cpu[i];
        if (add.budget_us == 0 && o.budget_us != 0 && add.priority >= o.priority)
            return {Admit::UnreservedAbove, i, 0, 0};
        if (add.budget_us != 0 && o.budget_us == 0 && o.priority >= add.priority)
            return {Admit::BelowUnreserved, i, 0, 0};
    }
    if (add.budget_us == 0)
        return {Admit::Ok, count, 0, 0};  // below every reserved one: it interferes with none of them
    sa::Server servers[65] = {};
    unsigned who[65] = {};
    unsigned n = 0;
    for (unsigned i = 0; i < count && i < 64; ++i)
        if (on_cpu[i].budget_us != 0) {
            servers[n] = {on_cpu[i].priority, tn::u64{on_cpu[i].budget_us} * 1000, tn::u64{on_cpu[i].period_us} * 1000};
            who[n++] = i;
        }
    servers[n] = {add.priority, tn::u64{add.budget_us} * 1000, tn::u64{add.period_us} * 1000};
    who[n++] = count;
    sa::ServerResult results[65] = {};
    const sa::Summary sum = sa::analyse(servers, n, results);
    // The new vCPU first: it is the one refused; then the first one it would make miss.
    for (unsigned k = 0; k < n; ++k) {
        const unsigned at = k == 0 ? n - 1 : k - 1;
        if (results[at].verdict != sa::Verdict::Schedulable)
            return {Admit::Unschedulable, who[at], sa::ceil_div(results[at].response_ns, 1000), sum.utilisation_ppm};
    }
    return {Admit::Ok, count, 0, sum.utilisation_ppm};
}

}  // namespace mortise::partition
