// Mortise's hypercall routing table: SMCCC-numbered functions, grouped, registered into a
// linker section and dispatched by function ID through a table sorted once at init.
//
// Function IDs (Arm SMC Calling Convention, DEN0028, §2.5): bit 31 fast call, bit 30 SMC64,
// bits 29:24 owner (6: vendor-specific hypervisor service), bits 23:16 zero, bits 15:8 our
// group, bits 7:0 the function in the group. A guest issues HVC #0 with the ID in w0 and
// arguments in x1..x6; results come back in x0 (a Status, negative on error) and x1..x3.
// The IDs, statuses and limits are the ABI shared with guests (tn/mortise_abi.hpp); the ABI
// table is in docs/mortise.md, "Hypercalls".
//
// Every function declares how many arguments it takes and the range, alignment or kind of
// each; dispatch() checks them, and the privileged flag, before the handler runs (validate,
// then act). Guest buffers are reached only through GuestMemory, which bounds every access to
// the caller's RAM; an argument that is a buffer's address is declared ipa_arg() and read as a
// tn::Ipa (Call::ipa()), so it cannot be taken for a host address. Lookup is one array index for
// Mortise's own IDs (group < k_direct_groups, number < k_direct_numbers: every function today),
// else a binary search over at most k_max_functions entries.
//
// Registration: MORTISE_HYPERCALL_GROUP(ident, group, functions) places a pointer to the group
// in the section `mortise_hypercalls` (hypercall.lds keeps it; a linker script that does not
// include that fragment must not discard the section), and Table::add_linked() adds them all.
// Host tests call Table::add() with groups of their own instead.
#pragma once

#include <tn/addr.hpp>
#include <tn/mortise_abi.hpp>
#include <tn/types.hpp>

