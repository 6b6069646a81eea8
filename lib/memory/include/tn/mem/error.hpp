/// @file
/// @brief The one error vocabulary of lib/memory, shared by the page allocator, the TLSF
/// heap and the object pools so callers handle a single enum.
#pragma once

#include <tn/types.hpp>

/// Memory management (lib/memory): page allocator, TLSF heap, object pools.
/// Plain objects without locks: the owner serialises calls.
namespace tn::mem {

/// Why a lib/memory call failed. A failed call changes nothing.
enum class Error : u8 {
    /// Nothing large enough is free (pool or object pool exhausted). Transient:
    /// the same request can succeed after frees.
    OutOfMemory,
    /// The request can never succeed: zero size, order or alignment out of range,
    /// a buffer that is too small or misaligned, an address range that wraps.
    InvalidArgument,
    /// A fixed-size table (regions, reservations, pools) is full.
    TableFull,
    /// A new region or pool overlaps one already managed.
    Overlap,
    /// A reservation covers pages that are currently allocated.
    Busy,
    /// The address is not managed by this allocator, or lies in a reserved range.
    NotOwned,
    /// The address is managed but is not the start of a live allocation of that
    /// size (interior or misaligned pointer, wrong order or page count).
    BadPointer,
    /// The allocation is already free.
    DoubleFree,
};

/// A stable name for logs, e.g. "OutOfMemory".
constexpr const char* to_string(Error e) {
    switch (e) {
    case Error::OutOfMemory: return "OutOfMemory";
    case Error::InvalidArgument: return "InvalidArgument";
    case Error::TableFull: return "TableFull";
    case Error::Overlap: return "Overlap";
    case Error::Busy: return "Busy";
    case Error::NotOwned: return "NotOwned";
    case Error::BadPointer: return "BadPointer";
    case Error::DoubleFree: return "DoubleFree";
    }
    return "?";
}

}  // namespace tn::mem
