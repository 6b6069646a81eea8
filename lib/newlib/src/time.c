/*
 * Clocks and sleeps: CLOCK_MONOTONIC is Tenon's monotonic clock (the generic
 * counter in ns since boot); CLOCK_REALTIME is it plus an offset that starts
 * at 0 (1970-01-01 at boot: Tenon reads no RTC) and clock_settime() or
 * settimeofday() set. Sleeps are Tenon thread sleeps; nothing interrupts
 * them (no signals), so the remaining time reported is always 0.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#include <tn/sched.h>

#include "libc_impl.h"


#define NS_PER_S 1000000000ull

static uint64_t g_realtime_offset_ns;  /* written by clock_settime(), read anywhere */

uint64_t tn_libc_realtime_offset_ns(void) { return __atomic_load_n(&g_realtime_offset_ns, __ATOMIC_RELAXED); }

static int valid(const struct timespec* ts) { return ts && ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (long)NS_PER_S; }

/* Saturates instead of wrapping: a time centuries away is "forever". */
static uint64_t to_ns(const struct timespec* ts) {
    if ((uint64_t)ts->tv_sec >= UINT64_MAX / NS_PER_S - 1)
        return UINT64_MAX;
    return (uint64_t)ts->tv_sec * NS_PER_S + (uint64_t)ts->tv_nsec;
}

static void from_ns(uint64_t ns, struct timespec* ts) {
    ts->tv_sec = (time_t)(ns / NS_PER_S);
    ts->tv_nsec = (long)(ns % NS_PER_S);
}

int clock_gettime(clockid_t clock, struct timespec* ts) {
    if (!ts) {
        errno = EINVAL;
        return -1;
    }
    uint64_t now = tn_libc_monotonic_ns();
    if (clock == CLOCK_REALTIME)
        now += tn_libc_realtime_offset_ns();
    else if (clock != CLOCK_MONOTONIC) {
        errno = EINVAL;
        return -1;
    }
    from_ns(now, ts);
    return 0;
}

int clock_settime(clockid_t clock, const struct timespec* ts) {
    if (clock != CLOCK_REALTIME || !valid(ts)) {
        /* CLOCK_MONOTONIC cannot be set: EINVAL, as POSIX says. */
        errno = EINVAL;
        return -1;
    }
    /* Setting a time before boot would need a negative offset: refused. */
    uint64_t want = to_ns(ts), now = tn_libc_monotonic_ns();
    if (want < now) {
        errno = EINVAL;
        return -1;
    }
    __atomic_store_n(&g_realtime_offset_ns, want - now, __ATOMIC_RELAXED);
    return 0;
}

int clock_getres(clockid_t clock, struct timespec* res) {
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) {
        errno = EINVAL;
        return -1;
    }
    if (res) {
        uint64_t hz = tn_libc_counter_hz();
        uint64_t ns = hz ? (NS_PER_S + hz - 1) / hz : 1;
        from_ns(ns, res);
    }
    return 0;
}

/* Sleeps until monotonic time @deadline. Tenon's sleep fails only in an
 * interrupt handler, where the C library is never called. */
static int sleep_until(uint64_t deadline) { return tn_thread_sleep_until(deadline) == 0 ? 0 : EPERM; }

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* rqtp, struct timespec* rmtp) {
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    if (!valid(rqtp))
        return EINVAL;
    uint64_t req = to_ns(rqtp);
    if (flags & TIMER_ABSTIME) {
        /* An absolute time on CLOCK_REALTIME is converted with the offset at
         * the call; a later clock_settime() does not move the wake-up. */
        if (clock == CLOCK_REALTIME) {
            uint64_t off = tn_libc_realtime_offset_ns();
            req = req > off ? req - off : 0;
        }
        return sleep_until(req);
    }
    uint64_t now = tn_libc_monotonic_ns();
    int rc = sleep_until(req > UINT64_MAX - now ? UINT64_MAX : now + req);
    if (rc == 0 && rmtp) {
        rmtp->tv_sec = 0;
        rmtp->tv_nsec = 0;
    }
    return rc;
}

int nanosleep(const struct timespec* rqtp, struct timespec* rmtp) {
    int rc = clock_nanosleep(CLOCK_MONOTONIC, 0, rqtp, rmtp);
    if (rc) {
        errno = rc;
        return -1;
    }
    return 0;
}

int _gettimeofday(struct timeval* tv, void* tz) {
    (void)tz;  /* obsolete; newlib's own time zone rules apply */
    if (tv) {
        uint64_t now = tn_libc_monotonic_ns() + tn_libc_realtime_offset_ns();
        tv->tv_sec = (time_t)(now / NS_PER_S);
        tv->tv_usec = (suseconds_t)(now % NS_PER_S / 1000u);
    }
    return 0;
}

int settimeofday(const struct timeval* tv, const struct timezone* tz) {
    (void)tz;
    if (!tv || tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
        errno = EINVAL;
        return -1;
    }
    struct timespec ts = {tv->tv_sec, tv->tv_usec * 1000};
    return clock_settime(CLOCK_REALTIME, &ts);
}

/* times(): the elapsed time since boot in CLOCKS_PER_SEC ticks, counted as
 * the program's user time (the one program has had every CPU cycle that
 * interrupt handlers and idle did not take; Tenon does not split them). */
clock_t _times(struct tms* buf) {
    clock_t ticks = (clock_t)(tn_libc_monotonic_ns() / (NS_PER_S / CLOCKS_PER_SEC));
    if (buf) {
        buf->tms_utime = ticks;
        buf->tms_stime = 0;
        buf->tms_cutime = 0;
        buf->tms_cstime = 0;
    }
    return ticks;
}
