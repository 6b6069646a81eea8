// The kernel's page pool (CONFIG_LIBMEMORY): PLAT_RK3568_PAGE_POOL_SIZE bytes
// of the image's RAM bank above the image, and above the device tree when
// U-Boot put it there (booti's fdt_addr_r is usually above kernel_addr_r).
#include <tn/console.hpp>
#include <tn/mem/page_alloc.hpp>
#include <tn/plat.hpp>

#include "board.hpp"

extern "C" char _end[];

namespace tn::plat::rk3568 {

namespace {

mem::PageAllocator g_pages;
constexpr u64 k_align = 64 * KiB;

bool overlaps(u64 a, u64 a_end, u64 b, u64 b_end) { return a < b_end && b < a_end; }

}  // namespace

bool init_page_pool() {
    u64 size = CONFIG_PLAT_RK3568_PAGE_POOL_SIZE;
    u64 base = align_up(reinterpret_cast<u64>(_end), k_align);
    if (auto dt = device_tree(); dt.ok()) {
        u64 dtb_end = dtb() + dt.value().total_size();
        if (overlaps(base, base + size, dtb(), dtb_end))
            base = align_up(dtb_end, k_align);
    }
    u64 ram_end = ram().base + ram().size;
    if (base >= ram_end || ram_end - base < size) {
        tn_printf("rk3568: no room for the %lu KiB page pool above the image (PLAT_RK3568_PAGE_POOL_SIZE)\n",
                  size / KiB);
        return false;
    }
    u64 meta = mem::PageAllocator::metadata_bytes(size);
    u64 meta_base = align_down(base + size - meta, mem::PageAllocator::k_page_size);
    auto r = g_pages.add_region(PhysAddr{base}, size, reinterpret_cast<void*>(meta_base), base + size - meta_base);
    if (r.ok())
        r = g_pages.reserve(PhysAddr{meta_base}, base + size - meta_base);
    if (!r.ok()) {
        tn_printf("rk3568: cannot set up the page pool at 0x%lx\n", base);
        return false;
    }
    return true;
}

}  // namespace tn::plat::rk3568

namespace tn::plat {

mem::PageAllocator& page_allocator() { return rk3568::g_pages; }

}  // namespace tn::plat
