/// @file
/// @brief An inter-VM channel as the boot device tree describes it to one
/// member: the `tenonos,ivc-channel` node Mortise generates (docs/ivc.md,
/// "What the device tree says"). Portable: it only reads a tn::fdt::Fdt, so it
/// runs on the host under unit tests; tn/ivc.hpp opens a channel from it.
#pragma once

#include <tn/fdt.hpp>
#include <tn/ivc_ring.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::ivc {

/// The compatible string of a channel node.
constexpr const char* k_compatible = "tenonos,ivc-channel";
/// Most members a channel has (tn/mortise_abi.hpp, ivc::k_max_members).
constexpr u32 k_max_members = 4;
/// Longest channel name, without its NUL.
constexpr usize k_max_name = 31;

/// One channel as this member sees it. Addresses are this guest's physical
/// addresses (IPAs), which Tenon maps at the same virtual address.
struct ChannelDesc {
    const char* name;    ///< The node's `label`: the channel name (points into the device tree).
    u64 doorbell;        ///< The doorbell register page.
    u64 doorbell_size;   ///< Its bytes (one page).
    u64 shm;             ///< The shared memory.
    u64 shm_size;        ///< Its bytes.
    u32 intid;           ///< The GIC INTID of this member's doorbell interrupt (an SPI).
    u32 id;              ///< `tenonos,channel-id`: ivc.notify's and ivc.info's x1.
    u32 member;          ///< `tenonos,member`: this guest's index among the members.
    u32 members;         ///< `tenonos,members`: how many guests share the channel (2-4).
    bool read_only;      ///< `read-only`: this member may only read the shared memory.
    bool uncached;       ///< `tenonos,uncached`: map it Normal Non-cacheable (a Linux member).
};

/// What is wrong with a channel node (or that none matches).
enum class DescError : u8 {
    NotFound,      ///< No available `tenonos,ivc-channel` node has that label.
    BadReg,        ///< `reg` lacks the doorbell page or the shared memory (or `reg-names` does not name them).
    BadInterrupt,  ///< `interrupts` missing or not a GIC SPI.
    BadProperty,   ///< `label`, `tenonos,channel-id`, `tenonos,member` or `tenonos,members` missing or out of range.
};

/// A stable name for logs, e.g. "BadReg".
const char* desc_error_name(DescError e);

/// Reads channel node @p node of @p dt.
/// @retval DescError::BadReg, BadInterrupt, BadProperty see DescError
Result<ChannelDesc, DescError> parse_channel(const fdt::Fdt& dt, fdt::Node node);

/// Finds the available channel node whose `label` is @p name and reads it.
/// Nodes that do not parse are skipped when another matches; when the only
/// match does not parse, its error is returned.
/// @retval DescError::NotFound no node has that label
Result<ChannelDesc, DescError> find_channel(const fdt::Fdt& dt, const char* name);

}  // namespace tn::ivc

namespace tn::ivc {

/// The ring size member 0 formats a shared region of @p shm_size bytes with:
/// the largest power of two whose format (Channel::region_size) fits, or 0
/// when not even the smallest ring does.
constexpr u32 ring_bytes_for(u64 shm_size) {
    u32 best = 0;
    for (u64 r = layout::k_min_ring; r <= layout::k_max_ring; r *= 2)
        if (layout::region_size(static_cast<u32>(r)) <= shm_size)
            best = static_cast<u32>(r);
    return best;
}

}  // namespace tn::ivc
