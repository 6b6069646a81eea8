// C interface of the channel layer (tn/ivc.h): each function forwards to tn::ivc::Endpoint.
#include <new>

#include <tn/ivc.h>
#include <tn/ivc.hpp>

using namespace tn;
using namespace tn::ivc;

static_assert(sizeof(Endpoint) <= sizeof(tn_ivc_ch_t), "tn_ivc_ch_t too small for tn::ivc::Endpoint");
static_assert(alignof(Endpoint) <= alignof(tn_ivc_ch_t), "tn_ivc_ch_t under-aligned for tn::ivc::Endpoint");

namespace {

Endpoint& ep(tn_ivc_ch_t* c) { return *std::launder(reinterpret_cast<Endpoint*>(c)); }

int to_errno(EndpointError e) {
    switch (e) {
    case EndpointError::NotFound: return -TN_ENOENT;
    case EndpointError::BadDeviceTree: return -TN_ENODEV;
    case EndpointError::MapFailed: return -TN_ENOMEM;
    case EndpointError::IrqFailed:
    case EndpointError::AlreadyOpen: return -TN_EBUSY;
    case EndpointError::NotOpen: return -TN_EBADSTATE;
    case EndpointError::NoRing: return -TN_EACCES;
    case EndpointError::Incompatible: return -TN_EPROTO;
    case EndpointError::Timeout: return -TN_ETIMEDOUT;
    case EndpointError::WouldBlock: return -TN_EAGAIN;
    case EndpointError::TooBig: return -TN_EMSGSIZE;
    case EndpointError::BufferTooSmall: return -TN_ENOBUFS;
    case EndpointError::PeerReset: return -TN_ECONNRESET;
    case EndpointError::Corrupt: return -TN_EBADMSG;
    case EndpointError::InvalidArgument: return -TN_EINVAL;
    case EndpointError::Denied: return -TN_EPERM;
    case EndpointError::HypercallFailed: return -TN_EIO;
    }
    return -TN_EINVAL;
}

int to_int(const Result<void, EndpointError>& r) { return r.ok() ? 0 : to_errno(r.error()); }

int put(tn_ivc_msg_t* out, const Result<Message, EndpointError>& r) {
    if (!r.ok())
        return to_errno(r.error());
    if (out != nullptr)
        *out = tn_ivc_msg_t{r.value().data, r.value().size, r.value().type};
    return 0;
}

}  // namespace

extern "C" {

int tn_ivc_ch_open(tn_ivc_ch_t* c, const char* name, uint64_t timeout_ns) {
    if (c == nullptr || name == nullptr)
        return -TN_EINVAL;
    Endpoint* e = reinterpret_cast<Endpoint*>(c);
    if (!std::launder(e)->is_open())
        e = new (c) Endpoint;
    return to_int(e->open(name, timeout_ns));
}

int tn_ivc_ch_send(tn_ivc_ch_t* c, const void* data, uint32_t size, uint32_t type, uint64_t timeout_ns) {
    return to_int(ep(c).send(data, size, type, timeout_ns));
}

int tn_ivc_ch_recv(tn_ivc_ch_t* c, void* buf, size_t cap, tn_ivc_msg_t* msg, uint64_t timeout_ns) {
    return put(msg, ep(c).recv(buf, cap, timeout_ns));
}

int tn_ivc_ch_reserve(tn_ivc_ch_t* c, uint32_t size, void** data, uint64_t timeout_ns) {
    auto r = ep(c).reserve(size, timeout_ns);
    if (!r.ok())
        return to_errno(r.error());
    *data = r.value().data;
    return 0;
}

int tn_ivc_ch_commit(tn_ivc_ch_t* c, uint32_t size, uint32_t type) { return to_int(ep(c).commit(size, type)); }

int tn_ivc_ch_peek(tn_ivc_ch_t* c, tn_ivc_msg_t* msg, uint64_t timeout_ns) { return put(msg, ep(c).peek(timeout_ns)); }

int tn_ivc_ch_release(tn_ivc_ch_t* c) { return to_int(ep(c).release()); }

int tn_ivc_ch_reset(tn_ivc_ch_t* c) { return to_int(ep(c).reset()); }

int tn_ivc_ch_wait(tn_ivc_ch_t* c, uint64_t timeout_ns) { return to_int(ep(c).wait(timeout_ns)); }

int tn_ivc_ch_notify(tn_ivc_ch_t* c, uint64_t members) { return to_int(ep(c).notify(members)); }

void tn_ivc_ch_set_doorbell(tn_ivc_ch_t* c, int how) {
    ep(c).set_doorbell(how == TN_IVC_DOORBELL_MMIO ? Doorbell::Mmio : Doorbell::Hypercall);
}

void* tn_ivc_ch_shm(tn_ivc_ch_t* c, size_t* size) {
    Endpoint& e = ep(c);
    if (size != nullptr)
        *size = e.is_open() ? e.shm_size() : 0;
    return e.is_open() ? e.shm() : nullptr;
}

int tn_ivc_ch_info(tn_ivc_ch_t* c, tn_ivc_ch_info_t* info) {
    auto r = ep(c).info();
    if (!r.ok())
        return to_errno(r.error());
    *info = tn_ivc_ch_info_t{r.value().member, r.value().members, r.value().peers_running};
    return 0;
}

uint32_t tn_ivc_ch_generation(tn_ivc_ch_t* c) { return ep(c).generation(); }

uint32_t tn_ivc_ch_max_message(tn_ivc_ch_t* c) { return ep(c).max_message(); }

}  // extern "C"
