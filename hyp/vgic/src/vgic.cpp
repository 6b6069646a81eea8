// Virtual GICv3 state and the list-register hooks (see mortise/vgic.hpp for
// the model). Register decoding is in mmio.cpp.
#include <mortise/vgic.hpp>
#include <tn/arch/sysreg.hpp>

namespace mortise::vgic {

namespace {

using tn::arch::IccSgi1rEl1;
using tn::arch::MpidrEl1;

constexpr u64 k_aff_mask = MpidrEl1::affinity_mask;
// IHI 0069H.b §12.9.22 GICD_IROUTER<n>: 1 routes to any participating PE.
struct IrouterIrm : tn::Field<31, 1> {};

template <class T>
T clamp(T v, T lo, T hi) { return v < lo ? lo : v > hi ? hi : v; }

unsigned bit_index(u32 bits) { return static_cast<unsigned>(__builtin_ctz(bits)); }

}  // namespace

Vgic::Vgic(const Config& config)
    : m_vcpus(clamp(config.vcpu_count, 1u, k_max_vcpus)),
      m_lines(clamp<u32>(config.lines / 32 * 32, 64, k_max_lines)),
      m_priority_mask(static_cast<u8>(0xff00u >> clamp(config.priority_bits, 4u, 8u))) {
    bool any = false;
    for (unsigned i = 0; i < k_max_vcpus; ++i)
        any |= config.mpidr[i] != 0;
    for (unsigned i = 0; i < k_max_vcpus; ++i)
        m_aff[i] = any ? config.mpidr[i] & k_aff_mask : i;
    reset_state();
}

void Vgic::reset() {
    tn::SpinlockGuard guard(m_lock);
    reset_state();
}

// Reset values (IHI 0069H.b §12.9, §12.11): everything disabled, idle, Group 0,
// priority 0, level-sensitive except SGIs (always edge), routed to Aff 0.0.0.0;
// redistributors asleep until the guest wakes them (GICR_WAKER).
void Vgic::reset_state() {
    m_ctlr = 0;
    for (auto& b : m_private) {
        b = Bank{};
        b.edge = (u32{1} << k_sgi_count) - 1;
    }
    for (auto& b : m_shared)
        b = Bank{};
    for (auto& r : m_irouter)
        r = 0;
    for (auto& r : m_redist)
        r = Redist{};
    __atomic_store_n(&m_hot_private, 0u, __ATOMIC_RELAXED);
    __atomic_store_n(&m_hot_shared, 0u, __ATOMIC_RELAXED);
}

// Atomic (under m_lock all the same): load_lrs() reads the masks without it.
void Vgic::heat(const Bank& b) {
    if (&b >= m_private && &b < m_private + k_max_vcpus)
        __atomic_fetch_or(&m_hot_private, u32{1} << (&b - m_private), __ATOMIC_RELAXED);
    else
        __atomic_fetch_or(&m_hot_shared, u32{1} << (&b - m_shared), __ATOMIC_RELAXED);
}

// A scan's visit of a hot bank: true (and no longer hot) when it holds nothing.
bool Vgic::cooled(const Bank& b) {
    if (b.latch | b.level | b.active)
        return false;
    if (&b >= m_private && &b < m_private + k_max_vcpus)
        __atomic_fetch_and(&m_hot_private, ~(u32{1} << (&b - m_private)), __ATOMIC_RELAXED);
    else
        __atomic_fetch_and(&m_hot_shared, ~(u32{1} << (&b - m_shared)), __ATOMIC_RELAXED);
    return true;
}

Vgic::Bank* Vgic::bank(unsigned vcpu, u32 intid) {
    if (intid < k_private)
        return vcpu < m_vcpus ? &m_private[vcpu] : nullptr;
    if (intid >= m_lines || intid > k_last_spi)
        return nullptr;
    return &m_shared[(intid - k_private) / 32];
}

unsigned Vgic::find_vcpu(u64 aff) const {
    for (unsigned i = 0; i < m_vcpus; ++i)
        if (m_aff[i] == (aff & k_aff_mask))
            return i;
    return k_max_vcpus;
}

// IRM = 1 (§12.9.22): "any participating PE"; we pick the lowest-numbered awake
// vCPU so the choice is stable and never a vCPU that has not started yet.
int Vgic::route_target(u32 intid) const {
    if (intid < k_private || intid >= m_lines)
        return -1;
    u64 r = m_irouter[intid - k_private];
    if (IrouterIrm::get(r)) {
        for (unsigned i = 0; i < m_vcpus; ++i)
            if (!m_redist[i].asleep)
                return static_cast<int>(i);
        return 0;
    }
    unsigned v = find_vcpu(r);
    return v < m_vcpus ? static_cast<int>(v) : -1;
}

bool Vgic::routed_to(u32 intid, unsigned vcpu) const {
    return intid < k_private || route_target(intid) == static_cast<int>(vcpu);
}

int Vgic::spi_target(u32 intid) {
    tn::SpinlockGuard guard(m_lock);
    return route_target(intid);
}

void Vgic::mark_pending(unsigned vcpu, u32 intid, int pintid) {
    Bank* b = bank(vcpu, intid);
    if (!b)
        return;
    unsigned i = intid % 32;
    if (pintid >= 0) {
        b->hw |= bank_bit(intid);
        b->pintid[i] = static_cast<u16>(pintid);
    }
    b->latch |= bank_bit(intid);
    heat(*b);
}

void Vgic::inject(unsigned vcpu, u32 intid) {
    tn::SpinlockGuard guard(m_lock);
    mark_pending(vcpu, intid, -1);
}

void Vgic::inject_hw(unsigned vcpu, u32 intid, u32 pintid) {
    tn::SpinlockGuard guard(m_lock);
    if (pintid > k_last_spi)
        return;
    mark_pending(vcpu, intid, static_cast<int>(pintid));
}

void Vgic::unlink(unsigned vcpu, u32 intid) {
    tn::SpinlockGuard guard(m_lock);
    if (Bank* b = bank(vcpu, intid))
        b->hw &= ~bank_bit(intid);
}

void Vgic::set_level(unsigned vcpu, u32 intid, bool level) {
    tn::SpinlockGuard guard(m_lock);
    Bank* b = bank(vcpu, intid);
    if (!b)
        return;
    b->level = level ? b->level | bank_bit(intid) : b->level & ~bank_bit(intid);
    if (level)
        heat(*b);
}

// ICC_SGI1R_EL1 (§12.2.22, fields in tn/arch/sysreg.hpp): TargetList [15:0]
// names Aff0 = RS * 16 + n within cluster Aff3.Aff2.Aff1; IRM = 1 means every
// PE except the sender.
u32 Vgic::send_sgi(unsigned vcpu, u64 value) {
    using S = IccSgi1rEl1;
    tn::SpinlockGuard guard(m_lock);
    if (vcpu >= m_vcpus)
        return 0;
    auto intid = static_cast<u32>(S::Intid::get(value));
    bool irm = S::Irm::get(value);
    u64 cluster = MpidrEl1::Aff1::bits(S::Aff1::get(value)) | MpidrEl1::Aff2::bits(S::Aff2::get(value)) |
                  MpidrEl1::Aff3::bits(S::Aff3::get(value));
    auto rs = static_cast<u32>(S::Rs::get(value));
    auto targets = static_cast<u32>(S::TargetList::get(value));
    constexpr u64 k_targets_per_rs = S::TargetList::width;
    u32 mask = 0;
    for (unsigned t = 0; t < m_vcpus; ++t) {
        bool hit;
        if (irm) {
            hit = t != vcpu;
        } else {
            u64 aff0 = MpidrEl1::Aff0::get(m_aff[t]);
            hit = MpidrEl1::Aff0::clear(m_aff[t]) == cluster && aff0 / k_targets_per_rs == rs &&
                  (targets >> (aff0 % k_targets_per_rs) & 1);
        }
        if (hit) {
            m_private[t].latch |= bank_bit(intid);
            heat(m_private[t]);
            mask |= u32{1} << t;
        }
    }
    return mask;
}

bool Vgic::deliverable(const Bank& b, unsigned i) const {
    u32 bit = u32{1} << i;
    if (!(pending_bits(b) & b.enable & bit) || ((b.active | b.queued) & bit))
        return false;
    return m_ctlr & (b.group1 & bit ? 2u : 1u);
}

bool Vgic::has_deliverable(unsigned vcpu) {
    tn::SpinlockGuard guard(m_lock);
    if (vcpu >= m_vcpus)
        return false;
    // The vCPU's own bank, then the hot shared ones (bit n: INTIDs 32 + 32n...).
    u64 hot = (u64{__atomic_load_n(&m_hot_shared, __ATOMIC_RELAXED)} << 1) |
              ((__atomic_load_n(&m_hot_private, __ATOMIC_RELAXED) >> vcpu) & 1);
    for (; hot; hot &= hot - 1) {
        const u32 intid = static_cast<u32>(__builtin_ctzll(hot)) * 32;
        const Bank& b = intid < k_private ? m_private[vcpu] : m_shared[(intid - k_private) / 32];
        if (cooled(b))
            continue;
        for (u32 cand = pending_bits(b) & b.enable & ~(b.active | b.queued); cand; cand &= cand - 1) {
            unsigned i = bit_index(cand);
            if (deliverable(b, i) && routed_to(intid + i, vcpu))
                return true;
        }
    }
    return false;
}

bool Vgic::overflow(unsigned vcpu) const { return vcpu < m_vcpus && m_redist[vcpu].overflow; }

namespace {

/// The nr best candidates by key (smallest first); counts how many were offered.
// Sort key of a candidate for the list registers; smaller is more urgent.
struct KeyIntid : tn::Field<0, 10> {};
struct KeyPriority : tn::Field<10, 8> {};
struct KeyPending : tn::Field<20, 1> {};  // 0 = active (must be in an LR), 1 = pending

struct Selection {
    u32 key[ich::k_max_lrs];
    unsigned count = 0, offered = 0, capacity;

