/// @file
/// @brief Inter-VM communication: a lock-free single-producer single-consumer
/// queue of variable-size messages in one memory region shared by two guests
/// (two Tenons, or a Tenon and a Linux process through uio).
///
/// The region holds two one-direction rings: A->B and B->A. Each member keeps
/// a Channel: it produces into one ring and consumes from the other. The byte
/// format is fixed by docs/ivc-ring.md (offsets, little-endian fields, index
/// and wrap rules, records, generations) so that an implementation in another
/// language can talk to this one; the constants of namespace tn::ivc::layout
/// are that format.
///
/// The peer is not trusted. Every value read from the region (indices,
/// generations, record headers, the region header) is loaded exactly once into
/// a local, checked against the region's bounds and the ring's capacity, and
/// only then used; a violation puts the channel into the Corrupt state: every
/// call fails with Error::Corrupt until reset(). No call touches memory outside
/// the region and the caller's buffers, and none loops more than a fixed number
/// of times, whatever the peer writes. Payload bytes read from the region can
/// change under the reader: copy them (recv()) or read each once (peek()).
///
/// Reset: each end of a ring carries a generation. attach() and reset() bump
/// the caller's generations; the peer sees the change and reports it once as
/// Error::PeerReset (the receiving side then drops the data the old generation
/// left unread).
///
/// Ordering: producer and consumer publish their index with a release store
/// and read the other's with an acquire load (__atomic builtins); the region
/// must be Normal Inner Shareable memory of the same cacheability in every
/// member's mapping (Write-Back, or Non-cacheable when a Linux member maps it
/// through uio: docs/ivc-ring.md), so no cache maintenance is needed.
///
/// Context: one Channel per member; its sending calls (reserve, commit, send,
/// tx_free) from one context at a time, its receiving calls (peek, release,
/// recv, rx_pending) from one context at a time; the two sides may run
/// concurrently with each other, and with the peer. reset() and attach() need
/// both sides of the caller quiet. Nothing allocates or blocks; the blocking
/// API with doorbells is built on top of this one.
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

