// A guest's lifecycle: its state, the transitions the hypercalls, the shell,
// PSCI and faults ask for, and the count of its vCPUs on a CPU. Portable (no
// arch, no device): the guest does the work through LifecycleHooks, and host
// tests drive the state machine with hooks of their own (hyp/core/tests).
//
//   Stopped, Faulted --start--> Running --pause--> Paused --resume--> Running
//   Running, Paused --stop--> Stopped (destroy, PSCI SYSTEM_OFF) or Faulted
//   Running, Paused --the last online vCPU powers off (PSCI CPU_OFF)--> Stopped
//   restart: stop, then start once the last vCPU has left its CPU
//
// A vCPU leaves its CPU on its own: a transition publishes the new state and
// recalls each vCPU (a start its CPU has not taken is taken back, a running
// one is kicked); each CPU sees the state at its next entry and reports
// vcpu_left(). The last one to leave a stopped guest finishes the stop: a
// pending restart boots it again, otherwise the core checks whether any guest
// is left (LifecycleHooks::all_off).
//
// A vCPU is online from its post() (boot, resume, PSCI CPU_ON) until it leaves
// its CPU without keeping its context while the guest runs or is paused: that
// is PSCI CPU_OFF, the only other way off. A guest whose last online vCPU
// powers off can never run again by itself (no vCPU is left to CPU_ON
// another), so it is stopped as PSCI SYSTEM_OFF stops it, after a report
// (LifecycleHooks::last_vcpu_off): otherwise it would stay "running" with
// nothing on a CPU, and Mortise would never see every guest stopped.
//
// Locking: m_lock serialises the transitions and vcpu_left(), so a stop, a
// restart and the last vCPU's departure decide together who finishes, once
// (m_stopping: stopped, not finished yet). The
// state is also read without the lock (acquire) at every guest entry, and
// vcpu_entered() counts without it: both are on the world-switch path. The
// hooks run with m_lock held; lock order: the guest's m_lock, then a device's
// own lock, then the console's (core.hpp).
#pragma once

#include <tn/result.hpp>
#include <tn/spinlock.hpp>
#include <tn/types.hpp>

namespace mortise {

enum class GuestState : tn::u8 { Stopped, Running, Paused, Faulted };
const char* state_name(GuestState s);

/// Why a guest operation failed. trap.cpp turns each into the hypercall
/// status the caller sees (docs/mortise.md, "Hypercalls").
enum class GuestError : tn::u8 {
    WrongState,          ///< The state does not allow it (e.g. resume a running guest).
    Busy,                ///< Its vCPUs are still leaving their CPUs (after a pause or stop): try again.
    NotCreated,          ///< Never set up: its description is invalid or creation failed at boot.
    NoImage,             ///< Its image is not embedded in this host image.
    BadImage,            ///< Its image has no arm64 Image header.
    ImageTooLarge,       ///< The image does not fit in its RAM below the device tree.
    DeviceTreeTooLarge,  ///< Its generated device tree does not fit in the room kept for it.
    TooManyVcpus,        ///< More vCPUs than Mortise supports per guest.
    NoRam,               ///< No free host RAM of its size is left.
    OutOfTables,         ///< Out of stage-2 translation tables.
    MapFailed,           ///< Its stage-2 mapping failed otherwise.
    SpiUnavailable,      ///< A passed-through interrupt cannot be claimed.
    BadDtOverlay,        ///< Its dt-overlay is missing, malformed, refused or makes the tree too large.
};
const char* error_name(GuestError e);

using GuestResult = tn::Result<void, GuestError>;

/// What a Lifecycle has its guest do. Every hook is called with the
/// lifecycle's lock held, so hooks must not call back into the Lifecycle.
class LifecycleHooks {
public:
    /// Stopped or Faulted -> Running: load the image and reset the devices and
    /// the boot vCPU for a fresh boot (post() follows). Nothing is on a CPU.
    /// Lifecycle::restart_pending() tells a restart from a start.
    virtual GuestResult boot() = 0;
    /// After a successful boot(), the state is Running: enable what must not
    /// fire before (its passed-through interrupts).
    virtual void booted() = 0;
    /// The guest stops (its vCPUs are recalled next): quiesce its interrupts.
    virtual void halted() = 0;
    /// Asks vCPU @p vcpu's CPU to run it (saved or fresh context).
    virtual void post(unsigned vcpu) = 0;
    /// Takes back a post() of @p vcpu its CPU has not acted on: true if it
    /// was taken back. Otherwise, if @p vcpu runs, makes its CPU look at the
    /// state soon (a kick).
    virtual bool recall(unsigned vcpu) = 0;
    /// A stop finished (the last vCPU left) and no restart was pending, or
    /// the restart failed: the guest is off.
    virtual void all_off() = 0;
    /// vCPU @p vcpu, the last one online, powered off (PSCI CPU_OFF): report
    /// it. The guest is stopped next, as for PSCI SYSTEM_OFF (halted() and
    /// the rest of a stop follow).
    virtual void last_vcpu_off(unsigned vcpu) = 0;

protected:
    ~LifecycleHooks() = default;
};

/// One guest's lifecycle (see the file comment).
class Lifecycle {
public:
    /// At most this many vCPUs (a bit each in m_paused).
    static constexpr unsigned k_max_vcpus = 32;

