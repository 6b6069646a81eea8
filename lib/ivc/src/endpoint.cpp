// The channel layer of a Tenon guest (tn/ivc.hpp): the device tree, the
// mappings, the doorbell interrupt and the waits around lib/ivc's ring.
#include <tn/clock.hpp>
#include <tn/ivc.hpp>
#include <tn/mortise.hpp>
#include <tn/plat.hpp>

#include "wake_rule.hpp"

namespace tn::ivc {

namespace {

namespace abi = mortise_abi::ivc;

// EventFlags bits the doorbell sets: one per kind of waiter, so that a sender
// and a receiver on two threads each see every doorbell.
constexpr u32 k_rx = 1u << 0;
constexpr u32 k_tx = 1u << 1;
constexpr u32 k_bell = 1u << 2;
constexpr u32 k_all = k_rx | k_tx | k_bell;

EndpointError from_ring(Error e) {
    switch (e) {
    case Error::InvalidArgument: return EndpointError::InvalidArgument;
    case Error::NotFormatted: return EndpointError::Incompatible;
    case Error::Incompatible: return EndpointError::Incompatible;
    case Error::Full: return EndpointError::WouldBlock;
    case Error::Empty: return EndpointError::WouldBlock;
    case Error::TooBig: return EndpointError::TooBig;
    case Error::BufferTooSmall: return EndpointError::BufferTooSmall;
    case Error::PeerReset: return EndpointError::PeerReset;
    case Error::Corrupt: return EndpointError::Corrupt;
    }
    return EndpointError::InvalidArgument;
}

EndpointError from_status(mortise::Status s) {
    switch (s) {
    case mortise::Status::Denied: return EndpointError::Denied;
    case mortise::Status::InvalidParameters: return EndpointError::InvalidArgument;
    default: return EndpointError::HypercallFailed;
    }
}

u64 load64(const u8* p) { return __atomic_load_n(reinterpret_cast<const u64*>(p), __ATOMIC_ACQUIRE); }

}  // namespace

// An absolute deadline for a relative timeout; k_forever never passes.
struct Endpoint::Deadline {
    explicit Deadline(u64 timeout_ns) : timeout(timeout_ns) {
        u64 now = clock::now_ns();
        at = timeout_ns == sched::k_forever || now + timeout_ns < now ? sched::k_forever : now + timeout_ns;
    }
    u64 remaining() const {
        if (at == sched::k_forever)
            return sched::k_forever;
        u64 now = clock::now_ns();
        return now >= at ? 0 : at - now;
    }
    u64 timeout;
    u64 at;
};

const char* error_name(EndpointError e) {
    static const char* const names[] = {
        "NotFound", "BadDeviceTree", "MapFailed", "IrqFailed", "AlreadyOpen", "NotOpen",
        "NoRing", "Incompatible", "Timeout", "WouldBlock", "TooBig", "BufferTooSmall",
        "PeerReset", "Corrupt", "InvalidArgument", "Denied", "HypercallFailed",
    };
    auto i = static_cast<usize>(e);
    return i < sizeof names / sizeof names[0] ? names[i] : "?";
}

irq::Completion Endpoint::on_doorbell(irq::Event, void* ctx) {
    static_cast<Endpoint*>(ctx)->m_events.set(k_all);
    return irq::Completion::Done;
}

Result<void, EndpointError> Endpoint::ready() const {
    if (!m_open)
        return err(EndpointError::NotOpen);
    if (!m_has_ring)
        return err(EndpointError::NoRing);
    return {};
}

// Sleeps until the doorbell sets @p bit or the deadline passes. The caller
// cleared @p bit before it looked at the ring, so a doorbell in between is
// not lost.
Result<void, EndpointError> Endpoint::block(u32 bit, const Deadline& d) {
    // Past the deadline (or k_no_wait) this only looks at the bit.
    auto w = m_events.wait(bit, sync::WaitMode::Any, true, d.remaining());
    if (w.ok())
        return {};
    if (w.error() == sched::Error::InIsr)
        return err(EndpointError::InvalidArgument);
    return err(d.timeout == sched::k_no_wait ? EndpointError::WouldBlock : EndpointError::Timeout);
}

u32 Endpoint::peer_write() const {
    u32 rx_dir = m_desc.member == 0 ? 1 : 0;
    return static_cast<u32>(load64(m_shm + layout::prod_line(rx_dir) + layout::k_prod_word));
}

u32 Endpoint::own_read() const {
    u32 rx_dir = m_desc.member == 0 ? 1 : 0;
    return static_cast<u32>(load64(m_shm + layout::cons_line(rx_dir) + layout::k_cons_word));
}

u32 Endpoint::peer_generation() const {
    if (!m_has_ring)
        return 0;
    u32 rx_dir = m_desc.member == 0 ? 1 : 0;
    return static_cast<u32>(load64(m_shm + layout::prod_line(rx_dir) + layout::k_prod_word) >> 32);
}

// After any doorbell to the peer: what it may have seen of our read index.
// Sending and receiving threads both ring: relaxed atomics, the value only
// decides whether a consume rings.
void Endpoint::rang() { __atomic_store_n(&m_read_at_bell, own_read(), __ATOMIC_RELAXED); }

// After a message left the receiving ring: ring the peer if it may wait for room.
void Endpoint::consumed() {
    if (detail::producer_may_wait(peer_write(), __atomic_load_n(&m_read_at_bell, __ATOMIC_RELAXED), m_ring_bytes))
        (void)notify();
}

Result<void, EndpointError> Endpoint::attach(const Deadline& d) {
    const Side side = m_desc.member == 0 ? Side::A : Side::B;
    for (;;) {
        m_events.clear(k_rx);
        auto a = m_ring.attach(m_shm, m_desc.shm_size, side);
        if (a.ok())
            break;
        if (side == Side::A) {
            // Not formatted, or a header that does not check: member 0 owns the format.
            if (a.error() == Error::InvalidArgument)
                return err(EndpointError::BadDeviceTree);
            if (!m_ring.format(m_shm, m_desc.shm_size, m_ring_bytes).ok())
                return err(EndpointError::BadDeviceTree);
            break;
        }
        if (a.error() == Error::Incompatible)
            return err(EndpointError::Incompatible);
        if (a.error() != Error::NotFormatted)
            return err(from_ring(a.error()));
        // Member 0 rings once it formatted the region.
        TN_TRY(block(k_rx, d));
    }
    m_ring_bytes = m_ring.ring_bytes();
    return {};
}

Result<void, EndpointError> Endpoint::open(const char* name, u64 timeout_ns) {
    if (m_open)
        return err(EndpointError::AlreadyOpen);
    Deadline d(timeout_ns);
    auto dt = plat::device_tree();
    if (!dt.ok())
        return err(EndpointError::BadDeviceTree);
    auto desc = find_channel(dt.value(), name);
    if (!desc.ok())
        return err(desc.error() == DescError::NotFound ? EndpointError::NotFound : EndpointError::BadDeviceTree);
    m_desc = desc.value();
    if (!plat::map_device(m_desc.doorbell, m_desc.doorbell_size).ok() ||
        !plat::map_shared(m_desc.shm, m_desc.shm_size, !m_desc.uncached, !m_desc.read_only).ok())
        return err(EndpointError::MapFailed);
    m_shm = reinterpret_cast<u8*>(m_desc.shm);

    // The interrupt first: member 0's doorbell after formatting must find it.
    if (!irq::register_handler(m_desc.intid, on_doorbell, this).ok())
        return err(EndpointError::IrqFailed);
    (void)irq::set_trigger(m_desc.intid, irq::Trigger::Edge);  // the binding's edge; a fixed one is fine too
    if (!irq::enable(m_desc.intid).ok()) {
        (void)irq::unregister_handler(m_desc.intid);
        return err(EndpointError::IrqFailed);
    }

    m_has_ring = m_desc.members == 2 && !m_desc.read_only;
    if (m_has_ring) {
        m_ring_bytes = ring_bytes_for(m_desc.shm_size);
        if (m_ring_bytes == 0) {
            m_has_ring = false;
        } else if (auto a = attach(d); !a.ok()) {
            (void)irq::unregister_handler(m_desc.intid);
            m_has_ring = false;
            return a;
        }
    }
    m_open = true;
    (void)notify();  // the peers learn our new generation
    return {};
}

Result<void, EndpointError> Endpoint::send(const void* data, u32 size, u32 type, u64 timeout_ns) {
    TN_TRY(ready());
    Deadline d(timeout_ns);
    for (;;) {
        m_events.clear(k_tx);
        auto r = m_ring.send(data, size, type);
        if (r.ok())
            return notify();
        if (r.error() != Error::Full)
            return err(from_ring(r.error()));
        TN_TRY(block(k_tx, d));
    }
}

Result<Reservation, EndpointError> Endpoint::reserve(u32 size, u64 timeout_ns) {
    TN_TRY(ready());
    Deadline d(timeout_ns);
    for (;;) {
        m_events.clear(k_tx);
        auto r = m_ring.reserve(size);
        if (r.ok())
            return r.value();
        if (r.error() != Error::Full)
            return err(from_ring(r.error()));
        TN_TRY(block(k_tx, d));
    }
}

Result<void, EndpointError> Endpoint::commit(u32 size, u32 type) {
    TN_TRY(ready());
    auto r = m_ring.commit(size, type);
    if (!r.ok())
        return err(from_ring(r.error()));
    return notify();
}

Result<Message, EndpointError> Endpoint::recv(void* buf, usize cap, u64 timeout_ns) {
    TN_TRY(ready());
    Deadline d(timeout_ns);
    for (;;) {
        m_events.clear(k_rx);
        auto r = m_ring.recv(buf, cap);
        if (r.ok()) {
            consumed();
            return r.value();
        }
        if (r.error() != Error::Empty)
            return err(from_ring(r.error()));
        TN_TRY(block(k_rx, d));
    }
}

Result<Message, EndpointError> Endpoint::peek(u64 timeout_ns) {
    TN_TRY(ready());
    Deadline d(timeout_ns);
    for (;;) {
        m_events.clear(k_rx);
        auto r = m_ring.peek();
        if (r.ok())
            return r.value();
        if (r.error() != Error::Empty)
            return err(from_ring(r.error()));
        TN_TRY(block(k_rx, d));
    }
}

Result<void, EndpointError> Endpoint::release() {
    TN_TRY(ready());
    auto r = m_ring.release();
    if (!r.ok())
        return err(from_ring(r.error()));
    consumed();
    return {};
}

Result<void, EndpointError> Endpoint::reset() {
    TN_TRY(ready());
    // The header as member 0 wrote it; a peer may have overwritten it.
    const u8* h = m_shm;
    auto u32_at = [h](usize off) { return __atomic_load_n(reinterpret_cast<const u32*>(h + off), __ATOMIC_ACQUIRE); };
    bool header_ok = u32_at(layout::k_hdr_magic) == layout::k_magic &&
                     u32_at(layout::k_hdr_version) == layout::k_version &&
                     u32_at(layout::k_hdr_ring_bytes) == m_ring_bytes &&
                     u32_at(layout::k_hdr_region_size) == layout::region_size(m_ring_bytes);
    if (m_desc.member == 0 && !header_ok) {
        if (!m_ring.format(m_shm, m_desc.shm_size, m_ring_bytes).ok())
            return err(EndpointError::Incompatible);
    } else {
        m_ring.reset();
    }
    rang();
    m_events.clear(k_rx | k_tx);
    (void)notify();
    return {};
}

Result<void, EndpointError> Endpoint::wait(u64 timeout_ns) {
    if (!m_open)
        return err(EndpointError::NotOpen);
    Deadline d(timeout_ns);
    return block(k_bell, d);
}

Result<void, EndpointError> Endpoint::notify(u64 members) {
    return m_doorbell == Doorbell::Mmio ? notify_mmio(members) : notify_hypercall(members);
}

Result<void, EndpointError> Endpoint::notify_hypercall(u64 members) {
    if (!m_open && m_shm == nullptr)
        return err(EndpointError::NotOpen);
    if (m_has_ring)
        rang();
    asm volatile("dsb ish" ::: "memory");  // the ring's stores seen before the peer's interrupt
    mortise::Result r = mortise::ivc_notify(m_desc.id, members);
    if (!r.ok())
        return err(from_status(r.status));
    return {};
}

Result<void, EndpointError> Endpoint::notify_mmio(u64 members) {
    if (!m_open && m_shm == nullptr)
        return err(EndpointError::NotOpen);
    if (m_has_ring)
        rang();
    auto* ring = reinterpret_cast<volatile u32*>(m_desc.doorbell + abi::k_reg_ring);
    asm volatile("dsb st" ::: "memory");  // the ring's stores before the doorbell
    *ring = static_cast<u32>(members);
    return {};
}

Result<ChannelInfo, EndpointError> Endpoint::info() const {
    if (!m_open)
        return err(EndpointError::NotOpen);
    mortise::Result r = mortise::ivc_info(m_desc.id);
    if (!r.ok())
        return err(from_status(r.status));
    return ChannelInfo{static_cast<u32>(r.x1), static_cast<u32>(r.x2), static_cast<u32>(r.x3)};
}

}  // namespace tn::ivc
