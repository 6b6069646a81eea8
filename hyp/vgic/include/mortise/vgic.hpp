// Virtual GICv3 of one guest (IHI 0069H.b, "GIC Architecture Specification
// v3/v4"): the distributor and redistributor register frames the guest's
// accesses trap into (stage 2 leaves them unmapped), the state of every
// virtual interrupt, and the hooks that move interrupts into and out of the
// ICH_LR<n>_EL2 list registers around each world switch.
//
// Model. The guest sees a GICv3 with one security state (GICD_CTLR.DS = 1),
// affinity routing always on (ARE RAO/WI), no LPIs/ITS, no GICv2 legacy
// interface; `lines` INTIDs (SGIs 0-15, PPIs 16-31 per vCPU, SPIs 32..lines-1).
// Every interrupt has enable, pending (an edge latch plus, for level-sensitive
// ones, the input line set by set_level()), active, group, priority and
// trigger state; SPIs have an IROUTER value. The GICv3 semantics this gives:
//   edge:  inject() latches pending; ISPENDR sets, ICPENDR clears the latch;
//          acknowledging consumes it.
//   level: pending while the line is high or the software latch (inject(),
//          ISPENDR) is set; acknowledging clears only the latch.
//
// List registers ("drain and refill", as KVM and Bao do it): load_lrs() on
// entry moves up to nr_lrs interrupts of that vCPU into LRs, active ones first
// (a guest must find an active interrupt in an LR to deactivate it), then the
// highest-priority deliverable pending ones (lowest priority value, then lowest
// INTID); those interrupts are marked "queued" and leave the model. save_lrs()
// on exit folds every LR's state back in and clears "queued". An interrupt is
// queued on at most one vCPU; while it is, it is not loaded anywhere else.
// Guest register writes that change a queued interrupt (ICPENDR, ICACTIVER from
// another vCPU) take effect when its vCPU next exits. overflow() says more was
// deliverable than fitted: the core then sets ICH_HCR_EL2.UIE so the vCPU
// exits when its LRs drain. Level-sensitive interrupts without a hardware link
// are loaded with the LR's EOI bit: their deactivation raises the maintenance
// interrupt (PPI 25), and the exit it causes resamples the line.
//
// Hardware-linked interrupts (inject_hw): the LR carries HW = 1 and the physical
// INTID, so the guest's deactivation also deactivates the physical interrupt
// (the virtual timer PPI 27 and forwarded SPIs). As the architecture requires,
// such an LR is never loaded pending+active: pending waits until deactivation.
//
// Bad accesses (defined behaviour). read()/write() return false, so the core
// stops the guest, for: offsets outside the frame, misaligned accesses, and
// widths a register does not support (IPRIORITYR/ITARGETSR: 1 or 4 bytes;
// IROUTER, GICR_TYPER and the 64-bit LPI registers: 8 bytes or either 4-byte
// half; everything else 4 bytes). Reserved and unimplemented offsets (GICv2
// legacy, LPI, extended SPI/PPI ranges, the banked INTID 0-31 words in GICD)
// read as zero and ignore writes (IHI 0069H.b §12.1.3 "reserved... RES0").
//
// Locking: one spinlock per guest covers all state; every public function
// takes it, so any vCPU (or the core on another CPU) may call any of them.
// The caller must not hold a lock that a vGIC caller takes after the vGIC's.
#pragma once

#include <mortise/ich.hpp>
#include <tn/spinlock.hpp>
#include <tn/types.hpp>

namespace mortise {
using tn::u16;
using tn::u32;
using tn::u64;
using tn::u8;
using tn::usize;
}  // namespace mortise

#include <mortise/vdev.hpp>

