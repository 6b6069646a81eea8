// libFuzzer target for the hypercall dispatcher: any register contents from any caller must
// come back with a defined status, never reach a handler with unchecked arguments (the fake
// lifecycle traps on a bad guest index) and never let an unprivileged caller act on a guest.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mortise/hypercall.hpp>

#include "fakes.hpp"

using namespace mortise::hypercall;

namespace {

// Input: records of 1 + 7 * 8 bytes: caller byte (bit 0 privileged, bits 1-2 guest), then
// x0..x6 little-endian. A small x0 (< 64) selects a known ID, so calls reach the handlers.
constexpr u32 k_known[] = {id::k_version, id::k_guest_id, id::k_vcpu_count, id::k_putc,    id::k_write,
                           id::k_guest_count, id::k_guest_info, id::k_guest_name, id::k_start, id::k_pause,
                           id::k_resume,  id::k_destroy, id::k_restart, id::k_ivc_notify, id::k_ivc_info};
constexpr usize k_record = 1 + 7 * 8;

const Table& table() {
    static Table t;
    static bool ready = false;
    if (!ready) {
        if (!t.add_linked())
            __builtin_trap();
        ready = true;
    }
    return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    test::FakeMemory memory(0x4000'0000, 0x1000);
    test::FakeConsole console;
    test::FakeLifecycle lifecycle;
    test::FakeIvc ivc;
    Env env{&memory, &console, &lifecycle, &ivc, nullptr};
    for (; size >= k_record; data += k_record, size -= k_record) {
        const Caller caller{static_cast<unsigned>((data[0] >> 1) & 3), 0, (data[0] & 1) != 0};
        u64 regs[7];
        memcpy(regs, data + 1, sizeof(regs));
        if (regs[0] < 64)
            regs[0] = k_known[regs[0] % (sizeof(k_known) / sizeof(k_known[0]))];
        const usize log_before = lifecycle.log.size();
        const usize ivc_before = ivc.log.size();
        const Return r = table().dispatch(caller, regs, env);
        if (r.x0 > 0 || r.x0 < -5)
            __builtin_trap();
        const u32 fid = static_cast<u32>(regs[0]);
        const bool lifecycle_call =
            (fid & 0xffff'ff00u) == function_id(GroupId::Lifecycle, 0) && table().find(fid) != nullptr;
        if (lifecycle_call && !caller.privileged &&
            (r.x0 != static_cast<i64>(Status::Denied) || lifecycle.log.size() != log_before))
            __builtin_trap();
        // A guest that is no member of the fake channel (guests 2 and 3) never rings it.
        const bool ivc_call = (fid & 0xffff'ff00u) == function_id(GroupId::Ivc, 0) && table().find(fid) != nullptr;
        if (ivc_call && caller.guest >= 2 && r.x0 != static_cast<i64>(Status::Denied) &&
            r.x0 != static_cast<i64>(Status::InvalidParameters))
            __builtin_trap();
        if (ivc_call && caller.guest >= 2 && ivc.log.size() != ivc_before)
            __builtin_trap();
        if (table().find(fid) == nullptr && r.x0 != static_cast<i64>(Status::NotSupported))
            __builtin_trap();
    }
    return 0;
}
