/// @file
/// @brief Inter-VM channels for a Tenon guest of Mortise (CONFIG_LIBIVC_CHANNEL):
/// open a channel of the partition description by name, send and receive
/// variable-size messages with timeouts, block on the doorbell without polling,
/// zero-copy reserve/commit and peek/release, raw shared memory. docs/ivc.md
/// is the guide; the C interface is tn/ivc.h.
///
/// open() finds the channel's `tenonos,ivc-channel` node in the boot device
/// tree (tn/ivc_dt.hpp), maps its doorbell page (Device) and shared memory
/// (Normal, Write-Back unless the node says `tenonos,uncached`), registers the
/// doorbell interrupt and, on a two-member channel, sets up the ring of
/// docs/ivc-ring.md: member 0 formats the region when it holds no valid
/// header, member 1 attaches (waiting for member 0's doorbell until the
/// timeout when it is not formatted yet); either then rings its peer, which
/// learns the new generation. A read-only member, or a channel of more than
/// two members, has no ring: only raw shared memory and the doorbell.
///
/// Blocking: a call that must wait (send() or reserve() while the sending ring
/// is full, recv() or peek() while the receiving one is empty, wait()) sleeps
/// on a tn::sync::EventFlags that the doorbell's interrupt handler sets; it
/// never polls. Timeouts are relative, in nanoseconds: sched::k_no_wait fails
/// at once with WouldBlock, sched::k_forever never times out.
///
/// Doorbells: every message sent rings the peer (commit() and send()); a
/// message taken out of the ring (recv(), release()) rings it only when the
/// peer may be waiting for room (src/wake_rule.hpp). The ring path is the
/// ivc.notify hypercall, or the doorbell page's RING register after
/// set_doorbell(Doorbell::Mmio); notify_hypercall() and notify_mmio() ring
/// explicitly.
///
/// Context: threads only. One thread at a time may use the sending calls
/// (send, reserve, commit), one the receiving calls (recv, peek, release), one
/// wait(); they may be different threads. reset() and open() need the others
/// quiet. An Endpoint lives as long as the program (there is no close: the
/// doorbell interrupt stays registered).
#pragma once

#include <tn/ivc_dt.hpp>
#include <tn/irq.hpp>
#include <tn/ivc_ring.hpp>
#include <tn/result.hpp>
#include <tn/sched.hpp>
#include <tn/sync.hpp>
#include <tn/types.hpp>

namespace tn::ivc {

/// Why an Endpoint call failed (tn/ivc.h's table gives each one's TN_E* code).
enum class EndpointError : u8 {
    NotFound,         ///< open(): no channel of that name in the device tree (is this guest a member?).
    BadDeviceTree,    ///< open(): no device tree, or the channel's node is malformed.
    MapFailed,        ///< open(): the doorbell page or the shared memory could not be mapped.
    IrqFailed,        ///< open(): the doorbell interrupt could not be registered or enabled.
    AlreadyOpen,      ///< open() on an open Endpoint.
    NotOpen,          ///< Any other call before a successful open().
    NoRing,           ///< A ring call on a channel without a ring (read-only member, more than two members).
    Incompatible,     ///< open(): the region holds another ring format (version or size).
    Timeout,          ///< The timeout passed before the call could complete.
    WouldBlock,       ///< sched::k_no_wait was given and the call would have waited.
    TooBig,           ///< The message is larger than max_message().
    BufferTooSmall,   ///< recv(): the next message is larger than the buffer (it stays queued).
    PeerReset,        ///< The peer restarted or reset; reported once, the call did nothing else.
    Corrupt,          ///< The peer wrote something impossible into the ring; sticky until reset().
    InvalidArgument,  ///< A bad argument (a reserved message type, commit() without reserve()...).
    Denied,           ///< Mortise refused the hypercall (this guest is not a member).
    HypercallFailed,  ///< Mortise answered the hypercall with another error.
};

/// A stable name for logs, e.g. "PeerReset".
const char* error_name(EndpointError e);

/// This member's view of a channel, from the ivc.info hypercall.
struct ChannelInfo {
    u32 member;         ///< This guest's member index.
    u32 members;        ///< How many guests share the channel.
    u32 peers_running;  ///< Bit i set while member i is running or paused (this guest included).
};

/// How send(), commit(), recv() and release() ring the peer.
enum class Doorbell : u8 {
    Hypercall,  ///< The ivc.notify hypercall (the default).
    Mmio,       ///< A store to the doorbell page's RING register (trapped by Mortise).
};

/// One guest's end of an inter-VM channel (see the file comment).
class Endpoint {
public:
    /// Closed; open() sets it up.
    Endpoint() = default;
    Endpoint(const Endpoint&) = delete;
    Endpoint& operator=(const Endpoint&) = delete;

    /// Opens the channel named @p name (the `label` of its device-tree node):
    /// maps it, registers its doorbell, formats (member 0) or attaches to
    /// (member 1) the ring, and rings the peers.
    /// @param name the channel name from the partition description.
    /// @param timeout_ns how long member 1 waits for member 0 to format the region.
    /// @retval NotFound, BadDeviceTree, MapFailed, IrqFailed, AlreadyOpen, Incompatible see EndpointError
    /// @retval Timeout the region was not formatted within @p timeout_ns
    Result<void, EndpointError> open(const char* name, u64 timeout_ns = sched::k_forever);

    // --- Messages (two-member channels, writable) --------------------------------

