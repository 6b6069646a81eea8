// The register frame the exception vectors save on the stack. Layout is shared
// with src/vectors.S (offsets checked by static_assert below).
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

struct Frame {
    u64 x[31];  // x0..x30 (x30 = lr)
    u64 sp;     // stack pointer at the time of the exception
    u64 elr;    // ELR_EL1: address of the faulting / interrupted instruction
    u64 spsr;   // SPSR_EL1
    u64 esr;    // ESR_EL1 (syndrome; 0 for interrupts)
    u64 far;    // FAR_EL1 (fault address; valid only for some exceptions)
};

static_assert(sizeof(Frame) == 36 * 8);
static_assert(offsetof(Frame, elr) == 256);
static_assert(offsetof(Frame, esr) == 272);

}  // namespace tn::arch
