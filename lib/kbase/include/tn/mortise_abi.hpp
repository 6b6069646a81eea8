/// @file
/// @brief The hypercall interface between Mortise and its guests, shared by both sides:
/// function IDs, status codes, lifecycle states and limits (docs/mortise.md, "Hypercalls").
///
/// Mortise's dispatcher (hyp/hypercall) and Tenon's guest calls (plat/mortise-guest,
/// tn/mortise.hpp) both take these definitions from here, so the two cannot drift apart.
/// Function IDs follow the Arm SMC Calling Convention (DEN0028, §2.5): bit 31 fast call,
/// bit 30 SMC64, bits 29:24 owner (6: vendor-specific hypervisor service), bits 23:16 zero,
/// bits 15:8 Mortise's group, bits 7:0 the function in the group. It lives in lib/kbase,
/// which every image builds, because the two sides are never in the same image.
#pragma once

#include <tn/types.hpp>

/// Mortise's hypercall ABI (both the hypervisor and the guest side use it).
namespace tn::mortise_abi {

constexpr u32 k_fast_call = 1u << 31;    ///< Function ID bit 31: fast (atomic) call.
constexpr u32 k_smc64 = 1u << 30;        ///< Function ID bit 30: SMC64 calling convention.
constexpr u32 k_owner_shift = 24;        ///< Function ID bits 29:24: the service owner...
constexpr u32 k_owner_mask = 0x3f;       ///< ...six bits wide.
constexpr u32 k_owner_hypervisor = 6;    ///< SMCCC "vendor specific hypervisor service calls".
constexpr u32 k_group_shift = 8;         ///< Function ID bits 15:8: Mortise's group.

/// Group numbers (function ID bits 15:8).
enum class GroupId : u8 {
    Info = 0,       ///< Interface version and the caller's identity; any guest.
    Console = 1,    ///< Output tagged with the guest's name; any guest.
    Lifecycle = 2,  ///< List, start, pause, resume, destroy, restart guests; privileged guests.
    Ivc = 3,        ///< Inter-VM channels: ring a channel's doorbell, a member's view; members.
    Sched = 4,      ///< Mode-2 scheduling hints: the calling vCPU's priority within its ceiling. Since 1.4.
    Instance = 5,   ///< On-demand instances: create, reclaim, the pool's state; privileged guests.
};

/// The SMC64 fast-call ID of function @p number in group @p group.
constexpr u32 function_id(GroupId group, u8 number) {
    return k_fast_call | k_smc64 | (k_owner_hypervisor << k_owner_shift) |
           (u32{static_cast<u8>(group)} << k_group_shift) | number;
}

/// x0 on return from a hypercall. SMCCC defines -1 (NOT_SUPPORTED); the others are Mortise's.
enum class Status : i64 {
    Success = 0,             ///< The call did what it was asked.
    NotSupported = -1,       ///< Unknown function ID (also the wrong convention, e.g. SMC32).
    InvalidParameters = -2,  ///< An argument is out of range, misaligned or names no guest.
    Denied = -3,             ///< The function needs a privileged caller.
    InvalidState = -4,       ///< The target guest cannot do that now (e.g. resume a running guest).
    InvalidAddress = -5,     ///< A buffer is not entirely inside the caller's RAM.
    Busy = -6,               ///< The target guest's vCPUs are still leaving their CPUs (after a pause,
                             ///< destroy or restart): try again shortly. Since interface 1.1.
    Unavailable = -7,        ///< The target guest cannot boot: it was never set up (its description
                             ///< needs what this machine lacks; see the boot log) or its image or
                             ///< device tree does not fit its RAM. Since interface 1.1.
};

/// A guest's lifecycle state, as lifecycle.info reports it in x1.
enum class GuestState : u8 {
    Stopped = 0,  ///< Not running; start() boots it.
    Running = 1,  ///< Its vCPUs run.
    Paused = 2,   ///< Its vCPUs are held; resume() continues them.
    Faulted = 3,  ///< Stopped by an unhandled fault; start() or restart() boots it again.
};

/// Mortise's interface version returned by info.version: major in bits 31:16, minor 15:0.
constexpr u64 k_version = (1u << 16) | 5u;
/// Most bytes one console.write takes.
constexpr u64 k_console_write_max = 256;
/// Size of a guest name buffer, NUL included: names are shorter than this.
constexpr usize k_guest_name_size = 32;

/// Function IDs of Mortise's hypercalls (docs/mortise.md has the arguments and results).
/// Buffer arguments (console.write's x1, lifecycle.name's x2) are guest-physical addresses
/// (tn::Ipa on Mortise's side); a Tenon guest maps its RAM identity, so it passes pointers.
namespace id {
constexpr u32 k_version = function_id(GroupId::Info, 0);         ///< info.version
constexpr u32 k_guest_id = function_id(GroupId::Info, 1);        ///< info.guest_id
constexpr u32 k_vcpu_count = function_id(GroupId::Info, 2);      ///< info.vcpu_count
constexpr u32 k_putc = function_id(GroupId::Console, 0);         ///< console.putc
constexpr u32 k_write = function_id(GroupId::Console, 1);        ///< console.write
constexpr u32 k_guest_count = function_id(GroupId::Lifecycle, 0);  ///< lifecycle.count
constexpr u32 k_guest_info = function_id(GroupId::Lifecycle, 1);   ///< lifecycle.info
constexpr u32 k_guest_name = function_id(GroupId::Lifecycle, 2);   ///< lifecycle.name
constexpr u32 k_start = function_id(GroupId::Lifecycle, 3);        ///< lifecycle.start
constexpr u32 k_pause = function_id(GroupId::Lifecycle, 4);        ///< lifecycle.pause
constexpr u32 k_resume = function_id(GroupId::Lifecycle, 5);       ///< lifecycle.resume
constexpr u32 k_destroy = function_id(GroupId::Lifecycle, 6);      ///< lifecycle.destroy
constexpr u32 k_restart = function_id(GroupId::Lifecycle, 7);      ///< lifecycle.restart
constexpr u32 k_ivc_notify = function_id(GroupId::Ivc, 0);         ///< ivc.notify
constexpr u32 k_ivc_info = function_id(GroupId::Ivc, 1);           ///< ivc.info
constexpr u32 k_sched_info = function_id(GroupId::Sched, 0);          ///< sched.info (since 1.4)
constexpr u32 k_sched_hint = function_id(GroupId::Sched, 1);          ///< sched.hint (since 1.4)
constexpr u32 k_sched_yield = function_id(GroupId::Sched, 2);         ///< sched.yield (since 1.5)
constexpr u32 k_instance_create = function_id(GroupId::Instance, 0);   ///< instance.create (since 1.3)
constexpr u32 k_instance_reclaim = function_id(GroupId::Instance, 1);  ///< instance.reclaim (since 1.3)
constexpr u32 k_instance_pool = function_id(GroupId::Instance, 2);     ///< instance.pool (since 1.3)
}  // namespace id

/// On-demand instances (docs/mortise.md, "On-demand instances"): instance.create's limits.
namespace instance {
constexpr u64 k_mem_align = 0x20'0000;     ///< x3 (RAM bytes) is a non-zero multiple of 2 MiB.
constexpr unsigned k_max_vcpus = 8;        ///< x4: 1 to this many vCPUs (one pool CPU each).
constexpr unsigned k_max_priority = 31;    ///< x5: priority 0 (lowest) to 31, as lib/sched's.
// x6: the budget per period in microseconds, budget in bits 31:0 and period in bits 63:32;
// 0 = no reservation. Otherwise the period is k_min_period_us to k_max_period_us and the budget
// k_min_budget_us to the period.
// The limits are a mode-2 guest's `budget-us` / `period-us` (lib/sched's reservations).
constexpr u32 k_min_period_us = 10;           ///< x6: the shortest period (10 µs, the smallest budget).
constexpr u32 k_max_period_us = 100'000'000;  ///< x6: the longest period (100 s).
constexpr u32 k_min_budget_us = 10;          ///< x6: the smallest budget (10 µs), at most the period.
/// instance.create's x6 for @p budget_us per @p period_us.
constexpr u64 budget(u32 budget_us, u32 period_us) { return u64{period_us} << 32 | budget_us; }
}  // namespace instance

/// Scheduling hints of mode-2 guests (docs/mortise.md, "Scheduling hints").
namespace sched {
/// sched.hint's x1 (now) and x2 (on_interrupt): 0 to this; Mortise clamps them into the guest's
/// [priority, max-priority], 0 meaning its base priority.
constexpr unsigned k_max_priority = 31;
}  // namespace sched

/// Inter-VM channels (docs/mortise.md, "Inter-VM channels"): limits and the doorbell page.
namespace ivc {
constexpr unsigned k_max_channels = 16;  ///< Channels one description declares.
constexpr unsigned k_max_members = 4;    ///< Guests one channel joins.
/// ivc.notify's x2 and the doorbell page's RING value: 0 rings every other member, otherwise
/// bit i rings member i (the caller's own bit is ignored).
constexpr u64 k_ring_all_others = 0;
/// Registers of a channel's doorbell page (32-bit, naturally aligned; offsets in the page).
constexpr u32 k_reg_id = 0x00;       ///< RO: k_doorbell_id.
constexpr u32 k_reg_version = 0x04;  ///< RO: 1.
constexpr u32 k_reg_channel = 0x08;  ///< RO: the channel id (ivc.notify's x1).
constexpr u32 k_reg_member = 0x0c;   ///< RO: bits 7:0 this member's index, bits 15:8 member count.
constexpr u32 k_reg_peers = 0x10;    ///< RO: bit i set while member i is running (paused counts).
constexpr u32 k_reg_ring = 0x20;     ///< WO: ring members, value as ivc.notify's x2.
constexpr u32 k_doorbell_id = 0x4244'4e54;  ///< "TNDB" little-endian.
constexpr u64 k_doorbell_size = 0x1000;     ///< The doorbell page.
}  // namespace ivc

}  // namespace tn::mortise_abi
