#include <mortise/inject.hpp>
#include <tn/arch/esr.hpp>
#include <tn/arch/sysreg.hpp>

namespace mortise::vcpu {

namespace {

namespace ec = tn::arch::esr::ec_code;

// PSTATE bits as SPSR_ELx holds them (Arm ARM, SPSR_EL1 / SPSR_EL2).
constexpr u64 k_mode_mask = 0xf;
constexpr u64 k_mode_el0t = 0x0;
constexpr u64 k_mode_el1t = 0x4;
constexpr u64 k_aarch32 = u64{1} << 4;  // M[4]: AArch32 (only EL0 can be: HCR_EL2.RW)
constexpr u64 k_ssbs = u64{1} << 12;
constexpr u64 k_pan = u64{1} << 22;
constexpr u64 k_dit = u64{1} << 24;

// ESR_ELx fields of an abort (Arm ARM, ESR_EL1 / ESR_EL2): EC, IL, WnR, FSC.
constexpr unsigned k_ec_shift = 26;
constexpr u64 k_il = u64{1} << 25;
constexpr u64 k_wnr = u64{1} << 6;

// Exception entry to EL1 from where @p r left the guest, with @p esr as the
// syndrome: the vector for where the guest was, EL1h with DAIF masked, UAO and
// the rest cleared, DIT kept, PAN set unless SCTLR_EL1.SPAN says keep it, SSBS
// from SCTLR_EL1.DSSBS.
Injection enter_el1(const GuestRegs& r, const El1Entry& el1, EntryFeatures cpu, u64 esr, u64 far) {
    using tn::arch::SctlrEl1;
    const u64 mode = r.pstate & k_mode_mask;
    u64 offset = (r.pstate & k_aarch32) ? k_vector_lower_a32
                 : mode == k_mode_el0t ? k_vector_lower_a64
                 : mode == k_mode_el1t ? k_vector_current_sp0
                                       : k_vector_current_spx;
    u64 pstate = k_pstate_el1h_masked | (r.pstate & k_dit);
    if (cpu.pan)
        pstate |= SctlrEl1::Span::get(el1.sctlr) ? (r.pstate & k_pan) : k_pan;
    if (cpu.ssbs && SctlrEl1::Dssbs::get(el1.sctlr))
        pstate |= k_ssbs;
    return Injection{esr, far, r.pc, r.pstate, el1.vbar + offset, pstate};
}

}  // namespace

Injection external_abort(const GuestRegs& r, const El1Entry& el1, EntryFeatures cpu) {
    const bool from_el0 = (r.pstate & k_mode_mask) == k_mode_el0t;  // also AArch32 User (M 0b10000)
    const bool data = tn::arch::esr::ec(r.esr) == ec::data_abort_lower;

    u32 cls;
    if (data)
        cls = from_el0 ? ec::data_abort_lower : ec::data_abort_same;
    else
        cls = from_el0 ? ec::inst_abort_lower : ec::inst_abort_same;
    u64 esr = (u64{cls} << k_ec_shift) | (r.esr & k_il) | k_fsc_external_abort;
    if (data)
        esr |= r.esr & k_wnr;
    return enter_el1(r, el1, cpu, esr, r.far);
}

Injection undefined_instruction(const GuestRegs& r, const El1Entry& el1, EntryFeatures cpu) {
    // EC 0 (unknown reason), IL as the trapped instruction's (clear for a
    // 16-bit T32 one). FAR_EL1 is UNKNOWN for this class; it gets 0.
    return enter_el1(r, el1, cpu, (u64{ec::unknown} << k_ec_shift) | (r.esr & k_il), 0);
}

}  // namespace mortise::vcpu
