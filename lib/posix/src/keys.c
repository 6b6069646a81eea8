/*
 * lib/posix: thread-specific data. A key is an index into every thread's
 * array of PTHREAD_KEYS_MAX values: the threads of pthread_create() keep
 * theirs in their entry frame (thread.c), adopted threads get one of
 * POSIX_ADOPTED_KEY_BLOCKS static arrays at their first
 * pthread_setspecific(). pthread_getspecific() is two loads after the
 * record lookup, with no lock.
 */
#include <errno.h>
#include <string.h>

#include "thread_impl.h"

extern unsigned tn_posix_threads_used;

static struct {
    uint8_t used;
    void (*destructor)(void*);
} g_keys[PTHREAD_KEYS_MAX];

static void* g_blocks[POSIX_ADOPTED_KEY_BLOCKS][PTHREAD_KEYS_MAX];
static uint8_t g_block_used[POSIX_ADOPTED_KEY_BLOCKS];

int pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
    if (!key)
        return EINVAL;
    tn_posix_lock();
    unsigned k = 0;
    while (k < PTHREAD_KEYS_MAX && g_keys[k].used)
        ++k;
    if (k == PTHREAD_KEYS_MAX) {
        tn_posix_unlock();
        return EAGAIN;
    }
    g_keys[k].used = 1;
    g_keys[k].destructor = destructor;
    /* A new key reads NULL in every thread, whatever a deleted key of the
     * same index left behind. */
    for (unsigned i = 0; i < tn_posix_threads_used; ++i) {
        struct posix_thread* r = &tn_posix_threads[i];
        void** values = __atomic_load_n(&r->keys, __ATOMIC_ACQUIRE);
        if (r->magic == POSIX_THREAD_MAGIC && values)
            values[k] = 0;
    }
    tn_posix_unlock();
    *key = k;
    return 0;
}

/* Destructors are not called (POSIX): the values are left to the application. */
int pthread_key_delete(pthread_key_t key) {
    if (key >= PTHREAD_KEYS_MAX)
        return EINVAL;
    tn_posix_lock();
    int rc = 0;
    if (!g_keys[key].used) {
        rc = EINVAL;
    } else {
        g_keys[key].used = 0;
        g_keys[key].destructor = 0;
    }
    tn_posix_unlock();
    return rc;
}

void* pthread_getspecific(pthread_key_t key) {
    struct posix_thread* r = (struct posix_thread*)*tn_thread_slot(tn_thread_current(), TN_THREAD_SLOT_POSIX);
    if (!r || key >= PTHREAD_KEYS_MAX || !r->keys)
        return 0;
    return r->keys[key];
}

int pthread_setspecific(pthread_key_t key, const void* value) {
    if (key >= PTHREAD_KEYS_MAX || !__atomic_load_n(&g_keys[key].used, __ATOMIC_RELAXED))
        return EINVAL;
    struct posix_thread* r = tn_posix_self();
    if (__builtin_expect(!r->keys, 0)) {
        if (!r->adopted || !r->magic)
            return ENOMEM;  /* the pool-less fallback record of tn_posix_adopt() */
        tn_posix_lock();
        unsigned b = 0;
        while (b < POSIX_ADOPTED_KEY_BLOCKS && g_block_used[b])
            ++b;
        if (b < POSIX_ADOPTED_KEY_BLOCKS) {
            g_block_used[b] = 1;
            memset(g_blocks[b], 0, sizeof g_blocks[b]);
            r->key_block = (uint8_t)(b + 1);
            __atomic_store_n(&r->keys, g_blocks[b], __ATOMIC_RELEASE);
        }
        tn_posix_unlock();
        if (!r->keys)
            return ENOMEM;
    }
    r->keys[key] = (void*)value;
    return 0;
}

void tn_posix_release_key_block(struct posix_thread* r) {
    if (r->key_block) {
        g_block_used[r->key_block - 1] = 0;
        r->key_block = 0;
        __atomic_store_n(&r->keys, (void**)0, __ATOMIC_RELAXED);
    }
}

void tn_posix_run_destructors(struct posix_thread* r) {
    void** values = r->keys;
    if (!values)
        return;
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; ++round) {
        int called = 0;
        for (unsigned k = 0; k < PTHREAD_KEYS_MAX; ++k) {
            void* value = values[k];
            if (!value)
                continue;
            void (*destructor)(void*) = 0;
            tn_posix_lock();
            if (g_keys[k].used)
                destructor = g_keys[k].destructor;
            tn_posix_unlock();
            if (!destructor)
                continue;
            values[k] = 0;
            destructor(value);
            called = 1;
        }
        if (!called)
            break;
    }
}
