// How TN_SYSREG (tn/arch/sysreg.hpp) reaches a system register: mrs and msr,
// which need the register's name as a string literal.
//
// Arch contract (arch/fake implements the same macro for host tests):
//   TN_SYSREG_ACCESSORS(Name, asm_name, T) expands, inside struct Name, to
//   static T read() and static void write(T). Both act on the calling CPU's
//   register; the context each register may be used from is the
//   architecture's (an EL2 register at EL2 only). write() is a compiler
//   barrier ("memory"); neither implies an ISB: the caller adds
//   tn::arch::instruction_sync() (tn/arch/barrier.hpp) where the
//   architecture requires context synchronization.
#pragma once

#define TN_SYSREG_ACCESSORS(Name, asm_name, T)                                               \
    static T read() {                                                                        \
        T v;                                                                                 \
        asm volatile("mrs %0, " asm_name : "=r"(v));                                         \
        return v;                                                                            \
    }                                                                                        \
    static void write(T v) { asm volatile("msr " asm_name ", %0" ::"r"(v) : "memory"); }