namespace mortise::hypercall {

using tn::i64;
using tn::Ipa;
using tn::u32;
using tn::u64;
using tn::u8;
using tn::usize;

// ---- The ABI shared with guests (tn/mortise_abi.hpp) ----
using tn::mortise_abi::function_id;
using tn::mortise_abi::GroupId;
using tn::mortise_abi::GuestState;
using tn::mortise_abi::k_console_write_max;
using tn::mortise_abi::k_fast_call;
using tn::mortise_abi::k_guest_name_size;
using tn::mortise_abi::k_owner_hypervisor;
using tn::mortise_abi::k_owner_mask;
using tn::mortise_abi::k_owner_shift;
using tn::mortise_abi::k_smc64;
using tn::mortise_abi::k_version;
using tn::mortise_abi::Status;
namespace ivc = tn::mortise_abi::ivc;
namespace id = tn::mortise_abi::id;

/// Who is calling: filled by the EL2 trap handler from the running vCPU.
struct Caller {
    unsigned guest;  ///< Index in the partition description.
    unsigned vcpu;   ///< Index of the vCPU within its guest.
    bool privileged;
};

/// The calling guest's RAM by guest-physical address. Implementations return false, and copy
/// nothing, unless every byte of [ipa, ipa + size) is RAM of that guest (no wrap-around).
class GuestMemory {
public:
    virtual bool read(Ipa ipa, void* dst, usize size) = 0;
    virtual bool write(Ipa ipa, const void* src, usize size) = 0;

protected:
    ~GuestMemory() = default;
};

/// Output of the console group; the implementation tags lines with the guest's name.
class ConsoleOps {
public:
    virtual void write(unsigned guest, const char* text, usize size) = 0;

protected:
    ~ConsoleOps() = default;
};

struct GuestInfo {
    GuestState state;
    unsigned vcpus;
    const char* name;  ///< NUL-terminated, shorter than k_guest_name_size characters.
};

/// Guest lifecycle, implemented by the EL2 core. The dispatcher has already checked that
/// @p guest < guest_count() and that the caller is privileged. Each returns Success,
/// InvalidState if the guest's state does not allow it, Busy while its vCPUs are still
/// leaving their CPUs after a pause, destroy or restart (start, resume), or Unavailable
/// when the guest cannot boot (never set up, image or device tree missing or too large:
/// start, restart). destroy always succeeds.
class LifecycleOps {
public:
    virtual unsigned guest_count() const = 0;
    virtual GuestInfo info(unsigned guest) const = 0;
    virtual Status start(unsigned guest) = 0;    ///< Stopped or Faulted -> Running (fresh boot).
    virtual Status pause(unsigned guest) = 0;    ///< Running -> Paused.
    virtual Status resume(unsigned guest) = 0;   ///< Paused -> Running.
    virtual Status destroy(unsigned guest) = 0;  ///< Any -> Stopped; its vCPUs stop.
    virtual Status restart(unsigned guest) = 0;  ///< Any -> Running from a fresh load.

protected:
    ~LifecycleOps() = default;
};

/// A member's view of one inter-VM channel (ivc.info).
struct IvcView {
    unsigned member;   ///< The caller's member index (x1).
    unsigned members;  ///< How many guests the channel joins (x2).
    u64 live;          ///< Bit i: member i is running or paused (x3).
};

/// Inter-VM channels, implemented by the EL2 core (docs/mortise.md, "Inter-VM channels").
/// @p channel is the caller's x1 as given: each returns InvalidParameters when no usable
/// channel has that id, then Denied when @p guest is not one of its members.
class IvcOps {
public:
    /// Rings the doorbells of the members of @p channel that @p mask names (ivc.notify's x2:
    /// 0 = every other member; the caller's own bit is ignored). InvalidParameters for a bit
    /// at or above the member count.
    virtual Status notify(unsigned guest, u64 channel, u64 mask) = 0;
    /// Fills @p view with @p guest's view of @p channel.
    virtual Status info(unsigned guest, u64 channel, IvcView& view) = 0;

protected:
    ~IvcOps() = default;
};

/// What instance.create asks for, its strings already read from the caller's RAM (NUL-terminated,
/// shorter than k_guest_name_size) and its numbers within the ranges of tn::mortise_abi::instance.
struct InstanceRequest {
    char image[k_guest_name_size];  ///< An image of the instance pool (x1).
    char name[k_guest_name_size];   ///< The new guest's name (x2).
    u64 mem_size;                   ///< RAM bytes, a multiple of 2 MiB (x3).
    unsigned vcpus;                 ///< vCPUs, one pool CPU each (x4).
    unsigned priority;              ///< 0 to instance::k_max_priority (x5).
    u32 budget_us, period_us;       ///< The reservation (x6), not checked yet; 0, 0: none.
};

/// The instance pool's state (instance.pool).
struct PoolInfo {
    u64 free_bytes;   ///< x1: pool RAM not given to an instance.
    u64 total_bytes;  ///< x2: the pool's RAM.
    u64 free_cpus;    ///< x3 bits 31:0: the pool's CPUs no instance has.
    u64 free_tables;  ///< x3 bits 63:32: stage-2 translation tables not in use.
};

/// On-demand instances, implemented by the EL2 core (docs/mortise.md, "On-demand instances"). The
/// dispatcher has checked that the caller is privileged and the numbers' ranges.
class InstanceOps {
public:
    /// Creates and starts an instance; its guest index in @p guest. InvalidParameters for a request
    /// the description or the guest list refuses (an image not in the pool, a name taken or not
    /// valid, more RAM than the pool has, a bad reservation), Unavailable when the pool cannot give
    /// it now (RAM, CPUs, an instance slot, tables) or its image cannot boot; NotSupported without a pool.
    virtual Status create(const InstanceRequest& r, unsigned& guest) = 0;
    /// Stops instance @p guest (an index < LifecycleOps::guest_count()), scrubs its RAM and gives its
    /// RAM, CPUs and tables back. InvalidParameters when it is not an instance, Busy while its vCPUs
    /// are still leaving their CPUs.
    virtual Status reclaim(unsigned guest) = 0;
    /// The pool's state. NotSupported without a pool.
    virtual Status pool(PoolInfo& out) = 0;

protected:
    ~InstanceOps() = default;
};

/// The calling vCPU's scheduling priorities (sched.info).
struct SchedView {
    unsigned base;     ///< x1: the guest's `priority`.
    unsigned ceiling;  ///< x2: its `max-priority`, or its priority without one.
    unsigned current;  ///< x3: what its vCPU thread runs at now.
};

/// Scheduling hints of mode-2 guests, implemented by the EL2 core (docs/mortise.md, "Scheduling
/// hints"). The dispatcher has checked the priorities' range (0 to sched::k_max_priority); each
/// acts on the calling vCPU only.
class SchedOps {
public:
    /// The caller's priorities; all 0 for a guest that is not in mode 2.
    virtual Status info(const Caller& caller, SchedView& view) = 0;
    /// Runs the calling vCPU at @p now and raises it to @p on_interrupt when an interrupt becomes
    /// pending for it while it is preempted or blocked, both clamped into [priority, max-priority]
    /// (0: the base priority). Denied for a guest without `max-priority`.
    virtual Status hint(const Caller& caller, unsigned now, unsigned on_interrupt) = 0;
    /// Hands the calling vCPU's CPU to the next ready vCPU of its priority there, if any (mode 2);
    /// Success at once otherwise, also outside mode 2.
    virtual Status yield(const Caller& caller) = 0;

protected:
    ~SchedOps() = default;
};

/// What handlers act on; any pointer may be null (its functions then return NotSupported).
struct Env {
    GuestMemory* memory;
    ConsoleOps* console;
    LifecycleOps* lifecycle;
    IvcOps* ivc;
    InstanceOps* instances = nullptr;
    SchedOps* sched = nullptr;
};

/// Values for x0..x3.
struct Return {
    i64 x0;
    u64 x1, x2, x3;
};

constexpr unsigned k_max_args = 6;  ///< x1..x6.

/// How one argument is checked before the handler runs.
struct Arg {
    /// Value: a number in [min, max]; Guest: a guest index; Ipa: a guest-physical address of a
    /// buffer in the caller's RAM (any value passes dispatch: GuestMemory bounds the access).
    enum class Kind : u8 { Value, Guest, Ipa } kind;
    u64 min, max;  ///< Value: inclusive range.
    u64 align;     ///< Value: must be a multiple of this (a power of two; 1 = any).
};
constexpr Arg value_arg(u64 min, u64 max, u64 align = 1) { return {Arg::Kind::Value, min, max, align}; }
/// An index < LifecycleOps::guest_count().
constexpr Arg guest_arg() { return {Arg::Kind::Guest, 0, 0, 1}; }
/// The guest-physical address of a buffer (read with Call::ipa()).
constexpr Arg ipa_arg() { return {Arg::Kind::Ipa, 0, ~u64{0}, 1}; }

/// A validated call: args[i] for x(i+1), checked for i < Function::arg_count; the rest are 0.
struct Call {
    const Caller& caller;
    const u64* args;
    Env& env;
    /// Argument @p i (x(i+1)) as a guest-physical address. @pre it is declared ipa_arg().
    Ipa ipa(unsigned i) const { return Ipa{args[i]}; }
};

using Handler = Return (*)(const Call& call);

struct Function {
    u8 number;  ///< Bits 7:0 of the function ID.
    u8 arg_count;
    bool privileged;  ///< Denied unless Caller::privileged.
    Arg args[k_max_args];
    Handler handler;
    const char* name;  ///< For duplicate and trace messages, e.g. "console.write".
    /// The handler neither switches nor stops the caller, nor changes the interrupt state of the
    /// caller's own guest: the EL2 core may run it on its fast path (Table::dispatch_fast),
    /// without the world-switch work of a full exit.
    bool fast = false;
};

struct Group {
    GroupId id;
    const char* name;
    const Function* functions;
    usize count;
};

/// Registers @p group_object (a Group) in the linker section mortise_hypercalls.
#define MORTISE_HYPERCALL_GROUP(group_object)                                                          \
    [[gnu::used, gnu::retain, gnu::section("mortise_hypercalls"), gnu::aligned(sizeof(void*))]]          \
    const ::mortise::hypercall::Group* const mortise_hypercall_entry_##group_object = &(group_object)

/// Largest number of functions over all groups.
constexpr usize k_max_functions = 64;
/// Mortise IDs found by index rather than by search: groups 0-7, functions 0-15 of each.
constexpr u32 k_direct_groups = 8, k_direct_numbers = 16;

/// The dispatch table: function ID -> Function, sorted once, read-only afterwards.
class Table {
public:
    /// Adds every function of @p g. False, with error() naming both functions, if an ID is
    /// already taken, if a declaration is malformed (arg_count > 6, no handler, zero or
    /// non-power-of-two alignment) or if the table is full; the table is then unchanged.
    bool add(const Group& g);
    /// Adds every group registered with MORTISE_HYPERCALL_GROUP in the linked image.
    bool add_linked();
    /// Why the last add failed.
    const char* error() const { return m_error; }
    usize size() const { return m_count; }

