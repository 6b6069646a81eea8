// Guests: creation from the partition description (RAM placement, stage-2
// tables, vGIC, vUART, PSCI), loading (the arm64 Image at its text_offset,
// the generated device tree), and what the lifecycle (start, pause, resume,
// stop, restart as PSCI, hypercalls and faults ask for it) has a guest do:
// lifecycle.hpp is the state machine, this file its hooks.
//
// A guest's vCPUs leave their CPUs on their own: every change of state is
// published first, each vCPU's CPU notices it at its next entry
// (before_entry) after a kick, and the last vCPU to leave finishes the job
// (Lifecycle::vcpu_left: restart, or power-off when nothing is left running).
#include <new>

#include <mortise/color.hpp>
#include <mortise/guestdt.hpp>
#include <mortise/ich_el2.hpp>
#include <mortise/kernel_image.hpp>
#include <tn/arch/barrier.hpp>
#include <tn/arch/cache.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/arch/tlb.hpp>
#include <tn/fdt.hpp>
#include <tn/format.hpp>
#include <tn/irq.hpp>
#include <tn/plat.hpp>
#include <tn/plat/mortise_guest_map.hpp>
#include <tn/smp.hpp>

#include "core.hpp"
#include "entropy.hpp"

extern "C" char __tn_image_start[], _end[];

