/*
 * lib/newlib's system layer: what its C sources (syscalls.c, malloc.c,
 * locks.c, reent.c, time.c) get from src/bridge.cpp, Tenon's C++ side.
 */
#ifndef TN_LIBC_IMPL_H
#define TN_LIBC_IMPL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* malloc's TLSF heap, grown from the page allocator. Any context but an
 * interrupt handler (newlib is never called from one). */
void* tn_libc_heap_alloc(size_t size, size_t align);   /* NULL when out of memory */
int tn_libc_heap_free(void* ptr);                      /* -1: not a live allocation */
void* tn_libc_heap_realloc(void* ptr, size_t size, int* bad_pointer);
size_t tn_libc_heap_usable(const void* ptr);           /* 0: not a live allocation */
struct tn_libc_heap_stats {
    size_t used_bytes;  /* payload of live allocations */
    size_t free_bytes;  /* free inside the pools */
    size_t pool_bytes;  /* taken from the page allocator */
};
void tn_libc_heap_stats(struct tn_libc_heap_stats* out);

void tn_libc_console_write(const char* s, size_t n);  /* LF as CR LF, whole */
int tn_libc_console_try_getc(void);                   /* -1: nothing waiting */
uint64_t tn_libc_monotonic_ns(void);                  /* tn::clock::now_ns() */
uint64_t tn_libc_counter_hz(void);
void tn_libc_power_off(int status) __attribute__((noreturn));

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, in ns (time.c). */
uint64_t tn_libc_realtime_offset_ns(void);

/* Boot-time set-up (reent.c): stdio streams, the thread-exit hook. */
int tn_libc_reent_init(void);

#ifdef __cplusplus
}
#endif

#endif /* TN_LIBC_IMPL_H */
