// A guest's device tree, generated from its partition entry: the subset of QEMU virt's tree
// that an unmodified Tenon or Linux needs (memory, cpus with PSCI, GICv3, architected timer,
// PL011 console, PSCI via HVC, chosen), plus the guest's pass-through devices copied from the
// host's tree (passthrough.cpp). Layout and bindings: Devicetree Specification v0.4
// §3 and the Linux bindings arm/cpus, arm/psci, interrupt-controller/arm,gic-v3,
// timer/arm,arch_timer, serial/pl011, clock/fixed-clock.
#include <mortise/guestdt.hpp>

#include <tn/fdt_overlay.hpp>
#include <tn/fdt_writer.hpp>
#include <tn/format.hpp>

#include "passthrough.hpp"

namespace mortise::guestdt {

namespace {

constexpr u32 k_gic_phandle = 1, k_clock_phandle = 2;
constexpr u32 k_first_free_phandle = 3;  // Clocks copied for pass-through devices number from here.
// GIC specifier cells (arm,gic-v3 binding): type (0 SPI, 1 PPI), number, flags (4 = level high).
constexpr u32 k_spi = 0, k_ppi = 1, k_level_high = 4;
constexpr u32 k_uart_clock_hz = 24'000'000;

u32 hi(u64 v) { return static_cast<u32>(v >> 32); }
u32 lo(u64 v) { return static_cast<u32>(v); }
u32 hi(tn::Ipa a) { return hi(a.value()); }
u32 lo(tn::Ipa a) { return lo(a.value()); }

/// "<prefix><name>@<address in hex>": a node's unit name (Devicetree Specification §2.2.1),
/// or with prefix "/" its path. Computed at compile time from the guest map.
struct UnitName {
    char text[40];
};
constexpr UnitName unit_name(const char* prefix, const char* name, tn::Ipa at) {
    UnitName u{};
    usize n = 0;
    for (const char* p = prefix; *p; ++p)
        u.text[n++] = *p;
    for (const char* p = name; *p; ++p)
        u.text[n++] = *p;
    u.text[n++] = '@';
    unsigned digits = 1;
    for (u64 v = at.value() >> 4; v != 0; v >>= 4)
        ++digits;
    while (digits-- > 0)
        u.text[n++] = "0123456789abcdef"[(at.value() >> (4 * digits)) & 0xf];
    return u;
}
constexpr UnitName k_gic_node = unit_name("", "intc", gmap::k_gicd);
constexpr UnitName k_uart_node = unit_name("", "pl011", gmap::k_uart);
constexpr UnitName k_uart_path = unit_name("/", "pl011", gmap::k_uart);
static_assert(k_uart_node.text[5] == '@' && unit_name("", "memory", gmap::k_ram).text[6] == '@');

void cpus(tn::fdt::Writer& w, unsigned vcpus) {
    w.begin_node("cpus").property_u32("#address-cells", 1).property_u32("#size-cells", 0);
    for (unsigned i = 0; i < vcpus; ++i) {
        char name[16];
        tn::fmt::format(name, sizeof(name), "cpu@%u", i);
        // vCPU i has MPIDR affinity 0.0.0.i (set by the vCPU code), hence reg = <i>.
        w.begin_node(name)
            .property_string("device_type", "cpu")
            .property_string("compatible", "arm,armv8")
            .property_u32("reg", i)
            .property_string("enable-method", "psci")
            .end_node();
    }
    w.end_node();
}

void gic(tn::fdt::Writer& w, unsigned vcpus) {
    const tn::IpaRange d = gmap::gicd(), r = gmap::gicr(vcpus);
    const u32 reg[8] = {hi(d.base), lo(d.base), hi(d.size), lo(d.size), hi(r.base), lo(r.base), hi(r.size), lo(r.size)};
    w.begin_node(k_gic_node.text)
        .property_strings("compatible", "arm,gic-v3", sizeof("arm,gic-v3"))
        .property_u32("#interrupt-cells", 3)
        .property_empty("interrupt-controller")
        .property_u32("#address-cells", 0)  // No child buses; what interrupt-map parsers expect (dtc checks).
        .property_u32("#redistributor-regions", 1)
        .property_cells("reg", reg, 8)
        .property_u32("phandle", k_gic_phandle)
        .end_node();
}

void timer(tn::fdt::Writer& w) {
    // Secure, non-secure physical, virtual and hypervisor timers: PPIs 13, 14, 11, 10.
    const u32 irqs[12] = {k_ppi, 13, k_level_high, k_ppi, 14, k_level_high,
                          k_ppi, 11, k_level_high, k_ppi, 10, k_level_high};
    w.begin_node("timer")
        .property_strings("compatible", "arm,armv8-timer", sizeof("arm,armv8-timer"))
        .property_cells("interrupts", irqs, 12)
        .property_empty("always-on")
        .end_node();
}

void uart(tn::fdt::Writer& w) {
    const tn::IpaRange u = gmap::uart();
    const u32 reg[4] = {hi(u.base), lo(u.base), hi(u.size), lo(u.size)};
    const u32 irq[3] = {k_spi, gmap::k_uart_intid - 32, k_level_high};
    const u32 clocks[2] = {k_clock_phandle, k_clock_phandle};
    w.begin_node("apb-pclk")
        .property_string("compatible", "fixed-clock")
        .property_u32("#clock-cells", 0)
        .property_u32("clock-frequency", k_uart_clock_hz)
        .property_string("clock-output-names", "clk24mhz")
        .property_u32("phandle", k_clock_phandle)
        .end_node();
    // Linux's AMBA bus needs "arm,primecell" and both clocks to probe a PL011.
    w.begin_node(k_uart_node.text)
        .property_strings("compatible", "arm,pl011\0arm,primecell", sizeof("arm,pl011\0arm,primecell"))
        .property_cells("reg", reg, 4)
        .property_cells("interrupts", irq, 3)
        .property_cells("clocks", clocks, 2)
        .property_strings("clock-names", "uartclk\0apb_pclk", sizeof("uartclk\0apb_pclk"))
        .end_node();
}

void chosen_boot(tn::fdt::Writer& w, const Boot& boot) {
    if (boot.initrd.size != 0) {
        w.property_u64("linux,initrd-start", boot.initrd.base.value());
        w.property_u64("linux,initrd-end", boot.initrd.end().value());
    }
    if (boot.rng_seed != nullptr && boot.rng_seed_size != 0)
        w.property("rng-seed", boot.rng_seed, boot.rng_seed_size < k_max_rng_seed ? boot.rng_seed_size : k_max_rng_seed);
    if (boot.kaslr_seed != 0)
        w.property_u64("kaslr-seed", boot.kaslr_seed);
}

/// The node of channel @p id of @p d for its member @p m (member index): the doorbell page and the
/// shared memory, the doorbell SPI (edge: each ring is one event), and what the member needs to name
/// itself to the channel (docs/mortise.md, "Inter-VM channels").
void ivc_channel(tn::fdt::Writer& w, const partition::Channel& c, unsigned id, unsigned m) {
    constexpr u32 k_edge_rising = 1;
    const u64 db = c.doorbell_ipa.value(), shm = c.shm_ipa.value();
    const u64 db_size = tn::mortise_abi::ivc::k_doorbell_size;
    const u32 reg[8] = {hi(db), lo(db), hi(db_size), lo(db_size), hi(shm), lo(shm), hi(c.size), lo(c.size)};
    const u32 irq[3] = {k_spi, c.doorbell_intid[m] - 32, k_edge_rising};
    char name[24], label[partition::k_name_len];
    tn::fmt::format(name, sizeof(name), "ivc@%llx", static_cast<unsigned long long>(db));
    usize n = 0;  // Bounded copy, as for bootargs.
    for (; n + 1 < sizeof(label) && c.name[n] != '\0'; ++n)
        label[n] = c.name[n];
    label[n] = '\0';
    w.begin_node(name)
        .property_string("compatible", "tenonos,ivc-channel")
        .property_cells("reg", reg, 8)
        .property_strings("reg-names", "doorbell\0shm", sizeof("doorbell\0shm"))
        .property_cells("interrupts", irq, 3)
        .property_string("label", label)
        .property_u32("tenonos,channel-id", id)
        .property_u32("tenonos,member", m)
        .property_u32("tenonos,members", c.member_count);
    if (c.read_only_mask & (1u << m))
        w.property_empty("read-only");
    if (c.uncached)
        w.property_empty("tenonos,uncached");
    w.end_node();
}

/// A node for each valid channel of @p d that guest @p guest is a member of, in channel order.
void ivc_channels(tn::fdt::Writer& w, const partition::Description& d, unsigned guest) {
    for (unsigned id = 0; id < d.channel_count && id < partition::k_max_channels; ++id) {
        const partition::Channel& c = d.channels[id];
        const int m = partition::member_index(c, guest);
        if (c.valid && m >= 0 && c.member_count <= partition::k_max_members)
            ivc_channel(w, c, id, static_cast<unsigned>(m));
    }
}

}  // namespace

u64 build(const partition::Guest& g, void* buf, u64 cap, const tn::fdt::Fdt* host, const Boot* boot,
          const partition::Description* desc, unsigned guest_index) {
    const unsigned vcpus = partition::vcpu_count(g);
    if (vcpus == 0 || g.mem_size == 0 || buf == nullptr)
        return 0;  // Not a guest that can run; the partition checks reject it before this.
    tn::fdt::Writer w(buf, static_cast<usize>(cap > 0xffff'ffffu ? 0xffff'ffffu : cap));
    const tn::Ipa ram = partition::ram_ipa(g);  // host-physical for identity-mapped RAM
    const u32 mem_reg[4] = {hi(ram), lo(ram), hi(g.mem_size), lo(g.mem_size)};
    const UnitName memory_node = unit_name("", "memory", ram);

    w.begin_node("")
        .property_u32("#address-cells", 2)
        .property_u32("#size-cells", 2)
        .property_string("compatible", "linux,dummy-virt")
        .property_string("model", "Mortise guest")
        .property_u32("interrupt-parent", k_gic_phandle);
    // Bounded copy: the Guest may come from anywhere, not only from partition::parse().
    char bootargs[partition::k_bootargs_len];
    usize n = 0;
    for (; n + 1 < sizeof(bootargs) && g.bootargs[n] != '\0'; ++n)
        bootargs[n] = g.bootargs[n];
    bootargs[n] = '\0';
    w.begin_node("chosen");
    if (n != 0)
        w.property_string("bootargs", bootargs);
    w.property_string("stdout-path", k_uart_path.text);
    if (boot != nullptr)
        chosen_boot(w, *boot);
    w.end_node();
    w.begin_node("aliases").property_string("serial0", k_uart_path.text).end_node();
    w.begin_node(memory_node.text)
        .property_string("device_type", "memory")
        .property_cells("reg", mem_reg, 4);
    w.end_node();
    cpus(w, vcpus);
    w.begin_node("psci")
        .property_strings("compatible", "arm,psci-1.0\0arm,psci-0.2", sizeof("arm,psci-1.0\0arm,psci-0.2"))
        .property_string("method", "hvc")
        .end_node();
    gic(w, vcpus);
    timer(w);
    uart(w);
    if (desc != nullptr)
        ivc_channels(w, *desc, guest_index);
    if (host != nullptr)
        detail::passthrough(w, g, *host, k_first_free_phandle);
    w.end_node();
    return w.finish();
}

// The overlay refusal as one line for a boot log or a partcheck diagnostic.
u64 apply_overlay(const void* base, u64 base_size, const void* overlay, u64 overlay_size, void* out, u64 cap,
                  char* why, unsigned why_size) {
    tn::fdt::OverlayStatus st;
    const u64 size = tn::fdt::apply_overlay(base, base_size, overlay, overlay_size, out, cap, st);
    if (size == 0) {
        const bool where = st.path[0] != '\0', prop = st.property[0] != '\0';
        tn::fmt::format(why, why_size, "%s%s%s%s%s", st.path, prop ? " " : "", st.property,
                        where || prop ? ": " : "", tn::fdt::overlay_explain(st.error));
    }
    return size;
}

}  // namespace mortise::guestdt
