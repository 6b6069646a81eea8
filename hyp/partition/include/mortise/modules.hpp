// Boot modules: the files a bootloader loaded next to a Mortise hypervisor image (the
// partition description and the guest images), found through the host device tree's
// /chosen node, and checked before any guest starts (docs/mortise.md, "Boot modules").
//
// One node per file, a child of /chosen, with /chosen's #address-cells/#size-cells:
//
//   chosen {
//       #address-cells = <2>; #size-cells = <2>;
//       module@48000000 {
//           compatible = "tenonos,mortise-tenon", "tenonos,mortise-module";
//           tenonos,name = "alpha";             // the description's image = "alpha"
//           reg = <0x0 0x48000000 0x0 0x21000>; // where the file is, its exact size
//       };
//   };
//
// The first compatible string gives the kind: tenonos,mortise-partitions (the compiled
// partition description; no tenonos,name), -tenon, -linux, -initramfs, -dt-overlay. A
// node counts as a module when it is compatible with "tenonos,mortise-module"; any other
// /chosen child is ignored. Portable: it reads only the tree and, through Access, the
// modules' first bytes; no board and no allocation.
#pragma once

#include <tn/fdt.hpp>
#include <tn/types.hpp>

namespace mortise::modules {

using tn::u64;
using tn::u8;
using tn::usize;

enum class Kind : u8 { Partitions, Tenon, Linux, Initramfs, DtOverlay, Unknown };
/// "partitions", "tenon", ... as in the compatible string after "tenonos,mortise-".
const char* kind_name(Kind k);

constexpr const char* k_compatible = "tenonos,mortise-module";
constexpr unsigned k_max_modules = 32;
/// A name is 1 to 31 characters of [A-Za-z0-9_-] (the partition description's image names).
constexpr unsigned k_name_max = 31;

/// Why a module is refused (the guest that needs it is not started).
enum class Problem : u8 {
    None,
    NoReg,         ///< no `reg`, or not one (address, size) pair in /chosen's cells
    ZeroSize,      ///< size 0
    Wraps,         ///< address + size passes 2^64
    OutsideRam,    ///< not wholly inside one RAM bank
    OverlapsHyp,   ///< overlaps Mortise itself or the host device tree
    Overlaps,      ///< overlaps another module (both refused)
    BadKind,       ///< first compatible string is not a known tenonos,mortise-<kind>
    BadName,       ///< missing, empty, too long or with characters outside [A-Za-z0-9_-]
    Duplicate,     ///< a second module of the same kind and name (both refused)
    BadHeader,     ///< the first bytes are not what the kind needs (see Module::detail)
    Unreadable,    ///< Access gave no pointer to the module's bytes
};
/// One sentence for the boot log.
const char* explain(Problem p);

struct Range {
    u64 base, size;
};

struct Module {
    char node[32];             ///< node name, for the report (truncated)
    char name[k_name_max + 1]; ///< "" for the partition description
    Kind kind;
    u64 address, size;         ///< physical address and exact size of the file
    Problem problem;
    const char* detail;        ///< with BadHeader: what the header check said; else nullptr
    bool ok() const { return problem == Problem::None; }
};

/// What the host offers: RAM banks and what must not be written (Mortise's image, the DTB).
struct Machine {
    const Range* ram;
    unsigned ram_count;
    const Range* reserved;
    unsigned reserved_count;
};

/// Gives a pointer to @p size bytes at physical @p address, or nullptr. Mortise maps RAM
/// 1:1 at EL2; the host tests map fake addresses to buffers.
using Access = const u8* (*)(u64 address, u64 size, void* ctx);

struct Table {
    Module items[k_max_modules];
    unsigned count = 0;
    /// Problems with the tree itself, not with one module (no /chosen, too many modules, bad
    /// cells); the first one, nullptr if none.
    const char* error = nullptr;
    unsigned skipped = 0;  ///< module nodes beyond k_max_modules

    /// The usable module of @p kind named @p name ("" for the description), or nullptr.
    const Module* find(Kind kind, const char* name) const;
    /// Any module (usable or not) of @p kind named @p name, or nullptr.
    const Module* find_any(Kind kind, const char* name) const;
    unsigned usable() const;
};

/// Reads every module node of /chosen into @p out and checks each: reg, size, RAM,
/// overlaps with @p m's reserved ranges and with each other, kind, name, duplicates and,
/// when @p access is given, the header its kind needs. False only if the tree has no
/// /chosen or it cannot be read (out.error says why); refused modules stay in the table
/// with their problem, so one bad file stops only the guests that name it.
bool read(const tn::fdt::Fdt& dt, const Machine& m, Access access, void* ctx, Table& out);

/// How many of a module's first bytes the header check reads: an arm64 Image header, and for
/// a Linux Image the PE/COFF header an EFI-stub kernel carries (its sections say how long the
/// file is, so a kernel cut short is refused).
constexpr u64 k_header_bytes = 64;
constexpr u64 k_linux_header_bytes = 4096;

/// The header check alone: @p data holds the module's first min(@p size, k_header_bytes, or
/// k_linux_header_bytes for a Linux Image) bytes of @p size. nullptr if good, else what is wrong.
const char* check_header(Kind kind, const u8* data, u64 size);

}  // namespace mortise::modules
