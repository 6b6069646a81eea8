// GICv3 virtualisation-control register layouts (IHI 0069H.b §12.4, "The
// GIC virtual interface control registers"), defined once for the portable
// vGIC and the target-only accessors in ich_el2.hpp. No hardware access here.
#pragma once

#include <tn/register.hpp>
#include <tn/types.hpp>

namespace mortise::ich {

using tn::Field;
using tn::u32;
using tn::u64;
using tn::u8;

/// ICH_LR<n>_EL2 (§12.4.6): one list register.
struct LrReg {
    struct Vintid : Field<0, 32> {};
    struct Pintid : Field<32, 13> {};  // HW == 1: physical INTID deactivated with the virtual one
    struct Eoi : Field<41, 1> {};      // HW == 0: maintenance interrupt on deactivation
    struct Priority : Field<48, 8> {};
    struct Group : Field<60, 1> {};
    struct Hw : Field<61, 1> {};
    struct State : Field<62, 2> {};
};

enum class LrState : u8 { Invalid = 0, Pending = 1, Active = 2, PendingActive = 3 };

/// Decoded list register. encode()/decode() are the only code that knows the
/// bit layout; decode(encode(x)) == x for every well-formed x.
struct Lr {
    u32 vintid = 0;
    u32 pintid = 0;  // meaningful when hw
    u8 priority = 0;
    bool group1 = true;
    bool hw = false;
    bool eoi = false;  // only when !hw
    LrState state = LrState::Invalid;

    constexpr bool pending() const { return state == LrState::Pending || state == LrState::PendingActive; }
    constexpr bool active() const { return state == LrState::Active || state == LrState::PendingActive; }

    constexpr u64 encode() const {
        u64 v = LrReg::Vintid::bits(vintid) | LrReg::Priority::bits(priority) | LrReg::Group::bits(group1) |
                LrReg::Hw::bits(hw) | LrReg::State::bits(static_cast<u64>(state));
        return hw ? v | LrReg::Pintid::bits(pintid) : v | LrReg::Eoi::bits(eoi);
    }
    static constexpr Lr decode(u64 v) {
        Lr lr;
        lr.vintid = static_cast<u32>(LrReg::Vintid::get(v));
        lr.priority = static_cast<u8>(LrReg::Priority::get(v));
        lr.group1 = LrReg::Group::get(v);
        lr.hw = LrReg::Hw::get(v);
        lr.pintid = lr.hw ? static_cast<u32>(LrReg::Pintid::get(v)) : 0;
        lr.eoi = !lr.hw && LrReg::Eoi::get(v);
        lr.state = static_cast<LrState>(LrReg::State::get(v));
        return lr;
    }
    constexpr bool operator==(const Lr&) const = default;
};

/// ICH_HCR_EL2 (§12.4.3).
struct Hcr {
    struct En : Field<0, 1> {};
    struct Uie : Field<1, 1> {};      // maintenance IRQ when at most one LR holds an interrupt
    struct Lrenpie : Field<2, 1> {};  // ... when EOIcount != 0 (EOI of an interrupt not in an LR)
    struct Npie : Field<3, 1> {};     // ... when no LR is pending
    struct Tdir : Field<14, 1> {};
    struct EoiCount : Field<27, 5> {};
};

/// ICH_VTR_EL2 (§12.4.9): what the virtual CPU interface implements.
struct Vtr {
    struct ListRegs : Field<0, 5> {};  // number of LRs - 1
    struct IdBits : Field<23, 3> {};
    struct PreBits : Field<26, 3> {};  // preemption bits - 1
    struct PriBits : Field<29, 3> {};  // priority bits - 1
};

/// ICH_VMCR_EL2 (§12.4.10): the guest's view of ICC_{CTLR,PMR,BPRn,IGRPENn}_EL1.
struct Vmcr {
    struct Veng0 : Field<0, 1> {};
    struct Veng1 : Field<1, 1> {};
    struct Vcbpr : Field<4, 1> {};
    struct Veoim : Field<9, 1> {};
    struct Vbpr1 : Field<18, 3> {};
    struct Vbpr0 : Field<21, 3> {};
    struct Vpmr : Field<24, 8> {};
};

/// ICH_MISR_EL2 (§12.4.7): why a maintenance interrupt is asserted.
struct Misr {
    struct Eoi : Field<0, 1> {};
    struct U : Field<1, 1> {};
    struct Lrenp : Field<2, 1> {};
    struct Np : Field<3, 1> {};
};

constexpr unsigned k_max_lrs = 16;  // ICH_VTR_EL2.ListRegs is at most 15
constexpr u32 k_maintenance_intid = 25;  // PPI the maintenance interrupt uses on QEMU virt and most SoCs

}  // namespace mortise::ich