/// Inter-VM communication over shared memory (lib/ivc).
namespace tn::ivc {

/// The byte format of the shared region (docs/ivc-ring.md). All fields are
/// little-endian; offsets are in bytes from the start of the region.
namespace layout {

/// "TNIV" as four bytes, read as a little-endian u32.
constexpr u32 k_magic = 0x5649'4E54;
/// The format version this code implements.
constexpr u32 k_version = 1;

/// Region header fields.
constexpr usize k_hdr_magic = 0x00;        ///< u32 k_magic, written last by format.
constexpr usize k_hdr_version = 0x04;      ///< u32 k_version.
constexpr usize k_hdr_region_size = 0x08;  ///< u32 bytes of the region the format uses.
constexpr usize k_hdr_ring_bytes = 0x0c;   ///< u32 data bytes of each ring.

/// One cache line per end of each ring.
constexpr usize k_line = 64;
/// Offset of the producer line of ring @p dir (0: A->B, 1: B->A).
constexpr usize prod_line(u32 dir) { return k_line + dir * 2 * k_line; }
/// Offset of the consumer line of ring @p dir.
constexpr usize cons_line(u32 dir) { return prod_line(dir) + k_line; }
/// In a producer line: u64 word, write index (bits 0-31) and generation (bits 32-63).
constexpr usize k_prod_word = 0x00;
/// In a producer line: u32 write index at which the current generation began.
constexpr usize k_prod_gen_start = 0x08;
/// In a consumer line: u64 word, read index (bits 0-31) and generation (bits 32-63).
constexpr usize k_cons_word = 0x00;

/// Offset of the first ring's data area.
constexpr usize k_data = 5 * k_line;
/// Offset of the data area of ring @p dir, each @p ring_bytes long.
constexpr usize data(u32 dir, u32 ring_bytes) { return k_data + usize{dir} * ring_bytes; }
/// Bytes the format uses for rings of @p ring_bytes.
constexpr usize region_size(u32 ring_bytes) { return k_data + 2 * usize{ring_bytes}; }

/// Smallest and largest data area of one ring (a power of two in between).
constexpr u32 k_min_ring = 64;
constexpr u32 k_max_ring = u32{1} << 30;  ///< See k_min_ring.

/// Records: an 8-byte header (u32 payload length, u32 type) and the payload,
/// padded to a multiple of k_align.
constexpr u32 k_align = 8;
constexpr u32 k_rec_hdr = 8;  ///< Bytes of a record header.
/// The type of a padding record, which fills the data area up to its end.
constexpr u32 k_type_pad = 0xFFFF'FFFF;
/// Bytes a record with @p len payload bytes occupies.
constexpr u64 record_size(u64 len) { return k_rec_hdr + align_up(len, k_align); }
/// Largest payload of a ring of @p ring_bytes: a record of at most half the
/// ring always fits once the ring is empty, wherever the indices stand.
constexpr u32 max_payload(u32 ring_bytes) { return ring_bytes / 2 - k_rec_hdr; }

}  // namespace layout

/// Why a call failed. Full, Empty and PeerReset are transient; Corrupt stays
/// until reset().
enum class Error : u8 {
    /// Region too small or misaligned, ring size not a power of two in
    /// range, a message type reserved for padding, commit() without reserve().
    InvalidArgument,
    /// attach(): the region has no valid magic yet (side A has not formatted it).
    NotFormatted,
    /// attach(): the region was formatted with another version or size.
    Incompatible,
    /// Not enough free space in the sending ring now.
    Full,
    /// No message in the receiving ring.
    Empty,
    /// The message is larger than max_message(): it can never be sent.
    TooBig,
    /// recv(): the next message is larger than the buffer (it stays queued).
    BufferTooSmall,
    /// The peer reset its end of a ring (restart, attach, or recovery). Reported
    /// once, by the first call that sees it; the call did nothing else. When the
    /// producer reset, its unread messages were dropped.
    PeerReset,
    /// The peer wrote something impossible into the region. Every call fails
    /// with Corrupt until reset().
    Corrupt,
};

/// A stable name for logs, e.g. "PeerReset".
constexpr const char* to_string(Error e) {
    switch (e) {
    case Error::InvalidArgument: return "InvalidArgument";
    case Error::NotFormatted: return "NotFormatted";
    case Error::Incompatible: return "Incompatible";
    case Error::Full: return "Full";
    case Error::Empty: return "Empty";
    case Error::TooBig: return "TooBig";
    case Error::BufferTooSmall: return "BufferTooSmall";
    case Error::PeerReset: return "PeerReset";
    case Error::Corrupt: return "Corrupt";
    }
    return "?";
}

/// Which member of the region a Channel is: A sends on ring 0 and receives on
/// ring 1, B the other way round. A formats the region.
enum class Side : u8 {
    A,  ///< Formats; sends A->B (ring 0).
    B,  ///< Attaches; sends B->A (ring 1).
};

/// Space for one message, from reserve(): write up to @p size bytes at @p data
/// (inside the shared region), then commit().
struct Reservation {
    u8* data;   ///< Start of the payload space.
    u32 size;   ///< Bytes reserved.
};

/// A received message: from peek(), @p data points into the shared region
/// (its bytes may change under the reader); from recv(), into the caller's buffer.
struct Message {
    const u8* data;  ///< The payload.
    u32 size;        ///< Payload bytes.
    u32 type;        ///< The sender's type tag.
};

/// One member's end of a shared region: sends on one ring, receives on the
/// other (see the file comment). Plain object, no global state; all-zero
/// until format() or attach().
class Channel {
public:
    /// Bytes of region format() needs for rings of @p ring_bytes each.
    static constexpr usize region_size(u32 ring_bytes) { return layout::region_size(ring_bytes); }

    /// Formats @p region as side A with two rings of @p ring_bytes each and
    /// attaches to it. All indices start at 0, A's generations at 1, B's at 0
    /// (B's attach then moves them to 1). The magic is written last, after
    /// everything else, with release ordering. The peer must not be using the
    /// region (format only a region whose magic is not valid).
    /// @retval InvalidArgument @p region not 64-byte aligned, @p ring_bytes not
    ///         a power of two in [64, 2^30], or @p size below region_size()
    Result<void, Error> format(void* region, usize size, u32 ring_bytes);

    /// Attaches to a formatted region as @p side, checking the region header,
    /// and bumps this member's generations (the peer reports PeerReset once).
    /// Resumes where this member's ends stood in the region, so a restarted
    /// member loses no message the peer sent meanwhile; what it had sent
    /// and the peer had not read yet is dropped.
    /// @retval InvalidArgument @p region not 64-byte aligned
    /// @retval NotFormatted no valid magic yet (retry later)
    /// @retval Incompatible another version, a bad ring size, or a region
    ///         larger than @p size
    Result<void, Error> attach(void* region, usize size, Side side);

    /// Recovers from Corrupt (or restarts the conversation): bumps this
    /// member's generations, drops every message waiting in the receiving
    /// ring and resynchronises with the peer's indices as they stand. The
    /// peer sees PeerReset once. @pre attached
    void reset();