namespace mortise {

namespace {

// Where a guest's files were looked for, for the refusal: a Mortise hypervisor
// image takes them from the boot modules the boot loader named (a module
// refused at boot was reported on its own line before).
#ifdef CONFIG_TN_IMAGE_MORTISE
constexpr const char* k_missing = "is not among the usable boot modules";
#else
constexpr const char* k_missing = "is not embedded in this host image";
#endif

using partition::k_max_guests;
using tn::Ipa;
using tn::PhysAddr;
namespace gmap = tn::plat::mortise_guest::map;

constexpr u64 k_dtb_max = guestdt::k_max_size;  // in the top 2 MiB of guest RAM (kernel_image::k_dt_room)
static_assert(2 * k_dtb_max <= kernel_image::k_dt_room, "the generated tree and its overlaid copy share the room");

template <class T>
struct Storage {
    alignas(T) u8 bytes[sizeof(T)];
    T* get() { return reinterpret_cast<T*>(bytes); }
};

// Slots: the description's guests, then the on-demand instances' (instances.cpp).
Guest g_guests[k_max_slots];
unsigned g_count;
const partition::Description* g_description;  // for the channels in each member's device tree
Storage<vgic::Vgic> g_vgic[k_max_slots];
Storage<vuart::Pl011> g_uart[k_max_slots];
Storage<vpsci::Vpsci> g_psci[k_max_slots];
Storage<stage2::Table> g_stage2[k_max_slots];

// Stage-2 tables for every guest (mode 1: built once, kept for the guest's life; an on-demand
// instance's go back when it is reclaimed). Each table records its guest slot + 1 (0: free), so
// that a reclaimed instance's tables are found without walking them.
constexpr unsigned k_s2_tables = CONFIG_LIBMORTISE_CORE_STAGE2_TABLES;
alignas(4096) u64 g_s2_tables[k_s2_tables][512];
u8 g_s2_owner[k_s2_tables];
static_assert(k_max_slots < 255, "a table's owner is a slot + 1 in a byte");

// @p ctx: the guest slot + 1. The tables are zero (stage2::Table's contract): never used yet,
// or cleared when freed.
u64* alloc_s2_table(void* ctx) {
    for (unsigned i = 0; i < k_s2_tables; ++i)
        if (g_s2_owner[i] == 0) {
            g_s2_owner[i] = static_cast<u8>(reinterpret_cast<u64>(ctx));
            return g_s2_tables[i];
        }
    return nullptr;
}

// Clears and frees every table of guest @p slot.
void free_s2_tables(unsigned slot) {
    for (unsigned i = 0; i < k_s2_tables; ++i)
        if (g_s2_owner[i] == slot + 1) {
            for (u64& e : g_s2_tables[i])
                e = 0;
            g_s2_owner[i] = 0;
        }
}

#if CONFIG_MORTISE_LLC_COLORS
// A coloured guest's device tree is generated here (with an overlay, above its final place too)
// and then copied page by page: its RAM is not one host-physical range. The lock (taken inside a
// guest's lifecycle lock) serialises guests booting on several CPUs at once.
alignas(16) u8 g_dt_scratch[2 * guestdt::k_max_size];
tn::Spinlock g_dt_scratch_lock;
#endif

#ifdef CONFIG_LIBMORTISE_CORE_UART_READ_VIEW
// Each guest's UART read view (vuart.hpp), mapped read-only at its UART IPA
// while reads have no side effect. Stage 2 maps it Normal write-back: the
// guest's own Device mapping of the UART makes its reads Device (the stricter
// type wins, D8.5.5) and so uncached on hardware; every update is therefore
// cleaned to the point of coherency (Guest::uart_view), which also serves a
// guest that maps the frame cacheable.
alignas(4096) u32 g_uart_views[k_max_slots][vuart::k_view_words];
#endif

// ---- Host RAM placement ----

tn::PhysRange g_taken[k_max_guests + 4 + modules::k_max_modules];  // + image, host tree, channels, instance pool
unsigned g_taken_count;
static_assert(sizeof(g_taken) / sizeof(g_taken[0]) + 16 <= color::k_max_taken,
              "the coloured allocator sees every one, and 16 firmware ranges of the host tree");
// From the first to the last page of each coloured guest's RAM: guests placed in one piece stay
// out (coloured guests do not: their colours are disjoint, color::PageRuns).
tn::PhysRange g_colored[k_max_guests];
unsigned g_colored_count;

bool is_free(tn::PhysRange r) {
    for (unsigned i = 0; i < g_taken_count; ++i)
        if (r.overlaps(g_taken[i]))
            return false;
    for (unsigned i = 0; i < g_colored_count; ++i)
        if (r.overlaps(g_colored[i]))
            return false;
    return true;
}

void take(PhysAddr base, u64 size) { g_taken[g_taken_count++] = {base, size}; }

// Highest free 2 MiB-aligned range of @p size in a RAM bank: the low end keeps
// Mortise and (on QEMU) the device tree. PhysAddr{} if none.
PhysAddr place(u64 size) {
    const Board& b = board();
    for (unsigned i = b.ram_count; i-- > 0;) {
        const PhysAddr lo{b.ram[i].base}, hi = lo + b.ram[i].size;
        if (hi - lo < size)
            continue;
        for (PhysAddr base = (hi - size).align_down(partition::k_mem_align); base >= lo;
             base = base - partition::k_mem_align) {
            if (is_free({base, size}))
                return base;
            if (base < lo + partition::k_mem_align)
                break;
        }
    }
    return PhysAddr{};
}

void console_line(void*, const char* text, usize len) { tn::console::write(text, len); }

// Each channel this guest is a member of, with its member index: fn(id, channel, member).
template <class Fn>
void for_each_channel(unsigned guest, Fn&& fn) {
    for (unsigned id = 0; id < channel_count(); ++id)
        if (const partition::Channel* c = channel(id))
            if (int m = partition::member_index(*c, guest); m >= 0)
                fn(id, *c, static_cast<unsigned>(m));
}

// Copies a guest image into guest RAM 32 bytes at a time. The shared memcpy
// (lib/nolibc) copies bytes, which for a 33 MB Linux Image costs ~165 million
// instructions at every boot; this costs ~6 million. Both ends are 16-byte
// aligned here (embedded images: .balign 16; destinations: 4 KiB-aligned), the
// tail goes byte by byte. No tree-loop patterns: GCC would make it memcpy again.
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void load_bytes(u8* dst, const u8* src, u64 n) {
    if ((reinterpret_cast<u64>(dst) | reinterpret_cast<u64>(src)) % 16 == 0) {
        auto* d = reinterpret_cast<u64*>(dst);
        auto* s = reinterpret_cast<const u64*>(src);
        for (; n >= 32; n -= 32, d += 4, s += 4) {
            const u64 a = s[0], b = s[1], c = s[2], e = s[3];
            d[0] = a;
            d[1] = b;
            d[2] = c;
            d[3] = e;
        }
        dst = reinterpret_cast<u8*>(d);
        src = reinterpret_cast<const u8*>(s);
    }
    while (n--)
        *dst++ = *src++;
}

void uart_irq(void* ctx, bool level) {
    auto* g = static_cast<Guest*>(ctx);
    g->vgic().set_level(0, gmap::k_uart_intid, level);
    int target = g->vgic().spi_target(gmap::k_uart_intid);
    if (level && target >= 0 && static_cast<unsigned>(target) < g->vcpu_count())
        kick_vcpu(g->vcpu(static_cast<unsigned>(target)));
}

// A physical SPI of a pass-through device. It reaches the guest hardware-linked:
// it stays active at the GIC (priority dropped only) until the guest deactivates
// the virtual one, which deactivates it too, so a level interrupt cannot fire
// again before the guest has served the device.
tn::irq::Completion on_forwarded_spi(tn::irq::Event e, void* ctx) {
    return static_cast<Guest*>(ctx)->forward_spi(e.intid) ? tn::irq::Completion::Deferred
                                                          : tn::irq::Completion::Done;
}

}  // namespace

PhysAddr carve_ram(u64 size) {
    const PhysAddr base = place(size);
    if (base != PhysAddr{})
        take(base, size);
    return base;
}

unsigned guest_count() { return g_count; }
Guest* guest(unsigned i) { return i < g_count ? &g_guests[i] : nullptr; }
bool guest_in_use(const Guest& g) { return g.desc().name[0] != '\0'; }

unsigned free_stage2_tables() {
    unsigned n = 0;
    for (unsigned i = 0; i < k_s2_tables; ++i)
        n += g_s2_owner[i] == 0 ? 1 : 0;
    return n;
}

// A coloured guest's RAM (docs/mortise.md, "LLC page colouring"): the free pages of its colours,
// lowest first (color::PageRuns over the board's RAM less what is taken: Mortise, the host tree,
// boot modules, the channels' pool, guests in one piece), mapped run after run from the RAM
// window's base, so that the guest sees one contiguous range whose IPA order is the pages' PA
// order (ram() relies on it). No other coloured guest has pages of these colours (the description
// keeps colours disjoint); the span from the first to the last page is kept from guests placed in
// one piece later. Page-granular mapping takes about one table per 2 MiB of RAM: the budget is
// checked first, so that a shortfall names the option and the number instead of failing midway.
GuestResult Guest::map_colored_ram() {
    const unsigned colors = g_description ? g_description->colors : 0;
    const color::ColorSet set = m_desc->colors;
    if (!color::valid_count(colors)) {  // parse() refuses such a guest; a hand-made description could not
        MLOG("guest '%s' not started: it names LLC colours, and this image has none", m_desc->name);
        return tn::err(GuestError::NoRam);
    }
    const bool whole = (set & color::all(colors)) == color::all(colors);
    const u64 needed = (whole ? 0 : tn::align_up(m_desc->mem_size, 0x20'0000) / 0x20'0000) +
                       tn::align_up(m_desc->mem_size, 0x4000'0000) / 0x4000'0000 + 2;
    const unsigned left = free_stage2_tables();
    if (needed > left) {
        MLOG("guest '%s' not started: its %lu MiB of coloured RAM are mapped page by page and need about %lu "
             "stage-2 tables, %u of LIBMORTISE_CORE_STAGE2_TABLES=%u are left; raise it by %lu", m_desc->name,
             m_desc->mem_size / tn::MiB, needed, left, k_s2_tables, needed - left);
        return tn::err(GuestError::OutOfTables);
    }
    const Board& b = board();
    tn::PhysRange ram[4];
    for (unsigned i = 0; i < b.ram_count && i < 4; ++i)
        ram[i] = {PhysAddr{b.ram[i].base}, b.ram[i].size};
    // What is taken, and what the host tree keeps for firmware (boards keep it at the low end of
    // RAM, where coloured RAM starts).
    tn::PhysRange taken[color::k_max_taken];
    unsigned count = 0;
    for (; count < g_taken_count; ++count)
        taken[count] = g_taken[count];
    if (auto host = tn::fdt::Fdt::try_open(reinterpret_cast<const void*>(b.dtb), b.dtb_size); host.ok()) {
        const unsigned kept = color::firmware_regions(host.value(), taken + count, color::k_max_taken - count);
        if (kept > color::k_max_taken - count) {
            MLOG("guest '%s' not started: the host tree reserves %u memory ranges, more than coloured RAM can "
                 "avoid (%u)", m_desc->name, kept, color::k_max_taken - count);
            return tn::err(GuestError::NoRam);
        }
        count += kept;
    }
    color::PageRuns runs(ram, b.ram_count < 4 ? b.ram_count : 4, taken, count, set, colors);
    const Ipa base = partition::ram_ipa(*m_desc);
    u64 done = 0;
    PhysAddr last{};
    while (done < m_desc->mem_size) {
        const tn::PhysRange run = runs.next(m_desc->mem_size - done);
        if (run.size == 0) {
            MLOG("guest '%s' not started: the free RAM holds only %lu of its %lu MiB in its colours (mask 0x%lx); "
                 "give it more colours or less memory", m_desc->name, done / tn::MiB, m_desc->mem_size / tn::MiB,
                 set);
            return tn::err(GuestError::NoRam);
        }
        if (done == 0)
            m_ram_pa = run.base;
        if (auto r = m_stage2->map(base + done, run.base, run.size, stage2::Mem::Normal, {true, true, true});
            !r.ok()) {
            MLOG("guest '%s' not started: stage-2 mapping of its coloured RAM failed (%s)%s", m_desc->name,
                 stage2::error_name(r.error()),
                 r.error() == stage2::Error::OutOfTables ? ": raise LIBMORTISE_CORE_STAGE2_TABLES" : "");
            return tn::err(r.error() == stage2::Error::OutOfTables ? GuestError::OutOfTables : GuestError::MapFailed);
        }
        done += run.size;
        last = run.base + run.size;
    }
    g_colored[g_colored_count++] = {m_ram_pa, last - m_ram_pa};
    MLOG("guest '%s': RAM from the LLC colours of mask 0x%lx (of %u): %lu pages in [0x%lx, 0x%lx)", m_desc->name,
         set, colors, m_desc->mem_size / stage2::k_page, m_ram_pa.value(), last.value());
    return {};
}

GuestResult Guest::build_stage2() {
    void* const owner = reinterpret_cast<void*>(u64{m_index} + 1);
    const unsigned free_before = free_stage2_tables();
    u64* root = alloc_s2_table(owner);
    if (!root) {
        MLOG("guest '%s' not started: out of stage-2 tables (raise LIBMORTISE_CORE_STAGE2_TABLES)", m_desc->name);
        return tn::err(GuestError::OutOfTables);
    }
    m_stage2 = new (g_stage2[m_index].get()) stage2::Table(root, alloc_s2_table, owner,
                                                            static_cast<tn::u16>(m_index + 1));
    if (m_desc->colors)
        TN_TRY(map_colored_ram());
    auto r = m_desc->colors ? tn::Result<void, stage2::Error>{}
                            : m_stage2->map(partition::ram_ipa(*m_desc), m_ram_pa, m_desc->mem_size,
                                            stage2::Mem::Normal, {true, true, true});
    for (unsigned i = 0; r.ok() && i < m_desc->mmio_count; ++i) {
        const partition::Region& d = m_desc->mmio[i];
        r = m_stage2->map(partition::passthrough_ipa(d.base), d.base, d.size, stage2::Mem::Device,
                          {true, true, false});
    }
#ifdef CONFIG_LIBMORTISE_CORE_UART_READ_VIEW
    // Mapped now so that its tables exist: later the view's hook only rewrites
    // the one leaf entry (map and unmap cannot fail, and allocate nothing).
    m_uart_view = g_uart_views[m_index];
    if (r.ok())
        r = m_stage2->map(gmap::uart().base, PhysAddr{reinterpret_cast<u64>(m_uart_view)}, gmap::k_uart_size,
                          stage2::Mem::Normal, {true, false, false});
#endif
    // Channel memory: in members only, read-only where the description says so, never
    // executable; Normal non-cacheable when the channel has a Linux member (its uio maps it
    // so: every member then maps it alike).
    for_each_channel(m_index, [&](unsigned id, const partition::Channel& c, unsigned m) {
        if (r.ok())
            r = m_stage2->map(c.shm_ipa, channel_pa(id), tn::align_up(c.size, stage2::k_page),
                              c.uncached ? stage2::Mem::NormalNc : stage2::Mem::Normal,
                              {true, ((c.read_only_mask >> m) & 1) == 0, false});
    });
    if (!r.ok()) {
        free_s2_tables(m_index);
        m_stage2 = nullptr;
        MLOG("guest '%s' not started: stage-2 mapping failed (%s)%s", m_desc->name, stage2::error_name(r.error()),
             r.error() == stage2::Error::OutOfTables ? ": raise LIBMORTISE_CORE_STAGE2_TABLES" : "");
        return tn::err(r.error() == stage2::Error::OutOfTables ? GuestError::OutOfTables : GuestError::MapFailed);
    }
    // The walker reads the tables through the caches (VTCR_EL2 inner WB).
    tn::arch::data_sync_inner();
    m_s2_tables = free_before - free_stage2_tables();
    return {};
}

void Guest::describe(unsigned index, const partition::Guest& desc) {
    m_index = index;
    m_desc = &desc;
    m_life.set_hooks(*this);
}

GuestResult Guest::create(unsigned index, const partition::Guest& desc) {
    const u64 started = tn::arch::CntpctEl0::read();
    describe(index, desc);
    m_vcpu_count = partition::vcpu_count(desc);
    if (m_vcpu_count > k_max_vcpus) {
        MLOG("guest '%s' not started: %u vCPUs, Mortise supports %u per guest", desc.name, m_vcpu_count,
             k_max_vcpus);
        return tn::err(GuestError::TooManyVcpus);
    }
    const bool fixed = desc.mem_phys != PhysAddr{};
    if (fixed && overlaps_boot_module(desc.mem_phys, desc.mem_size)) {
        MLOG("guest '%s' not started: its mem-phys RAM %#lx+%#lx holds a boot module; load the modules elsewhere",
             desc.name, desc.mem_phys.value(), desc.mem_size);
        return tn::err(GuestError::NoRam);
    }
    // Coloured RAM (never fixed: the description refuses both) is found page by page in build_stage2().
    m_ram_pa = fixed ? desc.mem_phys : desc.colors ? PhysAddr{} : place(desc.mem_size);
    if (m_ram_pa == PhysAddr{} && !desc.colors) {
        MLOG("guest '%s' not started: no free %lu MiB of RAM left for it", desc.name, desc.mem_size / tn::MiB);
        return tn::err(GuestError::NoRam);
    }
    if (!fixed && !desc.colors)
        take(m_ram_pa, desc.mem_size);
    TN_TRY(build_stage2());
    unsigned v = 0;
    for (unsigned cpu = 0; cpu < 64 && v < m_vcpu_count; ++cpu) {
        if (desc.cpu_mask & (u64{1} << cpu)) {
            m_vcpus[v] = Vcpu{this, v, cpu, false, 0, 0, {}};
            ++v;
        }
    }
#ifdef CONFIG_MORTISE_MODE2
    for (unsigned i = 0; desc.mode == 2 && i < m_vcpu_count; ++i)
        if (!prepare_shared(m_vcpus[i]))
            return tn::err(GuestError::NoRam);
#endif
    vgic::Config gc;
    gc.vcpu_count = m_vcpu_count;
    gc.priority_bits = static_cast<unsigned>(((ich::read_vtr() >> 29) & 7) + 1);
    for (unsigned i = 0; i < desc.irq_count; ++i)  // the vGIC implements every SPI passed through
        if (desc.irqs[i] >= gc.lines)
            gc.lines = static_cast<u32>(tn::align_up(u64{desc.irqs[i]} + 1, 32));
    for_each_channel(index, [&](unsigned, const partition::Channel& c, unsigned m) {  // and every doorbell
        if (c.doorbell_intid[m] >= gc.lines)
            gc.lines = static_cast<u32>(tn::align_up(u64{c.doorbell_intid[m]} + 1, 32));
    });
    m_vgic = new (g_vgic[index].get()) vgic::Vgic(gc);
    m_uart = new (g_uart[index].get()) vuart::Pl011(desc.name, console_line, nullptr, uart_irq, this);
    if (m_uart_view)
        m_uart->attach_view(m_uart_view, uart_view, this);
    vpsci::Config pc;
    pc.vcpu_count = m_vcpu_count;
    pc.ram_base = partition::ram_ipa(desc).value();
    pc.ram_size = desc.mem_size;
    m_psci = new (g_psci[index].get()) vpsci::Vpsci(pc, *this);
    m_windows[0] = {gmap::gicd(), &m_vgic->distributor(), "GIC distributor"};
    m_windows[1] = {gmap::gicr(m_vcpu_count), &m_vgic->redistributor(), "GIC redistributors"};
    m_windows[2] = {gmap::uart(), m_uart, "PL011 UART"};
    unsigned w = 3;
    for_each_channel(index, [&](unsigned id, const partition::Channel& c, unsigned m) {
        m_windows[w++] = {{c.doorbell_ipa, tn::mortise_abi::ivc::k_doorbell_size}, &doorbell(id, m), "doorbell page"};
    });
    TN_TRY(claim_spis());
    m_life.set_created(m_vcpu_count);
    const bool is_linux = desc.kernel == partition::Kernel::Linux;
    MLOG("guest '%s': %u vCPU%s on CPU mask 0x%lx, %lu MiB RAM at 0x%lx%s, %simage '%s'%s%s%s", desc.name,
         m_vcpu_count, m_vcpu_count == 1 ? "" : "s", desc.cpu_mask, desc.mem_size / tn::MiB, m_ram_pa.value(),
         desc.identity_ram ? " (identity-mapped)" : "",
         is_linux ? "Linux " : "", desc.image, desc.initramfs[0] ? ", initramfs '" : "", desc.initramfs,
         desc.initramfs[0] ? "'" : "");
    if (is_linux)
        MLOG("guest '%s': rng-seed and kaslr-seed from %s", desc.name, entropy::source());
    if (desc.dma)
        MLOG("guest '%s': has a DMA-capable device, which without an SMMU can reach all memory (%s)", desc.name,
             desc.privileged ? "privileged guest" : "dma-unsafe-accepted");
    m_create_ticks = tn::arch::CntpctEl0::read() - started;
    return {};
}

// Called with the instances' lock held (instances.cpp). The VMID stays the slot's: the next
// instance in this slot reuses it, and no stale translation of this one can serve it because
// every vCPU entry invalidates its CPU's stage-1+2 TLB entries of the VMID it enters
// (run_vcpu: tlb_invalidate_guest_local), and in mode 1 a vCPU runs nowhere else.
GuestResult Guest::retire(const partition::Guest& free) {
    TN_TRY(m_life.retire());
    free_s2_tables(m_index);
    m_stage2 = nullptr;
    m_vcpu_count = 0;
    for (Window& w : m_windows)
        w = {};
    __atomic_store_n(&m_uart_exits, 0, __ATOMIC_RELAXED);
    describe(m_index, free);
    return {};
}

MmioDevice* Guest::device_at(Ipa ipa, u64& offset) {
    for (const Window& w : m_windows)
        if (w.device && w.range.contains(ipa)) {
            offset = ipa - w.range.base;
            return w.device;
        }
    return nullptr;
}

bool Guest::is_passthrough(Ipa ipa) const {
    for (unsigned i = 0; i < m_desc->mmio_count; ++i)
        if (partition::passthrough_ipa(m_desc->mmio[i]).contains(ipa))
            return true;
    return false;
}

const char* Guest::describe_ipa(Ipa ipa, char* buf, usize size) const {
    auto put = [&](const char* what, tn::IpaRange r) {
        tn::fmt::format(buf, size, "its %s [0x%lx, 0x%lx)", what, r.base.value(), r.base.value() + r.size);
        return buf;
    };
    if (partition::ram_window(*m_desc).contains(ipa))
        return put("RAM", partition::ram_window(*m_desc));
    for (unsigned i = 0; i < m_desc->mmio_count; ++i)
        if (partition::passthrough_ipa(m_desc->mmio[i]).contains(ipa))
            return put("pass-through device", partition::passthrough_ipa(m_desc->mmio[i]));
    for (const Window& w : m_windows)
        if (w.device && w.range.contains(ipa)) {
            char what[32];
            tn::fmt::format(what, sizeof what, "emulated %s", w.name);
            return put(what, w.range);
        }
    // The channel window: a channel's memory or doorbell page, of which this guest may not be a member.
    for (unsigned id = 0; id < channel_count(); ++id) {
        const partition::Channel* c = channel(id);
        if (!c)
            continue;
        const tn::IpaRange shm{c->shm_ipa, c->size}, bell{c->doorbell_ipa, tn::mortise_abi::ivc::k_doorbell_size};
        if (!shm.contains(ipa) && !bell.contains(ipa))
            continue;
        const tn::IpaRange r = shm.contains(ipa) ? shm : bell;
        const int m = partition::member_index(*c, m_index);
        tn::fmt::format(buf, size, "%s of channel '%s' [0x%lx, 0x%lx)%s",
                        shm.contains(ipa) ? "the shared memory" : "the doorbell page", c->name, r.base.value(),
                        r.base.value() + r.size,
                        m < 0                              ? ", of which it is not a member"
                        : (c->read_only_mask >> m) & 1 ? ", mapped read-only for it"
                                                           : "");
        return buf;
    }
    return "no RAM or device of the guest there";
}

// The UART's read view hook, with the vuart's lock held (IRQs masked: a trap,
// the console input interrupt or a lifecycle hook). The view's leaf entry
// exists (build_stage2), so map and unmap only rewrite it. Map: an invalid
// entry becoming valid needs no TLB maintenance (no TLB holds a translation
// fault), only the table write visible to the walkers. Unmap: the guest's
// vCPUs may be running on other CPUs: their TLB entries for the page go too,
// before the vuart lets the input show.
void Guest::uart_view(void* ctx, vuart::ViewOp op, u64 offset, u64 size) {
    auto* g = static_cast<Guest*>(ctx);
    const Ipa ipa = gmap::uart().base;
    switch (op) {
    case vuart::ViewOp::Clean:
        mmu::clean_to_poc(reinterpret_cast<u64>(g->m_uart_view) + offset, size);
        return;
    case vuart::ViewOp::Map:
        (void)g->m_stage2->map(ipa, PhysAddr{reinterpret_cast<u64>(g->m_uart_view)}, gmap::k_uart_size,
                               stage2::Mem::Normal, {true, false, false});
        tn::arch::data_sync_inner();
        return;
    case vuart::ViewOp::Unmap:
        (void)g->m_stage2->unmap(ipa, gmap::k_uart_size);
        tn::arch::tlb_invalidate_guest_ipa(g->m_stage2->vttbr(), ipa.value());
        return;
    }
}

// Mortise maps host RAM identity at EL2, so a host-physical address is its pointer. Coloured RAM:
// the pages' PA order is their IPA order (map_colored_ram), so the range is in one piece exactly
// when its last byte is as far from its first in PA as in IPA.
u8* Guest::ram(Ipa ipa, u64 size) {
    if (!partition::ram_window(*m_desc).contains(ipa, size))
        return nullptr;
    if (!m_desc->colors)
        return reinterpret_cast<u8*>((m_ram_pa + (ipa - partition::ram_ipa(*m_desc))).value());
    if (!m_stage2 || size == 0)
        return nullptr;
    auto first = m_stage2->translate(ipa);
    auto last = m_stage2->translate(ipa + (size - 1));
    if (!first.ok() || !last.ok() || last.value().pa - first.value().pa != size - 1)
        return nullptr;
    return reinterpret_cast<u8*>(first.value().pa.value());
}

void Guest::put(u64 offset, const u8* src, u64 n) {
    const Ipa base = partition::ram_ipa(*m_desc) + offset;
    for (u64 done = 0; done < n;) {
        const Ipa at = base + done;
        const u64 in_page = stage2::k_page - at.value() % stage2::k_page;
        const u64 chunk = in_page < n - done ? in_page : n - done;
        u8* dst = ram(at, chunk);  // In the window: load() placed [offset, offset + n) in RAM.
        load_bytes(dst, src + done, chunk);
        if (m_desc->colors)
            mmu::clean_to_poc(reinterpret_cast<u64>(dst), chunk);
        done += chunk;
    }
}

// Places the kernel at its text_offset above guest RAM's (2 MiB-aligned) base, a Linux
// guest's initramfs below the top 2 MiB and the device tree in them (mortise/kernel_image.hpp,
// arm64 booting.rst), then cleans all three to the point of coherency: the guest starts with
// its MMU and caches off and must not see stale memory.
GuestResult Guest::load() {
    const bool is_linux = m_desc->kernel == partition::Kernel::Linux;
    const Image* img = find_image(m_desc->image, is_linux ? ImageKind::Linux : ImageKind::Tenon);
    if (!img) {
        MLOG("guest '%s' not started: %s image '%s' %s", m_desc->name, is_linux ? "Linux" : "Tenon",
             m_desc->image, k_missing);
        return tn::err(GuestError::NoImage);
    }
    auto header = kernel_image::decode(img->data, img->size);
    if (!header.ok()) {
        MLOG("guest '%s' not started: image '%s' %s", m_desc->name, m_desc->image,
             kernel_image::explain(header.error()));
        return tn::err(GuestError::BadImage);
    }
    const Image* initrd = nullptr;
    if (is_linux && m_desc->initramfs[0] != '\0' &&
        !(initrd = find_image(m_desc->initramfs, ImageKind::Initramfs))) {
        MLOG("guest '%s' not started: initramfs '%s' %s", m_desc->name, m_desc->initramfs, k_missing);
        return tn::err(GuestError::NoImage);
    }
    auto placed = kernel_image::layout(header.value(), img->size, initrd ? initrd->size : 0, m_desc->mem_size);
    if (!placed.ok()) {
        MLOG("guest '%s' not started: image '%s'%s needs %lu MiB of RAM, it has %lu MiB", m_desc->name,
             m_desc->image, initrd ? " with its initramfs and device tree" : " and its device tree",
             placed.error().needed / tn::MiB, m_desc->mem_size / tn::MiB);
        return tn::err(GuestError::ImageTooLarge);
    }
    const kernel_image::Layout& l = placed.value();
    // Host RAM is mapped identity at EL2; coloured RAM is not one range, so it is written page by
    // page through its stage-2 tables (put()) and its tree generated in Mortise's scratch first.
    const bool colored = m_desc->colors != 0;
    u8* ram = reinterpret_cast<u8*>(m_ram_pa.value());
    if (colored) {
        put(l.kernel, img->data, img->size);
        if (initrd)
            put(l.initrd, initrd->data, initrd->size);
    } else {
        load_bytes(ram + l.kernel, img->data, img->size);
        if (initrd)
            load_bytes(ram + l.initrd, initrd->data, initrd->size);
    }
    const Ipa ram_ipa = partition::ram_ipa(*m_desc);  // IPA = PA for identity-mapped RAM
    guestdt::Boot boot{{ram_ipa + l.initrd, l.initrd_size}, nullptr, 0, 0};
    u8 seeds[32 + 8];
    if (is_linux) {
        entropy::fill(seeds, sizeof seeds, m_index);
        boot.rng_seed = seeds;
        boot.rng_seed_size = 32;
        __builtin_memcpy(&boot.kaslr_seed, seeds + 32, 8);
    }
    const Image* overlay = nullptr;
    if (is_linux && m_desc->dt_overlay[0] != '\0' &&
        !(overlay = find_image(m_desc->dt_overlay, ImageKind::DtOverlay))) {
        MLOG("guest '%s' not started: dt-overlay '%s' %s", m_desc->name, m_desc->dt_overlay, k_missing);
        return tn::err(GuestError::BadDtOverlay);
    }
    // With an overlay the tree is generated just above its final place (both inside the guest's own
    // device-tree room, which it cannot see yet) and merged into place; the scratch copy, seeds
    // included, is wiped after.
#if CONFIG_MORTISE_LLC_COLORS
    tn::SpinlockGuard scratch(g_dt_scratch_lock);
    u8* const dt = colored ? g_dt_scratch : ram + l.dt;
#else
    u8* const dt = ram + l.dt;
#endif
    u8* const gen = overlay ? dt + k_dtb_max : dt;
    auto host = tn::fdt::Fdt::try_open(reinterpret_cast<const void*>(board().dtb), board().dtb_size);
    u64 dt_size = guestdt::build(*m_desc, gen, k_dtb_max, host.ok() ? &host.value() : nullptr,
                                 is_linux ? &boot : nullptr, g_description, m_index);
    __builtin_memset(seeds, 0, sizeof seeds);
    if (!dt_size) {
        MLOG("guest '%s' not started: its device tree does not fit in %lu KiB", m_desc->name, k_dtb_max / tn::KiB);
        return tn::err(GuestError::DeviceTreeTooLarge);
    }
    if (overlay) {
        char why[200];
        dt_size = guestdt::apply_overlay(gen, dt_size, overlay->data, overlay->size, dt, k_dtb_max, why, sizeof why);
        __builtin_memset(gen, 0, k_dtb_max);
        if (!dt_size) {
            MLOG("guest '%s' not started: dt-overlay '%s': %s", m_desc->name, m_desc->dt_overlay, why);
            return tn::err(GuestError::BadDtOverlay);
        }
    }
    if (colored) {
        put(l.dt, dt, dt_size);
        __builtin_memset(dt, 0, dt_size);  // the seeds
    } else {
        mmu::clean_to_poc((m_ram_pa + l.kernel).value(), img->size);
        if (initrd)
            mmu::clean_to_poc((m_ram_pa + l.initrd).value(), initrd->size);
        mmu::clean_to_poc((m_ram_pa + l.dt).value(), dt_size);
    }
    tn::arch::icache_invalidate_all();
    m_entry = ram_ipa + l.kernel;
    m_dtb_ipa = ram_ipa + l.dt;
    return {};
}

// ---- Lifecycle hooks (lifecycle.hpp), with the lifecycle's lock held ----

// A fresh boot: the image and device tree loaded again, every device reset,
// vCPU 0 at the image's entry with the device tree's address in x0.
GuestResult Guest::boot() {
    if (m_life.restart_pending())
        MLOG("guest '%s' restarting", m_desc->name);
#ifdef CONFIG_LIBMORTISE_CORE_COLOR_CHECK
    const u64 started = tn::arch::CntpctEl0::read();
    TN_TRY(load());
    MLOG("guest '%s': image and device tree loaded in %lu counter ticks", m_desc->name,
         tn::arch::CntpctEl0::read() - started);
#else
    TN_TRY(load());
#endif
    quiesce_spis();
    m_vgic->reset();
    m_uart->reset();
    __atomic_store_n(&m_uart_exits, 0, __ATOMIC_RELAXED);
    m_psci->reset(0);
    for (unsigned i = 0; i < m_vcpu_count; ++i) {
        m_vcpus[i].off = false;
        m_vcpus[i].ich_vmcr = 0;
    }
    vcpu::reset(m_vcpus[0].ctx, m_entry.value(), m_dtb_ipa.value());
    m_cntvoff = tn::arch::CntpctEl0::read();  // the guest's virtual time starts at 0
    if (m_desc->kernel == partition::Kernel::Linux)  // reset to the kernel = this + the guest's own counter
        MLOG("guest '%s': Linux entered at counter %lu", m_desc->name, m_cntvoff);
    return {};
}

void Guest::booted() { enable_spis(); }

void Guest::halted() {
    quiesce_spis();
    m_uart->flush();
    MLOG("guest '%s': %lu UART accesses exited to Mortise since its boot", m_desc->name, uart_exits());
}

void Guest::post(unsigned vcpu) { post_start(m_vcpus[vcpu]); }

bool Guest::recall(unsigned vcpu) {
    Vcpu& v = m_vcpus[vcpu];
    if (cancel_start(v))
        return true;
    if (running_on_cpu(v))
        kick_vcpu(v);
    return false;
}

void Guest::all_off() { check_all_stopped(); }

// Reported like SYSTEM_OFF, whose effect it has (the lifecycle stops the guest next).
void Guest::last_vcpu_off(unsigned vcpu) {
    MLOG("guest '%s' powered off (PSCI CPU_OFF of its last online vCPU, vCPU %u)", m_desc->name, vcpu);
}

void Guest::vcpu_entered(Vcpu& v, bool resumed) {
    if (!resumed)
        m_psci->started(v.index);
}

void Guest::vcpu_parked(Vcpu& v, bool saved) {
    if (!saved)
        m_psci->stopped(v.index);
    m_life.vcpu_left(v.index, saved);
}

// ---- Pass-through interrupts ----

// Each assigned SPI gets Mortise's forwarding handler, the trigger the host
// device tree gives its device (level when no node names it: the GIC's reset
// state), and is routed to the CPU of the guest's first vCPU (where the vGIC
// routes SPIs until the guest moves them; forward_spi() kicks the right CPU
// when it does). It stays disabled until the guest starts.
GuestResult Guest::claim_spis() {
    auto host = tn::fdt::Fdt::try_open(reinterpret_cast<const void*>(board().dtb), board().dtb_size);
    for (unsigned i = 0; i < m_desc->irq_count; ++i) {
        const u32 intid = m_desc->irqs[i];
        const bool edge = host.ok() && guestdt::spi_info(host.value(), intid).edge;
        auto r = tn::irq::register_handler(intid, on_forwarded_spi, this);
        const unsigned registered = r.ok() ? i + 1 : i;  // never drop a handler someone else registered
        if (r.ok())
            r = tn::irq::set_trigger(intid, edge ? tn::irq::Trigger::Edge : tn::irq::Trigger::Level);
        if (r.ok())
            r = tn::irq::set_priority(intid, tn::irq::k_default_priority);
        if (r.ok())
            r = tn::irq::set_affinity(intid, tn::irq::CpuAffinity{board().cpu_mpidr[m_vcpus[0].pcpu]});
        if (!r.ok()) {
            MLOG("guest '%s' not started: interrupt %u cannot be passed through (%s)", m_desc->name, intid,
                 tn::irq::error_name(r.error()));
            for (unsigned j = 0; j < registered; ++j)
                (void)tn::irq::unregister_handler(m_desc->irqs[j]);
            return tn::err(GuestError::SpiUnavailable);
        }
    }
    return {};
}

// Masks the guest's SPIs at the GIC and ends any forwarded one the guest left
// active (an SPI can be deactivated from any CPU: the distributor holds its
// state). After this the guest's vGIC may drop its hardware links.
void Guest::quiesce_spis() {
    for (unsigned i = 0; i < m_desc->irq_count; ++i) {
        (void)tn::irq::disable(m_desc->irqs[i]);
        (void)tn::irq::deactivate({m_desc->irqs[i], m_desc->irqs[i]});
    }
}

void Guest::enable_spis() {
    for (unsigned i = 0; i < m_desc->irq_count; ++i)
        (void)tn::irq::enable(m_desc->irqs[i]);
}

bool Guest::forward_spi(u32 intid) {
    GuestState s = state();
    if (s != GuestState::Running && s != GuestState::Paused) {
        (void)tn::irq::disable(intid);  // stop() raced with it; start() enables it again
        return false;
    }
    m_vgic->inject_hw(0, intid, intid);
    int target = m_vgic->spi_target(intid);
    if (target >= 0 && static_cast<unsigned>(target) < m_vcpu_count)
        kick_vcpu(m_vcpus[target]);
    return true;
}

// The doorbell rule (docs/mortise.md, "Doorbell rules"), decided under the lifecycle's lock:
// a stop, a restart's boot (which resets the vGIC) or a resume cannot pass a doorbell halfway,
// so a doorbell rung before a stop never fires after the next start.
bool Guest::ring_doorbell(u32 intid) {
    bool delivered = false;
    m_life.with_state([&](GuestState s) {
        if (s != GuestState::Running && s != GuestState::Paused)
            return;  // dropped: it starts with a fresh interrupt state
        m_vgic->inject(0, intid);  // SPI: to the vCPU its IROUTER names; several rings coalesce
        delivered = true;
        const int target = m_vgic->spi_target(intid);
        if (s == GuestState::Running && target >= 0 && static_cast<unsigned>(target) < m_vcpu_count)
            kick_vcpu(m_vcpus[target]);  // paused: latched, its vCPUs load it when they resume
    });
    return delivered;
}

// ---- PSCI effects (vpsci::Actions), called on the calling vCPU's CPU ----

// vPSCI accepted the call, so vCPU @p index is off: nothing uses its context.
bool Guest::cpu_on(unsigned index, u64 entry, u64 context_id) {
    if (index >= m_vcpu_count || state() != GuestState::Running)
        return false;
    Vcpu& v = m_vcpus[index];
    vcpu::reset(v.ctx, entry, context_id);
    v.off = false;
    v.ich_vmcr = 0;
    return m_life.start_vcpu(index).ok();
}

void Guest::cpu_off(unsigned index) {
    if (index < m_vcpu_count)
        __atomic_store_n(&m_vcpus[index].off, true, __ATOMIC_RELEASE);
}

// The vCPU returns to the guest at once: like WFI, it waits in the guest
// until an interrupt is pending (WFI is not trapped in mode 1).
void Guest::cpu_suspend(unsigned) {}

void Guest::system_off() {
    MLOG("guest '%s' powered off (PSCI SYSTEM_OFF)", m_desc->name);
    stop(false);
}

void Guest::system_reset() {
    MLOG("guest '%s' asked for a reset (PSCI SYSTEM_RESET)", m_desc->name);
    if (auto r = restart(); !r.ok())
        MLOG("guest '%s' not restarted: %s", m_desc->name, error_name(r.error()));
}

// ---- Creation ----

void create_guests(const partition::Description& d) {
    entropy::init();
    // Fixed placements first, so that chosen ones avoid them.
    take(PhysAddr{reinterpret_cast<u64>(__tn_image_start)},
         reinterpret_cast<u64>(_end) - reinterpret_cast<u64>(__tn_image_start));
    take(PhysAddr{board().dtb}, board().dtb_size);
    // Boot modules stay where the bootloader put them until their guest is loaded (refused ones
    // too: a guest's RAM must not be placed over any of them).
    for (unsigned i = 0; i < boot_modules().count; ++i) {
        const modules::Module& m = boot_modules().items[i];
        if (m.size && m.address + m.size > m.address)
            take(PhysAddr{m.address}, m.size);
    }
    for (unsigned i = 0; i < d.count; ++i)
        if (d.guests[i].valid && d.guests[i].mem_phys != PhysAddr{})
            take(d.guests[i].mem_phys, d.guests[i].mem_size);
    g_description = &d;
    create_channels(d);  // before the guests: their stage 2 maps the channels they are members of
    create_instance_pool(d);  // then the pool, as the description's check counts them
    g_count = d.count + instance_slots();
    for (unsigned i = d.count; i < g_count; ++i)
        g_guests[i].describe(i, free_instance_slot());
#ifdef CONFIG_MORTISE_MODE2
    prepare_instance_threads();
#endif
    bool ok[k_max_guests] = {};
    for (unsigned i = 0; i < d.count; ++i) {
        g_guests[i].describe(i, d.guests[i]);
        ok[i] = d.guests[i].valid && g_guests[i].create(i, d.guests[i]).ok();
    }
#ifdef CONFIG_LIBMORTISE_CORE_COLOR_CHECK
    if (const u64 wrong = check_colors(); wrong != 0)
        MLOG("colour check FAILED: %lu guest RAM pages of a wrong colour, in Mortise's memory or unmapped", wrong);
#endif
    for (unsigned i = 0; i < d.count; ++i)
        if (ok[i] && d.guests[i].autostart)
            if (auto r = g_guests[i].start(); !r.ok())
                MLOG("guest '%s' not started: %s", d.guests[i].name, error_name(r.error()));
}

// A page is wrong when it is unmapped, not Normal memory, of a colour not the guest's, in Mortise's
// image or the host tree, or in the RAM of another guest in one piece (coloured guests cannot share
// one: their colours are disjoint, which the colour test covers).
u64 check_colors() {
    const tn::PhysRange mortise{PhysAddr{reinterpret_cast<u64>(__tn_image_start)},
                                reinterpret_cast<u64>(_end) - reinterpret_cast<u64>(__tn_image_start)};
    const tn::PhysRange host_tree{PhysAddr{board().dtb}, board().dtb_size};
    const unsigned colors = g_description ? g_description->colors : 0;
    auto other_guest = [](unsigned self, tn::PhysRange page) {
        for (unsigned j = 0; j < g_count; ++j)
            if (j != self && g_guests[j].created() && !g_guests[j].desc().colors &&
                page.overlaps({g_guests[j].ram_pa(), g_guests[j].desc().mem_size}))
                return true;
        return false;
    };
    u64 wrong_total = 0;
    for (unsigned i = 0; i < g_count; ++i) {
        Guest& g = g_guests[i];
        if (!g.created())
            continue;
        const partition::Guest& d = g.desc();
        const tn::IpaRange window = partition::ram_window(d);
        u64 pages = 0, other = 0, own = 0, shared = 0, unmapped = 0;
        for (u64 off = 0; off < window.size; off += stage2::k_page) {
            auto t = g.stage2().translate(window.base + off);
            if (!t.ok() || t.value().mem != stage2::Mem::Normal) {
                ++unmapped;
                continue;
            }
            ++pages;
            const tn::PhysRange page{t.value().pa, stage2::k_page};
            if (d.colors && color::valid_count(colors) && !((d.colors >> color::color_of(page.base, colors)) & 1))
                ++other;
            if (mortise.overlaps(page) || host_tree.overlaps(page))
                ++own;
            if (other_guest(i, page))
                ++shared;
        }
        wrong_total += other + own + shared + unmapped;
        char what[64] = " (not coloured)";
        if (d.colors)
            tn::fmt::format(what, sizeof what, ", %lu of a colour outside mask 0x%lx", other, d.colors);
        MLOG("colour check: guest '%s': %lu RAM pages in stage 2%s, %lu in Mortise's memory, %lu in another guest's "
             "RAM, %lu unmapped; %u stage-2 tables; created in %lu counter ticks", d.name, pages, what, own, shared,
             unmapped, g.stage2_tables(), g.create_ticks());
    }
    return wrong_total;
}

namespace {
// A shell command is running (CPU 0's console input): the last vCPU to leave, on another CPU,
// leaves the power-off to the shell, so that the command's own line is not lost or reordered
// behind the power-off (a destroy of the last guest returns before its vCPU has left).
bool g_shell_busy;
}  // namespace

void shell_command_begin() { __atomic_store_n(&g_shell_busy, true, __ATOMIC_SEQ_CST); }

void shell_command_end() {
    __atomic_store_n(&g_shell_busy, false, __ATOMIC_SEQ_CST);
    check_all_stopped();
}

void check_all_stopped() {
#ifdef CONFIG_LIBMORTISE_CORE_POWER_OFF_WHEN_IDLE
    // Against shell_command_end(): a vCPU's leaving (written before this) and the shell's end
    // (written before its own check) are each seen by at least one of the two checks.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&g_shell_busy, __ATOMIC_SEQ_CST))
        return;
    int faulted = 0;
    for (unsigned i = 0; i < g_count; ++i) {
        GuestState s = g_guests[i].state();
        if (s == GuestState::Running || s == GuestState::Paused || g_guests[i].vcpus_on() != 0)
            return;
        faulted += s == GuestState::Faulted ? 1 : 0;
    }
    static bool powering_off;
    if (__atomic_exchange_n(&powering_off, true, __ATOMIC_SEQ_CST))
        return;  // both checks saw it
    MLOG("no guest is running any more");
    tn::plat::power_off(faulted);
#endif
}

}  // namespace mortise
