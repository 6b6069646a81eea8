// Mortise's EL2 core, internal interfaces between its files: per-CPU state
// and the idle loop (cpu.cpp), guests (guest.cpp), trap handling (trap.cpp),
// the embedded images (images.cpp) and the EL2 MMU (mmu.cpp). The host board
// comes from the platform library (mortise/platform.hpp).
//
// Lock order: the instances' lock (instances.cpp: create, reclaim), then a
// guest's lifecycle lock (lifecycle.hpp), then a device's own
// lock (vuart, then vgic), then the console's. Per-CPU requests are single words written with release and
// read with acquire; the CPU they target acts on them at its next exit or
// wake-up (it is kicked with k_kick_sgi).
#pragma once

#include <mortise/hypercall.hpp>
#include <mortise/modules.hpp>
#include <mortise/partition.hpp>
#include <mortise/platform.hpp>
#include <mortise/stage2.hpp>
#include <mortise/vcpu.hpp>
#include <mortise/vdev.hpp>
#include <mortise/vgic.hpp>
#include <mortise/vpsci.hpp>
#include <mortise/vuart.hpp>
#include <tn/addr.hpp>
#include <tn/arch/psci.hpp>
#include <tn/console.hpp>
#include <tn/spinlock.hpp>
#include <tn/types.hpp>

#include "lifecycle.hpp"
#include "mmu.hpp"

/// One line on the console from Mortise itself.
#define MLOG(fmt, ...) tn_printf("mortise: " fmt "\n" __VA_OPT__(, ) __VA_ARGS__)