    // --- Sending --------------------------------------------------------------

    /// Reserves space for a message of @p size bytes in the sending ring and
    /// returns where to write it; nothing is visible to the peer before
    /// commit(). A second reserve() replaces the first.
    /// @retval TooBig @p size > max_message()
    /// @retval Full not enough free space now
    /// @retval PeerReset, Corrupt see Error
    Result<Reservation, Error> reserve(u32 size);

    /// Publishes the reserved message with @p size bytes (at most the
    /// reserved size) and type @p type.
    /// @retval InvalidArgument no reservation, @p size larger than it, or
    ///         @p type == layout::k_type_pad
    /// @retval Corrupt see Error
    Result<void, Error> commit(u32 size, u32 type = 0);

    /// Copies @p size bytes from @p data into the ring as one message of
    /// type @p type (reserve() and commit()).
    /// @retval InvalidArgument @p type == layout::k_type_pad
    /// @retval TooBig, Full, PeerReset, Corrupt as reserve()
    Result<void, Error> send(const void* data, u32 size, u32 type = 0);

    /// Free bytes in the sending ring (records take 8 header bytes and are
    /// padded to 8).
    /// @retval PeerReset, Corrupt see Error
    Result<u32, Error> tx_free();

    // --- Receiving ------------------------------------------------------------

    /// The oldest message, in place in the region (zero copy); it stays
    /// queued until release(). A second peek() returns the same message.
    /// @retval Empty no message
    /// @retval PeerReset, Corrupt see Error
    Result<Message, Error> peek();

    /// Drops the message peek() returned. Without one, does nothing.
    /// @retval Corrupt see Error
    Result<void, Error> release();

    /// Copies the oldest message into @p buf (@p cap bytes) and drops it
    /// from the ring. The result points into @p buf.
    /// @retval BufferTooSmall the message is larger than @p cap (it stays queued)
    /// @retval Empty, PeerReset, Corrupt as peek()
    Result<Message, Error> recv(void* buf, usize cap);

    /// Bytes waiting in the receiving ring, record headers and padding included.
    /// @retval PeerReset, Corrupt see Error
    Result<u32, Error> rx_pending();

    // --- State ------------------------------------------------------------------

    /// Largest message payload: ring bytes / 2 - 8.
    u32 max_message() const { return layout::max_payload(m_ring_bytes); }
    /// Data bytes of each ring.
    u32 ring_bytes() const { return m_ring_bytes; }
    /// True after a violation until reset().
    bool corrupt() const { return __atomic_load_n(&m_corrupt, __ATOMIC_RELAXED); }
    /// True once format() or attach() succeeded.
    bool attached() const { return m_base != nullptr; }
    /// This member's generation (both of its ends carry it).
    u32 generation() const { return m_gen; }

private:
    Result<void, Error> setup(void* region, usize size, Side side, u32 ring_bytes);
    Result<void, Error> sync_tx();
    Result<void, Error> sync_rx();
    Result<void, Error> corrupted();
    void resync_tx();
    void publish_tx();
    void publish_rx();

    u8* m_base = nullptr;    // the region
    u8* m_tx_data = nullptr; // data area of the sending ring
    u8* m_rx_data = nullptr; // data area of the receiving ring
    u64* m_tx_prod = nullptr; // our producer word
    u32* m_tx_gen_start = nullptr;
    const u64* m_tx_cons = nullptr; // the peer's consumer word
    u64* m_rx_cons = nullptr;  // our consumer word
    const u64* m_rx_prod = nullptr; // the peer's producer word
    const u32* m_rx_gen_start = nullptr;
    u32 m_ring_bytes = 0;
    u32 m_gen = 0;           // our generation

    // Sending ring, our local truth.
    u32 m_write = 0;         // our write index
    u32 m_peer_read = 0;     // the consumer's read index, last validated
    u32 m_peer_cgen = 0;     // the consumer's generation, last seen
    u32 m_resv_skip = 0;     // bytes of padding before the reservation
    u32 m_resv_size = 0;     // payload bytes reserved; 0: none
    bool m_resv = false;

    // Receiving ring.
    u32 m_read = 0;          // our read index
    u32 m_peer_write = 0;    // the producer's write index, last validated
    u32 m_peer_pgen = 0;     // the producer's generation, last seen
    u32 m_peek_skip = 0;     // bytes release() advances; 0: no peeked message

    bool m_corrupt = false;
};

}  // namespace tn::ivc