    explicit Selection(unsigned cap) : capacity(cap) {}
    void offer(u32 k) {
        ++offered;
        if (capacity == 0 || (count == capacity && k >= key[count - 1]))
            return;
        unsigned pos = count < capacity ? count++ : count - 1;
        while (pos > 0 && key[pos - 1] > k) {
            key[pos] = key[pos - 1];
            --pos;
        }
        key[pos] = k;
    }
};

constexpr u32 make_key(bool active, u8 priority, u32 intid) {
    // A u8 priority and an INTID below 1024 fit their fields: no masking needed.
    return (active ? 0u : static_cast<u32>(KeyPending::mask)) | u32{priority} << KeyPriority::shift | intid;
}

}  // namespace

unsigned Vgic::load_lrs(unsigned vcpu, u64* lr, unsigned nr_lrs) {
    unsigned nr = nr_lrs < ich::k_max_lrs ? nr_lrs : ich::k_max_lrs;
    for (unsigned i = 0; i < nr_lrs; ++i)
        lr[i] = 0;
    if (vcpu >= m_vcpus)
        return 0;
    // No bank can hold anything for this vCPU: nothing to queue, without the lock. What another CPU
    // makes pending after this read it kicks out of its guest (the core's kick after an injection
    // reads the loaded vCPU after its change, as the entry path stored it before this read), and
    // the exit loads it. Its last entry queued nothing (save_lrs() emptied it) unless hot banks did.
    if (((__atomic_load_n(&m_hot_private, __ATOMIC_SEQ_CST) >> vcpu) & 1) == 0 &&
        __atomic_load_n(&m_hot_shared, __ATOMIC_SEQ_CST) == 0 && m_redist[vcpu].nr_loaded == 0) {
        m_redist[vcpu].overflow = false;
        return 0;
    }
    tn::SpinlockGuard guard(m_lock);
    return load_locked(vcpu, lr, nr);
}

unsigned Vgic::inject_hw_and_load(unsigned vcpu, u32 intid, u32 pintid, u64* lr, unsigned nr_lrs) {
    unsigned nr = nr_lrs < ich::k_max_lrs ? nr_lrs : ich::k_max_lrs;
    for (unsigned i = 0; i < nr_lrs; ++i)
        lr[i] = 0;
    tn::SpinlockGuard guard(m_lock);
    // The usual case, a private interrupt of a guest with nothing else pending, active or queued:
    // the scan of load_locked() would offer this interrupt alone, and queue() would put it into
    // LR 0 pending, linked to @p pintid, with the latch mark_pending() sets moved into the LR. That
    // much is done here directly. The bank needs no heat for it: the latch goes straight into the
    // LR, and save_lrs() heats the bank if the interrupt outlives the LR; anything else the bank
    // holds heated it when it came.
    if (intid < k_private && vcpu < m_vcpus && pintid <= k_last_spi && nr > 0 && m_redist[vcpu].nr_loaded == 0 &&
        __atomic_load_n(&m_hot_shared, __ATOMIC_RELAXED) == 0) {
        Bank& b = m_private[vcpu];
        const unsigned i = intid % 32;
        const u32 bit = bank_bit(intid);
        const bool group1 = b.group1 & bit;
        if ((b.enable & bit) && !(b.queued & bit) && b.active == 0 && (pending_bits(b) & b.enable & ~bit) == 0 &&
            (m_ctlr & (group1 ? 2u : 1u))) {
            b.hw |= bit;
            b.pintid[i] = static_cast<u16>(pintid);
            b.latch &= ~bit;
            b.q_latch |= bit;
            b.queued |= bit;
            b.q_pending |= bit;
            b.q_active &= ~bit;
            b.owner[i] = static_cast<u8>(vcpu);
            Redist& r = m_redist[vcpu];
            r.loaded[0] = static_cast<u16>(intid);
            r.nr_loaded = 1;
            r.overflow = false;
            lr[0] = ich::Lr{.vintid = intid, .pintid = pintid, .priority = b.priority[i], .group1 = group1,
                            .hw = true, .state = ich::LrState::Pending}.encode();
            return 1;
        }
    }
    if (pintid <= k_last_spi)
        mark_pending(vcpu, intid, static_cast<int>(pintid));
    if (vcpu >= m_vcpus)
        return 0;
    return load_locked(vcpu, lr, nr);
}

unsigned Vgic::load_locked(unsigned vcpu, u64* lr, unsigned nr) {
    Selection sel{nr};
    u64 hot = (u64{__atomic_load_n(&m_hot_shared, __ATOMIC_RELAXED)} << 1) |
              ((__atomic_load_n(&m_hot_private, __ATOMIC_RELAXED) >> vcpu) & 1);  // as has_deliverable()
    for (; hot; hot &= hot - 1) {
        const u32 base = static_cast<u32>(__builtin_ctzll(hot)) * 32;
        const Bank& b = base < k_private ? m_private[vcpu] : m_shared[(base - k_private) / 32];
        if (cooled(b))
            continue;
        for (u32 cand = (b.active | (pending_bits(b) & b.enable)) & ~b.queued; cand; cand &= cand - 1) {
            unsigned i = bit_index(cand);
            bool active = b.active & (u32{1} << i);
            if ((active || deliverable(b, i)) && routed_to(base + i, vcpu))
                sel.offer(make_key(active, b.priority[i], base + i));
        }
    }
    Redist& r = m_redist[vcpu];
    r.overflow = sel.offered > sel.count;
    r.nr_loaded = sel.count;
    for (unsigned n = 0; n < sel.count; ++n)
        lr[n] = queue(vcpu, sel.key[n] & static_cast<u32>(KeyIntid::mask), n);
    return sel.count;
}

// Puts @p intid (a candidate of load_locked) into LR @p n: its LR value, and the model marks it queued.
u64 Vgic::queue(unsigned vcpu, u32 intid, unsigned n) {
    Bank& b = *bank(vcpu, intid);
    unsigned i = intid % 32;
    u32 bit = u32{1} << i;
    bool active = b.active & bit;
    bool edge = b.edge & bit;
    bool pending = deliverable(b, i) || (active && (pending_bits(b) & b.enable & bit));
    ich::Lr l;
    l.vintid = intid;
    l.priority = b.priority[i];
    l.group1 = b.group1 & bit;
    l.hw = b.hw & bit;
    l.pintid = l.hw ? b.pintid[i] : 0;
    // A level interrupt needs resampling when the guest deactivates it: ask
    // for a maintenance interrupt (HW ones are resampled by the hardware).
    l.eoi = !l.hw && !edge;
    if (l.hw && active)
        pending = false;  // never pending+active with HW = 1: the pending state waits in the model
    l.state = pending ? (active ? ich::LrState::PendingActive : ich::LrState::Pending) : ich::LrState::Active;
    m_redist[vcpu].loaded[n] = static_cast<u16>(intid);
    b.queued |= bit;
    b.owner[i] = static_cast<u8>(vcpu);
    b.q_pending = pending ? b.q_pending | bit : b.q_pending & ~bit;
    b.q_active = active ? b.q_active | bit : b.q_active & ~bit;
    b.active &= ~bit;
    // The latch moves into the LR; save_lrs() restores it unless the guest
    // acknowledged meanwhile, so an injection while queued is never lost.
    bool latched = pending && (b.latch & bit);
    b.q_latch = latched ? b.q_latch | bit : b.q_latch & ~bit;
    if (latched)
        b.latch &= ~bit;
    return l.encode();
}

void Vgic::save_lrs(unsigned vcpu, const u64* lr, unsigned n) {
    tn::SpinlockGuard guard(m_lock);
    if (vcpu >= m_vcpus)
        return;
    // Walk what load_lrs put in each LR, not the INTID the LR names now: a
    // vINTID read back changed (EL2 owns the field, so only broken hardware or
    // a caller's mistake) would otherwise leave its interrupt queued for good.
    Redist& r = m_redist[vcpu];
    for (unsigned k = 0; k < r.nr_loaded; ++k) {
        u32 intid = r.loaded[k];
        Bank* b = bank(vcpu, intid);
        u32 bit = bank_bit(intid);
        if (!b || !(b->queued & bit) || b->owner[intid % 32] != vcpu)
            continue;
        ich::Lr l = k < n ? ich::Lr::decode(lr[k]) : ich::Lr{};
        bool read_back = k < n && l.vintid == intid;
        bool latched = b->q_latch & bit;
        bool pending = (read_back ? l.pending() : (b->q_pending & bit) != 0) && !(b->cancel_pending & bit);
        bool active = (read_back ? l.active() : (b->q_active & bit) != 0) && !(b->cancel_active & bit);
        b->queued &= ~bit;
        b->q_pending &= ~bit;
        b->q_active &= ~bit;
        b->cancel_pending &= ~bit;
        b->cancel_active &= ~bit;
        // Still pending in the LR (not acknowledged): the latch it came from
        // stands. A level interrupt pending only through its line needs nothing:
        // the line is still in b->level.
        if (pending && latched)
            b->latch |= bit;
        b->q_latch &= ~bit;
        if (active)
            b->active |= bit;
        if (b->latch & bit || active)
            heat(*b);
    }
    r.nr_loaded = 0;
}

IrqView Vgic::view(unsigned vcpu, u32 intid) {
    tn::SpinlockGuard guard(m_lock);
    Bank* b = bank(vcpu, intid);
    if (!b)
        return IrqView{};
    u32 bit = bank_bit(intid);
    return IrqView{
        .enabled = (b->enable & bit) != 0,
        .pending = ((pending_bits(*b) | (b->q_pending & b->queued)) & bit) != 0,
        .active = ((b->active | (b->q_active & b->queued)) & bit) != 0,
        .queued = (b->queued & bit) != 0,
        .edge = (b->edge & bit) != 0,
        .group1 = (b->group1 & bit) != 0,
        .priority = b->priority[intid % 32],
    };
}

}  // namespace mortise::vgic
