// Mortise's main (run by lib/boot on CPU 0 once every CPU is up): reads and
// validates the partition description against this machine, creates and
// starts the guests, takes console input (Ctrl-A switches between the guests
// and the Mortise shell), then CPU 0 runs its share of vCPUs like every other.
#include <mortise/color.hpp>
#include <mortise/guestdt.hpp>
#include <mortise/vuart.hpp>
#include <tn/arch/fault.hpp>
#include <tn/fdt.hpp>
#include <tn/format.hpp>
#include <tn/irq.hpp>
#include <tn/plat.hpp>

#include "core.hpp"

#ifdef CONFIG_MORTISE_MODE2
#include <tn/sched.hpp>
#include <tn/sched_impl.hpp>
#endif

extern "C" char __tn_image_start[], _end[];

namespace mortise {

void shell_input(tn::u8 byte);

namespace {

partition::Description g_description;
partition::Diagnostics g_diagnostics;
// Kernels, initramfs images and device-tree overlays: three per Linux guest, one per Tenon guest.
constexpr unsigned k_max_images = 3 * partition::k_max_guests;
const char* g_image_names[k_max_images];
partition::Blob g_blobs[k_max_images];
vuart::InputSwitch g_switch{0};

#ifndef CONFIG_MORTISE_LLC_COLORS
#define CONFIG_MORTISE_LLC_COLORS 0
#endif

// The LLC colours guests' `colors` index: the configured count, unless the host tree describes its
// last-level cache with another one. Then the description's colours would not be the cache's, so
// coloured guests are refused (with @p why) rather than run without the isolation they asked for.
unsigned llc_colors(const tn::fdt::Fdt* host, char* why, usize why_size) {
    const unsigned configured = CONFIG_MORTISE_LLC_COLORS;
    if (configured == 0 || host == nullptr)
        return configured;
    const color::CacheGeometry g = color::cache_geometry(*host);
    if (g.status == color::CacheGeometry::Status::NoCache)
        return configured;
    if (g.status == color::CacheGeometry::Status::Incomplete) {
        MLOG("LLC colours: the host tree's L%u cache node lacks cache-size, cache-sets or cache-line-size (or "
             "they disagree); using CONFIG_MORTISE_LLC_COLORS=%u unchecked", g.level, configured);
        return configured;
    }
    if (g.colors == configured) {
        MLOG("LLC colours: %u, as the host tree's L%u cache (%lu KiB, %lu sets of %lu-byte lines)", g.colors, g.level,
             g.size / tn::KiB, g.sets, g.line);
        return configured;
    }
    tn::fmt::format(why, why_size, "the host tree's L%u cache (%lu KiB, %lu sets of %lu-byte lines) has %u colours, "
                    "this image was built for CONFIG_MORTISE_LLC_COLORS=%u; set it to %u", g.level, g.size / tn::KiB,
                    g.sets, g.line, g.colors, configured, g.colors);
    MLOG("LLC colours: %s", why);
    return 0;
}

partition::Platform platform() {
    const Board& b = board();
    partition::Platform p{};
    p.ram_count = b.ram_count;
    for (unsigned i = 0; i < b.ram_count; ++i)
        p.ram[i] = {tn::PhysAddr{b.ram[i].base}, b.ram[i].size};
    u64 start = reinterpret_cast<u64>(__tn_image_start);
    p.reserved[p.reserved_count++] = {tn::PhysAddr{start}, reinterpret_cast<u64>(_end) - start};
    p.reserved[p.reserved_count++] = {tn::PhysAddr{b.dtb}, b.dtb_size};
    p.cpu_count = b.cpu_count;
#ifdef CONFIG_MORTISE_MODE2
    p.mode2 = true;
#endif
    p.owned_mmio[p.owned_mmio_count++] = {tn::PhysAddr{b.gicd}, b.gicd_size};
    p.owned_mmio[p.owned_mmio_count++] = {tn::PhysAddr{b.gicr}, b.gicr_size};
    p.owned_mmio[p.owned_mmio_count++] = {tn::PhysAddr{b.uart}, b.uart_size};
    p.owned_irqs[p.owned_irq_count++] = b.uart_intid;
    // DMA-capable devices: no SMMU confines them, so the checks give them only to guests that
    // say they accept it, with identity-mapped RAM.
    auto host = tn::fdt::Fdt::try_open(reinterpret_cast<const void*>(b.dtb), b.dtb_size);
    if (host.ok()) {
        constexpr unsigned cap = sizeof(p.dma_mmio) / sizeof(p.dma_mmio[0]);
        p.dma_mmio_count = guestdt::dma_regions(host.value(), p.dma_mmio, cap);
        if (p.dma_mmio_count > cap) {
            MLOG("more than %u DMA-capable device ranges: the rest may be given to any guest", cap);
            p.dma_mmio_count = cap;
        }
    }
    static char colors_off[200];
    p.colors = llc_colors(host.ok() ? &host.value() : nullptr, colors_off, sizeof colors_off);
    p.colors_off = colors_off[0] ? colors_off : nullptr;
    unsigned names = 0, blobs = 0;
    for (unsigned i = 0; i < image_count() && i < k_max_images; ++i) {
        const Image& img = *image(i);
        if (img.kind == ImageKind::Tenon || img.kind == ImageKind::Linux)
            g_image_names[names++] = img.name;
        // An overlay is applied when its guest loads (Guest::load), where a refusal stops only that
        // guest: the description check only wants it embedded (no check_dt_overlay here).
        if (img.kind == ImageKind::DtOverlay)
            g_blobs[blobs++] = {img.name, partition::BlobKind::DtOverlay, img.size, nullptr, 0};
        else if (img.kind != ImageKind::Tenon)
            g_blobs[blobs++] = {img.name,
                                img.kind == ImageKind::Linux ? partition::BlobKind::LinuxImage
                                                             : partition::BlobKind::Initramfs,
                                img.size, img.data, img.size < 64 ? img.size : 64};
    }
    p.images = g_image_names;
    p.image_count = names;
    p.blobs = g_blobs;
    p.blob_count = blobs;
    return p;
}

// A Mortise hypervisor image: the guests (and maybe the description) the bootloader loaded,
// named in the host tree's /chosen (mortise/modules.hpp). Every module is checked here, before
// any guest is created; a refused one stops only the guests that name it.
[[maybe_unused]] void read_boot_modules() {
    const Board& b = board();
    auto host = tn::fdt::Fdt::try_open(reinterpret_cast<const void*>(b.dtb), b.dtb_size);
    if (!host.ok()) {
        MLOG("boot modules: the host device tree cannot be read (%s)", tn::fdt::error_name(host.error()));
        return;
    }
    static modules::Range ram[sizeof(b.ram) / sizeof(b.ram[0])];
    for (unsigned i = 0; i < b.ram_count; ++i)
        ram[i] = {b.ram[i].base, b.ram[i].size};
    u64 start = reinterpret_cast<u64>(__tn_image_start);
    const modules::Range reserved[] = {{start, reinterpret_cast<u64>(_end) - start}, {b.dtb, b.dtb_size}};
    (void)use_boot_modules(host.value(), {ram, b.ram_count, reserved, 2});
    MLOG("%u boot module%s usable of %u", boot_modules().usable(), boot_modules().usable() == 1 ? "" : "s",
         boot_modules().count);
}

bool read_description() {
    u64 size = 0;
    const void* blob = partitions_blob(size);
    if (!blob) {
        MLOG("this image carries no partition description: nothing to run");
        return false;
    }
    bool ok = partition::parse(blob, size, platform(), g_description, g_diagnostics);
    for (unsigned i = 0; i < g_diagnostics.count; ++i)
        MLOG("partition description: %s: %s", g_diagnostics.items[i].node, g_diagnostics.items[i].reason);
    if (!ok)
        MLOG("the partition description is malformed: no guest started");
    return ok;
}

void deliver(const vuart::InputSwitch::Result& r) {
    using Kind = vuart::InputSwitch::Result::Kind;
    if (r.kind == Kind::Switched) {
        if (r.target.kind == vuart::Target::Kind::Shell)
            MLOG("console input: Mortise shell (type 'help')");
        else if (Guest* g = guest(r.target.guest); g && guest_in_use(*g))
            MLOG("console input: guest '%s'", g->desc().name);
        else if (g)  // a free instance slot: keep the input with the shell
            input_guests_changed(r.target.guest);
        return;
    }
    if (r.kind == Kind::NoGuest) {
        MLOG("console input: there is no guest %u", r.requested + 1);
        return;
    }
    if (r.kind != Kind::Forward)
        return;
    for (unsigned i = 0; i < r.count; ++i) {
        if (r.target.kind == vuart::Target::Kind::Shell)
            shell_input(r.bytes[i]);
        else if (Guest* g = guest(r.target.guest); g && g->state() == GuestState::Running)
            (void)g->uart().push_input(r.bytes[i]);
    }
}

// Clears before reading (console_rx_clear(), mortise/platform.hpp): a byte that
// arrives after the last read raises the interrupt again. Clearing after the
// loop lost the notification of bytes that came in meanwhile (a shell command
// can take long: destroy kicks CPUs), and those bytes then waited for more input.
tn::irq::Completion on_uart(tn::irq::Event, void*) {
    console_rx_clear();
    for (int c; (c = console_try_get()) >= 0;)
        deliver(g_switch.feed(static_cast<tn::u8>(c)));
    return tn::irq::Completion::Done;
}

}  // namespace

// Called from the shell (the UART interrupt) or a hypercall on another CPU: a race with a byte
// being switched costs that byte at most.
void input_guests_changed(unsigned slot) {
    const vuart::Target t = g_switch.target();
    if (t.kind != vuart::Target::Kind::Guest || t.guest != slot)
        return;
    g_switch = vuart::InputSwitch{guest_count(), vuart::Target{vuart::Target::Kind::Shell, 0}};
    MLOG("console input: guest %u is a free instance slot: Mortise shell (type 'help')", slot + 1);
}

namespace {

void init_input() {
    g_switch = vuart::InputSwitch{guest_count(), guest_count() ? vuart::Target{vuart::Target::Kind::Guest, 0}
                                                               : vuart::Target{vuart::Target::Kind::Shell, 0}};
    u32 intid = board().uart_intid;
    if (!tn::irq::register_handler(intid, on_uart, nullptr).ok()) {
        MLOG("console input unavailable (INTID %u)", intid);
        return;
    }
    // Level-triggered (Board::uart_intid), whatever firmware left configured; a
    // controller that cannot change it reports Unsupported, which is no reason to give up.
    (void)tn::irq::set_trigger(intid, tn::irq::Trigger::Level);
    if (!tn::irq::enable(intid).ok()) {
        MLOG("console input unavailable (INTID %u)", intid);
        return;
    }
    console_rx_enable();
}

}  // namespace

}  // namespace mortise

