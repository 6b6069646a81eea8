// Decoding of the Exception Syndrome Register (Arm ARM D17.2.37 ESR_EL1) into
// words a person can act on. Portable: unit-tested on the host.
#pragma once

#include <tn/register.hpp>
#include <tn/types.hpp>

namespace tn::arch::esr {

// ---- Fields (the same layout in ESR_EL1 and ESR_EL2) ----
struct Ec : Field<26, 6> {};   ///< Exception class.
struct Il : Field<25, 1> {};   ///< 32-bit instruction (else a 16-bit T32 one).
struct Iss : Field<0, 25> {};  ///< Instruction-specific syndrome.

/// ISS of an instruction or data abort (D17.2.37, "ISS encoding for an exception
/// from a Data Abort"). Positions are within the ESR, ISS starting at bit 0.
namespace abort_iss {
struct Isv : Field<24, 1> {};  ///< Bits 23:14 hold a valid instruction syndrome.
struct Sas : Field<22, 2> {};  ///< Access size: log2 of the bytes.
struct Sse : Field<21, 1> {};  ///< The load sign-extends.
struct Srt : Field<16, 5> {};  ///< The transfer register (31: xzr).
struct Sf : Field<15, 1> {};   ///< The register is 64-bit (else 32-bit, zero-extended).
struct Fnv : Field<10, 1> {};  ///< FAR is not valid.
struct S1ptw : Field<7, 1> {};  ///< The stage-2 fault was on a stage-1 table walk.
struct Wnr : Field<6, 1> {};   ///< The access was a write.
struct Fsc : Field<0, 6> {};   ///< Fault status code (DFSC/IFSC).
}  // namespace abort_iss

/// ISS of a trapped MSR/MRS/system instruction, EC 0x18 (D17.2.37, "ISS encoding
/// for an exception from MSR, MRS, or System instruction execution").
namespace sysreg_iss {
struct Op0 : Field<20, 2> {};
struct Op2 : Field<17, 3> {};
struct Op1 : Field<14, 3> {};
struct Crn : Field<10, 4> {};
struct Rt : Field<5, 5> {};   ///< The general register transferred (31: xzr).
struct Crm : Field<1, 4> {};
struct Read : Field<0, 1> {};  ///< Direction: 1 = MRS (read), 0 = MSR (write).
}  // namespace sysreg_iss

constexpr u32 ec(u64 esr) { return static_cast<u32>(Ec::get(esr)); }
constexpr u32 iss(u64 esr) { return static_cast<u32>(Iss::get(esr)); }
constexpr bool il(u64 esr) { return Il::get(esr); }

namespace ec_code {
constexpr u32 unknown = 0x00;
constexpr u32 wfx = 0x01;
constexpr u32 fp_access = 0x07;
constexpr u32 illegal_state = 0x0e;
constexpr u32 svc64 = 0x15;
constexpr u32 hvc64 = 0x16;
constexpr u32 smc64 = 0x17;
constexpr u32 sysreg = 0x18;
constexpr u32 inst_abort_lower = 0x20;
constexpr u32 inst_abort_same = 0x21;
constexpr u32 pc_align = 0x22;
constexpr u32 data_abort_lower = 0x24;
constexpr u32 data_abort_same = 0x25;
constexpr u32 sp_align = 0x26;
constexpr u32 fp_exc64 = 0x2c;
constexpr u32 serror = 0x2f;
constexpr u32 brk64 = 0x3c;
}  // namespace ec_code

/// Name of exception class @p ec ("data abort (same EL)"), or "reserved".
const char* ec_name(u32 ec);

/// True for instruction and data aborts, whose ISS carries a fault status code.
constexpr bool is_abort(u32 ec) {
    return ec == ec_code::inst_abort_lower || ec == ec_code::inst_abort_same ||
           ec == ec_code::data_abort_lower || ec == ec_code::data_abort_same;
}

/// The fault status code of an abort (DFSC/IFSC, ISS[5:0]).
constexpr u32 fsc(u64 esr) { return static_cast<u32>(abort_iss::Fsc::get(esr)); }
/// For data aborts: WnR, the access was a write.
constexpr bool write_not_read(u64 esr) { return abort_iss::Wnr::get(esr); }
/// Fault status code @p fsc is a permission fault (0b0011LL, any level 0-3).
constexpr bool is_permission_fault(u32 fsc) { return (fsc & 0x3c) == 0x0c; }
/// FAR is not valid for this abort (FnV, ISS[10]).
constexpr bool far_not_valid(u64 esr) { return abort_iss::Fnv::get(esr); }

/// Description of a fault status code: "translation fault, level 3",
/// "permission fault, level 2", "alignment fault", ...
/// Writes into @p buf (at least 48 bytes) and returns it.
const char* fsc_describe(u32 fsc, char* buf, usize size);

}  // namespace tn::arch::esr
