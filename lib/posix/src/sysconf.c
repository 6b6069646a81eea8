/*
 * lib/posix: sysconf().
 *
 * Options report the _POSIX_* macros of <unistd.h> (lib/newlib's
 * sys/features.h), so the two cannot disagree; an option this image lacks
 * gives -1 with errno unchanged, as POSIX asks. Limits report the values
 * lib/posix and the scheduler are configured with; a limit the image does not
 * bound (argument size, unnamed semaphores) gives -1 with errno unchanged
 * ("indeterminate"). A name newlib's <sys/unistd.h> does not define gives -1
 * with errno EINVAL.
 */
#include <errno.h>
#include <limits.h>
#include <mqueue.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>

#include <tn/sched.h>


#define PAGE_BYTES 4096L

#ifdef CONFIG_TN_MAX_CPUS
#define CPUS_CONF CONFIG_TN_MAX_CPUS
#else
#define CPUS_CONF 1
#endif

long sysconf(int name) {
    switch (name) {
    case _SC_CLK_TCK: return CLK_TCK;
    case _SC_PAGESIZE: return PAGE_BYTES;
    case _SC_NPROCESSORS_CONF: return CPUS_CONF;
    case _SC_NPROCESSORS_ONLN: return (long)tn_sched_cpus_online();
    case _SC_OPEN_MAX: return OPEN_MAX;  /* <limits.h>; only the console's 0-2 can be open */
    case _SC_VERSION: return _POSIX_VERSION;

#ifdef _POSIX_PRIORITY_SCHEDULING
    case _SC_PRIORITY_SCHEDULING: return _POSIX_PRIORITY_SCHEDULING;
#endif
#ifdef _POSIX_MEMLOCK
    case _SC_MEMLOCK: return _POSIX_MEMLOCK;
#endif
#ifdef _POSIX_MEMLOCK_RANGE
    case _SC_MEMLOCK_RANGE: return _POSIX_MEMLOCK_RANGE;
#endif

    /* Threads (<pthread.h>). */
#ifdef _POSIX_THREADS
    case _SC_THREADS: return _POSIX_THREADS;
#endif
#ifdef _POSIX_THREAD_ATTR_STACKADDR
    case _SC_THREAD_ATTR_STACKADDR: return _POSIX_THREAD_ATTR_STACKADDR;
#endif
#ifdef _POSIX_THREAD_ATTR_STACKSIZE
    case _SC_THREAD_ATTR_STACKSIZE: return _POSIX_THREAD_ATTR_STACKSIZE;
#endif
#ifdef _POSIX_THREAD_PRIORITY_SCHEDULING
    case _SC_THREAD_PRIORITY_SCHEDULING: return _POSIX_THREAD_PRIORITY_SCHEDULING;
#endif
#ifdef _POSIX_THREAD_PRIO_INHERIT
    case _SC_THREAD_PRIO_INHERIT: return _POSIX_THREAD_PRIO_INHERIT;
#endif
#ifdef _POSIX_THREAD_PRIO_PROTECT
    case _SC_THREAD_PRIO_PROTECT: return _POSIX_THREAD_PRIO_PROTECT;
#endif
#ifdef _POSIX_THREAD_SAFE_FUNCTIONS
    case _SC_THREAD_SAFE_FUNCTIONS: return _POSIX_THREAD_SAFE_FUNCTIONS;
#endif
    case _SC_THREAD_KEYS_MAX: return PTHREAD_KEYS_MAX;
    case _SC_THREAD_STACK_MIN: return PTHREAD_STACK_MIN;
    case _SC_THREAD_DESTRUCTOR_ITERATIONS: return PTHREAD_DESTRUCTOR_ITERATIONS;
    /* The scheduler's stack slots, main's and the idle threads' included. */
    case _SC_THREAD_THREADS_MAX: return CONFIG_LIBSCHED_MAX_THREADS;

    /* Semaphores, message queues, timers, clocks. */
#ifdef _POSIX_SEMAPHORES
    case _SC_SEMAPHORES: return _POSIX_SEMAPHORES;
#endif
    case _SC_SEM_VALUE_MAX: return SEM_VALUE_MAX;
    case _SC_SEM_NSEMS_MAX: return -1;  /* unnamed semaphores only, as many as memory holds */
#ifdef _POSIX_MESSAGE_PASSING
    case _SC_MESSAGE_PASSING: return _POSIX_MESSAGE_PASSING;
#endif
    case _SC_MQ_OPEN_MAX: return CONFIG_LIBPOSIX_MQ_OPEN_MAX;
    case _SC_MQ_PRIO_MAX: return MQ_PRIO_MAX;
#ifdef _POSIX_TIMERS
    case _SC_TIMERS: return _POSIX_TIMERS;
#endif
    case _SC_TIMER_MAX: return CONFIG_LIBPOSIX_TIMER_MAX;
    case _SC_DELAYTIMER_MAX: return INT_MAX;  /* timer_getoverrun() saturates there */
#ifdef _POSIX_MONOTONIC_CLOCK
    case _SC_MONOTONIC_CLOCK: return _POSIX_MONOTONIC_CLOCK;
#endif
#ifdef _POSIX_CLOCK_SELECTION
    case _SC_CLOCK_SELECTION: return _POSIX_CLOCK_SELECTION;
#endif
#ifdef _POSIX_TIMEOUTS
    case _SC_TIMEOUTS: return _POSIX_TIMEOUTS;
#endif
#ifdef _POSIX_BARRIERS
    case _SC_BARRIERS: return _POSIX_BARRIERS;
#endif
#ifdef _POSIX_SPIN_LOCKS
    case _SC_SPIN_LOCKS: return _POSIX_SPIN_LOCKS;
#endif
#ifdef _POSIX_READER_WRITER_LOCKS
    case _SC_READER_WRITER_LOCKS: return _POSIX_READER_WRITER_LOCKS;
#endif

    default:
        break;
    }
    /* Options and limits newlib names that this image does not provide or
     * bound (realtime signals, processes, shared memory, ...). */
    if (name >= 0 && name <= _SC_POSIX_26_VERSION)
        return -1;
    errno = EINVAL;
    return -1;
}
