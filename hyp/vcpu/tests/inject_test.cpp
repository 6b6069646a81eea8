// Host tests of the injected synchronous external abort: the exception class
// for where the guest was, the vector it resumes at, and what is kept from
// the exit (Arm ARM chapter D1, exception entry; ESR_ELx).
#include <gtest/gtest.h>

#include <mortise/inject.hpp>

using namespace mortise::vcpu;

namespace {

constexpr u64 k_vbar = 0xffff'8000'1001'0800;

// A stage-2 data abort as ESR_EL2 reports it: EC 0x24, IL, ISV with a
// syndrome, WnR as given, DFSC translation fault level 2.
GuestRegs data_abort(u64 pstate, bool write) {
    GuestRegs r{};
    r.esr = (u64{0x24} << 26) | (u64{1} << 25) | (u64{1} << 24) | (write ? u64{1} << 6 : 0) | 0x06;
    r.far = 0xffff'a000'1234'5678;
    r.pc = 0x0000'aaaa'0000'1000;
    r.pstate = pstate;
    return r;
}

TEST(Inject, DataAbortFromEl0GoesToTheLowerElVector) {
    GuestRegs r = data_abort(0x0 /* EL0t */, false);
    Injection in = external_abort(r, {k_vbar, 0}, {});
    EXPECT_EQ(in.pc, k_vbar + 0x400);
    EXPECT_EQ(in.esr_el1 >> 26, 0x24u);              // data abort from a lower EL
    EXPECT_EQ(in.esr_el1 & 0x3f, 0x10u);             // synchronous external abort
    EXPECT_NE(in.esr_el1 & (u64{1} << 25), 0u);      // IL kept
    EXPECT_EQ(in.esr_el1 & (u64{1} << 24), 0u);      // no instruction syndrome
    EXPECT_EQ(in.esr_el1 & (u64{1} << 6), 0u);       // a read
    EXPECT_EQ(in.far_el1, r.far);
    EXPECT_EQ(in.elr_el1, r.pc);
    EXPECT_EQ(in.spsr_el1, r.pstate);
    EXPECT_EQ(in.pstate, 0x3c5u);                    // EL1h, DAIF masked
}

TEST(Inject, DataAbortFromEl1hGoesToTheCurrentElSpxVector) {
    GuestRegs r = data_abort(0x5 /* EL1h */ | 0x80 /* I */, true);
    Injection in = external_abort(r, {k_vbar, 0}, {});
    EXPECT_EQ(in.pc, k_vbar + 0x200);
    EXPECT_EQ(in.esr_el1 >> 26, 0x25u);              // data abort, same EL
    EXPECT_NE(in.esr_el1 & (u64{1} << 6), 0u);       // WnR kept
    EXPECT_EQ(in.spsr_el1, 0x85u);
}

TEST(Inject, FromEl1tGoesToTheCurrentElSp0Vector) {
    Injection in = external_abort(data_abort(0x4, false), {k_vbar, 0}, {});
    EXPECT_EQ(in.pc, k_vbar + 0x000);
    EXPECT_EQ(in.esr_el1 >> 26, 0x25u);
}

TEST(Inject, InstructionAbortKeepsItsClassAndHasNoWnR) {
    GuestRegs r = data_abort(0x0, true);
    r.esr = (u64{0x20} << 26) | (u64{1} << 25) | (u64{1} << 6) | 0x07;  // bit 6 is RES0 in an IFSC ISS
    Injection in = external_abort(r, {k_vbar, 0}, {});
    EXPECT_EQ(in.esr_el1, (u64{0x20} << 26) | (u64{1} << 25) | 0x10);
    r.pstate = 0x5;
    EXPECT_EQ(external_abort(r, {k_vbar, 0}, {}).esr_el1 >> 26, 0x21u);
}

TEST(Inject, PanIsSetOnEntryUnlessSpanAndOnlyWhenImplemented) {
    constexpr u64 pan = u64{1} << 22, span = u64{1} << 23;
    GuestRegs r = data_abort(0x0, false);
    EXPECT_EQ(external_abort(r, {k_vbar, 0}, {}).pstate & pan, 0u);               // no FEAT_PAN
    EXPECT_NE(external_abort(r, {k_vbar, 0}, {.pan = true}).pstate & pan, 0u);   // SPAN 0: set
    EXPECT_EQ(external_abort(r, {k_vbar, span}, {.pan = true}).pstate & pan, 0u);  // SPAN 1: kept (clear)
    r.pstate |= pan;
    EXPECT_NE(external_abort(r, {k_vbar, span}, {.pan = true}).pstate & pan, 0u);  // SPAN 1: kept (set)
}

TEST(Inject, SsbsFollowsDssbsAndDitIsKept) {
    constexpr u64 ssbs = u64{1} << 12, dit = u64{1} << 24, dssbs = u64{1} << 44;
    GuestRegs r = data_abort(0x0 | ssbs | dit, false);
    Injection in = external_abort(r, {k_vbar, 0}, {.ssbs = true});
    EXPECT_EQ(in.pstate & ssbs, 0u);
    EXPECT_NE(in.pstate & dit, 0u);
    EXPECT_NE(external_abort(r, {k_vbar, dssbs}, {.ssbs = true}).pstate & ssbs, 0u);
    EXPECT_EQ(external_abort(r, {k_vbar, dssbs}, {}).pstate & ssbs, 0u);
}

// A trapped MSR from EL0 or EL1 becomes an undefined instruction at the
// vector for where the guest was, returning to the instruction itself.
TEST(Inject, UndefinedInstructionReportsAnUnknownReasonAtTheInstruction) {
    GuestRegs r{};
    r.esr = (u64{0x18} << 26) | (u64{1} << 25) | (u64{3} << 20) | (u64{15} << 10);  // MSR S3_x_C15_...
    r.pc = 0xffff'8000'1000'2000;
    r.far = 0x1234;
    r.pstate = 0x5;  // EL1h
    Injection in = undefined_instruction(r, {k_vbar, 0}, {});
    EXPECT_EQ(in.esr_el1, u64{1} << 25);  // EC 0, IL, no ISS
    EXPECT_EQ(in.far_el1, 0u);
    EXPECT_EQ(in.elr_el1, r.pc);
    EXPECT_EQ(in.spsr_el1, 0x5u);
    EXPECT_EQ(in.pc, k_vbar + 0x200);
    EXPECT_EQ(in.pstate, 0x3c5u);
    r.pstate = 0x0;  // EL0t
    EXPECT_EQ(undefined_instruction(r, {k_vbar, 0}, {}).pc, k_vbar + 0x400);
}

// A 32-bit process of a Linux guest (AArch32 User, M = 0b10000) goes to the
// lower-EL AArch32 vector, keeping a 16-bit T32 instruction's IL clear.
TEST(Inject, FromAarch32UserGoesToTheAarch32Vector) {
    GuestRegs r{};
    r.esr = u64{0x03} << 26;  // MCR/MRC (coproc 0b1111) trap, IL clear: T16
    r.pc = 0x1'0400;
    r.pstate = 0x30;  // User, T
    Injection in = undefined_instruction(r, {k_vbar, 0}, {});
    EXPECT_EQ(in.pc, k_vbar + 0x600);
    EXPECT_EQ(in.esr_el1, 0u);
    EXPECT_EQ(in.spsr_el1, 0x30u);
    EXPECT_EQ(in.pstate, 0x3c5u);
    GuestRegs a = data_abort(0x10 /* User, ARM */, true);
    Injection ab = external_abort(a, {k_vbar, 0}, {});
    EXPECT_EQ(ab.pc, k_vbar + 0x600);
    EXPECT_EQ(ab.esr_el1 >> 26, 0x24u);  // data abort from a lower EL
}

}  // namespace
