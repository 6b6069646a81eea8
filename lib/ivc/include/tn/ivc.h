/**
 * @file
 * @brief C interface to inter-VM channels of a Tenon guest of Mortise
 * (CONFIG_LIBIVC_CHANNEL).
 *
 * tn/ivc.hpp explains the calls and docs/ivc.md is the guide; each function
 * here forwards to the tn::ivc::Endpoint method of the same name. A
 * tn_ivc_ch_t is a plain struct of the right size and alignment, opaque to C:
 * zero it (a static one is), then tn_ivc_ch_open(). Timeouts are relative, in
 * nanoseconds: TN_NO_WAIT, TN_FOREVER or between. Every function returns 0
 * (or a count) or a negative error code:
 *
 * | code            | meaning (C++ tn::ivc::EndpointError) |
 * |-----------------|--------------------------------------|
 * | -TN_ENOENT      | no channel of that name in the device tree (NotFound) |
 * | -TN_ENODEV      | no device tree, or the channel's node is malformed (BadDeviceTree) |
 * | -TN_ENOMEM      | the doorbell page or shared memory could not be mapped (MapFailed) |
 * | -TN_EBUSY       | the doorbell interrupt is taken (IrqFailed), or the channel is already open (AlreadyOpen) |
 * | -TN_EBADSTATE   | the channel is not open (NotOpen) |
 * | -TN_EACCES      | no ring: a read-only member or more than two members (NoRing) |
 * | -TN_EPROTO      | the region holds another ring format (Incompatible) |
 * | -TN_ETIMEDOUT   | the timeout passed first (Timeout) |
 * | -TN_EAGAIN      | TN_NO_WAIT and the call would have waited (WouldBlock) |
 * | -TN_EMSGSIZE    | the message is larger than tn_ivc_ch_max_message() (TooBig) |
 * | -TN_ENOBUFS     | the next message is larger than the buffer; it stays queued (BufferTooSmall) |
 * | -TN_ECONNRESET  | the peer restarted or reset, reported once; the call did nothing else (PeerReset) |
 * | -TN_EBADMSG     | the peer corrupted the ring; sticky until tn_ivc_ch_reset() (Corrupt) |
 * | -TN_EINVAL      | an invalid argument (InvalidArgument) |
 * | -TN_EPERM       | Mortise denied the hypercall: not a member (Denied) |
 * | -TN_EIO         | Mortise answered the hypercall with another error (HypercallFailed) |
 *
 * Context: threads only; one thread at a time sends, one receives, one waits
 * (tn/ivc.hpp).
 */
#ifndef TN_IVC_H
#define TN_IVC_H

#include <stddef.h>
#include <stdint.h>

#include <tn/errno.h>
#include <tn/ivc_ring.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Storage of one channel end (tn::ivc::Endpoint); zero before tn_ivc_ch_open(). */
typedef struct tn_ivc_ch { uint64_t opaque[48]; /**< Opaque. */ } tn_ivc_ch_t;

/** This member's view of a channel (tn::ivc::ChannelInfo). */
typedef struct tn_ivc_ch_info {
    uint32_t member;        /**< This guest's member index. */
    uint32_t members;       /**< How many guests share the channel. */
    uint32_t peers_running; /**< Bit i set while member i is running or paused. */
} tn_ivc_ch_info_t;

/** tn_ivc_ch_set_doorbell(): ring through the ivc.notify hypercall (default). */
#define TN_IVC_DOORBELL_HYPERCALL 0
/** tn_ivc_ch_set_doorbell(): ring through the doorbell page's RING register. */
#define TN_IVC_DOORBELL_MMIO 1

/**
 * Opens the channel named @p name: maps it, registers its doorbell, formats
 * (member 0) or attaches to (member 1) the ring and rings the peers.
 * @param ch zeroed storage.
 * @param name the channel name (its device-tree node's label).
 * @param timeout_ns how long member 1 waits for member 0 to format the region.
 * @retval 0 open.
 * @retval -TN_ENOENT -TN_ENODEV -TN_ENOMEM -TN_EBUSY -TN_EPROTO -TN_ETIMEDOUT see the table.
 */
int tn_ivc_ch_open(tn_ivc_ch_t *ch, const char *name, uint64_t timeout_ns);

/**
 * Sends one message, waiting up to @p timeout_ns for room, then rings the peer.
 * @param ch the channel.
 * @param data the payload.
 * @param size payload bytes.
 * @param type the type tag, not 0xffffffff.
 * @param timeout_ns relative timeout.
 * @retval 0 sent.
 * @retval -TN_ETIMEDOUT -TN_EAGAIN -TN_EMSGSIZE -TN_ECONNRESET -TN_EBADMSG -TN_EINVAL -TN_EACCES see the table.
 */
int tn_ivc_ch_send(tn_ivc_ch_t *ch, const void *data, uint32_t size, uint32_t type, uint64_t timeout_ns);

