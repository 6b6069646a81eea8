// Physical CPUs: the idle loop that runs the vCPUs posted to it, entering a
// vCPU (the world switch in), taking it off (the world switch out), and the
// EL2 interrupts every CPU takes for itself (kick SGI, the guest's timer).
//
// Mode 1 (static partitioning): each vCPU has its own physical CPU, so the
// EL1 registers stay in the CPU from entry until the vCPU is taken off;
// each exit saves and restores only the general registers (the vectors) and
// the list registers (before_entry/after_exit).
#include <mortise/ich_el2.hpp>
#include <tn/arch/barrier.hpp>
#include <tn/arch/debug.hpp>
#include <tn/arch/fpu.hpp>
#include <tn/arch/stacks.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/arch/tlb.hpp>
#include <tn/format.hpp>
#include <tn/irq.hpp>
#include <tn/smp.hpp>

#include "core.hpp"

#ifdef CONFIG_MORTISE_MODE2
#include <tn/clock.hpp>
#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#include <tn/tntimer.hpp>
#endif

extern "C" {
[[noreturn]] void mortise_enter_guest(mortise::vcpu::GuestRegs* regs);
[[noreturn]] void mortise_run_on_stack(void* top, void (*fn)(void*), void* arg);
}

namespace mortise {

namespace {

using tn::arch::CntvCtlEl0;
using tn::arch::CntvoffEl2;
using tn::arch::HcrEl2;
using tn::arch::MidrEl1;
using tn::arch::MpidrEl1;
using tn::arch::VmpidrEl2;
using tn::arch::VpidrEl2;
using tn::arch::VttbrEl2;

// HCR_EL2 while a guest runs (Arm ARM D17.2.48; the table in docs/mortise.md):
// stage 2 on (VM), set/way cache maintenance upgraded to clean+invalidate
// (SWIO), physical IRQ/FIQ/SError to EL2 and virtual ones to the guest
// (IMO/FMO/AMO), inner-shareable barriers (BSU), SMC trapped (TSC) so a guest
// cannot reach the firmware, implementation-defined registers (TIDCP) and
// ACTLR_EL1 (TACR) trapped, a stage-1 walk that hits device memory at
// stage 2 faults (PTW), EL1 AArch64 (RW). FB (broadcast a guest's local
// TLB and I-cache maintenance) is clear: in mode 1 a vCPU never leaves its
// CPU, so its local maintenance has nothing to reach elsewhere, and with FB a
// guest on one CPU made every other CPU do its invalidations. A scheduler
// that moves vCPUs between CPUs needs it.
constexpr u64 k_hcr_guest = HcrEl2::Vm::bits(1) | HcrEl2::Swio::bits(1) | HcrEl2::Ptw::bits(1) |
                            HcrEl2::Fmo::bits(1) | HcrEl2::Imo::bits(1) | HcrEl2::Amo::bits(1) |
                            HcrEl2::Bsu::bits(HcrEl2::bsu_inner_shareable) | HcrEl2::Tsc::bits(1) |
                            HcrEl2::Tidcp::bits(1) | HcrEl2::Tacr::bits(1) | HcrEl2::Rw::bits(1);
static_assert(k_hcr_guest == 0x8038'043f, "HCR_EL2 guest value changed");

// With k_hcr_guest, where the CPU has them (the bits are RES0 otherwise): the
// RAS error records (TERR), shared by the cores of a cluster, so that a guest
// can neither read other guests' errors nor turn error detection off, and the
// LORegion registers (TLOR), which Mortise does not switch. Both read as zero.
u64 guest_hcr() {
    using tn::arch::IdAa64mmfr1El1;
    using tn::arch::IdAa64pfr0El1;
    return k_hcr_guest | HcrEl2::Terr::bits(IdAa64pfr0El1::Ras::get(IdAa64pfr0El1::read()) != 0) |
           HcrEl2::Tlor::bits(IdAa64mmfr1El1::Lo::get(IdAa64mmfr1El1::read()) != 0);
}
constexpr u64 k_mpidr_res1 = MpidrEl1::Res1::bits(1);

struct alignas(64) CpuState {
    Vcpu* current;
    Vcpu* start;  // posted by post_start(), taken by the idle loop
    bool vtimer_forwarded;  // PPI 27 was left active for the guest to deactivate
    u64 hcr;      // what set_guest_traps() last wrote to HCR_EL2 here (0: not yet)
    u64 guest_hcr;  // guest_hcr() on this CPU (0: not yet read)
};

CpuState g_cpus[k_max_cpus];

CpuState& self() { return g_cpus[tn::smp::this_cpu()]; }

// MDCR_EL2 while a guest runs: PMU and debug register accesses trap (the
// guest gets read-as-zero, hyp/vcpu sysreg_trap.hpp), so a guest can neither
// count events in Mortise or in another guest nor program a breakpoint or
// watchpoint; TDE clear, so its debug exceptions stay at its EL1. Where the
// PMU has FEAT_PMUv3p1, counting at EL2 is prohibited outright (HPMD). HPMN
// keeps its reset value (PMCR_EL0.N).
// PMUSERENR_EL0 is cleared too: no guest can write it (TPM), and a value the
// firmware left would let a guest's EL0 at the (read-as-zero) PMU registers
// without its kernel's say.
//
// Written once per CPU and kind of guest: the same values stay in the CPU
// from one vCPU of that kind to the next (no one else writes them after the
// CPU's start), so a mode-2 switch between vCPUs skips them.
void set_guest_traps(CpuState& me, u64 extra_hcr = 0) {
    using tn::arch::IdAa64dfr0El1;
    using tn::arch::MdcrEl2;
    if (me.guest_hcr == 0)
        me.guest_hcr = guest_hcr();
    const u64 hcr = me.guest_hcr | extra_hcr;
    if (me.hcr == hcr)
        return;
    me.hcr = hcr;
    HcrEl2::write(hcr);
    u64 pmu = IdAa64dfr0El1::PmuVer::get(IdAa64dfr0El1::read());
    bool v3p1 = pmu >= IdAa64dfr0El1::pmu_v3p1 && pmu != IdAa64dfr0El1::pmu_impdef;
    MdcrEl2::write(MdcrEl2::Hpmn::bits(MdcrEl2::Hpmn::get(MdcrEl2::read())) | MdcrEl2::Tpmcr::bits(1) |
                   MdcrEl2::Tpm::bits(1) | MdcrEl2::Tda::bits(1) | MdcrEl2::Tdosa::bits(1) |
                   MdcrEl2::Tdra::bits(1) | MdcrEl2::Hpmd::bits(v3p1));
    if (pmu != 0 && pmu != IdAa64dfr0El1::pmu_impdef)
        tn::arch::PmuserenrEl0::write(0);
}

#ifdef CONFIG_MORTISE_MODE2
// ---- Mode 2: vCPUs as lib/sched threads on shared CPUs ----
//
// Each vCPU of a mode-2 guest is a thread of lib/sched pinned to its CPU with
// its guest's priority. The thread enters its guest with SP at a GuestRegs
// slot at the top of its own stack (Shared::frame), so the guest's exits land
// on that stack and their handlers run as thread code: they may block (WFI)
// and be preempted like any thread. Between the exit (after_exit) and the
// return (before_entry) a vCPU thread holds lib/sched's preemption lock, so a
// vCPU it wakes (a doorbell, an SGI, a start) never takes the CPU while it
// holds a guest's lock; the switch comes when before_entry() unlocks, or at
// the end of an interrupt (the IRQ exit hook, e.g. a time slice).
//
// The EL1 state (EL1 system registers and the virtual timer, FP, VTTBR,
// VMPIDR, CNTVOFF, ICH_VMCR) is switched lazily: CpuState::current is the vCPU
// whose state the CPU holds. A vCPU about to return to its guest loads its
// own when another's is there (saving that one to its Context first); one
// that blocks in WFI saves its own, so its virtual timer is stopped while it
// sleeps and its deadline is a lib/sched timeout (the EL2 timer). Pinned
// threads make this safe: a vCPU's state is in its Context or in its own CPU.

static_assert(tn::sched::k_priorities > partition::k_max_priority,
              "mode 2: LIBSCHED_PRIORITIES must be at least 32 (the description's priorities 1-31)");
// The description's budget-us / period-us range is lib/sched's, so set_reservation() takes every one
// the parser passed.
static_assert(u64{partition::k_min_budget_us} * 1000 == tn::sched::k_min_budget_ns &&
                  u64{partition::k_max_period_us} * 1000 == tn::sched::k_max_period_ns,
              "mode 2: partition's reservation limits differ from lib/sched's");

// Mode-2 guests trap WFI and WFE (HCR_EL2.TWI, TWE): the CPU is shared.
constexpr u64 k_hcr_shared = HcrEl2::Twi::bits(1) | HcrEl2::Twe::bits(1);

struct Shared {
    tn::sched::Thread* thread;
    vcpu::GuestRegs* frame;  // the top of the thread's stack: its guest's exits land here
    bool posted;             // post_start() asked for a start the thread has not taken
    bool kicked;             // kick_vcpu() since the thread last looked (under lib/sched's lock)
    bool on;                 // started and not parked (running_on_cpu)
    tn::sched::WaitQueue wq;
    // Scheduling hints (sched.hint; only for a guest with max-priority):
    u8 raise;                // on_interrupt, clamped; 0: none (no hint since the last boot)
    bool watching;           // its CPU's watch covers it (cleared by whoever takes it; that CPU only)
    u64 watch_at;            // the watch's deadline for it (physical counter ticks)
    Vcpu* vcpu;              // the vCPU, for the watch's interrupt
};

Shared g_shared[k_max_slots][k_max_vcpus];  // the description's guests, then the instance slots

Shared& shared_of(const Vcpu& v) { return g_shared[v.guest->index()][v.index]; }
bool is_shared(const Vcpu& v) { return v.guest->desc().mode == 2; }

void watch_preempted(Vcpu& v);
void unwatch(Shared& sh);

// Saves the state of the vCPU loaded on this CPU into its Context (as a pause
// does: the virtual timer stopped, a forwarded timer interrupt ended) and
// leaves none loaded. Its list registers were folded back at its last exit.
void unload(CpuState& me) {
    Vcpu* v = me.current;
    if (!v)
        return;
    ich::write_hcr(0);  // the list registers are zero: its last exit folded them back (ich::leave)
    v->ich_vmcr = ich::read_vmcr();
    tn_arch_fp_save(&v->ctx.fp);
    mortise_vcpu_save_el1(&v->ctx.el1);
    if (me.vtimer_forwarded) {
        me.vtimer_forwarded = false;
        (void)tn::irq::deactivate({k_vtimer_intid, k_vtimer_intid});
    }
    VttbrEl2::write(0);
    __atomic_store_n(&me.current, nullptr, __ATOMIC_SEQ_CST);
    if (shared_of(*v).thread != tn::sched::current())
        watch_preempted(*v);  // another vCPU took the CPU from it
}

// Makes @p v the vCPU loaded on this CPU (run_vcpu()'s loads without the
// general registers, which stay in its frame). False: it already was.
bool load(Vcpu& v) {
    CpuState& me = self();
    if (me.current == &v)
        return false;
    unwatch(shared_of(v));  // it runs: its virtual timer fires by itself again
    const bool first = me.current == nullptr;
    unload(me);
    Guest& g = *v.guest;
    VttbrEl2::write(g.stage2().vttbr());
    set_guest_traps(me, k_hcr_shared);
    VpidrEl2::write(MidrEl1::read());
    VmpidrEl2::write(k_mpidr_res1 | g.psci().affinity(v.index));
    CntvoffEl2::write(g.cntvoff());
    mortise_vcpu_restore_el1(&v.ctx.el1);
    tn_arch_fp_restore(&v.ctx.fp);
    ich::write_vmcr(v.ich_vmcr);
    if (first)
        ich::clear_lrs();  // zero after an unload (or park), but UNKNOWN at a CPU's first entry
    __atomic_store_n(&me.current, &v, __ATOMIC_SEQ_CST);
    return true;
}

[[noreturn]] void run_shared(Vcpu& v, bool resumed) {
    Shared& sh = shared_of(v);
    *sh.frame = v.ctx.regs;
    unload(self());  // a fresh or resumed context replaces whatever was there
    load(v);
    tn::arch::tlb_invalidate_guest_local();  // entries of an earlier run of this VMID
    __atomic_store_n(&sh.on, true, __ATOMIC_SEQ_CST);
    v.guest->vcpu_entered(v, resumed);
    unwatch(sh);  // one left from an earlier run (a watch only ever raises; this one is moot)
    tn::sched::lock_preemption();  // before_entry() unlocks it
    if (!resumed && sh.raise != 0) {
        // A fresh boot starts at the guest's own priority (the switch, if it lowers the thread,
        // comes at before_entry()'s unlock).
        __atomic_store_n(&sh.raise, u8{0}, __ATOMIC_SEQ_CST);
        (void)tn::sched::set_priority(sh.thread, v.guest->desc().priority);
    }
    before_entry(v);
    mortise_enter_guest(sh.frame);
}

// The wait's timeout for @p deadline_ns, computed at the last moment (the
// wait arms it a few instructions later); at least 1 ns, so a deadline
// passed meanwhile still blocks until the timer's next interrupt.
u64 timeout_until(u64 deadline_ns) {
    if (deadline_ns == tn::sched::k_forever)
        return deadline_ns;
    const u64 now = tn::clock::now_ns();
    return deadline_ns > now ? deadline_ns - now : 1;
}

// Blocks the calling vCPU thread until kick_vcpu(@p v) (one since the last
// call returns at once) or @p deadline_ns (tn::clock time, k_forever: none),
// made a relative timeout under the lock, just before the wait arms it; the
// caller checks why.
void block(Shared& sh, u64 deadline_ns) {
    tn::sched::Locked held;
    if (!sh.kicked)
        (void)tn::sched::wait(held, sh.wq, timeout_until(deadline_ns));
    sh.kicked = false;
}

// The thread's life between runs of its vCPU: it waits for a start request
// (post_start), as the idle loop does for mode 1.
[[noreturn]] void wait_for_start(void* arg) {
    Vcpu& v = *static_cast<Vcpu*>(arg);
    Shared& sh = shared_of(v);
    for (;;) {
        tn::irq::local_disable();
        if (__atomic_load_n(&sh.posted, __ATOMIC_ACQUIRE)) {
            bool resumed = v.guest->vcpu_claimed(v);
            bool expected = true;
            if (__atomic_compare_exchange_n(&sh.posted, &expected, false, false, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST))
                run_shared(v, resumed);
            v.guest->vcpu_withdrawn(v);
            continue;
        }
        block(sh, tn::sched::k_forever);
    }
}

void vcpu_thread(void* arg) {
    alignas(16) vcpu::GuestRegs frame{};
    shared_of(*static_cast<Vcpu*>(arg)).frame = &frame;
    wait_for_start(arg);
}

// The deadline of @p v's saved virtual timer in physical counter ticks, or
// false when it is off or masked (CNTV_CTL_EL0 ENABLE, IMASK).
bool vtimer_deadline_ticks(const Vcpu& v, u64& ticks) {
    const u64 ctl = v.ctx.el1.cntv_ctl;
    if (!CntvCtlEl0::Enable::get(ctl) || CntvCtlEl0::Imask::get(ctl))
        return false;
    ticks = v.ctx.el1.cntv_cval + v.guest->cntvoff();
    return true;
}

// The deadline of @p v's saved virtual timer as tn::clock time (that of the
// EL2 timer: the physical counter), 0 when it is due now, or k_forever when
// it is off or masked. Absolute, so the wait's timeout is the guest's
// deadline to the tick, whatever the time taken between here and the arming
// of the timeout.
u64 vtimer_deadline(const Vcpu& v) {
    u64 deadline = 0;
    if (!vtimer_deadline_ticks(v, deadline))
        return tn::sched::k_forever;
    if (deadline <= tn::arch::CntpctEl0::read())
        return 0;
    return tn::clock::ticks_to_ns(deadline);
}

// ---- Scheduling hints (sched.hint, docs/mortise.md "Scheduling hints") ----
//
// A guest with max-priority sets its vCPU thread's priority within [priority, max-priority] and
// names a priority to be raised to (`raise`) when an interrupt becomes pending for the vCPU while it
// does not run, so that its deadline can preempt a neighbour its own background work must not. The
// raise happens where each kind of wake-up is seen: before a WFI blocks (the thread then wakes at
// it, whatever wakes it), in kick_vcpu() for an injection into a vCPU not loaded on its CPU, and
// for a preempted vCPU's virtual timer, whose deadline nothing else watches while its state is
// saved, by its CPU's watch, armed when it is unloaded (watch_preempted()). Each only ever
// raises the vCPU's own thread, up to its guest's ceiling; its next hint sets it again.

// Raises @p v's thread to its raise priority (ISR ok: set_priority() is).
void raise_now(Vcpu& v) {
    Shared& sh = shared_of(v);
    const u8 to = __atomic_load_n(&sh.raise, __ATOMIC_SEQ_CST);
    if (to != 0 && tn::sched::priority(sh.thread) < to)
        (void)tn::sched::set_priority(sh.thread, to);
}

// The watch of each CPU is its EL1 physical timer (CNTP, PPI 30), which no guest can reach
// (CNTHCTL_EL2.EL1PCEN clear: it is Mortise's), armed at the earliest deadline of the hinting vCPUs
// preempted on that CPU. So the raise comes at the deadline, on the vCPU's own CPU, whatever
// lib/tntimer's mode: with its periodic tick every timer waits for CPU 0's tick, which a long job
// there delays (loading a guest's image while the other CPUs run guests took up to a second under
// QEMU's icount, and every raise of that time came as late). Its state is per CPU and changed only on
// that CPU, with its interrupts masked.
using tn::arch::CntpCtlEl0;
using tn::arch::CntpCvalEl0;

// Points this CPU's watch at the earliest deadline it covers, or stops it. IRQs masked.
void program_watch() {
    const unsigned cpu = tn::smp::this_cpu();
    u64 earliest = ~u64{0};
    for (auto& slot : g_shared)
        for (Shared& sh : slot)
            if (__atomic_load_n(&sh.watching, __ATOMIC_ACQUIRE) && sh.vcpu->pcpu == cpu && sh.watch_at < earliest)
                earliest = sh.watch_at;
    if (earliest == ~u64{0}) {
        CntpCtlEl0::write(0);  // disabled, it deasserts its interrupt
    } else {
        CntpCvalEl0::write(earliest);
        CntpCtlEl0::write(CntpCtlEl0::Enable::bits(1));
    }
    tn::arch::instruction_sync();
}

// @p sh is no longer watched (it runs, or hinted). On its own CPU.
void unwatch(Shared& sh) {
    tn::irq::LocalGuard masked;
    if (__atomic_load_n(&sh.watching, __ATOMIC_RELAXED)) {
        __atomic_store_n(&sh.watching, false, __ATOMIC_RELAXED);
        program_watch();
    }
}

// This CPU's watch fired: raises the vCPUs whose deadline came.
tn::irq::Completion on_watch(tn::irq::Event, void*) {
    const unsigned cpu = tn::smp::this_cpu();
    const u64 now = tn::arch::CntpctEl0::read();
    for (auto& slot : g_shared)
        for (Shared& sh : slot)
            if (__atomic_load_n(&sh.watching, __ATOMIC_ACQUIRE) && sh.vcpu->pcpu == cpu && sh.watch_at <= now) {
                __atomic_store_n(&sh.watching, false, __ATOMIC_RELAXED);
                raise_now(*sh.vcpu);
            }
    program_watch();
    return tn::irq::Completion::Done;
}

// @p v was taken off its CPU by another vCPU (its state was just saved; on that CPU): raise it once an
// interrupt is deliverable, now or at its virtual timer's deadline.
void watch_preempted(Vcpu& v) {
    Shared& sh = shared_of(v);
    if (__atomic_load_n(&sh.raise, __ATOMIC_SEQ_CST) == 0)
        return;
    // At once for a deliverable interrupt or a deadline passed: the watch's interrupt raises it as soon
    // as this CPU takes interrupts again (raising here could switch threads in the middle of load()).
    u64 at = tn::arch::CntpctEl0::read();
    if (!v.guest->vgic().has_deliverable(v.index)) {
        u64 deadline = 0;
        if (!vtimer_deadline_ticks(v, deadline))
            return;  // its virtual timer is off or masked: only an injection (kick_vcpu) raises it
        at = deadline > at ? deadline : at;
    }
    tn::irq::LocalGuard masked;
    sh.vcpu = &v;  // the slot's vCPU: it never changes, so a CPU scanning the flags reads it whole
    sh.watch_at = at;
    __atomic_store_n(&sh.watching, true, __ATOMIC_RELEASE);
    program_watch();
}

// sched.info and sched.hint, for the calling vCPU only.
class SchedCalls final : public hypercall::SchedOps {
public:
    hypercall::Status info(const hypercall::Caller& c, hypercall::SchedView& view) override {
        Guest* g = guest(c.guest);
        if (g == nullptr || g->desc().mode != 2) {
            view = {};
            return hypercall::Status::Success;
        }
        const partition::Guest& d = g->desc();
        const Shared& sh = shared_of(g->vcpu(c.vcpu));
        view = {d.priority, d.max_priority != 0 ? d.max_priority : d.priority,
                sh.thread ? tn::sched::priority(sh.thread) : d.priority};
        return hypercall::Status::Success;
    }
    hypercall::Status hint(const hypercall::Caller& c, unsigned now, unsigned on_interrupt) override {
        Guest* g = guest(c.guest);
        if (g == nullptr || g->desc().mode != 2 || g->desc().max_priority == 0)
            return hypercall::Status::Denied;
        const partition::Guest& d = g->desc();
        Vcpu& v = g->vcpu(c.vcpu);
        Shared& sh = shared_of(v);
        const auto clamp = [&d](unsigned p) {
            return static_cast<u8>(p < d.priority ? d.priority : p > d.max_priority ? d.max_priority : p);
        };
        unwatch(sh);  // on its own CPU: the caller runs
        __atomic_store_n(&sh.raise, clamp(on_interrupt), __ATOMIC_SEQ_CST);
        // The caller's own thread, with the preemption lock of its exit held: a lower priority hands
        // the CPU over at before_entry()'s unlock, before its state is loaded again.
        (void)tn::sched::set_priority(sh.thread, clamp(now));
        return hypercall::Status::Success;
    }
    hypercall::Status yield(const hypercall::Caller& c) override {
        Guest* g = guest(c.guest);
        if (g != nullptr && g->desc().mode == 2) {
            // With the preemption lock of its exit held: lib/sched switches at before_entry()'s
            // unlock, before the caller's state is loaded again.
            tn::sched::yield();
        }
        return hypercall::Status::Success;
    }
};

SchedCalls g_sched_calls;
#else
constexpr bool is_shared(const Vcpu&) { return false; }
#endif

[[noreturn]] void run_vcpu(Vcpu& v, bool resumed) {
    Guest& g = *v.guest;
    vcpu::GuestRegs* frame = guest_frame();
    *frame = v.ctx.regs;
    VttbrEl2::write(g.stage2().vttbr());
    set_guest_traps(self());
    VpidrEl2::write(MidrEl1::read());
    VmpidrEl2::write(k_mpidr_res1 | g.psci().affinity(v.index));
    CntvoffEl2::write(g.cntvoff());
    tn::arch::tlb_invalidate_guest_local();
    mortise_vcpu_restore_el1(&v.ctx.el1);
    tn_arch_fp_restore(&v.ctx.fp);  // Context: EL2, CPTR_EL2.TFP clear
    ich::write_vmcr(v.ich_vmcr);
    ich::clear_lrs();  // enter() writes only the LRs it fills
    CpuState& me = self();
    __atomic_store_n(&me.current, &v, __ATOMIC_SEQ_CST);
    g.vcpu_entered(v, resumed);
    before_entry(v);
    mortise_enter_guest(frame);
}

void idle_loop(void* arg) {
    auto cpu = static_cast<unsigned>(reinterpret_cast<u64>(arg));
    CpuState& me = g_cpus[cpu];
    for (;;) {
        tn::irq::local_disable();
        if (Vcpu* v = __atomic_load_n(&me.start, __ATOMIC_ACQUIRE)) {
            // Counted on before its request is taken, so that a recall
            // (cancel_start) that finds the request gone finds it counted,
            // and a stop cannot finish (or restart the guest) under it.
            bool resumed = v->guest->vcpu_claimed(*v);
            Vcpu* expected = v;
            if (__atomic_compare_exchange_n(&me.start, &expected, nullptr, false, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST))
                run_vcpu(*v, resumed);
            v->guest->vcpu_withdrawn(*v);  // recalled meanwhile: look again
            continue;
        }
        tn::irq::local_enable();
        tn::irq::wait_for_interrupt();
    }
}

// The kick only has to end a WFI or a guest's run; the work is in the requests.
tn::irq::Completion on_kick(tn::irq::Event, void*) { return tn::irq::Completion::Done; }

// The guest's virtual timer fired (level, PPI 27). It is handed to the guest
// with a hardware link: the physical interrupt stays active (priority dropped
// only) until the guest deactivates the virtual one, so it cannot fire again
// before the guest has dealt with it.
tn::irq::Completion on_vtimer(tn::irq::Event, void*) {
    Vcpu* v = self().current;
    if (!v) {
        CntvCtlEl0::write(0);  // a stopped guest's timer: silence it
        return tn::irq::Completion::Done;
    }
    forward_vtimer(*v);
    return tn::irq::Completion::Deferred;
}

// The virtual CPU interface ran out of list-register work (ICH_HCR_EL2.UIE,
// set when more was deliverable than fitted). Taking it was the point: the
// exit it caused has folded the LRs back (after_exit) and the return to the
// guest refills them (before_entry).
tn::irq::Completion on_maintenance(tn::irq::Event, void*) { return tn::irq::Completion::Done; }

void enable_local(u32 intid) {
    (void)tn::irq::set_priority(intid, tn::irq::k_default_priority);
    if (auto r = tn::irq::enable(intid); !r.ok())
        MLOG("CPU %u: cannot enable INTID %u (%s)", tn::smp::this_cpu(), intid, tn::irq::error_name(r.error()));
}

}  // namespace

#ifdef CONFIG_MORTISE_MODE2
hypercall::SchedOps* const g_sched_ops = &g_sched_calls;
#endif

vcpu::GuestRegs* guest_frame() {
#ifdef CONFIG_MORTISE_MODE2
    if (Vcpu* v = self().current; v && is_shared(*v))
        return shared_of(*v).frame;
#endif
    return reinterpret_cast<vcpu::GuestRegs*>(tn::arch::stacks::top(tn::smp::this_cpu()) - sizeof(vcpu::GuestRegs));
}

Vcpu* current_vcpu() { return self().current; }

void init_cpu_interrupts() {
    if (tn::smp::this_cpu() == 0) {
        (void)tn::irq::register_handler(k_kick_sgi, on_kick, nullptr);
        (void)tn::irq::register_handler(k_vtimer_intid, on_vtimer, nullptr);
        (void)tn::irq::register_handler(board().maintenance_intid, on_maintenance, nullptr);
    }
    enable_local(k_kick_sgi);
#ifdef CONFIG_MORTISE_MODE2
    // The scheduling hints' watch (CNTP, "Scheduling hints" above): stopped until armed.
    CntpCtlEl0::write(0);
    if (tn::smp::this_cpu() == 0)
        (void)tn::irq::register_handler(k_watch_intid, on_watch, nullptr);
    (void)tn::irq::set_trigger(k_watch_intid, tn::irq::Trigger::Level);
    enable_local(k_watch_intid);
#endif
    (void)tn::irq::set_trigger(board().maintenance_intid, tn::irq::Trigger::Level);
    enable_local(board().maintenance_intid);
    (void)tn::irq::set_trigger(k_vtimer_intid, tn::irq::Trigger::Level);
    enable_local(k_vtimer_intid);
}

void kick(unsigned cpu) {
    // No other CPU to kick (a one-CPU image: its only CPU is this one).
    if (cpu == tn::smp::this_cpu() || cpu >= k_max_cpus)
        return;
    (void)tn::irq::send_sgi(k_kick_sgi, tn::irq::SgiTarget::to(tn::irq::CpuAffinity{board().cpu_mpidr[cpu]}));
}

#ifdef CONFIG_MORTISE_MODE2
void kick_vcpu(Vcpu& v) {
    if (!is_shared(v)) {
        kick(v.pcpu);
        return;
    }
    Shared& sh = shared_of(v);
    // An interrupt for a vCPU whose state is not on its CPU (preempted or blocked): its raise.
    if (__atomic_load_n(&sh.raise, __ATOMIC_SEQ_CST) != 0 &&
        __atomic_load_n(&g_cpus[v.pcpu].current, __ATOMIC_SEQ_CST) != &v)
        raise_now(v);
    {
        tn::sched::Locked held;
        sh.kicked = true;
        (void)tn::sched::wake_one(held, sh.wq);
    }
    // Loaded there: it may be in its guest, which must exit to see the change.
    if (__atomic_load_n(&g_cpus[v.pcpu].current, __ATOMIC_SEQ_CST) == &v)
        kick(v.pcpu);
}

namespace {

// Creates @p v's thread, pinned to its CPU, waiting for a start; the error after a report that
// names @p what (the guest, or an instance slot).
bool create_vcpu_thread(Vcpu& v, const char* name, u8 priority, const char* what) {
    Shared& sh = shared_of(v);
    tn::sched::ThreadAttr attr;
    attr.name = name;
    attr.priority = priority;
    attr.cpu = v.pcpu;
    auto r = tn::sched::create(attr, vcpu_thread, &v);
    if (!r.ok()) {
        MLOG("%s: no thread for its vCPU %u on CPU %u (%s%s)", what, v.index, v.pcpu,
             tn::sched::error_name(r.error()),
             r.error() == tn::sched::Error::NoMemory ? ": raise MORTISE_MODE2_POOL_SIZE" : "");
        return false;
    }
    sh.thread = r.value();
    return true;
}

}  // namespace

bool prepare_instance_vcpu(Guest& g, unsigned index, unsigned cpu) {
    Vcpu& v = g.vcpu(index);
    v = Vcpu{&g, index, cpu, false, 0, 0, {}};  // what Guest::create() sets again for each instance
    char what[48];
    tn::fmt::format(what, sizeof what, "instance slot %u", g.index() + 1);
    return create_vcpu_thread(v, "instance", partition::k_min_priority, what);
}

namespace {

// Gives @p v's thread its guest's reservation (none: budget 0), saying why when lib/sched refuses it.
bool reserve(const Vcpu& v, Shared& sh) {
    const partition::Guest& d = v.guest->desc();
    auto rr = tn::sched::set_reservation(sh.thread, u64{d.budget_us} * 1000, u64{d.period_us} * 1000);
    if (!rr.ok())
        MLOG("guest '%s': vCPU %u: reservation of %u us per %u us refused (%s)", d.name, v.index, d.budget_us,
             d.period_us, tn::sched::error_name(rr.error()));
    return rr.ok();
}

}  // namespace

bool prepare_shared(Vcpu& v) {
    Shared& sh = shared_of(v);
    if (sh.thread) {
        // An instance slot's parked thread, made at boot (prepare_instance_vcpu) and kept from
        // instance to instance: it takes the new one's priority and reservation (periods from now).
        (void)tn::sched::set_priority(sh.thread, v.guest->desc().priority);
        return reserve(v, sh);
    }
    char what[64];
    tn::fmt::format(what, sizeof what, "guest '%s' not started", v.guest->desc().name);
    if (!create_vcpu_thread(v, v.guest->desc().name, v.guest->desc().priority, what))
        return false;
    // The reservation (budget-us per period-us) is the thread's for good: its periods run from here,
    // through pauses, restarts and the waits for a start (blocked, never suspended), so no
    // lifecycle step hands a guest a fresh budget early.
    return v.guest->desc().budget_us == 0 || reserve(v, sh);
}


void log_reservation(const Vcpu& v) {
    const Shared& sh = shared_of(v);
    if (!sh.thread || v.guest->desc().budget_us == 0)
        return;
    const tn::sched::ReservationStats s = tn::sched::reservation_stats(sh.thread);
    MLOG("    vCPU %u on CPU %u: %lu us per %lu us, %lu periods, %lu throttles, %lu overruns%s", v.index, v.pcpu,
         s.budget_ns / 1000, s.period_ns / 1000, s.periods, s.throttles, s.overruns,
         s.throttled ? ", throttled now" : "");
}

bool cpu0_shared(const partition::Description& d) {
    for (unsigned i = 0; i < d.count; ++i)
        if (d.guests[i].valid && d.guests[i].mode == 2 && (d.guests[i].cpu_mask & 1))
            return true;
    return false;
}

void guest_wfx(Vcpu& v, vcpu::GuestRegs& r) {
    r.pc += 4;
    if (!is_shared(v))
        return;  // mode 1 does not trap them
    if (r.esr & 1) {  // ESR_EL2.ISS.TI: WFE, a hint; its equals may run
        tn::sched::yield();
        return;
    }
    Shared& sh = shared_of(v);
    unload(self());  // stops its virtual timer: its deadline is the wait's timeout
    raise_now(v);    // whatever wakes it is an interrupt: it runs at its raise (sched.hint)
    for (;;) {
        __atomic_store_n(&sh.kicked, false, __ATOMIC_SEQ_CST);
        // Checked after clearing the flag: an injection after the check
        // sets it again (kick_vcpu), so the wait below returns at once.
        const u64 deadline = vtimer_deadline(v);
        if (deadline == 0 || v.guest->vgic().has_deliverable(v.index) || !stays_on_cpu(v))
            return;
        block(sh, deadline);
    }
}
#endif

void post_start(Vcpu& v) {
#ifdef CONFIG_MORTISE_MODE2
    if (is_shared(v)) {
        __atomic_store_n(&shared_of(v).posted, true, __ATOMIC_SEQ_CST);
        kick_vcpu(v);
        return;
    }
#endif
    __atomic_store_n(&g_cpus[v.pcpu].start, &v, __ATOMIC_SEQ_CST);
    kick(v.pcpu);
}

bool cancel_start(Vcpu& v) {
#ifdef CONFIG_MORTISE_MODE2
    if (is_shared(v)) {
        bool posted = true;
        return __atomic_compare_exchange_n(&shared_of(v).posted, &posted, false, false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_SEQ_CST);
    }
#endif
    Vcpu* expected = &v;
    return __atomic_compare_exchange_n(&g_cpus[v.pcpu].start, &expected, nullptr, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

bool running_on_cpu(const Vcpu& v) {
#ifdef CONFIG_MORTISE_MODE2
    if (is_shared(v))
        return __atomic_load_n(&shared_of(v).on, __ATOMIC_SEQ_CST);
#endif
    return __atomic_load_n(&g_cpus[v.pcpu].current, __ATOMIC_SEQ_CST) == &v;
}

void after_exit(Vcpu& v) {
    ich::leave(v.guest->vgic(), v.index, v.lrs);
#ifdef CONFIG_MORTISE_MODE2
    if (is_shared(v))
        tn::sched::lock_preemption();  // before_entry() unlocks it
#endif
}

void forward_vtimer(Vcpu& v) {
    self().vtimer_forwarded = true;
    v.guest->vgic().inject_hw(v.index, k_vtimer_intid, k_vtimer_intid);
}

unsigned enter_with_vtimer(Vcpu& v) {
    self().vtimer_forwarded = true;
    return ich::enter_hw(v.guest->vgic(), v.index, k_vtimer_intid, k_vtimer_intid);
}

bool stays_on_cpu(Vcpu& v) {
    return v.guest->state() == GuestState::Running && !__atomic_load_n(&v.off, __ATOMIC_ACQUIRE);
}

void before_entry(Vcpu& v) {
    bool due = false;
#ifdef CONFIG_MORTISE_MODE2
    if (is_shared(v)) {
        tn::sched::unlock_preemption();  // a more urgent vCPU that became ready runs first
        // Woken from WFI by its timer's deadline: the timer is due as it is
        // loaded; taken here, and the entry below forwards it. Not for a
        // vCPU about to park (as the exit's fast path).
        due = load(v) && stays_on_cpu(v) && take_due_vtimer(v);
    }
#endif
    GuestState s = v.guest->state();
    if (s != GuestState::Running || __atomic_load_n(&v.off, __ATOMIC_ACQUIRE)) {
        if (due)
            forward_vtimer(v);  // into the model, which the park keeps
        due = false;
        park_current(s == GuestState::Paused && !v.off);
    }
    v.lrs = due ? enter_with_vtimer(v) : ich::enter(v.guest->vgic(), v.index);
}

void park_current(bool save) {
    CpuState& me = self();
    Vcpu* v = me.current;
    unsigned cpu = tn::smp::this_cpu();
    if (v) {
        // The list registers were folded back into the vGIC at this exit
        // (after_exit); the hardware copies can go.
        ich::write_hcr(0);
        ich::clear_lrs();
        if (save) {
            v->ctx.regs = *guest_frame();
            v->ich_vmcr = ich::read_vmcr();
            tn_arch_fp_save(&v->ctx.fp);
            mortise_vcpu_save_el1(&v->ctx.el1);  // also stops the virtual timer
        } else {
            CntvCtlEl0::write(0);
            tn::arch::instruction_sync();
        }
        if (me.vtimer_forwarded) {
            me.vtimer_forwarded = false;
            (void)tn::irq::deactivate({k_vtimer_intid, k_vtimer_intid});
        }
        VttbrEl2::write(0);
        __atomic_store_n(&me.current, nullptr, __ATOMIC_SEQ_CST);
#ifdef CONFIG_MORTISE_MODE2
        if (is_shared(*v)) {
            // Back to waiting for a start, on the thread's own stack.
            Shared& sh = shared_of(*v);
            __atomic_store_n(&sh.on, false, __ATOMIC_SEQ_CST);
            v->guest->vcpu_parked(*v, save);
            mortise_run_on_stack(sh.frame, wait_for_start, v);
        }
#endif
        v->guest->vcpu_parked(*v, save);
    }
    mortise_run_on_stack(guest_frame(), idle_loop, reinterpret_cast<void*>(u64{cpu}));
}

void idle(unsigned cpu) {
    // Guests cannot write them (MDCR_EL2.TDA) and they reset to UNKNOWN: a
    // breakpoint left enabled would fire in whichever guest sets MDSCR_EL1.MDE.
    tn::arch::clear_breakpoints_and_watchpoints();
    mortise_run_on_stack(guest_frame(), idle_loop, reinterpret_cast<void*>(u64{cpu}));
}

}  // namespace mortise
