// The shared-memory message ring (tn/ivc_ring.hpp; the format is docs/ivc-ring.md).
//
// Local truth: each member keeps its own indices and generation in the Channel
// and only ever stores them into the region; it reads its own lines back only
// in attach(), after a restart. The peer's words are loaded once per call
// (a 64-bit single-copy-atomic load: index and generation together), checked,
// and the checked value is what the rest of the call uses. The last checked
// peer index is kept, so an index that moves backwards is caught too.
#include <tn/ivc_ring.hpp>

namespace tn::ivc {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the ring format is little-endian");

namespace {

using namespace layout;

constexpr u32 k_align_mask = k_align - 1;

u64 load_acquire(const u64* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
u64 load_relaxed(const u64* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
u32 load_relaxed(const u32* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
constexpr u32 lo(u64 v) { return static_cast<u32>(v); }
constexpr u32 hi(u64 v) { return static_cast<u32>(v >> 32); }
constexpr u64 word(u32 gen, u32 index) { return (u64{gen} << 32) | index; }

template <class T>
T* at(u8* base, usize off) { return reinterpret_cast<T*>(base + off); }

constexpr bool ring_bytes_ok(u32 n) { return is_pow2(n) && n >= k_min_ring && n <= k_max_ring; }

// The next generation after @p g; 0 means "never attached", so it is skipped.
constexpr u32 next_gen(u32 g) { return g + 1 == 0 ? 1 : g + 1; }

}  // namespace

Result<void, Error> Channel::setup(void* region, usize size, Side side, u32 ring_bytes) {
    (void)size;
    auto* base = static_cast<u8*>(region);
    const u32 tx = side == Side::A ? 0 : 1;
    const u32 rx = 1 - tx;
    m_base = base;
    m_ring_bytes = ring_bytes;
    m_tx_data = base + data(tx, ring_bytes);
    m_rx_data = base + data(rx, ring_bytes);
    m_tx_prod = at<u64>(base, prod_line(tx) + k_prod_word);
    m_tx_gen_start = at<u32>(base, prod_line(tx) + k_prod_gen_start);
    m_tx_cons = at<u64>(base, cons_line(tx) + k_cons_word);
    m_rx_cons = at<u64>(base, cons_line(rx) + k_cons_word);
    m_rx_prod = at<u64>(base, prod_line(rx) + k_prod_word);
    m_rx_gen_start = at<u32>(base, prod_line(rx) + k_prod_gen_start);
    m_resv = false;
    m_resv_skip = m_resv_size = 0;
    m_peek_skip = 0;
    m_corrupt = false;
    return {};
}

Result<void, Error> Channel::format(void* region, usize size, u32 ring_bytes) {
    if (region == nullptr || !is_aligned(reinterpret_cast<uptr>(region), k_line) || !ring_bytes_ok(ring_bytes) ||
        size < layout::region_size(ring_bytes))
        return err(Error::InvalidArgument);
    auto* base = static_cast<u8*>(region);
    // Header and the four lines; the data areas need no initial value.
    for (usize off = 0; off < k_data; off += 8)
        __atomic_store_n(at<u64>(base, off), u64{0}, __ATOMIC_RELAXED);
    __atomic_store_n(at<u32>(base, k_hdr_version), k_version, __ATOMIC_RELAXED);
    __atomic_store_n(at<u32>(base, k_hdr_region_size), static_cast<u32>(layout::region_size(ring_bytes)),
                     __ATOMIC_RELAXED);
    __atomic_store_n(at<u32>(base, k_hdr_ring_bytes), ring_bytes, __ATOMIC_RELAXED);
    (void)setup(region, size, Side::A, ring_bytes);
    m_gen = 1;
    m_write = m_peer_read = m_peer_cgen = 0;
    m_read = m_peer_write = m_peer_pgen = 0;
    publish_tx();
    publish_rx();
    __atomic_store_n(at<u32>(base, k_hdr_magic), k_magic, __ATOMIC_RELEASE);
    return {};
}

Result<void, Error> Channel::attach(void* region, usize size, Side side) {
    if (region == nullptr || !is_aligned(reinterpret_cast<uptr>(region), k_line) || size < k_data)
        return err(Error::InvalidArgument);
    auto* base = static_cast<u8*>(region);
    // Each header field once; never read again after this call.
    if (__atomic_load_n(at<u32>(base, k_hdr_magic), __ATOMIC_ACQUIRE) != k_magic)
        return err(Error::NotFormatted);
    const u32 version = load_relaxed(at<u32>(base, k_hdr_version));
    const u32 rsize = load_relaxed(at<u32>(base, k_hdr_region_size));
    const u32 ring_bytes = load_relaxed(at<u32>(base, k_hdr_ring_bytes));
    if (version != k_version || !ring_bytes_ok(ring_bytes) || rsize != layout::region_size(ring_bytes) ||
        rsize > size)
        return err(Error::Incompatible);
    (void)setup(region, size, side, ring_bytes);

    // Where this member's ends stood before (its own lines, written by its
    // previous life; the peer could have scribbled on them, so they are
    // checked like anything else).
    const u64 own_prod = load_relaxed(m_tx_prod);
    const u64 own_cons = load_relaxed(m_rx_cons);
    m_gen = next_gen(hi(own_prod) > hi(own_cons) ? hi(own_prod) : hi(own_cons));
    m_write = lo(own_prod) & ~k_align_mask;
    resync_tx();

    // Receiving: resume at our old read index if it is consistent with the
    // producer's, skipping what an older producer generation left unread.
    const u64 prod = load_acquire(m_rx_prod);
    const u32 w = lo(prod);
    const u32 s = load_relaxed(m_rx_gen_start);
    const u32 r = lo(own_cons);
    const bool r_ok = (r & k_align_mask) == 0 && w - r <= m_ring_bytes;
    const bool s_ok = (s & k_align_mask) == 0 && w - s <= m_ring_bytes;
    if (r_ok)
        m_read = s_ok && w - s < w - r ? s : r;
    else
        m_read = s_ok ? s : (w & ~k_align_mask);
    m_peer_write = m_read;
    m_peer_pgen = hi(prod);
    publish_tx();
    publish_rx();
    return {};
}

// Our producer end after a restart or reset: keep our write index when the
// consumer's read index is consistent with it (so a release the consumer is
// doing right now stays valid); otherwise start over at the consumer's index.
// Our new generation begins here: the consumer drops what lies before.
void Channel::resync_tx() {
    const u64 cons = load_acquire(m_tx_cons);
    const u32 r = lo(cons);
    if ((r & k_align_mask) != 0 || m_write - r > m_ring_bytes)
        m_write = r & ~k_align_mask;
    m_peer_read = (r & k_align_mask) == 0 && m_write - r <= m_ring_bytes ? r : m_write;
    m_peer_cgen = hi(cons);
    __atomic_store_n(m_tx_gen_start, m_write, __ATOMIC_RELAXED);
}

void Channel::reset() {
    if (m_base == nullptr)
        return;
    m_gen = next_gen(m_gen);
    m_resv = false;
    m_peek_skip = 0;
    m_corrupt = false;
    resync_tx();
    // Receiving: drop everything up to the producer's current write index.
    const u64 prod = load_acquire(m_rx_prod);
    m_read = lo(prod) & ~k_align_mask;
    m_peer_write = m_read;
    m_peer_pgen = hi(prod);
    publish_tx();
    publish_rx();
}

void Channel::publish_tx() { __atomic_store_n(m_tx_prod, word(m_gen, m_write), __ATOMIC_RELEASE); }

void Channel::publish_rx() { __atomic_store_n(m_rx_cons, word(m_gen, m_read), __ATOMIC_RELEASE); }

// Sets the flag only: the sending and the receiving side may run concurrently,
// and each clears its own reservation or peeked message itself.
Result<void, Error> Channel::corrupted() {
    __atomic_store_n(&m_corrupt, true, __ATOMIC_RELAXED);
    return err(Error::Corrupt);
}

// The consumer's read index, checked: a multiple of 8, and between the last
// one seen and our write index (the same generation), or anywhere within one
// ring behind our write index (a new generation, reported once).
Result<void, Error> Channel::sync_tx() {
    if (corrupt())
        return err(Error::Corrupt);
    const u64 cons = load_acquire(m_tx_cons);
    const u32 r = lo(cons);
    if ((r & k_align_mask) != 0)
        return corrupted();
    if (hi(cons) != m_peer_cgen) {
        if (m_write - r > m_ring_bytes)
            return corrupted();
        m_peer_cgen = hi(cons);
        m_peer_read = r;
        m_resv = false;
        return err(Error::PeerReset);
    }
    if (m_write - r > m_write - m_peer_read)
        return corrupted();
    m_peer_read = r;
    return {};
}

// The producer's write index, checked: a multiple of 8, at most one ring
// ahead of our read index and not behind the last one seen (the same
// generation). A new generation starts at its gen_start, which must lie
// between our read index and the new write index; what lies before it is
// dropped, and the change is reported once. A gen_start that does not fit
// may come from a second reset racing this read: the pair is read once more.
Result<void, Error> Channel::sync_rx() {
    if (corrupt())
        return err(Error::Corrupt);
    for (int attempt = 0; attempt < 2; ++attempt) {
        const u64 prod = load_acquire(m_rx_prod);
        const u32 w = lo(prod);
        if ((w & k_align_mask) != 0 || w - m_read > m_ring_bytes)
            return corrupted();
        if (hi(prod) == m_peer_pgen) {
            if (w - m_read < m_peer_write - m_read)
                return corrupted();
            m_peer_write = w;
            return {};
        }
        const u32 s = load_relaxed(m_rx_gen_start);
        if ((s & k_align_mask) != 0 || s - m_read > w - m_read) {
            if (attempt == 0 && hi(load_acquire(m_rx_prod)) != hi(prod))
                continue;
            return corrupted();
        }
        m_read = s;
        m_peer_write = w;
        m_peer_pgen = hi(prod);
        m_peek_skip = 0;
        publish_rx();
        return err(Error::PeerReset);
    }
    return corrupted();
}

Result<Reservation, Error> Channel::reserve(u32 size) {
    if (m_base == nullptr)
        return err(Error::InvalidArgument);
    if (corrupt())
        return err(Error::Corrupt);
    if (size > max_message())
        return err(Error::TooBig);
    m_resv = false;
    TN_TRY(sync_tx());
    const u32 mask = m_ring_bytes - 1;
    const u32 rec = static_cast<u32>(record_size(size));
    const u32 contig = m_ring_bytes - (m_write & mask);
    const u32 skip = rec <= contig ? 0 : contig;
    const u32 free = m_ring_bytes - (m_write - m_peer_read);
    if (skip + rec > free)
        return err(Error::Full);
    m_resv = true;
    m_resv_skip = skip;
    m_resv_size = size;
    return Reservation{m_tx_data + ((m_write + skip) & mask) + k_rec_hdr, size};
}

Result<void, Error> Channel::commit(u32 size, u32 type) {
    if (corrupt())
        return err(Error::Corrupt);
    if (!m_resv || size > m_resv_size || type == k_type_pad)
        return err(Error::InvalidArgument);
    const u32 mask = m_ring_bytes - 1;
    if (m_resv_skip != 0)
        __atomic_store_n(at<u64>(m_tx_data, m_write & mask), word(k_type_pad, m_resv_skip - k_rec_hdr),
                         __ATOMIC_RELAXED);
    const u32 pos = m_write + m_resv_skip;
    __atomic_store_n(at<u64>(m_tx_data, pos & mask), word(type, size), __ATOMIC_RELAXED);
    m_write = pos + static_cast<u32>(record_size(size));
    m_resv = false;
    publish_tx();
    return {};
}

Result<void, Error> Channel::send(const void* data, u32 size, u32 type) {
    if (type == k_type_pad)
        return err(Error::InvalidArgument);
    Reservation r = TN_TRY(reserve(size));
    if (size != 0)
        __builtin_memcpy(r.data, data, size);
    return commit(size, type);
}

Result<u32, Error> Channel::tx_free() {
    if (m_base == nullptr)
        return err(Error::InvalidArgument);
    TN_TRY(sync_tx());
    return m_ring_bytes - (m_write - m_peer_read);
}

// The record at our read index, within what the producer published: a
// padding record (never at offset 0, exactly up to the end of the data area,
// followed by a record), then a data record that fits in what is left, in
// the data area and in max_message(). Two header reads at most.
Result<Message, Error> Channel::peek() {
    if (m_base == nullptr)
        return err(Error::InvalidArgument);
    m_peek_skip = 0;
    TN_TRY(sync_rx());
    const u32 mask = m_ring_bytes - 1;
    u32 avail = m_peer_write - m_read;
    if (avail == 0)
        return err(Error::Empty);
    u32 off = m_read & mask;
    u32 skip = 0;
    u64 hdr = load_relaxed(at<u64>(m_rx_data, off));
    if (hi(hdr) == k_type_pad) {
        skip = m_ring_bytes - off;
        if (off == 0 || lo(hdr) != skip - k_rec_hdr || skip >= avail)
            return err(corrupted().error());
        avail -= skip;
        off = 0;
        hdr = load_relaxed(at<u64>(m_rx_data, 0));
        if (hi(hdr) == k_type_pad)
            return err(corrupted().error());
    }
    const u32 len = lo(hdr);
    if (len > max_message())
        return err(corrupted().error());
    const u32 rec = static_cast<u32>(record_size(len));
    if (rec > avail || rec > m_ring_bytes - off)
        return err(corrupted().error());
    m_peek_skip = skip + rec;
    return Message{m_rx_data + off + k_rec_hdr, len, hi(hdr)};
}

Result<void, Error> Channel::release() {
    if (corrupt())
        return err(Error::Corrupt);
    if (m_peek_skip == 0)
        return {};
    m_read += m_peek_skip;
    m_peek_skip = 0;
    publish_rx();
    return {};
}

Result<Message, Error> Channel::recv(void* buf, usize cap) {
    Message m = TN_TRY(peek());
    if (m.size > cap)
        return err(Error::BufferTooSmall);
    if (m.size != 0)
        __builtin_memcpy(buf, m.data, m.size);
    TN_TRY(release());
    return Message{static_cast<const u8*>(buf), m.size, m.type};
}

Result<u32, Error> Channel::rx_pending() {
    if (m_base == nullptr)
        return err(Error::InvalidArgument);
    TN_TRY(sync_rx());
    return m_peer_write - m_read;
}

}  // namespace tn::ivc
