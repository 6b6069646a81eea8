// libFuzzer target for the partition description: no blob may crash parse() or make it read
// outside the blob (ASan, UBSan), and whatever it accepts must obey the rules it claims to
// check. Every valid guest's device tree is generated and must open again.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mortise/guestdt.hpp>
#include <mortise/host_platform.hpp>
#include <mortise/partition.hpp>
#include <tn/fdt.hpp>
#include <tn/plat/mortise_qemu_virt.hpp>

namespace pt = mortise::partition;
using tn::u64;

namespace {

/// A valid channel: 2..4 distinct valid members, a size and doorbells in range, its slot inside the
/// window and after the previous valid one's, not everyone read-only; the pool holds them all.
void check_channels(const pt::Description& d) {
    namespace gmap = tn::plat::mortise_guest::map;
    if (d.channel_count > pt::k_max_channels)
        __builtin_trap();
    u64 next = gmap::k_ivc.value(), pool = 0;
    for (unsigned i = 0; i < d.channel_count; ++i) {
        const pt::Channel& c = d.channels[i];
        if (strnlen(c.name, pt::k_name_len) == pt::k_name_len)
            __builtin_trap();
        if (!c.valid)
            continue;
        if (c.member_count < 2 || c.member_count > pt::k_max_members || c.size % 0x1000 ||
            c.size < pt::k_channel_min || c.size > pt::k_channel_max ||
            c.read_only_mask == (1u << c.member_count) - 1 || c.read_only_mask >> c.member_count)
            __builtin_trap();
        for (unsigned m = 0; m < c.member_count; ++m) {
            if (c.members[m] >= d.count || !d.guests[c.members[m]].valid || pt::member_index(c, c.members[m]) != int(m))
                __builtin_trap();
            if (c.doorbell_intid[m] < 32 || c.doorbell_intid[m] > 1019 || c.doorbell_intid[m] == gmap::k_uart_intid)
                __builtin_trap();
        }
        if (c.doorbell_ipa.value() < next || c.shm_ipa != c.doorbell_ipa + gmap::k_ivc_shm_offset ||
            (c.shm_ipa + c.size).value() > (gmap::k_ivc + gmap::k_ivc_size).value())
            __builtin_trap();
        next = (c.shm_ipa + c.size).value();
        pool += (c.size + 0xffff) & ~u64{0xffff};
    }
    if (pt::channel_pool_size(d) < pool || pt::channel_pool_size(d) % 0x20'0000)
        __builtin_trap();
}

void check_invariants(const pt::Description& d, const pt::Diagnostics& diag, const pt::Platform& plat) {
    if (d.count > pt::k_max_guests || diag.count > 32)
        __builtin_trap();
    for (unsigned i = 0; i < diag.count; ++i)
        if (strnlen(diag.items[i].node, 64) == 64 || strnlen(diag.items[i].reason, sizeof diag.items[i].reason) == sizeof diag.items[i].reason)
            __builtin_trap();
    u64 cpus = 0;
    for (unsigned i = 0; i < d.count; ++i) {
        const pt::Guest& g = d.guests[i];
        if (strnlen(g.name, pt::k_name_len) == pt::k_name_len || strnlen(g.bootargs, pt::k_bootargs_len) ==
                                                                       pt::k_bootargs_len)
            __builtin_trap();
        if (g.mmio_count > pt::k_max_regions || g.irq_count > pt::k_max_irqs)
            __builtin_trap();
        if (!g.valid)
            continue;
        if (g.cpu_mask == 0 || (g.cpu_mask & cpus) || (g.cpu_mask >> plat.cpu_count) != 0)
            __builtin_trap();
        cpus |= g.cpu_mask;
        if (g.mem_size == 0 || g.mem_size % pt::k_mem_align || !g.mem_phys.aligned(pt::k_mem_align) || g.name[0] == 0)
            __builtin_trap();
        for (unsigned r = 0; r < g.irq_count; ++r)
            if (g.irqs[r] < 32 || g.irqs[r] > 1019)
                __builtin_trap();
        static uint64_t dt[2048];
        const u64 size = mortise::guestdt::build(g, dt, sizeof(dt), nullptr, nullptr, &d, i);
        if (size == 0 || !tn::fdt::Fdt::try_open(dt, size).ok())
            __builtin_trap();
    }
    check_channels(d);
}

/// The same bytes as a board's tree (partcheck --board-dtb, tests/dts/board-virt.dts is a seed): a
/// platform within Platform's bounds, or a reason.
void check_board(const void* blob, size_t size) {
    auto board = tn::fdt::Fdt::try_open(blob, size);
    if (!board.ok())
        return;
    static pt::Platform plat;
    char why[256] = "";
    if (!mortise::guestdt::host_platform(board.value(), nullptr, 0, plat, why, sizeof why)) {
        if (why[0] == '\0' || strnlen(why, sizeof why) == sizeof why)
            __builtin_trap();
        return;
    }
    if (plat.ram_count == 0 || plat.ram_count > 4 || plat.cpu_count == 0 || plat.cpu_count > 64 ||
        plat.owned_mmio_count < 2 || plat.owned_mmio_count > pt::k_max_owned_mmio ||
        plat.owned_irq_count > 1 || plat.dma_mmio_count > pt::k_max_dma_mmio)
        __builtin_trap();
    for (unsigned i = 0; i < plat.owned_mmio_count; ++i)
        if (plat.owned_mmio_names[i] == nullptr || plat.owned_mmio[i].size == 0)
            __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char* const images[] = {"ticker", "helloworld"};
    pt::Platform plat = tn::plat::mortise_qemu_virt::partition_platform(0x4000'0000, 4);
    plat.reserved[0] = {plat.ram[0].base, 0x100'0000};
    plat.reserved_count = 1;
    plat.images = images;
    plat.image_count = 2;
    // An exact-size aligned copy: the reader needs 8-byte alignment, ASan catches over-reads.
    uint64_t* copy = new uint64_t[size / 8 + 1];
    memcpy(copy, data, size);
    static pt::Description d;
    static pt::Diagnostics diag;
    pt::parse(copy, size, plat, d, diag);
    check_invariants(d, diag, plat);
    check_board(copy, size);
    delete[] copy;
    return 0;
}
