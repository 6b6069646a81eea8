/**
 * @file
 * @brief The messages of apps/ivc-demo's channel `telemetry`, shared by the
 * Tenon sensor guest (C++) and `ivc-tool demo` on Linux (C).
 *
 * Every message is one record of the ring (docs/ivc-ring.md); its type tag
 * says which struct the payload is. All structs are little-endian, naturally
 * aligned and a multiple of 8 bytes, so a payload is copied to and from the
 * uncached region with aligned 64-bit accesses only.
 *
 * | type | direction       | payload                | meaning |
 * |------|-----------------|------------------------|---------|
 * | 0    | Linux -> sensor | text                   | printed; "stream N" streams N records |
 * | 1    | sensor -> Linux | struct ivc_demo_sample | one sensor record |
 * | 1    | Linux -> sensor | struct ivc_demo_sample | a record sent back (`ivc-tool echo`): checked |
 * | 2    | Linux -> sensor | struct ivc_demo_setpoint | the new offset the sensor applies |
 * | 3    | Linux -> sensor | struct ivc_demo_start  | start streaming |
 * | 4    | Linux -> sensor | none                   | stop streaming |
 * | 5    | Linux -> sensor | any bytes              | ping: answered at once with a pong |
 * | 6    | sensor -> Linux | the ping's bytes       | pong |
 */
#ifndef TN_IVC_DEMO_H
#define TN_IVC_DEMO_H

#include <stdint.h>

#define IVC_DEMO_TEXT 0u     /**< Text for the sensor's console, or a command. */
#define IVC_DEMO_SAMPLE 1u   /**< struct ivc_demo_sample. */
#define IVC_DEMO_SETPOINT 2u /**< struct ivc_demo_setpoint. */
#define IVC_DEMO_START 3u    /**< struct ivc_demo_start. */
#define IVC_DEMO_STOP 4u     /**< No payload. */
#define IVC_DEMO_PING 5u     /**< Any payload; answered with IVC_DEMO_PONG. */
#define IVC_DEMO_PONG 6u     /**< The ping's payload, unchanged. */

/** One sensor record (type IVC_DEMO_SAMPLE), 32 bytes. */
struct ivc_demo_sample {
    uint32_t seq;       /**< 0, 1, 2, ... since the last start; a gap is a record the sensor dropped. */
    int32_t value;      /**< The reading, in thousandths: waveform + the sensor's bias + the offset applied. */
    uint64_t time_ns;   /**< The sensor's clock when it sampled (a set point echoes it back). */
    int32_t offset;     /**< The offset (the last set point) applied to this reading. */
    uint32_t setpoints; /**< Set points the sensor has applied since the start. */
    uint32_t drops;     /**< Records the sensor dropped since the start (the ring was full). */
    uint32_t check;     /**< ivc_demo_check() over the 28 bytes before it. */
};

/** A set point (type IVC_DEMO_SETPOINT), 24 bytes. */
struct ivc_demo_setpoint {
    uint32_t seq;            /**< 0, 1, 2, ... since the start. */
    uint32_t sample_seq;     /**< The record it answers. */
    uint64_t sample_time_ns; /**< That record's time_ns: the sensor's round trip is now - this. */
    int32_t offset;          /**< The offset the sensor adds to its readings from now on. */
    uint32_t check;          /**< ivc_demo_check() over the 20 bytes before it. */
};

/** Start streaming (type IVC_DEMO_START), 8 bytes. */
struct ivc_demo_start {
    uint32_t records;   /**< Records to send, then stop; 0: until IVC_DEMO_STOP. */
    uint32_t period_us; /**< Sampling period; 0: the sensor's default (1000, 1 kHz). */
};

/** The sensor's reading before bias and offset: a triangle of +-1000 with a period of 100 records. */
static inline int32_t ivc_demo_waveform(uint32_t seq) {
    int32_t phase = (int32_t)(seq % 100u);
    return phase < 50 ? -1000 + phase * 40 : 1000 - (phase - 50) * 40;
}

/** FNV-1a over @p n bytes at @p p: the check word of the structs above. */
static inline uint32_t ivc_demo_check(const void *p, uint32_t n) {
    const uint8_t *b = (const uint8_t *)p;
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; ++i)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

#endif /* TN_IVC_DEMO_H */