    explicit constexpr Lifecycle(LifecycleHooks& hooks) : m_hooks(&hooks) {}
    /// Without hooks yet (a statically allocated guest): set_hooks() first.
    constexpr Lifecycle() = default;
    /// The hooks, once, before any other call but state().
    void set_hooks(LifecycleHooks& hooks) { m_hooks = &hooks; }
    Lifecycle(const Lifecycle&) = delete;
    Lifecycle& operator=(const Lifecycle&) = delete;

    /// The guest was set up with @p vcpu_count vCPUs (0 < count <= k_max_vcpus):
    /// from now on it can start. Once, before any other call but state().
    void set_created(unsigned vcpu_count);
    bool created() const { return m_vcpu_count != 0; }
    /// An on-demand instance is reclaimed: Stopped or Faulted, its stop finished and every vCPU
    /// off -> not created (Stopped), so that every later call fails NotCreated or WrongState until
    /// set_created() makes it a new guest. Errors: NotCreated, WrongState (running or paused),
    /// Busy (vCPUs still leaving).
    GuestResult retire();

    /// Any CPU, any context, no lock.
    GuestState state() const { return __atomic_load_n(&m_state, __ATOMIC_ACQUIRE); }
    /// vCPUs on a CPU now. Any CPU, no lock.
    unsigned vcpus_on() const { return __atomic_load_n(&m_on, __ATOMIC_ACQUIRE); }
    /// A restart waits for the last vCPU to leave.
    bool restart_pending() const { return __atomic_load_n(&m_restart, __ATOMIC_ACQUIRE); }

    /// Stopped or Faulted, every vCPU off -> Running, booting vCPU 0.
    /// Errors: NotCreated, WrongState, Busy (the stop has not finished: vCPUs
    /// still leaving), or boot()'s.
    GuestResult start();
    /// Running -> Paused; each vCPU keeps its context as it leaves. WrongState otherwise.
    GuestResult pause();
    /// Paused, every vCPU off -> Running; the paused vCPUs continue.
    /// Errors: WrongState, Busy (vCPUs still leaving).
    GuestResult resume();
    /// Running or Paused -> Stopped (Faulted with @p fault); cancels a pending
    /// restart. Nothing to do for a stopped guest, so it cannot fail.
    void stop(bool fault);
    /// Stops the guest if it runs, then boots it again once every vCPU is
    /// off (at once if none is on). Errors: NotCreated, or boot()'s when the
    /// boot happens at once (a deferred boot reports through the log).
    GuestResult restart();

    /// Calls @p fn(state) with the lock held, so that no transition happens until it
    /// returns: an inter-VM doorbell decides on the state and acts on the guest's vGIC
    /// before a stop, a restart's boot (which resets the vGIC) or a resume can pass it.
    /// Any CPU; @p fn must not call back into this Lifecycle.
    template <class Fn>
    void with_state(Fn&& fn) {
        m_lock.lock();
        m_locked = true;
        fn(m_state);
        m_locked = false;
        m_lock.unlock();
    }

    /// Posts secondary vCPU @p vcpu (PSCI CPU_ON; its context is set up): only
    /// while Running, under the lock, so a stop cannot leave it posted to be
    /// taken after a later boot. WrongState otherwise.
    GuestResult start_vcpu(unsigned vcpu);

    /// vCPU @p vcpu is about to enter the guest on its CPU: counts it on. Its
    /// CPU calls it before it takes the vCPU's start request for good, so that
    /// a recall that finds the request gone also finds the vCPU counted
    /// (cpu.cpp, idle_loop). Returns whether the vCPU was paused (its saved
    /// context continues). Its CPU, IRQs masked; no lock.
    bool vcpu_entered(unsigned vcpu);
    /// vCPU @p vcpu left its CPU; @p saved: its context was kept for a resume.
    /// Unsaved while Running or Paused, it powered off (PSCI CPU_OFF): if it
    /// was the last vCPU online, the guest stops (file comment).
    /// Its CPU, IRQs masked; takes the lock, may boot the guest again.
    void vcpu_left(unsigned vcpu, bool saved);
    /// vCPU @p vcpu was counted on by vcpu_entered() but a recall took its
    /// start request back before its CPU could: counts it off again, leaving
    /// what the recall decided (paused or not). Like vcpu_left() otherwise.
    void vcpu_withdrawn(unsigned vcpu);

private:
    class Locked;
    GuestResult start_locked();
    void stop_locked(bool fault);
    void finish_locked();
    void count_off_locked();
    void set_state(GuestState to);
    void set_paused(unsigned vcpu, bool paused);

    LifecycleHooks* m_hooks = nullptr;
    tn::Spinlock m_lock;
    bool m_locked = false;  // m_lock is held (for TN_ASSERT; written only under it)
    unsigned m_vcpu_count = 0;
    GuestState m_state = GuestState::Stopped;  // written under m_lock, read atomically
    unsigned m_on = 0;                         // vCPUs on a CPU now (atomic)
    tn::u32 m_paused = 0;                      // bit n: vCPU n kept its context (atomic; set under m_lock)
    tn::u32 m_online = 0;                      // bit n: vCPU n posted and not powered off since (under m_lock)
    bool m_restart = false;                    // boot again once every vCPU is off (atomic, written under m_lock)
    bool m_stopping = false;                   // stopped, the last vCPU has not left yet (under m_lock)
};

}  // namespace mortise
