#include <tn/arch/debug.hpp>
#include <tn/arch/barrier.hpp>
#include <tn/arch/sysreg.hpp>

namespace tn::arch {

namespace {

// ID_AA64DFR0_EL1.BRPs and WRPs hold the number of breakpoints and
// watchpoints minus one (at least 2 of each, at most 16).
template <typename F>
unsigned count(u64 dfr0) {
    return static_cast<unsigned>(F::get(dfr0)) + 1;
}

// The registers are named by number: one instruction per index.
#define TN_DEBUG_PAIR(kind, n) \
    case n:                    \
        asm volatile("msr dbg" kind "cr" #n "_el1, xzr\n\tmsr dbg" kind "vr" #n "_el1, xzr"); \
        break;
#define TN_DEBUG_PAIRS(kind)                                                                                  \
    TN_DEBUG_PAIR(kind, 0) TN_DEBUG_PAIR(kind, 1) TN_DEBUG_PAIR(kind, 2) TN_DEBUG_PAIR(kind, 3)               \
    TN_DEBUG_PAIR(kind, 4) TN_DEBUG_PAIR(kind, 5) TN_DEBUG_PAIR(kind, 6) TN_DEBUG_PAIR(kind, 7)               \
    TN_DEBUG_PAIR(kind, 8) TN_DEBUG_PAIR(kind, 9) TN_DEBUG_PAIR(kind, 10) TN_DEBUG_PAIR(kind, 11)             \
    TN_DEBUG_PAIR(kind, 12) TN_DEBUG_PAIR(kind, 13) TN_DEBUG_PAIR(kind, 14) TN_DEBUG_PAIR(kind, 15)

void clear_breakpoint(unsigned n) {
    switch (n) { TN_DEBUG_PAIRS("b") }
}

void clear_watchpoint(unsigned n) {
    switch (n) { TN_DEBUG_PAIRS("w") }
}

}  // namespace

void clear_breakpoints_and_watchpoints() {
    u64 dfr0 = IdAa64dfr0El1::read();
    for (unsigned n = 0; n < count<IdAa64dfr0El1::Brps>(dfr0); ++n)
        clear_breakpoint(n);
    for (unsigned n = 0; n < count<IdAa64dfr0El1::Wrps>(dfr0); ++n)
        clear_watchpoint(n);
    instruction_sync();
}

}  // namespace tn::arch
