/*
 * lib/posix: thread attributes. Defaults (docs/posix.md): joinable,
 * PTHREAD_INHERIT_SCHED, SCHED_FIFO, system scope, a Tenon stack of
 * CONFIG_LIBSCHED_DEFAULT_STACK_SIZE bytes, a guard of one page. A pthread_attr_t
 * that pthread_attr_init() did not set up, or one destroyed, gets EINVAL.
 */
#include <errno.h>

#include "thread_impl.h"

#define PAGE 4096u

/* The largest stack of a thread on a Tenon stack: the stack window slot
 * less its guard page, the Thread control block (at most 1 KiB) and the
 * entry frame that keeps the key values (thread.c). */
#define STACK_MAX ((size_t)CONFIG_LIBSCHED_STACK_SLOT_SIZE - PAGE - 1024 - PTHREAD_KEYS_MAX * sizeof(void*) - 512)

#define CHECK_ATTR(a)                                                    \
    do {                                                                 \
        if (!(a) || (a)->__initialized != POSIX_ATTR_MAGIC)              \
            return EINVAL;                                               \
    } while (0)

int pthread_attr_init(pthread_attr_t* attr) {
    if (!attr)
        return EINVAL;
    attr->__initialized = POSIX_ATTR_MAGIC;
    attr->__detachstate = PTHREAD_CREATE_JOINABLE;
    attr->__inheritsched = PTHREAD_INHERIT_SCHED;
    attr->__schedpolicy = SCHED_FIFO;
    attr->__schedparam.sched_priority = CONFIG_LIBSCHED_MAIN_PRIORITY > 0 ? CONFIG_LIBSCHED_MAIN_PRIORITY : 1;
    attr->__contentionscope = PTHREAD_SCOPE_SYSTEM;
    attr->__stackaddr = 0;
    attr->__stacksize = CONFIG_LIBSCHED_DEFAULT_STACK_SIZE;
    attr->__guardsize = PAGE;
    return 0;
}

int pthread_attr_destroy(pthread_attr_t* attr) {
    CHECK_ATTR(attr);
    attr->__initialized = 0;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t* attr, int* detachstate) {
    CHECK_ATTR(attr);
    if (!detachstate)
        return EINVAL;
    *detachstate = attr->__detachstate;
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t* attr, int detachstate) {
    CHECK_ATTR(attr);
    if (detachstate != PTHREAD_CREATE_JOINABLE && detachstate != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    attr->__detachstate = detachstate;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t* attr, size_t* stacksize) {
    CHECK_ATTR(attr);
    if (!stacksize)
        return EINVAL;
    *stacksize = attr->__stacksize;
    return 0;
}

int pthread_attr_setstacksize(pthread_attr_t* attr, size_t stacksize) {
    CHECK_ATTR(attr);
    if (stacksize < PTHREAD_STACK_MIN || stacksize > STACK_MAX)
        return EINVAL;
    attr->__stacksize = stacksize;
    return 0;
}

/* The stack address names the lowest byte of the stack, as for
 * pthread_attr_setstack(); its size is the stacksize attribute. The thread
 * then runs on that stack (thread.c). */
int pthread_attr_getstackaddr(const pthread_attr_t* attr, void** stackaddr) {
    CHECK_ATTR(attr);
    if (!stackaddr)
        return EINVAL;
    *stackaddr = attr->__stackaddr;
    return 0;
}

int pthread_attr_setstackaddr(pthread_attr_t* attr, void* stackaddr) {
    CHECK_ATTR(attr);
    attr->__stackaddr = stackaddr;
    return 0;
}

int pthread_attr_getstack(const pthread_attr_t* attr, void** stackaddr, size_t* stacksize) {
    CHECK_ATTR(attr);
    if (!stackaddr || !stacksize)
        return EINVAL;
    *stackaddr = attr->__stackaddr;
    *stacksize = attr->__stacksize;
    return 0;
}

/* The stack must be 16-byte aligned at both ends (AArch64's SP alignment). */
int pthread_attr_setstack(pthread_attr_t* attr, void* stackaddr, size_t stacksize) {
    CHECK_ATTR(attr);
    if (stacksize < PTHREAD_STACK_MIN || !stackaddr || ((uintptr_t)stackaddr & 15) || (stacksize & 15) ||
        (uintptr_t)stackaddr + stacksize < (uintptr_t)stackaddr)
        return EINVAL;
    attr->__stackaddr = stackaddr;
    attr->__stacksize = stacksize;
    return 0;
}

/* Recorded and reported. A Tenon stack always has an unmapped guard of at
 * least one page (the rest of its stack window slot); a caller-provided
 * stack has none, as POSIX allows. */
int pthread_attr_getguardsize(const pthread_attr_t* attr, size_t* guardsize) {
    CHECK_ATTR(attr);
    if (!guardsize)
        return EINVAL;
    *guardsize = attr->__guardsize;
    return 0;
}

int pthread_attr_setguardsize(pthread_attr_t* attr, size_t guardsize) {
    CHECK_ATTR(attr);
    attr->__guardsize = guardsize;
    return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t* attr, int* inheritsched) {
    CHECK_ATTR(attr);
    if (!inheritsched)
        return EINVAL;
    *inheritsched = attr->__inheritsched;
    return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t* attr, int inheritsched) {
    CHECK_ATTR(attr);
    if (inheritsched != PTHREAD_INHERIT_SCHED && inheritsched != PTHREAD_EXPLICIT_SCHED)
        return EINVAL;
    attr->__inheritsched = inheritsched;
    return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t* attr, int* policy) {
    CHECK_ATTR(attr);
    if (!policy)
        return EINVAL;
    *policy = attr->__schedpolicy;
    return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t* attr, int policy) {
    CHECK_ATTR(attr);
    if (tn_posix_prio_min(policy) < 0)
        return EINVAL;
    attr->__schedpolicy = policy;
    return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t* attr, struct sched_param* param) {
    CHECK_ATTR(attr);
    if (!param)
        return EINVAL;
    *param = attr->__schedparam;
    return 0;
}

/* Any priority of some policy (0 to the top Tenon priority): the policy may
 * be set afterwards. pthread_create() with PTHREAD_EXPLICIT_SCHED checks the
 * pair and fails with EINVAL. */
int pthread_attr_setschedparam(pthread_attr_t* attr, const struct sched_param* param) {
    CHECK_ATTR(attr);
    if (!param || param->sched_priority < 0 || param->sched_priority >= (int)tn_sched_priorities())
        return EINVAL;
    attr->__schedparam = *param;
    return 0;
}

int pthread_attr_getscope(const pthread_attr_t* attr, int* contentionscope) {
    CHECK_ATTR(attr);
    if (!contentionscope)
        return EINVAL;
    *contentionscope = attr->__contentionscope;
    return 0;
}

/* Every thread is scheduled by the kernel among all threads. */
int pthread_attr_setscope(pthread_attr_t* attr, int contentionscope) {
    CHECK_ATTR(attr);
    if (contentionscope == PTHREAD_SCOPE_PROCESS)
        return ENOTSUP;
    if (contentionscope != PTHREAD_SCOPE_SYSTEM)
        return EINVAL;
    attr->__contentionscope = contentionscope;
    return 0;
}
