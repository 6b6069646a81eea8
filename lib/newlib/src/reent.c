/*
 * Per-thread C library state. newlib and its users are built with
 * __DYNAMIC_REENT__, so errno, strtok's and the conversion routines' state
 * are reached through __getreent(). Each Tenon thread gets its own struct
 * _reent on its first call, kept in the thread's TN_THREAD_SLOT_LIBC slot and
 * freed when the thread exits. stdin, stdout and stderr are one FILE each for
 * the whole image (newlib is built with global stdio streams).
 */
#include <reent.h>
#include <stdio.h>
#include <string.h>

#include <tn/sched.h>

#include "libc_impl.h"

void __sinit(struct _reent* r);  /* newlib's stdio set-up (stdio/local.h) */

static struct _reent* new_reent(void** slot) {
    struct _reent* r = tn_libc_heap_alloc(sizeof *r, 16);
    if (!r)
        return _impure_ptr;  /* out of memory: share the boot state rather than fail */
    _REENT_INIT_PTR(r);
    *slot = r;
    return r;
}

struct _reent* __getreent(void) {
    if (tn_sched_in_isr())
        return _impure_ptr;
    tn_thread_t* self = tn_thread_current();
    if (!self)
        return _impure_ptr;  /* before the scheduler runs */
    void** slot = tn_thread_slot(self, TN_THREAD_SLOT_LIBC);
    struct _reent* r = *slot;
    return __builtin_expect(r != NULL, 1) ? r : new_reent(slot);
}

static void reclaim(tn_thread_t* thread) {
    void** slot = tn_thread_slot(thread, TN_THREAD_SLOT_LIBC);
    struct _reent* r = *slot;
    if (!r)
        return;
    _reclaim_reent(r);
    *slot = NULL;
    (void)tn_libc_heap_free(r);
}

/* Called once at boot (bridge.cpp's init function). */
int tn_libc_reent_init(void) {
    /* The image's one set of std streams, and exit()'s flush of them. */
    __sinit(_GLOBAL_REENT);
    return tn_sched_add_exit_hook(reclaim);
}
