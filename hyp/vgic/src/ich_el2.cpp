// ICH_*_EL2 accessors (IHI 0069H.b §12.4). Target-only: the host tests never
// build this file (hyp/core/tests/cpu_env.cpp keeps the registers in memory);
// the world-switch glue that uses them is the portable ich_switch.cpp.
#include <mortise/ich_el2.hpp>
#include <tn/arch/sysreg.hpp>

namespace mortise::ich {

namespace {

// By encoding, so that any assembler accepts them (§12.4: op0 3, op1 4, CRn 12).
TN_SYSREG(IchHcrEl2, "S3_4_C12_C11_0", u64);
TN_SYSREG(IchVtrEl2, "S3_4_C12_C11_1", u64);
TN_SYSREG(IchMisrEl2, "S3_4_C12_C11_2", u64);
TN_SYSREG(IchEisrEl2, "S3_4_C12_C11_3", u64);
TN_SYSREG(IchElrsrEl2, "S3_4_C12_C11_5", u64);
TN_SYSREG(IchVmcrEl2, "S3_4_C12_C11_7", u64);

// ICH_LR<n>_EL2: CRm 12 for n = 0-7, CRm 13 for n = 8-15, op2 = n % 8. The
// register number is part of the instruction, hence the switch.
#define MORTISE_LR(n, crm, op2) "S3_4_C12_C" #crm "_" #op2
#define MORTISE_LR_CASES(X)                                                                                 \
    X(0, 12, 0) X(1, 12, 1) X(2, 12, 2) X(3, 12, 3) X(4, 12, 4) X(5, 12, 5) X(6, 12, 6) X(7, 12, 7) X(8, 13, 0) \
        X(9, 13, 1) X(10, 13, 2) X(11, 13, 3) X(12, 13, 4) X(13, 13, 5) X(14, 13, 6) X(15, 13, 7)

}  // namespace

u64 read_lr(unsigned n) {
    u64 v = 0;
    switch (n) {
#define X(i, crm, op2) \
    case i: asm volatile("mrs %0, " MORTISE_LR(i, crm, op2) : "=r"(v)); break;
        MORTISE_LR_CASES(X)
#undef X
    default: break;
    }
    return v;
}

void write_lr(unsigned n, u64 value) {
    switch (n) {
#define X(i, crm, op2) \
    case i: asm volatile("msr " MORTISE_LR(i, crm, op2) ", %0" ::"r"(value)); break;
        MORTISE_LR_CASES(X)
#undef X
    default: break;
    }
}

u64 read_vtr() { return IchVtrEl2::read(); }
unsigned lr_count() { return static_cast<unsigned>(Vtr::ListRegs::get(read_vtr())) + 1; }
u64 read_hcr() { return IchHcrEl2::read(); }
void write_hcr(u64 value) { IchHcrEl2::write(value); }
u64 read_vmcr() { return IchVmcrEl2::read(); }
void write_vmcr(u64 value) { IchVmcrEl2::write(value); }
u32 read_misr() { return static_cast<u32>(IchMisrEl2::read()); }
u32 read_eisr() { return static_cast<u32>(IchEisrEl2::read()); }
u32 read_elrsr() { return static_cast<u32>(IchElrsrEl2::read()); }

}  // namespace mortise::ich