namespace mortise::vgic {

constexpr unsigned k_max_vcpus = 16;
constexpr u32 k_sgi_count = 16;
constexpr u32 k_private = 32;          // SGIs and PPIs, one set per vCPU
constexpr u32 k_max_lines = 1024;      // INTIDs 0..1019 plus the special 1020-1023 block (never used)
constexpr u32 k_last_spi = 1019;
constexpr u64 k_gicd_size = 0x10000;   // one 64 KiB frame
constexpr u64 k_gicr_stride = 0x20000; // RD_base + SGI_base per vCPU
constexpr u64 k_frame = 0x10000;

struct Config {
    unsigned vcpu_count = 1;  // 1..k_max_vcpus (clamped)
    /// INTIDs implemented (GICD_TYPER.ITLinesNumber): a multiple of 32 in
    /// 64..1024, rounded down and clamped. QEMU virt has 288.
    u32 lines = 288;
    /// Priority bits the guest's virtual CPU interface implements (ICH_VTR_EL2.PRIbits
    /// + 1; 5 on QEMU and Cortex-A cores): lower IPRIORITYR bits read as zero.
    unsigned priority_bits = 5;
    /// MPIDR affinity (Aff3 at [39:32], Aff2-0 at [23:0]) of each vCPU, as the
    /// core programs VMPIDR_EL2 and the guest DT. All zero: vCPU n is Aff0 = n.
    u64 mpidr[k_max_vcpus] = {};
};

/// One interrupt's state as the guest would observe it (tests, fuzz invariants, debug shell).
struct IrqView {
    bool enabled, pending, active, queued, edge, group1;
    u8 priority;
};

class Vgic {
public:
    explicit Vgic(const Config& config);
    Vgic(const Vgic&) = delete;
    Vgic& operator=(const Vgic&) = delete;

    /// The 64 KiB distributor frame, registered at the guest map's distributor window
    /// (tn/plat/mortise_guest_map.hpp).
    MmioDevice& distributor() { return m_gicd; }
    /// All vCPUs' redistributors (vcpu_count * k_gicr_stride bytes from the guest map's redistributor base).
    MmioDevice& redistributor() { return m_gicr; }

    /// Makes @p intid pending (edge-style) for @p vcpu (SGI/PPI) or for whichever
    /// vCPU its IROUTER names (SPI; @p vcpu ignored). Out-of-range arguments are ignored.
    void inject(unsigned vcpu, u32 intid);
    /// inject() with a hardware link: the guest's deactivation of @p intid
    /// deactivates physical @p pintid. The link persists until unlink().
    void inject_hw(unsigned vcpu, u32 intid, u32 pintid);
    void unlink(unsigned vcpu, u32 intid);
    /// Drives the input line of a level-sensitive interrupt (e.g. the vUART's SPI).
    void set_level(unsigned vcpu, u32 intid, bool level);
    /// Emulates a trapped write of ICC_SGI1R_EL1 @p value by @p vcpu. Returns the
    /// mask of vCPUs that got the SGI (the core kicks those running elsewhere).
    u32 send_sgi(unsigned vcpu, u64 value);

    /// World switch, entry: fills lr[0..nr_lrs) (unused entries 0 = invalid) and
    /// returns how many hold an interrupt. @pre nr_lrs <= ich::k_max_lrs (clamped).
    unsigned load_lrs(unsigned vcpu, u64* lr, unsigned nr_lrs);
    /// inject_hw() then load_lrs() under one lock: the entry of a vCPU whose hardware interrupt
    /// (the virtual timer) was just taken at EL2. Same result as the two calls; when the guest has
    /// nothing else pending or active, without load_lrs()'s scan.
    unsigned inject_hw_and_load(unsigned vcpu, u32 intid, u32 pintid, u64* lr, unsigned nr_lrs);
    /// World switch, exit: folds lr[0..n) (as read back from ICH_LR<n>_EL2,
    /// n = what load_lrs returned) into the model. Every interrupt the last
    /// load_lrs queued comes back: one whose LR is missing (k >= n) or names
    /// another INTID keeps the state it was loaded with.
    void save_lrs(unsigned vcpu, const u64* lr, unsigned n);
    /// After load_lrs: deliverable interrupts were left out for lack of LRs.
    bool overflow(unsigned vcpu) const;
    /// An interrupt is deliverable to @p vcpu (wake it from WFI).
    bool has_deliverable(unsigned vcpu);
    /// The vCPU an SPI is currently routed to, or -1 (none / not an SPI).
    int spi_target(u32 intid);

    /// Back to the reset state (guest restart). Hardware links are dropped: the
    /// core must deactivate physical interrupts it had forwarded.
    void reset();

