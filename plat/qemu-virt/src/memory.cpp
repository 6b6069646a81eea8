// The kernel's page pool (CONFIG_LIBMEMORY): PLAT_QEMU_VIRT_PAGE_POOL_SIZE
// bytes of RAM above the image (and above the device tree if QEMU put it
// there), managed by a buddy allocator whose metadata lives in the pool's top
// pages. Thread stacks and run-time page tables come from here. Only part of
// RAM, so setting it up costs little boot time; the rest stays for the
// application to manage as it likes.
#include <tn/console.hpp>
#include <tn/fdt.hpp>
#include <tn/mem/page_alloc.hpp>
#include <tn/plat.hpp>

#include "board.hpp"

extern "C" char _end[];

namespace tn::plat::qemu_virt {

namespace {

mem::PageAllocator g_pages;
constexpr u64 k_align = 64 * KiB;

bool overlaps(u64 a, u64 a_end, u64 b, u64 b_end) { return a < b_end && b < a_end; }

u64 dtb_size(uptr dtb) {
    if (!dtb)
        return 0;
    auto* p = reinterpret_cast<const u8*>(dtb + 4);  // header totalsize, big endian
    return (u64{p[0]} << 24) | (u64{p[1]} << 16) | (u64{p[2]} << 8) | p[3];
}

}  // namespace

bool init_page_pool() {
    const Board& b = board();
    u64 size = CONFIG_PLAT_QEMU_VIRT_PAGE_POOL_SIZE;
    u64 base = align_up(reinterpret_cast<u64>(_end), k_align);
    u64 dtb_end = b.dtb + dtb_size(b.dtb);
    if (b.dtb && overlaps(base, base + size, b.dtb, dtb_end))
        base = align_up(dtb_end, k_align);
    u64 ram_end = b.ram.base + b.ram.size;
    if (base >= ram_end || ram_end - base < size) {
        tn_printf("Tenon: no room for the %lu KiB page pool above the image (PLAT_QEMU_VIRT_PAGE_POOL_SIZE)\n",
                  size / KiB);
        return false;
    }
    u64 meta = mem::PageAllocator::metadata_bytes(size);
    u64 meta_base = align_down(base + size - meta, mem::PageAllocator::k_page_size);
    auto r = g_pages.add_region(PhysAddr{base}, size, reinterpret_cast<void*>(meta_base), base + size - meta_base);
    if (r.ok())
        r = g_pages.reserve(PhysAddr{meta_base}, base + size - meta_base);
    if (!r.ok()) {
        tn_printf("Tenon: cannot set up the page pool at 0x%lx\n", base);
        return false;
    }
    return true;
}

}  // namespace tn::plat::qemu_virt

namespace tn::plat {

mem::PageAllocator& page_allocator() { return qemu_virt::g_pages; }

}  // namespace tn::plat