    /// Sends @p size bytes from @p data as one message of type @p type,
    /// waiting up to @p timeout_ns for room, then rings the peer.
    /// @retval Timeout, WouldBlock still no room
    /// @retval TooBig, PeerReset, Corrupt, InvalidArgument, NoRing, NotOpen see EndpointError
    Result<void, EndpointError> send(const void* data, u32 size, u32 type = 0, u64 timeout_ns = sched::k_forever);
    /// Receives the oldest message into @p buf (@p cap bytes), waiting up to
    /// @p timeout_ns for one. The result points into @p buf.
    /// @retval Timeout, WouldBlock still no message
    /// @retval BufferTooSmall, PeerReset, Corrupt, NoRing, NotOpen see EndpointError
    Result<Message, EndpointError> recv(void* buf, usize cap, u64 timeout_ns = sched::k_forever);
    /// Reserves room for a message of @p size bytes in the shared memory
    /// (zero copy), waiting up to @p timeout_ns for it; commit() sends it.
    /// @retval Timeout, WouldBlock still no room
    /// @retval TooBig, PeerReset, Corrupt, NoRing, NotOpen see EndpointError
    Result<Reservation, EndpointError> reserve(u32 size, u64 timeout_ns = sched::k_forever);
    /// Publishes the reserved message with @p size bytes and type @p type and
    /// rings the peer.
    /// @retval InvalidArgument no reservation, @p size above it, or a reserved @p type
    /// @retval Corrupt, NoRing, NotOpen see EndpointError
    Result<void, EndpointError> commit(u32 size, u32 type = 0);
    /// The oldest message in place in the shared memory (zero copy), waiting
    /// up to @p timeout_ns for one; it stays queued until release(). Its bytes
    /// can change under the reader: read each once.
    /// @retval Timeout, WouldBlock still no message
    /// @retval PeerReset, Corrupt, NoRing, NotOpen see EndpointError
    Result<Message, EndpointError> peek(u64 timeout_ns = sched::k_forever);
    /// Drops the message peek() returned (without one, does nothing), and
    /// rings the peer when it may be waiting for room.
    /// @retval Corrupt, NoRing, NotOpen see EndpointError
    Result<void, EndpointError> release();
    /// Largest message payload (0 without a ring).
    u32 max_message() const { return m_has_ring ? m_ring.max_message() : 0; }
    /// Recovers from Corrupt, or restarts the conversation: member 0 formats
    /// the region again when its header no longer checks (a hostile peer
    /// overwrote it), else the ring's reset() (tn/ivc_ring.hpp); then rings
    /// the peers. The peer sees PeerReset once.
    /// @retval NoRing, NotOpen see EndpointError
    Result<void, EndpointError> reset();
    /// This member's ring generation (0 without a ring).
    u32 generation() const { return m_ring.generation(); }
    /// The generation the peer's producer line shows now, read from the shared
    /// memory (a hostile peer can show anything: for logs). 0 without a ring.
    u32 peer_generation() const;

    // --- Doorbell ----------------------------------------------------------------

    /// Waits up to @p timeout_ns for a doorbell from a peer; returns at once
    /// when one came since the last wait() returned (or since open()).
    /// @retval Timeout, WouldBlock no doorbell
    /// @retval NotOpen see EndpointError
    Result<void, EndpointError> wait(u64 timeout_ns = sched::k_forever);
    /// Rings members @p members (bit i: member i; 0: every other member) the
    /// way set_doorbell() chose.
    /// @retval Denied, HypercallFailed, InvalidArgument, NotOpen see EndpointError
    Result<void, EndpointError> notify(u64 members = 0);
    /// Rings through the ivc.notify hypercall. Errors as notify().
    Result<void, EndpointError> notify_hypercall(u64 members = 0);
    /// Rings through the doorbell page's RING register. NotOpen only (a store has no answer).
    Result<void, EndpointError> notify_mmio(u64 members = 0);
    /// Chooses how the calls above ring (default Doorbell::Hypercall).
    void set_doorbell(Doorbell how) { m_doorbell = how; }

    // --- The channel ---------------------------------------------------------------

    /// The shared memory (raw access; on a ring channel the ring lives there).
    u8* shm() const { return m_shm; }
    /// Its bytes.
    usize shm_size() const { return m_desc.shm_size; }
    /// What the device tree said about the channel.
    const ChannelDesc& desc() const { return m_desc; }
    /// True once open() succeeded.
    bool is_open() const { return m_open; }
    /// True when the channel has a ring this member can use.
    bool has_ring() const { return m_has_ring; }
    /// This member's index, the member count and who runs, from ivc.info.
    /// @retval Denied, HypercallFailed, NotOpen see EndpointError
    Result<ChannelInfo, EndpointError> info() const;
    /// The ring itself, for what this class does not wrap (tx_free(), rx_pending()).
    Channel& ring() { return m_ring; }

private:
    struct Deadline;
    static irq::Completion on_doorbell(irq::Event, void* ctx);
    Result<void, EndpointError> ready() const;
    Result<void, EndpointError> block(u32 bit, const Deadline& d);
    Result<void, EndpointError> attach(const Deadline& d);
    void rang();
    void consumed();
    u32 peer_write() const;
    u32 own_read() const;

    Channel m_ring;
    sync::EventFlags m_events;
    ChannelDesc m_desc{};
    u8* m_shm = nullptr;
    u32 m_ring_bytes = 0;
    u32 m_read_at_bell = 0;  // our read index when we last rang (src/wake_rule.hpp)
    Doorbell m_doorbell = Doorbell::Hypercall;
    bool m_open = false;
    bool m_has_ring = false;
};

}  // namespace tn::ivc
