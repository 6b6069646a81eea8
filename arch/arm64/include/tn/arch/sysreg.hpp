// Typed system-register access: one macro, because mrs/msr need the register
// name as a string literal. Fields are tn::Field types nested in the register:
//
//   TN_SYSREG(CurrentEl, "CurrentEL", u64, struct El : tn::Field<2, 2> {};)
//   if (CurrentEl::El::get(CurrentEl::read()) == 2) ...
#pragma once

#include <tn/register.hpp>
#include <tn/types.hpp>

#define TN_SYSREG(Name, asm_name, T, ...)                                  \
    struct Name {                                                          \
        using Access = T;                                                  \
        __VA_ARGS__                                                        \
        static T read() {                                                  \
            T v;                                                           \
            asm volatile("mrs %0, " asm_name : "=r"(v));                   \
            return v;                                                      \
        }                                                                  \
        static void write(T v) { asm volatile("msr " asm_name ", %0" ::"r"(v) : "memory"); } \
    }

namespace tn::arch {

TN_SYSREG(CurrentEl, "CurrentEL", u64, struct El : Field<2, 2>{};);
TN_SYSREG(MpidrEl1, "mpidr_el1", u64, struct Aff0 : Field<0, 8>{}; struct Aff1 : Field<8, 8>{};
          struct Aff2 : Field<16, 8>{}; struct Aff3 : Field<32, 8>{};);
TN_SYSREG(CntfrqEl0, "cntfrq_el0", u64);
TN_SYSREG(CntvctEl0, "cntvct_el0", u64);
TN_SYSREG(CntpctEl0, "cntpct_el0", u64);

/// Masks interrupts and waits forever. Never returns.
extern "C" [[noreturn]] void tn_arch_halt();

}  // namespace tn::arch
