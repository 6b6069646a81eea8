/**
 * @file
 * @brief Codes shared by Tenon's C interfaces (tn/sched.h, tn/sync.h, tn/ivc_ring.h, tn/ivc.h): the two
 * special timeouts and the error numbers that their functions return negated.
 *
 * Defined once here so that a program including several C headers sees one
 * definition of each. The C++ interfaces report the same conditions as enum
 * values (tn::sched::Error); the mapping is in each C header's table.
 */
#ifndef TN_ERRNO_H
#define TN_ERRNO_H

#include <stdint.h>

/** Timeout that never blocks: the call fails with -TN_EAGAIN instead of waiting. */
#define TN_NO_WAIT ((uint64_t)0)
/** Timeout that never expires. */
#define TN_FOREVER (~(uint64_t)0)

/* Linux errno values where one fits; TN_EINISR and TN_EBADSTATE are Tenon's. */
/** The caller does not own the mutex (Linux EPERM). */
#define TN_EPERM 1
/** No such object, e.g. no channel of that name (Linux ENOENT). */
#define TN_ENOENT 2
/** The hypervisor answered with an unexpected error (Linux EIO). */
#define TN_EIO 5
/** TN_NO_WAIT given and the call would block (Linux EAGAIN). */
#define TN_EAGAIN 11
/** Out of memory or stack slots (Linux ENOMEM). */
#define TN_ENOMEM 12
/** Access refused, e.g. a ring call on a read-only channel (Linux EACCES). */
#define TN_EACCES 13
/** The resource is taken, e.g. an interrupt with a handler (Linux EBUSY). */
#define TN_EBUSY 16
/** No usable device description (Linux ENODEV). */
#define TN_ENODEV 19
/** Invalid argument (Linux EINVAL). */
#define TN_EINVAL 22
/** The call would deadlock (Linux EDEADLK). */
#define TN_EDEADLK 35
/** The shared ring speaks another version or size (Linux EPROTO). */
#define TN_EPROTO 71
/** Bad message: the peer corrupted a shared ring (Linux EBADMSG). */
#define TN_EBADMSG 74
/** A counter would exceed its limit (Linux EOVERFLOW). */
#define TN_EOVERFLOW 75
/** The message is too large for the ring (Linux EMSGSIZE). */
#define TN_EMSGSIZE 90
/** The peer reset its end of a shared ring (Linux ECONNRESET). */
#define TN_ECONNRESET 104
/** The buffer is too small for the message (Linux ENOBUFS). */
#define TN_ENOBUFS 105
/** The shared region is not formatted yet (Linux ENOTCONN). */
#define TN_ENOTCONN 107
/** The timeout passed first (Linux ETIMEDOUT). */
#define TN_ETIMEDOUT 110
/** A call that may block, made from an interrupt handler (Tenon's own). */
#define TN_EINISR 1000
/** The thread is not in a state the call applies to (Tenon's own). */
#define TN_EBADSTATE 1001

#endif /* TN_ERRNO_H */
