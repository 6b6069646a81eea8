// When a consumer must ring its producer after taking a message out of a ring
// (tn/ivc.hpp, docs/ivc.md "Doorbells"). Portable and constexpr: unit-tested
// on the host.
//
// A producer that found too little room waits for the peer's doorbell. It
// needs at most need_max bytes: a record takes at most R/2, and a record that
// does not fit before the end of the data area takes the bytes up to the end
// as padding first. The consumer rings it when it may be waiting: when the
// room the producer could have seen, counted from the read index the consumer
// had published at its last doorbell, is below need_max. (A producer that
// read an index published after that doorbell saw at most the room counted
// here, or the doorbell came after it cleared its wait bit.) Ping-pong traffic
// thus costs one doorbell per message, not two.
#pragma once

#include <tn/types.hpp>

namespace tn::ivc::detail {

/// @p write: the producer's write index as last seen; @p read_at_bell: our
/// read index when we last rang the peer; @p ring_bytes: R (a power of two).
constexpr bool producer_may_wait(u32 write, u32 read_at_bell, u32 ring_bytes) {
    const u32 r = ring_bytes;
    const u32 used = write - read_at_bell;  // modulo 2^32
    if (used > r)
        return true;  // nonsense from the peer, or indices moved by a reset: ring
    const u32 to_end = r - (write & (r - 1));
    const u32 need_max = to_end < r / 2 ? to_end + r / 2 : r / 2;
    return r - used < need_max;
}

}  // namespace tn::ivc::detail
