// Decoding of the Exception Syndrome Register (Arm ARM D17.2.37 ESR_EL1) into
// words a person can act on. Portable: unit-tested on the host.
#pragma once

#include <tn/types.hpp>

namespace tn::arch::esr {

constexpr u32 ec(u64 esr) { return static_cast<u32>((esr >> 26) & 0x3f); }
constexpr u32 iss(u64 esr) { return static_cast<u32>(esr & 0x1ffffff); }
constexpr bool il(u64 esr) { return (esr >> 25) & 1; }

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
constexpr u32 fsc(u64 esr) { return iss(esr) & 0x3f; }
/// For data aborts: WnR, the access was a write.
constexpr bool write_not_read(u64 esr) { return (iss(esr) >> 6) & 1; }
/// FAR is not valid for this abort (FnV, ISS[10]).
constexpr bool far_not_valid(u64 esr) { return (iss(esr) >> 10) & 1; }

/// Description of a fault status code: "translation fault, level 3",
/// "permission fault, level 2", "alignment fault", ...
/// Writes into @p buf (at least 48 bytes) and returns it.
const char* fsc_describe(u32 fsc, char* buf, usize size);

}  // namespace tn::arch::esr
