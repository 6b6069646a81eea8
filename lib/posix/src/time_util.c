/* lib/posix: absolute timeouts to the relative ones of lib/sync, and the
 * set-up of modules' static mutexes. */
#include "posix_impl.h"

int tn_posix_until(clockid_t clock, const struct timespec* abstime, uint64_t* rel_ns) {
    if (!abstime || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L || abstime->tv_sec < 0)
        return EINVAL;
    struct timespec now;
    if (clock_gettime(clock, &now) != 0)
        return EINVAL;
    if ((uint64_t)abstime->tv_sec >= UINT64_MAX / 1000000000u - 1) {
        *rel_ns = UINT64_MAX;  /* centuries away: TN_FOREVER */
        return 0;
    }
    uint64_t deadline = (uint64_t)abstime->tv_sec * 1000000000u + (uint64_t)abstime->tv_nsec;
    uint64_t current = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
    *rel_ns = deadline > current ? deadline - current : 0;
    return 0;
}

void tn_posix_static_mutex(tn_mutex_t* mutex, int* state) {
    if (__atomic_load_n(state, __ATOMIC_ACQUIRE) == 2)
        return;
    int expected = 0;
    if (__atomic_compare_exchange_n(state, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        tn_mutex_init(mutex);
        __atomic_store_n(state, 2, __ATOMIC_RELEASE);
        return;
    }
    while (__atomic_load_n(state, __ATOMIC_ACQUIRE) != 2)
        tn_thread_sleep_ns(1000);  /* the thread setting it up may have a lower priority */
}