namespace mortise {

using tn::i64;
using tn::u32;
using tn::u64;
using tn::usize;

constexpr unsigned k_max_vcpus = 8;
/// On-demand instances at once (instances.cpp): their guest slots follow the description's guests.
constexpr unsigned k_max_instances = 4;
/// Guest slots: the description's guests, then the instances'.
constexpr unsigned k_max_slots = partition::k_max_guests + k_max_instances;
/// SGI that makes a CPU look at its requests (a vCPU to start, its guest stopping).
constexpr u32 k_kick_sgi = 8;
constexpr u32 k_vtimer_intid = 27;
/// The EL1 physical timer's PPI: mode 2's scheduling-hint watch (cpu.cpp), never a guest's.
constexpr u32 k_watch_intid = 30;

// ---- Embedded images and the partition description (images.cpp) ----

/// What an embedded image is (support/scripts/hypimages.py writes the numbers).
enum class ImageKind : u64 { Tenon = 0, Linux = 1, Initramfs = 2, DtOverlay = 3 };
struct Image {
    const char* name;
    const u8* data;
    u64 size;
    ImageKind kind = ImageKind::Tenon;
};
/// Every embedded image and initramfs.
unsigned image_count();
const Image* image(unsigned i);
/// The embedded image of @p kind named @p name, or nullptr.
const Image* find_image(const char* name, ImageKind kind);
/// Guest kernels embedded (Tenon applications and Linux Images; initramfs images not counted).
unsigned kernel_count();
/// The partition description: a boot module's if the bootloader loaded one, else the blob
/// (dtc output) linked into the image; size 0 if none (or the module was refused).
const void* partitions_blob(u64& size);
/// A Mortise hypervisor image's guests come as boot modules (mortise/modules.hpp): reads
/// and checks every /chosen module node of @p host against @p machine, logs each (and
/// why it is refused), and adds the usable ones to the images above. False if the tree
/// has no /chosen. Call once, before the description is read.
bool use_boot_modules(const tn::fdt::Fdt& host, const modules::Machine& machine);
/// The boot modules read (empty unless use_boot_modules ran).
const modules::Table& boot_modules();
/// Whether [@p base, @p base + @p size) overlaps a boot module's bytes, usable or not.
bool overlaps_boot_module(tn::PhysAddr base, u64 size);

// ---- Guests (guest.cpp) ----

class Guest;

struct Vcpu {
    Guest* guest;
    unsigned index;     ///< within the guest
    unsigned pcpu;      ///< the physical CPU it runs on (mode 1: fixed)
    bool off;           ///< PSCI CPU_OFF asked: take it off at the next entry
    unsigned lrs;       ///< list registers loaded at the last entry
    u64 ich_vmcr;
    vcpu::Context ctx;
};

/// Takes @p size bytes of free host RAM, 2 MiB aligned (the placement of guest RAM, which
/// avoids Mortise, the host tree, boot modules and what was taken before). PhysAddr{} if none.
tn::PhysAddr carve_ram(u64 size);

/// Creates every valid guest of the description and starts the autostart ones.
void create_guests(const partition::Description& d);
/// LIBMORTISE_CORE_COLOR_CHECK: walks the stage-2 tables of every created guest over its RAM
/// window and logs, per guest, the pages mapped, those of a colour not its own (coloured guests),
/// those in Mortise's memory or unmapped, and its stage-2 tables. The number of wrong pages.
u64 check_colors();
/// Guests created (also those that failed to be), and with an instance pool its instance slots
/// (a free slot is a guest with an empty name that cannot start: guest_in_use()).
unsigned guest_count();
Guest* guest(unsigned i);
/// @p g is a guest of the description or a live instance (not a free instance slot).
bool guest_in_use(const Guest& g);
/// Stage-2 translation tables not in use (guest.cpp's pool).
unsigned free_stage2_tables();

// ---- On-demand instances (instances.cpp) ----

/// What an instance is created with (shell or instance.create).
struct InstanceParams {
    const char* image;
    const char* name;
    u64 mem_size;
    unsigned vcpus;
    unsigned priority;
    u32 budget_us, period_us;
};
/// Carves the pool's RAM (after the channels', before the guests') and zeroes it, takes its CPUs;
/// logs one line, or why there is no pool. Call once from create_guests().
void create_instance_pool(const partition::Description& d);
#ifdef CONFIG_MORTISE_MODE2
/// A shared pool (mode 2): creates the parked vCPU threads of every instance slot, once the slots
/// are described; without room for them, logs why and drops the pool. Call once from create_guests().
void prepare_instance_threads();
#endif
/// Instance slots (0 without a valid pool): guest indices d.count .. d.count + this - 1.
unsigned instance_slots();
/// What a free instance slot's guest is described as (no name, no image, never created).
const partition::Guest& free_instance_slot();
/// Creates and starts an instance; its guest index in @p slot. Logs why it cannot.
hypercall::Status create_instance(const InstanceParams& p, unsigned& slot);
/// Stops instance @p slot, scrubs its RAM and gives its resources back. Logs why it cannot.
hypercall::Status reclaim_instance(unsigned slot);
/// Logs the pool's free RAM, CPUs and stage-2 tables.
void log_instance_pool();
/// The instance hypercall group's operations (a reference, not a call: the HVC fast path builds
/// its hypercall::Env on every call).
extern hypercall::InstanceOps& g_instance_ops;
/// The console input's guest count changed, or guest @p slot went away (main.cpp): input for
/// a free slot goes back to the shell.
void input_guests_changed(unsigned slot);

/// One guest: its devices, RAM and vCPUs, and its Lifecycle (the state
/// machine, lifecycle.hpp), whose hooks it implements.
class Guest final : public vpsci::Actions, private LifecycleHooks {
public:
    const partition::Guest& desc() const { return *m_desc; }
    unsigned index() const { return m_index; }
    GuestState state() const { return m_life.state(); }
    unsigned vcpu_count() const { return m_vcpu_count; }
    Vcpu& vcpu(unsigned i) { return m_vcpus[i]; }
    vgic::Vgic& vgic() { return *m_vgic; }
    vuart::Pl011& uart() { return *m_uart; }
    vpsci::Vpsci& psci() { return *m_psci; }
    const stage2::Table& stage2() const { return *m_stage2; }
    /// It was created (its RAM, stage 2 and devices are set up), whatever its state now.
    bool created() const { return m_life.created(); }
    tn::PhysAddr ram_pa() const { return m_ram_pa; }
    u64 cntvoff() const { return m_cntvoff; }

