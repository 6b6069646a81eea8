/// @file
/// @brief Mortise hypercalls from a Tenon guest (docs/mortise.md, "Hypercalls"):
/// SMC Calling Convention through HVC #0 at EL1, function ID in w0, arguments
/// in x1..x6, status in x0 and results in x1..x3.
///
/// Only meaningful in a guest of Mortise: on bare hardware HVC at EL1 is
/// undefined (HCR_EL2.HCD or no EL2), so nothing here probes on its own.
/// Buffers are passed by address: Tenon maps its RAM identity (VA = IPA), which
/// is what Mortise checks them against.
///
/// Provided by plat/mortise-guest (CONFIG_PLAT_MORTISE_GUEST). Every call is
/// one HVC: it does not block the calling thread (Mortise handles it before
/// the vCPU continues) and may be made from any context.
#pragma once

#include <tn/mortise_abi.hpp>
#include <tn/types.hpp>

/// Hypercalls to Mortise from a Tenon guest (plat/mortise-guest).
namespace tn::mortise {

/// x0 of a hypercall (SMCCC-style; docs/mortise.md status table).
using Status = mortise_abi::Status;

/// "SUCCESS", "DENIED", ...; "UNKNOWN" for any other value.
const char* status_name(Status s);

/// What a hypercall returned: x0 as a Status plus x1..x3.
struct Result {
    Status status;   ///< x0.
    /// x1, x2, x3: the call's results (see each call).
    ///@{
    u64 x1, x2, x3;
    ///@}
    /// True for Status::Success.
    bool ok() const { return status == Status::Success; }
};

/// The ID of function @p number in group @p group (tn/mortise_abi.hpp): fast
/// call, SMC64, owner 6 (vendor hypervisor service), group in bits 15:8,
/// function in 7:0.
constexpr u32 function_id(u32 group, u32 number) {
    return mortise_abi::function_id(static_cast<mortise_abi::GroupId>(group), static_cast<u8>(number));
}
/// The function IDs of Mortise's hypercalls (tn/mortise_abi.hpp).
namespace fid = mortise_abi::id;

/// One hypercall. Inline, so that a measurement around it sees the HVC and
/// the register moves only. SMCCC v1.1+: x4..x17 are preserved by the callee,
/// but Mortise's x0..x3 are results, so those four are the clobbers.
inline Result call(u32 function, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0) {
    register u64 x0 asm("x0") = function;
    register u64 x1 asm("x1") = a1;
    register u64 x2 asm("x2") = a2;
    register u64 x3 asm("x3") = a3;
    asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
    return {static_cast<Status>(static_cast<i64>(x0)), x1, x2, x3};
}

// ---- info (any guest) ----

/// Interface version (major << 16 | minor), in x1.
inline Result version() { return call(fid::k_version); }
/// This guest's index (description order, from 0), in x1.
inline Result guest_id() { return call(fid::k_guest_id); }
/// x1 = this guest's vCPUs, x2 = the calling vCPU's index.
inline Result vcpu_count() { return call(fid::k_vcpu_count); }

// ---- console (any guest): lines tagged with the guest's name ----

/// Writes one character to the guest's console line.
inline Result putc(char c) { return call(fid::k_putc, static_cast<u8>(c)); }
/// Writes up to mortise_abi::k_console_write_max (256) bytes at a time; longer texts go in several calls.
/// Returns the status of the first call that failed, else Success.
Status write(const char* text, usize len);

// ---- lifecycle (guests marked 'privileged' in the description) ----

/// A guest's lifecycle state.
using GuestState = mortise_abi::GuestState;
/// "stopped", "running", ...; for logs.
const char* state_name(GuestState s);

/// What guest_info() reports about a guest.
struct GuestInfo {
    GuestState state;  ///< Its lifecycle state.
    unsigned vcpus;    ///< Its vCPU count.
    char name[mortise_abi::k_guest_name_size];  ///< Its name from the partition description, NUL-terminated.
};

/// Number of guests in x1.
inline Result guest_count() { return call(fid::k_guest_count); }
/// State and vCPU count and name of guest @p index into @p out.
Status guest_info(unsigned index, GuestInfo& out);
/// Looks up the guest named @p name: Success and its @p index; the failing
/// call's status (e.g. Denied); InvalidParameters when no guest has that name.
Status find_guest(const char* name, unsigned& index);
/// Starts stopped guest @p index. @return Success, or Denied (not privileged), InvalidParameters,
/// InvalidState, Busy (its vCPUs are still leaving after a destroy: try again), Unavailable (it
/// cannot boot: never set up, or its image does not fit).
inline Status start(unsigned index) { return call(fid::k_start, index).status; }
/// Pauses running guest @p index. @return as start().
inline Status pause(unsigned index) { return call(fid::k_pause, index).status; }
/// Resumes paused guest @p index. @return as start().
inline Status resume(unsigned index) { return call(fid::k_resume, index).status; }
/// Stops guest @p index for good. @return as start().
inline Status destroy(unsigned index) { return call(fid::k_destroy, index).status; }
/// Stops guest @p index and boots it again. @return as start().
inline Status restart(unsigned index) { return call(fid::k_restart, index).status; }

// ---- on-demand instances (guests marked 'privileged'; interface 1.3) ----

/// Creates and starts an instance of pool image @p image named @p name with @p mem_bytes of RAM
/// (a multiple of 2 MiB), @p vcpus vCPUs, priority @p priority (0-31) and reservation @p budget
/// (mortise_abi::instance::budget(), 0: none). x1 = its guest index.
/// @return Success, or Denied, InvalidAddress (a name not in this guest's RAM), InvalidParameters
/// (refused: Mortise's log says why), Unavailable (no RAM, CPU or slot free now), NotSupported (no pool).
inline Result instance_create(const char* image, const char* name, u64 mem_bytes, unsigned vcpus = 1,
                              unsigned priority = 0, u64 budget = 0) {
    register u64 x0 asm("x0") = fid::k_instance_create;
    register u64 x1 asm("x1") = reinterpret_cast<u64>(image);
    register u64 x2 asm("x2") = reinterpret_cast<u64>(name);
    register u64 x3 asm("x3") = mem_bytes;
    register u64 x4 asm("x4") = vcpus;
    register u64 x5 asm("x5") = priority;
    register u64 x6 asm("x6") = budget;
    asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : "r"(x4), "r"(x5), "r"(x6) : "memory");
    return {static_cast<Status>(static_cast<i64>(x0)), x1, x2, x3};
}
/// Stops instance @p index, scrubs its RAM and returns its resources to the pool.
/// @return Success, or Denied, InvalidParameters (not an instance), Busy (try again).
inline Status instance_reclaim(unsigned index) { return call(fid::k_instance_reclaim, index).status; }
/// The pool: x1 = free RAM bytes, x2 = the pool's bytes, x3 = free CPU mask (bits 31:0) and free
/// stage-2 tables (bits 63:32).
inline Result instance_pool() { return call(fid::k_instance_pool); }

