// PSCI calls (Arm DEN 0022) through the SMC Calling Convention.
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

/// How PSCI is reached: the device tree's /psci "method" property.
enum class PsciConduit { Hvc, Smc };

namespace psci_fn {
constexpr u32 version = 0x84000000;
constexpr u32 system_off = 0x84000008;
constexpr u32 system_reset = 0x84000009;
constexpr u64 cpu_on = 0xc4000003;
}  // namespace psci_fn

/// Issues one SMCCC call; returns x0. Callable with any IRQ state.
inline i64 psci_call(PsciConduit conduit, u64 fn, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0) {
    register u64 x0 asm("x0") = fn;
    register u64 x1 asm("x1") = a1;
    register u64 x2 asm("x2") = a2;
    register u64 x3 asm("x3") = a3;
    if (conduit == PsciConduit::Hvc)
        asm volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    else
        asm volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                       "x16", "x17", "memory");
    return static_cast<i64>(x0);
}

}  // namespace tn::arch