    /// The emulated device covering @p ipa, with its offset; nullptr if none.
    MmioDevice* device_at(tn::Ipa ipa, u64& offset);
    /// What of the partition lies at @p ipa, for reports: "its RAM [a, b)",
    /// "its pass-through device [a, b)", "its emulated PL011 UART [a, b)" or
    /// "no RAM or device of the guest there".
    const char* describe_ipa(tn::Ipa ipa, char* buf, usize size) const;
    /// @p ipa is in one of the guest's pass-through device regions.
    bool is_passthrough(tn::Ipa ipa) const;
    /// An access to the UART's window exited (counted since the guest's boot).
    void count_uart_exit() { __atomic_add_fetch(&m_uart_exits, 1, __ATOMIC_RELAXED); }
    u64 uart_exits() const { return __atomic_load_n(&m_uart_exits, __ATOMIC_RELAXED); }
    /// Guest RAM by IPA as a host pointer, or nullptr unless [ipa, ipa+size) is all RAM and, for
    /// coloured RAM (`colors`), in one host-physical piece: copy larger ranges page by page.
    u8* ram(tn::Ipa ipa, u64 size);
    /// Stage-2 tables (4 KiB each) this guest's tables took when it was created.
    unsigned stage2_tables() const { return m_s2_tables; }
    /// Counter ticks its creation took (RAM, stage 2, devices; not loading).
    u64 create_ticks() const { return m_create_ticks; }

    // Lifecycle, from any CPU (Lifecycle has the transitions and their errors).
    GuestResult start() { return m_life.start(); }
    GuestResult pause() { return m_life.pause(); }
    GuestResult resume() { return m_life.resume(); }
    /// Stops every vCPU. @p fault: the guest is marked Faulted (reported by the caller).
    void stop(bool fault) { m_life.stop(fault); }
    GuestResult restart() { return m_life.restart(); }

    // The world switch (cpu.cpp), on the vCPU's CPU with IRQs masked.
    /// Counts @p v on before its CPU takes its start request; true if it was paused.
    bool vcpu_claimed(Vcpu& v) { return m_life.vcpu_entered(v.index); }
    /// A recall took @p v's start request back after vcpu_claimed().
    void vcpu_withdrawn(Vcpu& v) { m_life.vcpu_withdrawn(v.index); }
    /// @p v enters the guest; @p resumed: it continues from a pause.
    void vcpu_entered(Vcpu& v, bool resumed);
    /// @p v was taken off its CPU; @p saved: its context is kept for a resume.
    void vcpu_parked(Vcpu& v, bool saved);

    // vpsci::Actions.
    bool cpu_on(unsigned vcpu, u64 entry, u64 context_id) override;
    void cpu_off(unsigned vcpu) override;
    void cpu_suspend(unsigned vcpu) override;
    void system_off() override;
    void system_reset() override;

    /// Names the guest (also one that is never created, for listings).
    void describe(unsigned index, const partition::Guest& desc);
    /// Sets everything up; an error (after a report) if the guest cannot exist.
    GuestResult create(unsigned index, const partition::Guest& desc);
    /// An on-demand instance goes (instances.cpp): stopped with every vCPU off (else the
    /// lifecycle's error), its stage-2 tables freed, the slot named @p free (empty) again.
    /// Its RAM is the caller's to scrub.
    GuestResult retire(const partition::Guest& free);
    /// vCPUs on a CPU now.
    unsigned vcpus_on() const { return m_life.vcpus_on(); }
    /// An inter-VM doorbell for this guest (channels.cpp, any CPU): running, @p intid becomes
    /// pending (edge) and its vCPU's CPU is kicked; paused, it is latched in the vGIC and
    /// delivered on resume; stopped or faulted, it is dropped. False when dropped.
    bool ring_doorbell(u32 intid);
    /// Physical SPI @p intid, assigned to this guest, fired (IRQ context): false if
    /// the guest cannot take it now (then it was disabled until the next start).
    bool forward_spi(u32 intid);

private:
    // LifecycleHooks, called with the lifecycle's lock held.
    GuestResult boot() override;
    void booted() override;
    void halted() override;
    void post(unsigned vcpu) override;
    bool recall(unsigned vcpu) override;
    void all_off() override;
    void last_vcpu_off(unsigned vcpu) override;

