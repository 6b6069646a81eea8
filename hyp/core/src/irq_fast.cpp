// The lean EL2 interrupt path (arch/arm64/src/el2/vectors.S): a physical IRQ
// taken from a guest is first offered to mortise_guest_irq_fast() on a frame
// of x0-x18 and x30. The one interrupt it handles is the guest's virtual
// timer (PPI 27) when it is all there is (ICC_HPPIR1_EL1 names it): it is
// acknowledged and handed to the guest as on_vtimer() does (hardware link,
// priority drop only), with the list registers folded and refilled, and the
// guest resumes. Everything else, and a guest that must leave its CPU, takes
// the full exit (mortise_guest_irq: the whole frame, lib/irq's dispatch of
// every pending interrupt). Target-only: the host tests play exits through
// mortise_guest_irq.
#include <mortise/ich_el2.hpp>
#include <tn/drivers/gicv3_regs.hpp>
#include <tn/irq.hpp>

#include "core.hpp"

namespace {

using namespace mortise;
using tn::gicv3::IccDirEl1;
using tn::gicv3::IccEoir1El1;
using tn::gicv3::IccIar1El1;

// IHI 0069H.b §12.2.12: the highest-priority pending Group 1 interrupt, read
// without acknowledging it.
TN_SYSREG(IccHppir1El1, "S3_0_C12_C12_2", u64, struct Intid : tn::Field<0, 24>{};);

// An interrupt acknowledged in place of the virtual timer (it became pending
// between the HPPIR and IAR reads): it goes back to pending, for the full
// path's lib/irq dispatch to take it again. Deactivated first, so that an
// edge one is not lost and a level one pends only once.
void give_back(u32 intid) {
    IccEoir1El1::write(intid);
    IccDirEl1::write(intid);
    asm volatile("isb" ::: "memory");
    if (tn::irq::is_sgi(intid))
        (void)tn::irq::send_sgi(intid, tn::irq::SgiTarget::self());
    else
        (void)tn::irq::raise(intid);
}

}  // namespace

namespace mortise {

bool take_due_vtimer(Vcpu&) {
    if (IccHppir1El1::Intid::get(IccHppir1El1::read()) != k_vtimer_intid)
        return false;  // not due (or something more urgent first: the guest's exit will sort it out)
    auto intid = static_cast<u32>(IccIar1El1::Intid::get(IccIar1El1::read()));
    asm volatile("dsb sy" ::: "memory");
    if (intid != k_vtimer_intid) {
        if (!tn::irq::is_special(intid))
            give_back(intid);
        return false;
    }
    IccEoir1El1::write(intid);  // priority drop; the guest's deactivation ends it
    asm volatile("isb" ::: "memory");
    return true;
}

}  // namespace mortise

extern "C" bool mortise_guest_irq_fast(vcpu::GuestRegs*) {
    // The interrupt first: every other one (mode 2's EL2 timer, devices, kicks) leaves at once.
    if (IccHppir1El1::Intid::get(IccHppir1El1::read()) != k_vtimer_intid)
        return false;
    Vcpu* v = current_vcpu();
    if (!v || !stays_on_cpu(*v))
        return false;
    auto intid = static_cast<u32>(IccIar1El1::Intid::get(IccIar1El1::read()));
    asm volatile("dsb sy" ::: "memory");  // as the driver's acknowledge()
    if (intid != k_vtimer_intid) {
        if (!tn::irq::is_special(intid))
            give_back(intid);
        return false;
    }
    ich::leave(v->guest->vgic(), v->index, v->lrs);  // after_exit()'s fold, without a mode-2 exit's preemption lock
    IccEoir1El1::write(intid);  // priority drop; the guest's deactivation ends it
    asm volatile("isb" ::: "memory");
    v->lrs = enter_with_vtimer(*v);
    return true;
}
