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
#include <tn/irq.hpp>
#include <tn/smp.hpp>

#include "core.hpp"

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
void set_guest_traps() {
    using tn::arch::IdAa64dfr0El1;
    using tn::arch::MdcrEl2;
    HcrEl2::write(guest_hcr());
    u64 pmu = IdAa64dfr0El1::PmuVer::get(IdAa64dfr0El1::read());
    bool v3p1 = pmu >= IdAa64dfr0El1::pmu_v3p1 && pmu != IdAa64dfr0El1::pmu_impdef;
    MdcrEl2::write(MdcrEl2::Hpmn::bits(MdcrEl2::Hpmn::get(MdcrEl2::read())) | MdcrEl2::Tpmcr::bits(1) |
                   MdcrEl2::Tpm::bits(1) | MdcrEl2::Tda::bits(1) | MdcrEl2::Tdosa::bits(1) |
                   MdcrEl2::Tdra::bits(1) | MdcrEl2::Hpmd::bits(v3p1));
    if (pmu != 0 && pmu != IdAa64dfr0El1::pmu_impdef)
        tn::arch::PmuserenrEl0::write(0);
}

[[noreturn]] void run_vcpu(Vcpu& v, bool resumed) {
    Guest& g = *v.guest;
    vcpu::GuestRegs* frame = guest_frame();
    *frame = v.ctx.regs;
    VttbrEl2::write(g.stage2().vttbr());
    set_guest_traps();
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

vcpu::GuestRegs* guest_frame() {
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
    (void)tn::irq::set_trigger(board().maintenance_intid, tn::irq::Trigger::Level);
    enable_local(board().maintenance_intid);
    (void)tn::irq::set_trigger(k_vtimer_intid, tn::irq::Trigger::Level);
    enable_local(k_vtimer_intid);
}

void kick(unsigned cpu) {
    if (cpu == tn::smp::this_cpu())
        return;
    (void)tn::irq::send_sgi(k_kick_sgi, tn::irq::SgiTarget::to(tn::irq::CpuAffinity{board().cpu_mpidr[cpu]}));
}

void post_start(Vcpu& v) {
    __atomic_store_n(&g_cpus[v.pcpu].start, &v, __ATOMIC_SEQ_CST);
    kick(v.pcpu);
}

bool cancel_start(Vcpu& v) {
    Vcpu* expected = &v;
    return __atomic_compare_exchange_n(&g_cpus[v.pcpu].start, &expected, nullptr, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

bool running_on_cpu(const Vcpu& v) { return __atomic_load_n(&g_cpus[v.pcpu].current, __ATOMIC_SEQ_CST) == &v; }

void after_exit(Vcpu& v) { ich::leave(v.guest->vgic(), v.index, v.lrs); }

void forward_vtimer(Vcpu& v) {
    self().vtimer_forwarded = true;
    v.guest->vgic().inject_hw(v.index, k_vtimer_intid, k_vtimer_intid);
}

bool stays_on_cpu(Vcpu& v) {
    return v.guest->state() == GuestState::Running && !__atomic_load_n(&v.off, __ATOMIC_ACQUIRE);
}

void before_entry(Vcpu& v) {
    GuestState s = v.guest->state();
    if (s != GuestState::Running || __atomic_load_n(&v.off, __ATOMIC_ACQUIRE))
        park_current(s == GuestState::Paused && !v.off);
    v.lrs = ich::enter(v.guest->vgic(), v.index);
}

void park_current(bool save) {
    CpuState& me = self();
    Vcpu* v = me.current;
    unsigned cpu = tn::smp::this_cpu();
    if (v) {
        // The list registers were folded back into the vGIC at this exit
        // (after_exit); the hardware copies can go.
        ich::write_hcr(0);
        for (unsigned i = 0; i < ich::lr_count(); ++i)
            ich::write_lr(i, 0);
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
