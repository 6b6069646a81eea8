/*
 * malloc and friends on Tenon's TLSF heap (src/bridge.cpp), replacing
 * newlib's dlmalloc: one allocator in the image, O(1) bounded time, and
 * thread-safe without newlib's malloc lock. Every entry point newlib's own
 * code or an application can reach is defined here, the reentrant _r forms
 * included (stdio calls _malloc_r directly): a single one left to libc.a
 * would pull in dlmalloc's objects and collide with these.
 */
#include <errno.h>
#include <malloc.h>
#include <reent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libc_impl.h"

#define HEAP_ALIGN 16u
#define PAGE_SIZE_BYTES 4096u

/* A pointer malloc never handed out: C leaves this undefined; a real-time
 * system wants to hear about it at once, not later as corrupted memory. */
static void bad_pointer(const char* who, const void* ptr) {
    fprintf(stderr, "%s(): %p is not an allocation of this heap (double free or corruption)\n", who, ptr);
    abort();
}

void* _malloc_r(struct _reent* r, size_t size) {
    void* p = tn_libc_heap_alloc(size, HEAP_ALIGN);
    if (!p)
        r->_errno = ENOMEM;
    return p;
}

void _free_r(struct _reent* r, void* ptr) {
    (void)r;
    if (ptr && tn_libc_heap_free(ptr) != 0)
        bad_pointer("free", ptr);
}

void* _calloc_r(struct _reent* r, size_t n, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        r->_errno = ENOMEM;
        return NULL;
    }
    void* p = _malloc_r(r, total);
    if (p)
        memset(p, 0, total);
    return p;
}

void* _realloc_r(struct _reent* r, void* ptr, size_t size) {
    if (!ptr)
        return _malloc_r(r, size);
    if (size == 0) {
        _free_r(r, ptr);
        return NULL;
    }
    int bad = 0;
    void* p = tn_libc_heap_realloc(ptr, size, &bad);
    if (bad)
        bad_pointer("realloc", ptr);
    if (!p)
        r->_errno = ENOMEM;
    return p;
}

void* _memalign_r(struct _reent* r, size_t align, size_t size) {
    if (align == 0 || (align & (align - 1)) != 0 || align > PAGE_SIZE_BYTES) {
        r->_errno = EINVAL;
        return NULL;
    }
    void* p = tn_libc_heap_alloc(size, align < HEAP_ALIGN ? HEAP_ALIGN : align);
    if (!p)
        r->_errno = ENOMEM;
    return p;
}

void* _valloc_r(struct _reent* r, size_t size) { return _memalign_r(r, PAGE_SIZE_BYTES, size); }

void* _pvalloc_r(struct _reent* r, size_t size) {
    return _memalign_r(r, PAGE_SIZE_BYTES, (size + PAGE_SIZE_BYTES - 1) & ~(size_t)(PAGE_SIZE_BYTES - 1));
}

size_t _malloc_usable_size_r(struct _reent* r, void* ptr) {
    (void)r;
    if (!ptr)
        return 0;
    size_t n = tn_libc_heap_usable(ptr);
    if (n == 0)
        bad_pointer("malloc_usable_size", ptr);
    return n;
}

struct mallinfo _mallinfo_r(struct _reent* r) {
    (void)r;
    struct tn_libc_heap_stats s;
    tn_libc_heap_stats(&s);
    struct mallinfo mi;
    memset(&mi, 0, sizeof mi);
    mi.arena = s.pool_bytes;
    mi.uordblks = s.used_bytes;
    mi.fordblks = s.free_bytes;
    return mi;
}

void _malloc_stats_r(struct _reent* r) {
    (void)r;
    struct tn_libc_heap_stats s;
    tn_libc_heap_stats(&s);
    fprintf(stderr, "heap: %zu bytes from the page allocator, %zu in use, %zu free\n", s.pool_bytes,
            s.used_bytes, s.free_bytes);
}

/* The TLSF heap has no tunables; mallopt() reports that (0: not done). */
int _mallopt_r(struct _reent* r, int param, int value) {
    (void)r;
    (void)param;
    (void)value;
    return 0;
}

/* Pools go back to the page allocator only with the heap: nothing to trim. */
int _malloc_trim_r(struct _reent* r, size_t pad) {
    (void)r;
    (void)pad;
    return 0;
}

void* malloc(size_t size) { return _malloc_r(_REENT, size); }
void free(void* ptr) { _free_r(_REENT, ptr); }
void* calloc(size_t n, size_t size) { return _calloc_r(_REENT, n, size); }
void* realloc(void* ptr, size_t size) { return _realloc_r(_REENT, ptr, size); }
void* memalign(size_t align, size_t size) { return _memalign_r(_REENT, align, size); }
void* valloc(size_t size) { return _valloc_r(_REENT, size); }
void* pvalloc(size_t size) { return _pvalloc_r(_REENT, size); }
size_t malloc_usable_size(void* ptr) { return _malloc_usable_size_r(_REENT, ptr); }
struct mallinfo mallinfo(void) { return _mallinfo_r(_REENT); }
void malloc_stats(void) { _malloc_stats_r(_REENT); }
int mallopt(int param, int value) { return _mallopt_r(_REENT, param, value); }
int malloc_trim(size_t pad) { return _malloc_trim_r(_REENT, pad); }

void* aligned_alloc(size_t align, size_t size) {
    /* C11: align must be a valid alignment (a power of two here). */
    return memalign(align, size);
}

int posix_memalign(void** out, size_t align, size_t size) {
    if (align < sizeof(void*) || (align & (align - 1)) != 0 || align > PAGE_SIZE_BYTES)
        return EINVAL;
    void* p = tn_libc_heap_alloc(size, align < HEAP_ALIGN ? HEAP_ALIGN : align);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
