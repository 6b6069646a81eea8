// Mortise hypercalls that take more than one call or a buffer (tn/mortise.hpp).
#include <tn/mortise.hpp>

namespace tn::mortise {

const char* status_name(Status s) {
    switch (s) {
    case Status::Success: return "SUCCESS";
    case Status::NotSupported: return "NOT_SUPPORTED";
    case Status::InvalidParameters: return "INVALID_PARAMETERS";
    case Status::Denied: return "DENIED";
    case Status::InvalidState: return "INVALID_STATE";
    case Status::InvalidAddress: return "INVALID_ADDRESS";
    case Status::Busy: return "BUSY";
    case Status::Unavailable: return "UNAVAILABLE";
    }
    return "UNKNOWN";
}

const char* state_name(GuestState s) {
    switch (s) {
    case GuestState::Stopped: return "stopped";
    case GuestState::Running: return "running";
    case GuestState::Paused: return "paused";
    case GuestState::Faulted: return "faulted";
    }
    return "unknown";
}

Status write(const char* text, usize len) {
    constexpr usize k_chunk = mortise_abi::k_console_write_max;
    while (len) {
        usize n = len < k_chunk ? len : k_chunk;
        Result r = call(fid::k_write, reinterpret_cast<u64>(text), n);
        if (!r.ok())
            return r.status;
        text += r.x1;
        len -= r.x1 < len ? r.x1 : len;
        if (r.x1 == 0)
            return Status::InvalidState;  // no progress: do not spin
    }
    return Status::Success;
}

Status guest_info(unsigned index, GuestInfo& out) {
    Result r = call(fid::k_guest_info, index);
    if (!r.ok())
        return r.status;
    out.state = static_cast<GuestState>(r.x1);
    out.vcpus = static_cast<unsigned>(r.x2);
    // The buffer is written by Mortise through the guest's RAM, behind this
    // CPU's back as far as the compiler knows: the "memory" clobber of call()
    // orders it.
    r = call(fid::k_guest_name, index, reinterpret_cast<u64>(out.name), sizeof out.name);
    if (!r.ok())
        out.name[0] = 0;
    return r.status;
}

Status find_guest(const char* name, unsigned& index) {
    Result n = guest_count();
    if (!n.ok())
        return n.status;
    for (unsigned i = 0; i < n.x1; ++i) {
        GuestInfo info;
        Status s = guest_info(i, info);
        if (s != Status::Success)
            return s;
        if (__builtin_strcmp(info.name, name) == 0) {
            index = i;
            return Status::Success;
        }
    }
    return Status::InvalidParameters;
}

}  // namespace tn::mortise
