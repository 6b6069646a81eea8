/**
 * @file
 * @brief C interface to lib/ivc's shared-memory ring between guests.
 *
 * tn/ivc_ring.hpp explains the channel and docs/ivc-ring.md the byte format;
 * each function here forwards to the tn::ivc::Channel method of the same name.
 * Enable with CONFIG_LIBIVC.
 *
 * A tn_ivc_t is a plain struct of the right size and alignment, opaque to C;
 * tn_ivc_format() or tn_ivc_attach() sets it up. Nothing allocates or blocks.
 * Every function returns 0 (or a count) or a negative error code:
 *
 * | code            | meaning (C++ tn::ivc::Error) |
 * |-----------------|------------------------------|
 * | -TN_EAGAIN      | the sending ring is full (Full) or the receiving one empty (Empty) |
 * | -TN_EMSGSIZE    | the message is larger than tn_ivc_max_message() (TooBig) |
 * | -TN_ENOBUFS     | the next message is larger than the buffer; it stays queued (BufferTooSmall) |
 * | -TN_ECONNRESET  | the peer reset its end, reported once; the call did nothing else (PeerReset) |
 * | -TN_EBADMSG     | the peer wrote something impossible; sticky until tn_ivc_reset() (Corrupt) |
 * | -TN_ENOTCONN    | tn_ivc_attach(): the region is not formatted yet (NotFormatted) |
 * | -TN_EPROTO      | tn_ivc_attach(): another version or size (Incompatible) |
 * | -TN_EINVAL      | an invalid argument (InvalidArgument) |
 *
 * Context: as tn/ivc_ring.hpp: the sending calls from one context at a time,
 * the receiving calls from one context at a time.
 */
#ifndef TN_IVC_RING_H
#define TN_IVC_RING_H

#include <stddef.h>
#include <stdint.h>

#include <tn/errno.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Storage of one member's channel (tn::ivc::Channel); zero or set up by tn_ivc_format() / tn_ivc_attach(). */
typedef struct tn_ivc { uint64_t opaque[16]; /**< Opaque. */ } tn_ivc_t;

/** A received message (tn::ivc::Message). */
typedef struct tn_ivc_msg {
    const void *data; /**< The payload: in the region (tn_ivc_peek()) or the caller's buffer (tn_ivc_recv()). */
    uint32_t size;    /**< Payload bytes. */
    uint32_t type;    /**< The sender's type tag. */
} tn_ivc_msg_t;

/** Member A: formats the region, sends on ring 0. */
#define TN_IVC_SIDE_A 0
/** Member B: attaches, sends on ring 1. */
#define TN_IVC_SIDE_B 1

/**
 * Bytes of region tn_ivc_format() needs for rings of @p ring_bytes each.
 * @param ring_bytes data bytes per ring.
 * @return 0x140 + 2 * ring_bytes.
 */
size_t tn_ivc_region_size(uint32_t ring_bytes);

/**
 * Formats @p region as member A and attaches to it (tn::ivc::Channel::format).
 * @param ch the storage.
 * @param region the shared region, 64-byte aligned.
 * @param size bytes mapped.
 * @param ring_bytes data bytes per ring: a power of two, 64 to 2^30.
 * @retval 0 formatted and attached.
 * @retval -TN_EINVAL misaligned region, bad ring size, region too small.
 */
int tn_ivc_format(tn_ivc_t *ch, void *region, size_t size, uint32_t ring_bytes);

/**
 * Attaches to a formatted region as @p side (tn::ivc::Channel::attach); the
 * peer sees the new generation once.
 * @param ch the storage.
 * @param region the shared region, 64-byte aligned.
 * @param size bytes mapped.
 * @param side TN_IVC_SIDE_A or TN_IVC_SIDE_B.
 * @retval 0 attached.
 * @retval -TN_ENOTCONN not formatted yet.
 * @retval -TN_EPROTO another version, a bad ring size or a region larger than @p size.
 * @retval -TN_EINVAL misaligned region or a bad @p side.
 */