using namespace mortise;

int main() {
    MLOG("Mortise hypervisor, %u CPUs, %u guest image%s embedded", board().cpu_count, kernel_count(),
         kernel_count() == 1 ? "" : "s");
#ifdef CONFIG_TN_IMAGE_MORTISE
    read_boot_modules();
#endif
    if (!init_hypercalls() || !read_description())
        return 1;
#ifdef CONFIG_MORTISE_MODE2
    // Starting guests wakes vCPU threads, maybe of this CPU: none may take it while a guest's lock is held.
    tn::sched::lock_preemption();
#endif
    create_guests(g_description);
    init_input();
    check_all_stopped();
#ifdef CONFIG_MORTISE_MODE2
    tn::sched::unlock_preemption();
    if (cpu0_shared(g_description)) {
        // CPU 0 runs mode-2 vCPUs: main (a thread of lib/sched, above their lowest priorities) steps
        // aside for good, and lib/sched's idle thread takes CPU 0 when no vCPU is ready.
        tn::sched::WaitQueue never;
        for (tn::sched::Locked held;;)
            (void)tn::sched::wait(held, never, tn::sched::k_forever);
    }
#endif
    idle(0);
}

// lib/boot's default idles with IRQs on; Mortise's idle loop also runs vCPUs. With mode 2 it is also
// lib/sched's idle thread of the CPU: a vCPU thread made ready there is switched to on the way out of
// the interrupt that woke the loop.
extern "C" [[noreturn]] void tn_secondary_main(unsigned cpu) {
#ifdef CONFIG_MORTISE_MODE2
    tn::sched::start_secondary_cpu(cpu);
#endif
    idle(cpu);
}

// A synchronous exception or SError at EL2 is a bug in Mortise: report and stop.
extern "C" [[noreturn]] void mortise_el2_fatal(tn::arch::Frame* frame, unsigned kind) {
    tn_printf("mortise: fatal exception in the hypervisor itself\n");
    tn_arch_fatal(frame, kind);
}