/**
 * Receives the oldest message into @p buf, waiting up to @p timeout_ns for one.
 * @param ch the channel.
 * @param buf the buffer.
 * @param cap bytes of @p buf.
 * @param msg receives the message (pointing into @p buf); may be NULL.
 * @param timeout_ns relative timeout.
 * @retval 0 a message.
 * @retval -TN_ETIMEDOUT -TN_EAGAIN -TN_ENOBUFS -TN_ECONNRESET -TN_EBADMSG -TN_EACCES see the table.
 */
int tn_ivc_ch_recv(tn_ivc_ch_t *ch, void *buf, size_t cap, tn_ivc_msg_t *msg, uint64_t timeout_ns);

/**
 * Reserves room for a message of @p size bytes in the shared memory (zero
 * copy), waiting up to @p timeout_ns; tn_ivc_ch_commit() sends it.
 * @param ch the channel.
 * @param size payload bytes.
 * @param data receives where to write the payload.
 * @param timeout_ns relative timeout.
 * @retval 0 reserved.
 * @retval -TN_ETIMEDOUT -TN_EAGAIN -TN_EMSGSIZE -TN_ECONNRESET -TN_EBADMSG -TN_EACCES see the table.
 */
int tn_ivc_ch_reserve(tn_ivc_ch_t *ch, uint32_t size, void **data, uint64_t timeout_ns);

/**
 * Publishes the reserved message and rings the peer.
 * @param ch the channel.
 * @param size payload bytes, at most the reserved size.
 * @param type the type tag, not 0xffffffff.
 * @retval 0 sent.
 * @retval -TN_EINVAL -TN_EBADMSG -TN_EACCES see the table.
 */
int tn_ivc_ch_commit(tn_ivc_ch_t *ch, uint32_t size, uint32_t type);

/**
 * The oldest message in place (zero copy), waiting up to @p timeout_ns; it
 * stays queued until tn_ivc_ch_release().
 * @param ch the channel.
 * @param msg receives the message.
 * @param timeout_ns relative timeout.
 * @retval 0 a message.
 * @retval -TN_ETIMEDOUT -TN_EAGAIN -TN_ECONNRESET -TN_EBADMSG -TN_EACCES see the table.
 */
int tn_ivc_ch_peek(tn_ivc_ch_t *ch, tn_ivc_msg_t *msg, uint64_t timeout_ns);

/**
 * Drops the message tn_ivc_ch_peek() returned; rings the peer when it may
 * wait for room.
 * @param ch the channel.
 * @retval 0 done.
 * @retval -TN_EBADMSG -TN_EACCES see the table.
 */
int tn_ivc_ch_release(tn_ivc_ch_t *ch);

/**
 * Recovers from -TN_EBADMSG or restarts the conversation (member 0 formats a
 * region whose header was overwritten); rings the peers.
 * @param ch the channel.
 * @retval 0 done.
 * @retval -TN_EACCES -TN_EBADSTATE see the table.
 */
int tn_ivc_ch_reset(tn_ivc_ch_t *ch);

/**
 * Waits up to @p timeout_ns for a doorbell; returns at once when one came
 * since the last call returned.
 * @param ch the channel.
 * @param timeout_ns relative timeout.
 * @retval 0 a doorbell.
 * @retval -TN_ETIMEDOUT -TN_EAGAIN -TN_EBADSTATE see the table.
 */
int tn_ivc_ch_wait(tn_ivc_ch_t *ch, uint64_t timeout_ns);

/**
 * Rings members @p members (bit i: member i; 0: every other member) the way
 * tn_ivc_ch_set_doorbell() chose.
 * @param ch the channel.
 * @param members the member mask.
 * @retval 0 rung.
 * @retval -TN_EPERM -TN_EIO -TN_EINVAL -TN_EBADSTATE see the table.
 */
int tn_ivc_ch_notify(tn_ivc_ch_t *ch, uint64_t members);

/**
 * Chooses how the calls ring the peer.
 * @param ch the channel.
 * @param how TN_IVC_DOORBELL_HYPERCALL or TN_IVC_DOORBELL_MMIO.
 */
void tn_ivc_ch_set_doorbell(tn_ivc_ch_t *ch, int how);

/**
 * The shared memory, for raw access.
 * @param ch the channel.
 * @param size receives its bytes; may be NULL.
 * @return its address, NULL when the channel is not open.
 */
void *tn_ivc_ch_shm(tn_ivc_ch_t *ch, size_t *size);

/**
 * This member's index, the member count and who runs (the ivc.info hypercall).
 * @param ch the channel.
 * @param info receives the answer.
 * @retval 0 done.
 * @retval -TN_EPERM -TN_EIO -TN_EBADSTATE see the table.
 */
int tn_ivc_ch_info(tn_ivc_ch_t *ch, tn_ivc_ch_info_t *info);

/**
 * This member's ring generation (0 without a ring).
 * @param ch the channel.
 * @return the generation.
 */
uint32_t tn_ivc_ch_generation(tn_ivc_ch_t *ch);

/**
 * Largest message payload (0 without a ring).
 * @param ch the channel.
 * @return the bytes.
 */
uint32_t tn_ivc_ch_max_message(tn_ivc_ch_t *ch);

#ifdef __cplusplus
}
#endif

#endif /* TN_IVC_H */