int tn_ivc_attach(tn_ivc_t *ch, void *region, size_t size, int side);

/**
 * Recovers from -TN_EBADMSG or restarts the conversation (tn::ivc::Channel::reset):
 * drops what waits in the receiving ring, bumps this member's generation.
 * @param ch an attached channel.
 */
void tn_ivc_reset(tn_ivc_t *ch);

/**
 * Copies one message into the sending ring.
 * @param ch the channel.
 * @param data the payload.
 * @param size payload bytes, at most tn_ivc_max_message().
 * @param type the type tag, not 0xffffffff.
 * @retval 0 sent.
 * @retval -TN_EAGAIN -TN_EMSGSIZE -TN_ECONNRESET -TN_EBADMSG -TN_EINVAL see the table.
 */
int tn_ivc_send(tn_ivc_t *ch, const void *data, uint32_t size, uint32_t type);

/**
 * Reserves space for a message of @p size bytes (zero copy); *@p data receives
 * where to write it, inside the region. Nothing is visible before tn_ivc_commit().
 * @param ch the channel.
 * @param size payload bytes.
 * @param data receives the payload address.
 * @retval 0 reserved.
 * @retval -TN_EAGAIN -TN_EMSGSIZE -TN_ECONNRESET -TN_EBADMSG see the table.
 */
int tn_ivc_reserve(tn_ivc_t *ch, uint32_t size, void **data);

/**
 * Publishes the reserved message with @p size bytes and type @p type.
 * @param ch the channel.
 * @param size payload bytes, at most the reserved size.
 * @param type the type tag, not 0xffffffff.
 * @retval 0 sent.
 * @retval -TN_EINVAL no reservation, or @p size or @p type invalid.
 * @retval -TN_EBADMSG see the table.
 */
int tn_ivc_commit(tn_ivc_t *ch, uint32_t size, uint32_t type);

/**
 * The oldest message, in place in the region (zero copy); it stays queued
 * until tn_ivc_release(). Its bytes may change under the reader.
 * @param ch the channel.
 * @param msg receives the message.
 * @retval 0 a message.
 * @retval -TN_EAGAIN -TN_ECONNRESET -TN_EBADMSG see the table.
 */
int tn_ivc_peek(tn_ivc_t *ch, tn_ivc_msg_t *msg);

/**
 * Drops the message tn_ivc_peek() returned; without one, does nothing.
 * @param ch the channel.
 * @retval 0 done.
 * @retval -TN_EBADMSG see the table.
 */
int tn_ivc_release(tn_ivc_t *ch);

/**
 * Copies the oldest message into @p buf and drops it from the ring.
 * @param ch the channel.
 * @param buf the buffer.
 * @param cap bytes of @p buf.
 * @param msg receives the message (pointing into @p buf).
 * @retval 0 a message.
 * @retval -TN_ENOBUFS -TN_EAGAIN -TN_ECONNRESET -TN_EBADMSG see the table.
 */
int tn_ivc_recv(tn_ivc_t *ch, void *buf, size_t cap, tn_ivc_msg_t *msg);

/**
 * Free bytes in the sending ring (headers and padding count).
 * @param ch the channel.
 * @return the bytes, or -TN_ECONNRESET, -TN_EBADMSG or -TN_EINVAL.
 */
int64_t tn_ivc_tx_free(tn_ivc_t *ch);

/**
 * Bytes waiting in the receiving ring (headers and padding count).
 * @param ch the channel.
 * @return the bytes, or -TN_ECONNRESET, -TN_EBADMSG or -TN_EINVAL.
 */
int64_t tn_ivc_rx_pending(tn_ivc_t *ch);

/**
 * Largest message payload: ring bytes / 2 - 8.
 * @param ch an attached channel.
 * @return the bytes.
 */
uint32_t tn_ivc_max_message(const tn_ivc_t *ch);

#ifdef __cplusplus
}
#endif

#endif /* TN_IVC_RING_H */
