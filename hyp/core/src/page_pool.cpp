// The page pool of the platform contract (tn::plat::page_allocator(), tn/plat.hpp)
// for a Mortise image with mode 2 (CONFIG_MORTISE_MODE2), on any host board (it
// is Mortise's own memory, not the board's): lib/sched takes its
// vCPU threads' stacks and their page tables from it. It is BSS of the image,
// so no guest is ever given its pages (the image is reserved RAM for the
// partition checks and for guest placement); its buddy metadata is BSS too.
#include <tn/console.hpp>
#include <tn/init.hpp>
#include <tn/mem/page_alloc.hpp>
#include <tn/plat.hpp>

namespace mortise {

namespace {

using tn::u64;
using tn::u8;

constexpr u64 k_pool_size = CONFIG_MORTISE_MODE2_POOL_SIZE;
static_assert(k_pool_size % tn::mem::PageAllocator::k_page_size == 0, "MORTISE_MODE2_POOL_SIZE: whole pages");

alignas(4096) u8 g_pool[k_pool_size];
alignas(8) u8 g_meta[tn::mem::PageAllocator::metadata_bytes(k_pool_size)];
tn::mem::PageAllocator g_pages;

// Before lib/sched's init (TN_INIT_LIB) creates the idle thread's stack.
int init_page_pool() {
    auto r = g_pages.add_region(tn::PhysAddr{reinterpret_cast<u64>(g_pool)}, k_pool_size, g_meta, sizeof g_meta);
    if (!r.ok()) {
        tn_printf("mortise: cannot set up the mode-2 page pool (MORTISE_MODE2_POOL_SIZE)\n");
        return -1;
    }
    return 0;
}

}  // namespace

TN_INIT(init_page_pool, TN_INIT_PLATFORM);

}  // namespace mortise

namespace tn::plat {

mem::PageAllocator& page_allocator() { return mortise::g_pages; }

}  // namespace tn::plat
