// The parts of newlib's system layer that need Tenon's C++ interfaces (the
// clock, the console, the page allocator, power-off), offered to the C
// system layer as the tn_libc_* functions of src/libc_impl.h. The rest of
// the layer is C: newlib's own interfaces (struct _reent, its locks) are C.
#include <tn/clock.hpp>
#include <tn/console.hpp>
#include <tn/init.hpp>
#include <tn/irq.hpp>
#include <tn/mem/page_alloc.hpp>
#include <tn/mem/tlsf.hpp>
#include <tn/plat.hpp>
#include <tn/spinlock.hpp>

#include "libc_impl.h"

using namespace tn;

namespace {

// malloc's heap: TLSF over runs of pages taken from the page allocator as it
// fills (each run at least as large as the heap before it) (kernel memory is identity-mapped, so a page's address is its
// pointer). Calls are O(1) and short, so a spinlock with IRQs masked
// serialises them on every CPU; no thread ever sleeps holding it.
mem::Tlsf g_heap;
Spinlock g_heap_lock;
usize g_heap_pages;

constexpr usize k_page = 4096;
constexpr usize k_grow_pages = CONFIG_LIBNEWLIB_HEAP_GROW_KIB / 4;

// Adds a pool large enough for @p size bytes at @p align. Under the lock.
bool grow(usize size, usize align) {
    usize need = size + align + 4 * mem::Tlsf::k_header_bytes + mem::Tlsf::k_min_pool_bytes;
    usize pages = (need + k_page - 1) / k_page;
    // At least the step, and at least the heap's size so far: the heap
    // doubles, so its pool table (LIBMEMORY_TLSF_MAX_POOLS) spans a wide range.
    if (pages < k_grow_pages)
        pages = k_grow_pages;
    if (pages < g_heap_pages)
        pages = g_heap_pages;
    auto pa = plat::page_allocator().alloc_pages(pages);
    if (!pa.ok())
        return false;
    if (!g_heap.add_pool(reinterpret_cast<void*>(pa.value().value()), pages * k_page).ok()) {
        (void)plat::page_allocator().free_pages(pa.value(), pages);
        return false;
    }
    g_heap_pages += pages;
    return true;
}

}  // namespace

extern "C" {

void* tn_libc_heap_alloc(size_t size, size_t align) {
    if (size == 0)
        size = 1;
    irq::LocalGuard irqs;
    SpinlockGuard held(g_heap_lock);
    auto r = g_heap.alloc(size, align);
    if (!r.ok() && r.error() == mem::Error::OutOfMemory && grow(size, align))
        r = g_heap.alloc(size, align);
    return r.ok() ? r.value() : nullptr;
}

int tn_libc_heap_free(void* ptr) {
    irq::LocalGuard irqs;
    SpinlockGuard held(g_heap_lock);
    return g_heap.free(ptr).ok() ? 0 : -1;
}

void* tn_libc_heap_realloc(void* ptr, size_t size, int* bad_pointer) {
    irq::LocalGuard irqs;
    SpinlockGuard held(g_heap_lock);
    *bad_pointer = 0;
    auto r = g_heap.realloc(ptr, size);
    if (!r.ok() && r.error() == mem::Error::OutOfMemory && grow(size, mem::Tlsf::k_align))
        r = g_heap.realloc(ptr, size);
    if (!r.ok() && r.error() != mem::Error::OutOfMemory && r.error() != mem::Error::InvalidArgument)
        *bad_pointer = 1;
    return r.ok() ? r.value() : nullptr;
}

size_t tn_libc_heap_usable(const void* ptr) {
    irq::LocalGuard irqs;
    SpinlockGuard held(g_heap_lock);
    auto r = g_heap.usable_size(ptr);
    return r.ok() ? r.value() : 0;
}

void tn_libc_heap_stats(struct tn_libc_heap_stats* out) {
    irq::LocalGuard irqs;
    SpinlockGuard held(g_heap_lock);
    auto s = g_heap.stats();
    out->used_bytes = s.used_bytes;
    out->free_bytes = s.free_bytes;
    out->pool_bytes = g_heap_pages * k_page;
}

void tn_libc_console_write(const char* s, size_t n) { console::write(s, n); }
int tn_libc_console_try_getc(void) { return console::try_getc(); }
uint64_t tn_libc_monotonic_ns(void) { return clock::now_ns(); }
uint64_t tn_libc_counter_hz(void) { return clock::frequency_hz(); }
void tn_libc_power_off(int status) { plat::power_off(status); }

}  // extern "C"

namespace {
int libc_init() { return tn_libc_reent_init(); }
}  // namespace
TN_INIT(libc_init, TN_INIT_LIB);