    GuestResult load();
    GuestResult build_stage2();
    GuestResult map_colored_ram();
    /// Copies @p n bytes to guest RAM @p offset bytes above its base and, for coloured RAM, cleans
    /// them to the point of coherency (guest RAM in one piece is cleaned by the caller).
    void put(u64 offset, const u8* src, u64 n);
    GuestResult claim_spis();
    void quiesce_spis();
    void enable_spis();
    static void uart_view(void* ctx, vuart::ViewOp op, u64 offset, u64 size);

    struct Window {
        tn::IpaRange range;
        MmioDevice* device;
        const char* name;
    };

    Lifecycle m_life;  // hooks: this guest, from describe() on
    const partition::Guest* m_desc = nullptr;
    unsigned m_index = 0;
    unsigned m_vcpu_count = 0;
    Vcpu m_vcpus[k_max_vcpus] = {};
    tn::PhysAddr m_ram_pa;
    tn::Ipa m_entry, m_dtb_ipa;
    u64 m_cntvoff = 0;
    stage2::Table* m_stage2 = nullptr;
    vgic::Vgic* m_vgic = nullptr;
    vuart::Pl011* m_uart = nullptr;
    vpsci::Vpsci* m_psci = nullptr;
    Window m_windows[3 + partition::k_max_channels] = {};
    u32* m_uart_view = nullptr;  // LIBMORTISE_CORE_UART_READ_VIEW: the UART's read view
    u64 m_uart_exits = 0;
    unsigned m_s2_tables = 0;
    u64 m_create_ticks = 0;
};

// ---- Inter-VM channels (channels.cpp) ----

/// Carves the memory of every valid channel of @p d from free host RAM (one 2 MiB-aligned
/// pool, zeroed once, each channel 64 KiB aligned in it) and logs one line per channel, or
/// why none is set up. Call once, after the fixed placements are taken, before any guest.
void create_channels(const partition::Description& d);
/// Channel @p id if it was set up (valid and carved), else nullptr.
const partition::Channel* channel(u64 id);
/// Host-physical base of the shared memory of set-up channel @p id.
tn::PhysAddr channel_pa(unsigned id);
/// Channels described (set up or not): ids are below this.
unsigned channel_count();
/// The doorbell page of member @p member of set-up channel @p id.
MmioDevice& doorbell(unsigned id, unsigned member);
/// Rings the members of set-up channel @p id that @p mask names (ivc.notify's x2: 0 = every
/// other member; bit @p from, the ringer's own, is ignored): the doorbell page's RING and
/// ivc.notify. InvalidParameters when @p mask names a member the channel does not have.
hypercall::Status ring(unsigned id, unsigned from, u64 mask);
/// Bit i: member i of set-up channel @p id is running or paused (PEERS, ivc.info's x3).
u64 live_members(unsigned id);
/// The ivc hypercall group's operations (a reference, as g_instance_ops).
extern hypercall::IvcOps& g_ivc_ops;

// ---- Physical CPUs (cpu.cpp) ----

/// Asks @p v's physical CPU to run it (from its saved or fresh context).
void post_start(Vcpu& v);
/// Takes back a post_start() the CPU has not acted on yet; false if too late.
bool cancel_start(Vcpu& v);
/// @p v is the vCPU its physical CPU runs now.
bool running_on_cpu(const Vcpu& v);
/// The vCPU running on the calling CPU, or nullptr.
Vcpu* current_vcpu();
/// Takes the calling CPU's vCPU off and goes back to the idle loop; with
/// @p save its state is kept in its Context for a later resume.
[[noreturn]] void park_current(bool save);
/// The calling CPU's idle loop: runs the vCPUs posted to it.
[[noreturn]] void idle(unsigned cpu);
/// Done at every return to the guest: requests, then the list registers.
void before_entry(Vcpu& v);
/// Done at every exit from the guest: the list registers back into the vGIC.
void after_exit(Vcpu& v);
/// before_entry() would let @p v run on (its guest runs, the vCPU is not off).
bool stays_on_cpu(Vcpu& v);
/// The virtual timer fired for @p v, running on the calling CPU: made pending
/// in its vGIC with a hardware link (the physical PPI stays active until the
/// guest deactivates the virtual one, or the vCPU leaves the CPU).
void forward_vtimer(Vcpu& v);
/// Just after @p v's EL1 state was loaded, before its list registers are:
/// if its virtual timer is already due (the deadline a mode-2 WFI slept to),
/// takes the physical PPI now (acknowledged, priority dropped), so the guest is
/// entered with it pending instead of exiting at once to have it forwarded.
/// True: taken, and the caller hands it over: enter_with_vtimer(), or
/// forward_vtimer() when the vCPU does not enter.
bool take_due_vtimer(Vcpu& v);
/// The vGIC's entry (ich::enter) with the virtual timer, just taken at EL2,
/// forwarded as forward_vtimer() does, under one vGIC lock round trip.
unsigned enter_with_vtimer(Vcpu& v);
/// Makes @p cpu look at its requests soon.
void kick(unsigned cpu);
#ifdef CONFIG_MORTISE_MODE2
/// Makes @p v look at its requests and its vGIC soon: a mode-2 vCPU's thread is
/// woken (from WFI or its wait for a start) and its CPU kicked if it runs there.
void kick_vcpu(Vcpu& v);
/// Creates the lib/sched thread of mode-2 vCPU @p v (once; it waits for its
/// starts) and gives it its guest's reservation (budget-us per period-us) if
/// it has one; an instance slot's thread, made at boot, takes the instance's
/// priority and reservation instead. False after a report.
bool prepare_shared(Vcpu& v);
/// A shared instance pool (mode 2), at boot: sets up vCPU @p index of instance slot @p g on pool
/// CPU @p cpu and creates its thread, which waits for a start at the lowest priority (each
/// instance in the slot gives it its own, prepare_shared()). False after a report.
bool prepare_instance_vcpu(Guest& g, unsigned index, unsigned cpu);
/// Logs the reservation of mode-2 vCPU @p v and what it did (lib/sched's
/// reservation_stats); nothing without one. For the shell's `list`.
void log_reservation(const Vcpu& v);
/// CPU 0 runs mode-2 vCPUs: main() gives it to lib/sched instead of idling there.
bool cpu0_shared(const partition::Description& d);
/// A trapped WFI or WFE of @p v (mode 2: TWI and TWE): steps over it; WFI
/// blocks the vCPU's thread until an interrupt is deliverable to it or its
/// virtual timer's deadline, WFE yields to its equals.
void guest_wfx(Vcpu& v, vcpu::GuestRegs& r);
/// The sched hypercall group's operations (scheduling hints of mode-2 guests; a pointer, not a
/// call, as g_instance_ops).
extern hypercall::SchedOps* const g_sched_ops;
#else
inline void kick_vcpu(Vcpu& v) { kick(v.pcpu); }
/// No mode 2: the sched group answers NotSupported.
inline constexpr hypercall::SchedOps* g_sched_ops = nullptr;
#endif
/// The top-of-stack guest frame of the calling CPU.
vcpu::GuestRegs* guest_frame();

/// Guests have all stopped: power off when configured to (once, whichever CPU sees it first).
/// Not while a shell command runs: the shell checks again once its line is out.
void check_all_stopped();
/// Around a shell command: its result line comes before "no guest is running any more".
void shell_command_begin();
void shell_command_end();

// ---- Traps (trap.cpp) ----

/// The hypercall status a guest sees for @p r (docs/mortise.md, "Hypercalls"):
/// WrongState is InvalidState, Busy is Busy, and a guest that cannot be booted
/// (never set up, image or device tree missing or too large) is Unavailable.
hypercall::Status status(GuestResult r);
/// Builds the hypercall table from the linked groups; false after a report.
bool init_hypercalls();

}  // namespace mortise
