// Mortise's EL2 core, internal interfaces between its files: per-CPU state
// and the idle loop (cpu.cpp), guests (guest.cpp), trap handling (trap.cpp),
// the embedded images (images.cpp) and the EL2 MMU (mmu.cpp). The host board
// comes from the platform library (mortise/platform.hpp).
//
// Lock order: Guest::m_lock, then a device's own lock (vuart, then vgic), then
// the console's. Per-CPU requests are single words written with release and
// read with acquire; the CPU they target acts on them at its next exit or
// wake-up (it is kicked with k_kick_sgi).
#pragma once

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

#include "mmu.hpp"

/// One line on the console from Mortise itself.
#define MLOG(fmt, ...) tn_printf("mortise: " fmt "\n" __VA_OPT__(, ) __VA_ARGS__)

namespace mortise {

using tn::i64;
using tn::u32;
using tn::u64;
using tn::usize;

constexpr unsigned k_max_vcpus = 8;
/// SGI that makes a CPU look at its requests (a vCPU to start, its guest stopping).
constexpr u32 k_kick_sgi = 8;
constexpr u32 k_vtimer_intid = 27;

// ---- Embedded images and the partition description (images.cpp) ----

struct Image {
    const char* name;
    const u8* data;
    u64 size;
};
unsigned image_count();
const Image* find_image(const char* name);
const char* image_name(unsigned i);
/// The partition description blob (dtc output) linked into the image; size 0 if none.
const void* partitions_blob(u64& size);

// ---- Guests (guest.cpp) ----

class Guest;

struct Vcpu {
    Guest* guest;
    unsigned index;     ///< within the guest
    unsigned pcpu;      ///< the physical CPU it runs on (mode 1: fixed)
    bool off;           ///< PSCI CPU_OFF asked: take it off at the next entry
    bool paused;        ///< taken off by a pause, ctx holds its state
    unsigned lrs;       ///< list registers loaded at the last entry
    u64 ich_vmcr;
    vcpu::Context ctx;
};

enum class GuestState : u8 { Stopped, Running, Paused, Faulted };
const char* state_name(GuestState s);

/// Creates every valid guest of the description and starts the autostart ones.
void create_guests(const partition::Description& d);
/// Guests created (also those that failed to be).
unsigned guest_count();
Guest* guest(unsigned i);

class Guest final : public vpsci::Actions {
public:
    const partition::Guest& desc() const { return *m_desc; }
    unsigned index() const { return m_index; }
    GuestState state() const { return __atomic_load_n(&m_state, __ATOMIC_ACQUIRE); }
    unsigned vcpu_count() const { return m_vcpu_count; }
    Vcpu& vcpu(unsigned i) { return m_vcpus[i]; }
    vgic::Vgic& vgic() { return *m_vgic; }
    vuart::Pl011& uart() { return *m_uart; }
    vpsci::Vpsci& psci() { return *m_psci; }
    const stage2::Table& stage2() const { return *m_stage2; }
    tn::PhysAddr ram_pa() const { return m_ram_pa; }
    u64 cntvoff() const { return m_cntvoff; }

    /// The emulated device covering @p ipa, with its offset; nullptr if none.
    MmioDevice* device_at(tn::Ipa ipa, u64& offset);
    /// Guest RAM by IPA as a host pointer, or nullptr unless [ipa, ipa+size) is all RAM.
    u8* ram(tn::Ipa ipa, u64 size);

    // Lifecycle, from any CPU. They return false when the state does not allow it.
    bool start();
    bool pause();
    bool resume();
    /// Stops every vCPU. @p fault: the guest is marked Faulted (reported by the caller).
    void stop(bool fault);
    bool restart();

    /// A vCPU of this guest entered / was taken off its CPU (cpu.cpp).
    void vcpu_entered(Vcpu& v);
    void vcpu_parked(Vcpu& v, bool saved);

    // vpsci::Actions.
    bool cpu_on(unsigned vcpu, u64 entry, u64 context_id) override;
    void cpu_off(unsigned vcpu) override;
    void cpu_suspend(unsigned vcpu) override;
    void system_off() override;
    void system_reset() override;

    /// Names the guest (also one that is never created, for listings).
    void describe(unsigned index, const partition::Guest& desc);
    /// Sets everything up; false (after a report) if the guest cannot exist.
    bool create(unsigned index, const partition::Guest& desc);
    /// vCPUs on a CPU now.
    unsigned vcpus_on() const { return __atomic_load_n(&m_running, __ATOMIC_ACQUIRE); }
    /// Physical SPI @p intid, assigned to this guest, fired (IRQ context): false if
    /// the guest cannot take it now (then it was disabled until the next start).
    bool forward_spi(u32 intid);

private:
    bool load();
    bool build_stage2();
    bool claim_spis();
    void quiesce_spis();
    void enable_spis();
    void set_state(GuestState s) { __atomic_store_n(&m_state, s, __ATOMIC_RELEASE); }

    struct Window {
        tn::IpaRange range;
        MmioDevice* device;
    };

    tn::Spinlock m_lock;
    const partition::Guest* m_desc = nullptr;
    unsigned m_index = 0;
    GuestState m_state = GuestState::Stopped;
    unsigned m_vcpu_count = 0;
    Vcpu m_vcpus[k_max_vcpus] = {};
    tn::PhysAddr m_ram_pa;
    tn::Ipa m_entry, m_dtb_ipa;
    u64 m_cntvoff = 0;
    unsigned m_running = 0;  // vCPUs on a CPU now (atomic)
    bool m_restart = false;  // start again once every vCPU is off
    stage2::Table* m_stage2 = nullptr;
    vgic::Vgic* m_vgic = nullptr;
    vuart::Pl011* m_uart = nullptr;
    vpsci::Vpsci* m_psci = nullptr;
    Window m_windows[3] = {};
};

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
/// Makes @p cpu look at its requests soon.
void kick(unsigned cpu);
/// The top-of-stack guest frame of the calling CPU.
vcpu::GuestRegs* guest_frame();

/// Guests have all stopped: power off when configured to.
void check_all_stopped();

}  // namespace mortise