// ---- scheduling hints (mode-2 guests with max-priority; interface 1.4) ----

/// This vCPU's scheduling priorities: x1 = its guest's priority, x2 = its ceiling (max-priority, or the
/// priority without one), x3 = what it runs at now; all 0 outside mode 2.
inline Result sched_info() { return call(fid::k_sched_info); }
/// Asks Mortise to run this vCPU at priority @p now and to raise it to @p on_interrupt when an
/// interrupt becomes pending for it while it is preempted or blocked, until the next hint. Both
/// 0-31, clamped into [priority, max-priority]; 0 is the base priority.
/// @return Success, or Denied (no max-priority), InvalidParameters (above 31).
inline Status sched_hint(unsigned now, unsigned on_interrupt) {
    return call(fid::k_sched_hint, now, on_interrupt).status;
}
/// Hands this vCPU's CPU to the next ready vCPU of its priority on that CPU, if any (mode 2; since
/// interface 1.5): the instance-level sched::yield(). Returns when this vCPU runs again; at once
/// outside mode 2 or when no other vCPU of its priority is ready there.
inline Status sched_yield() { return call(fid::k_sched_yield).status; }
/// With PLAT_MORTISE_GUEST_SCHED_HINT: the priority this vCPU asks to be raised to on an interrupt
/// (sched_hint()'s @p on_interrupt, PLAT_MORTISE_GUEST_SCHED_HINT_ON_INTERRUPT until set), reported from
/// the next switch on. Set it once, before the threads that depend on it run.
void set_sched_on_interrupt(u8 priority);
/// With PLAT_MORTISE_GUEST_SCHED_HINT: turns the reports off (false) or on again (true, the default):
/// off, the vCPU is left at its base priority.
void set_sched_hints(bool on);

// ---- inter-VM channels (members of the channel; tn/ivc.hpp wraps them) ----

/// Rings channel @p channel: makes the doorbell interrupt of the members in
/// @p members pending (bit i: member i; 0: every other member; the caller's own
/// bit is ignored). A paused member gets it on resume, a stopped one not at all.
/// @return Success, Denied (the caller is not a member), InvalidParameters (no
/// such channel, or a bit beyond the members).
inline Result ivc_notify(u32 channel, u64 members = mortise_abi::ivc::k_ring_all_others) {
    return call(fid::k_ivc_notify, channel, members);
}
/// This member's view of channel @p channel: x1 = its member index, x2 = the
/// member count, x3 = mask of the members running or paused.
/// @return Success, Denied (not a member), InvalidParameters (no such channel).
inline Result ivc_info(u32 channel) { return call(fid::k_ivc_info, channel); }

}  // namespace tn::mortise
