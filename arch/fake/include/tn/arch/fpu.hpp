// Fake arch contract (host tests): no FP/SIMD context to switch (the host
// compiler's code keeps its own); the per-thread FpContext is empty, as on
// arm64 with ectx off. FpRegisters keeps arm64's shape for code that stores
// register images (vCPUs); tn_arch_fp_save()/restore() move such an image
// to and from a register file with one copy per host thread (fake::fp_registers()).
#pragma once

#include <tn/types.hpp>

namespace tn::arch {

struct alignas(16) FpRegisters {
    u64 v[64];
    u64 fpcr;
    u64 fpsr;
};

inline constexpr bool k_fp_context = false;
struct FpContext {};

inline void fp_switch(FpContext*, FpContext*) {}
inline void fp_adopt(FpContext*) {}
inline void fp_forget(FpContext*) {}

namespace fake {
/// The calling thread's FP/SIMD registers, as tn_arch_fp_save()/restore() see them.
FpRegisters& fp_registers();
}  // namespace fake

}  // namespace tn::arch

extern "C" {
void tn_arch_fp_save(tn::arch::FpRegisters* regs);
void tn_arch_fp_restore(const tn::arch::FpRegisters* regs);
}