    /// The function registered for @p id, or nullptr.
    const Function* find(u32 id) const;
    /// Runs the call in @p regs (x0 = function ID, only bits 31:0 count; x1..x6 arguments).
    /// Unknown IDs: NotSupported; failed checks: Denied, InvalidParameters or NotSupported
    /// (a Guest argument without LifecycleOps), never reaching the handler.
    Return dispatch(const Caller& caller, const u64 (&regs)[7], Env& env) const;
    /// dispatch() for the functions declared Function::fast: true with the result in @p out,
    /// with the same checks. False, and nothing done, for any other ID (known or not): the
    /// caller then takes its full path to dispatch().
    bool dispatch_fast(const Caller& caller, const u64 (&regs)[7], Env& env, Return& out) const;

private:
    struct Entry {
        u32 id;
        const Function* function;
    };
    Entry m_entries[k_max_functions] = {};
    usize m_count = 0;
    // The entries whose IDs have Mortise's prefix and a small group and number, by index (a
    // binary search costs about 8 instructions per step on the HVC fast path).
    const Function* m_direct[k_direct_groups][k_direct_numbers] = {};
    char m_error[160] = {};
};

// The groups this library provides (registered in the linker section; exported for host tests).
extern const Group k_info_group;
extern const Group k_console_group;
extern const Group k_lifecycle_group;
extern const Group k_ivc_group;
extern const Group k_instance_group;
extern const Group k_sched_group;

}  // namespace mortise::hypercall
