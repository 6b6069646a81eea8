// The world-switch glue around Vgic::load_lrs()/save_lrs(): a vCPU's pending
// and active interrupts into the list registers on entry, back on exit.
// Portable: it reaches the ICH registers only through ich_el2.hpp's accessors
// (ich_el2.cpp on the target, a register file in hyp/core's host tests).
#include <mortise/ich_el2.hpp>
#include <tn/arch/barrier.hpp>

namespace mortise::ich {

namespace {

// Only the LRs that get an interrupt are written: the rest are already zero
// (leave() clears those it reads back, clear_lrs() all before a first entry).
unsigned write_loaded(vgic::Vgic& vgic, unsigned vcpu, const u64* lrs, unsigned loaded) {
    for (unsigned i = 0; i < loaded; ++i)
        write_lr(i, lrs[i]);
    u64 hcr = Hcr::En::bits(1);
    if (vgic.overflow(vcpu))
        hcr |= Hcr::Uie::bits(1);
    write_hcr(hcr);
    tn::arch::instruction_sync();
    return loaded;
}

}  // namespace

unsigned enter(vgic::Vgic& vgic, unsigned vcpu) {
    u64 lrs[k_max_lrs];
    return write_loaded(vgic, vcpu, lrs, vgic.load_lrs(vcpu, lrs, lr_count()));
}

unsigned enter_hw(vgic::Vgic& vgic, unsigned vcpu, u32 intid, u32 pintid) {
    u64 lrs[k_max_lrs];
    return write_loaded(vgic, vcpu, lrs, vgic.inject_hw_and_load(vcpu, intid, pintid, lrs, lr_count()));
}

void clear_lrs() {
    const unsigned n = lr_count();
    for (unsigned i = 0; i < n; ++i)
        write_lr(i, 0);
}

void leave(vgic::Vgic& vgic, unsigned vcpu, unsigned loaded) {
    if (loaded == 0) {
        // Nothing was queued at entry (enter() returned what load_lrs() queued): nothing to fold.
        write_hcr(Hcr::En::bits(1));
        return;
    }
    u64 lrs[k_max_lrs];
    unsigned n = loaded < k_max_lrs ? loaded : k_max_lrs;
    for (unsigned i = 0; i < n; ++i) {
        lrs[i] = read_lr(i);
        // An LR left invalid with its EOI bit keeps ICH_EISR_EL2, and so the
        // level maintenance interrupt, asserted until it is rewritten: clear it
        // now, or the IRQ this exit takes would be signalled over and over.
        write_lr(i, 0);
    }
    // Keep the virtual CPU interface enabled (the guest's ICC_* accesses go to
    // it even while we run) but stop the underflow maintenance interrupt.
    write_hcr(Hcr::En::bits(1));
    vgic.save_lrs(vcpu, lrs, n);
}

}  // namespace mortise::ich