    IrqView view(unsigned vcpu, u32 intid);
    unsigned vcpu_count() const { return m_vcpus; }
    u32 lines() const { return m_lines; }
    u64 affinity(unsigned vcpu) const { return m_aff[vcpu < m_vcpus ? vcpu : 0]; }

private:
    /// State of 32 consecutive INTIDs; one bit per INTID in each bitmap.
    struct Bank {
        u32 enable, latch, level, active, edge, group1;
        u32 queued, q_pending, q_active;  // in an LR: what it held when loaded
        u32 q_latch;                      // ... and whether that pending state was the latch
        u32 cancel_pending, cancel_active;  // cleared by the guest while queued
        u32 hw;                             // hardware-linked
        u8 priority[32];
        u8 owner[32];  // the vCPU whose LR holds a queued interrupt
        u16 pintid[32];
    };
    struct Redist {
        bool asleep = true;  // GICR_WAKER.ProcessorSleep
        bool overflow = false;
        unsigned nr_loaded = 0;         // what the last load_lrs put in LR 0..nr_loaded
        u16 loaded[ich::k_max_lrs] = {};
    };

    class Distributor final : public MmioDevice {
    public:
        explicit Distributor(Vgic& v) : m_v(v) {}
        bool read(unsigned vcpu, u64 offset, unsigned size, u64& value) override;
        bool write(unsigned vcpu, u64 offset, unsigned size, u64 value) override;

    private:
        Vgic& m_v;
    };
    class Redistributor final : public MmioDevice {
    public:
        explicit Redistributor(Vgic& v) : m_v(v) {}
        bool read(unsigned vcpu, u64 offset, unsigned size, u64& value) override;
        bool write(unsigned vcpu, u64 offset, unsigned size, u64 value) override;

    private:
        Vgic& m_v;
    };

    enum class Hit { No, Ok, Bad };

    // mmio.cpp; all called with m_lock held.
    bool gicd_access(u64 off, unsigned size, bool write, u64& v);
    bool gicr_access(u64 off, unsigned size, bool write, u64& v);
    bool rd_frame(unsigned rd, u64 off, unsigned size, bool write, u64& v);
    Hit intid_regs(int rd, u64 off, unsigned size, bool write, u64& v);
    Bank* frame_bank(int rd, u32 intid);
    void bitmap_reg(Bank& b, u64 block, bool write, u32& v);
    void cfg_reg(Bank& b, unsigned half, bool sgis, bool write, u32& v);
    u32 gicd_typer() const;
    u64 gicr_typer(unsigned rd) const;

    // vgic.cpp; all called with m_lock held.
    Bank* bank(unsigned vcpu, u32 intid);
    u32 bank_bit(u32 intid) const { return u32{1} << (intid % 32); }
    bool deliverable(const Bank& b, unsigned i) const;
    u32 pending_bits(const Bank& b) const { return b.latch | (b.level & ~b.edge); }
    void heat(const Bank& b);
    bool cooled(const Bank& b);
    bool routed_to(u32 intid, unsigned vcpu) const;
    int route_target(u32 intid) const;
    unsigned find_vcpu(u64 aff) const;
    void mark_pending(unsigned vcpu, u32 intid, int pintid);
    unsigned load_locked(unsigned vcpu, u64* lr, unsigned nr);
    u64 queue(unsigned vcpu, u32 intid, unsigned n);
    void reset_state();

    Distributor m_gicd{*this};
    Redistributor m_gicr{*this};
    tn::Spinlock m_lock;
    unsigned m_vcpus;
    u32 m_lines;
    u8 m_priority_mask;
    u64 m_aff[k_max_vcpus];
    u32 m_ctlr = 0;  // GICD_CTLR EnableGrp0 | EnableGrp1
    Bank m_private[k_max_vcpus];
    Bank m_shared[(k_max_lines - k_private) / 32];
    u64 m_irouter[k_max_lines - k_private];
    Redist m_redist[k_max_vcpus];
    // Banks that may hold a pending or active interrupt (latch, level or active
    // bits): bit n of m_hot_private is vCPU n's SGIs and PPIs, bit n of
    // m_hot_shared is m_shared[n]. Set by every change that sets one of those
    // bits (heat()), cleared by the scans that find the bank empty (cooled()),
    // so that a world switch with nothing to deliver does not walk every bank.
    u32 m_hot_private = 0;
    u32 m_hot_shared = 0;
    static_assert(k_max_vcpus <= 32 && (k_max_lines - k_private) / 32 <= 32, "hot-bank masks are u32");
};

}  // namespace mortise::vgic
