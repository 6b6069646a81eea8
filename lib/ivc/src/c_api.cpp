// C interface of lib/ivc (tn/ivc_ring.h): each function forwards to tn::ivc::Channel.
#include <new>

#include <tn/ivc_ring.h>
#include <tn/ivc_ring.hpp>

using namespace tn;
using namespace tn::ivc;

static_assert(sizeof(Channel) <= sizeof(tn_ivc_t), "tn_ivc_t too small for tn::ivc::Channel");
static_assert(alignof(Channel) <= alignof(tn_ivc_t), "tn_ivc_t under-aligned for tn::ivc::Channel");

namespace {

Channel& ch(tn_ivc_t* c) { return *std::launder(reinterpret_cast<Channel*>(c)); }
const Channel& ch(const tn_ivc_t* c) { return *std::launder(reinterpret_cast<const Channel*>(c)); }

int to_errno(Error e) {
    switch (e) {
    case Error::Full:
    case Error::Empty: return -TN_EAGAIN;
    case Error::TooBig: return -TN_EMSGSIZE;
    case Error::BufferTooSmall: return -TN_ENOBUFS;
    case Error::PeerReset: return -TN_ECONNRESET;
    case Error::Corrupt: return -TN_EBADMSG;
    case Error::NotFormatted: return -TN_ENOTCONN;
    case Error::Incompatible: return -TN_EPROTO;
    case Error::InvalidArgument: return -TN_EINVAL;
    }
    return -TN_EINVAL;
}

int to_int(const Result<void, Error>& r) { return r.ok() ? 0 : to_errno(r.error()); }

void put(tn_ivc_msg_t* out, const Message& m) {
    if (out != nullptr)
        *out = tn_ivc_msg_t{m.data, m.size, m.type};
}

}  // namespace

extern "C" {

size_t tn_ivc_region_size(uint32_t ring_bytes) { return Channel::region_size(ring_bytes); }

int tn_ivc_format(tn_ivc_t* c, void* region, size_t size, uint32_t ring_bytes) {
    if (c == nullptr)
        return -TN_EINVAL;
    return to_int((new (c) Channel)->format(region, size, ring_bytes));
}

int tn_ivc_attach(tn_ivc_t* c, void* region, size_t size, int side) {
    if (c == nullptr || (side != TN_IVC_SIDE_A && side != TN_IVC_SIDE_B))
        return -TN_EINVAL;
    return to_int((new (c) Channel)->attach(region, size, side == TN_IVC_SIDE_A ? Side::A : Side::B));
}

void tn_ivc_reset(tn_ivc_t* c) { ch(c).reset(); }

int tn_ivc_send(tn_ivc_t* c, const void* data, uint32_t size, uint32_t type) {
    return to_int(ch(c).send(data, size, type));
}

int tn_ivc_reserve(tn_ivc_t* c, uint32_t size, void** data) {
    auto r = ch(c).reserve(size);
    if (!r.ok())
        return to_errno(r.error());
    *data = r.value().data;
    return 0;
}

int tn_ivc_commit(tn_ivc_t* c, uint32_t size, uint32_t type) { return to_int(ch(c).commit(size, type)); }

int tn_ivc_peek(tn_ivc_t* c, tn_ivc_msg_t* msg) {
    auto r = ch(c).peek();
    if (!r.ok())
        return to_errno(r.error());
    put(msg, r.value());
    return 0;
}

int tn_ivc_release(tn_ivc_t* c) { return to_int(ch(c).release()); }

int tn_ivc_recv(tn_ivc_t* c, void* buf, size_t cap, tn_ivc_msg_t* msg) {
    auto r = ch(c).recv(buf, cap);
    if (!r.ok())
        return to_errno(r.error());
    put(msg, r.value());
    return 0;
}

int64_t tn_ivc_tx_free(tn_ivc_t* c) {
    auto r = ch(c).tx_free();
    return r.ok() ? int64_t{r.value()} : to_errno(r.error());
}

int64_t tn_ivc_rx_pending(tn_ivc_t* c) {
    auto r = ch(c).rx_pending();
    return r.ok() ? int64_t{r.value()} : to_errno(r.error());
}

uint32_t tn_ivc_max_message(const tn_ivc_t* c) { return ch(c).max_message(); }

}  // extern "C"
