/*
 * ivc-tool: a Linux guest's end of a Mortise inter-VM channel, from userspace,
 * on Debian's stock kernel (docs/linux-guest.md, "Inter-VM channels from Linux").
 *
 * The channel is the device-tree node ivc@... whose label is NAME (Mortise
 * generates one per channel this guest is a member of): its doorbell page and
 * its shared memory are mapped from /dev/uioN when a uio driver has bound the
 * node, otherwise from /dev/mem. The ring in the shared memory is lib/ivc's
 * (docs/ivc-ring.md; tn/ivc_ring.h), linked in: this process is member A
 * (formats the region) when the guest is member 0, member B otherwise.
 *
 * Both mappings are uncached (Device memory on arm64): every access must be
 * naturally aligned and no memcpy/memset may touch them, so payloads are
 * copied with aligned 64-bit loads and stores (records are 8-byte aligned
 * and padded to 8), and only the ring's reserve/commit and peek/release are
 * used, whose own accesses are single aligned 32- and 64-bit ones.
 *
 * Waiting for the doorbell, without polling:
 *   uio           write 1 to /dev/uioN (re-enables the interrupt), then read it;
 *   gpio-keys     an interrupt-only key of a "gpio-keys" node on the channel's
 *                 interrupt (same `interrupts` value) with debounce-interval 0:
 *                 every doorbell is a key press and release on /dev/input/eventN
 *                 (Debian's kernel has no uio_pdrv_genirq; gpio_keys and evdev
 *                 are modules of its .deb);
 *   neither       a 1 ms sleep between looks at the ring (said once on stderr).
 * Ringing the peer is one 32-bit store to the doorbell page's RING register.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/input.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <tn/ivc_ring.h>

#include "ivc_demo.h"

#define DT_ROOT "/proc/device-tree"
/* The doorbell page (tn/mortise_abi.hpp, namespace ivc). */
#define DB_ID 0x00
#define DB_VERSION 0x04
#define DB_CHANNEL 0x08
#define DB_MEMBER 0x0c
#define DB_PEERS 0x10
#define DB_RING 0x20
#define DB_MAGIC 0x42444e54u /* "TNDB" */
#define RING_MAGIC 0x56494e54u /* "TNIV", docs/ivc-ring.md */
#define MAX_MSG 65536

static const char *prog = "ivc-tool";
static int timeout_ms = -1; /* -t: how long one wait may take; -1 forever */
static int quiet;           /* -q: recv prints no payload */
static volatile sig_atomic_t interrupted; /* Ctrl-C: end the command cleanly */

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

enum wait_kind { WAIT_UIO, WAIT_EVDEV, WAIT_SLEEP };

struct chan {
    char name[64];
    char node[PATH_MAX]; /* DT_ROOT/ivc@... */
    uint64_t db_phys, db_size, shm_phys, shm_size;
    uint32_t id, member, members, spi;
    int read_only, uncached;
    uint8_t irq_cells[12]; /* the node's interrupts property, as stored */
    volatile uint32_t *db; /* the doorbell page */
    uint8_t *shm;          /* the shared memory */
    char access[64];       /* "/dev/uio0" or "/dev/mem" */
    enum wait_kind wait;
    int wait_fd;
    char wait_dev[64];
    uint16_t key;          /* gpio-keys: the key's code */
    tn_ivc_t ring;
    uint32_t peer_resets;
};

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Uncached memory: aligned single accesses only ---------------------- */

static uint32_t mmio_read32(const volatile void *p) {
    uint32_t v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static void mmio_write32(volatile void *p, uint32_t v) {
    /* A plain STR with a base register: the trap Mortise decodes (ESR ISV set). */
    __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(p) : "memory");
}

/* n bytes from the caller's buffer into the region at dst (8-byte aligned),
 * in whole 64-bit words: the last one padded with zeros (records are padded
 * to 8, so the word lies inside the record). */
static void copy_to_region(void *dst, const void *src, uint32_t n) {
    volatile uint64_t *d = (volatile uint64_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    for (uint32_t i = 0; i < n; i += 8) {
        uint64_t w = 0;
        memcpy(&w, s + i, n - i < 8 ? n - i : 8);
        d[i / 8] = w;
    }
}

/* n bytes of the region at src (8-byte aligned) into dst, word by word. */
static void copy_from_region(void *dst, const void *src, uint32_t n) {
    const volatile uint64_t *s = (const volatile uint64_t *)src;
    uint8_t *d = (uint8_t *)dst;
    for (uint32_t i = 0; i < n; i += 8) {
        uint64_t w = s[i / 8];
        memcpy(d + i, &w, n - i < 8 ? n - i : 8);
    }
}

/* ---- The device tree ------------------------------------------------------ */

/* Reads a whole property; returns its length or -1. */
static int read_prop(const char *node, const char *prop, void *buf, size_t cap) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", node, prop);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap);
    close(fd);
    return (int)n;
}

static int has_prop(const char *node, const char *prop) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", node, prop);
    return access(path, F_OK) == 0;
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int prop_u32(const char *node, const char *prop, uint32_t *out) {
    uint8_t b[4];
    if (read_prop(node, prop, b, sizeof b) != 4)
        return -1;
    *out = be32(b);
    return 0;
}

static uint64_t cells(const uint8_t *p, uint32_t n) {
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; ++i)
        v = v << 32 | be32(p + 4 * i);
    return v;
}

static void list_channels(void) {
    DIR *d = opendir(DT_ROOT);
    struct dirent *e;
    int any = 0;
    if (d == NULL)
        die("%s: %s (is /proc mounted?)", DT_ROOT, strerror(errno));
    fprintf(stderr, "%s: this guest's channels:", prog);
    while ((e = readdir(d)) != NULL) {
        char node[PATH_MAX], label[64] = "";
        if (strncmp(e->d_name, "ivc@", 4) != 0)
            continue;
        snprintf(node, sizeof node, "%s/%s", DT_ROOT, e->d_name);
        if (read_prop(node, "label", label, sizeof label - 1) > 0) {
            fprintf(stderr, " %s", label);
            any = 1;
        }
    }
    closedir(d);
    fprintf(stderr, "%s\n", any ? "" : " none (no ivc@ node in the device tree)");
}

/* Finds the node ivc@... labelled name; fills the channel's properties. */
static void find_channel(struct chan *c, const char *name) {
    DIR *d = opendir(DT_ROOT);
    struct dirent *e;
    int found = 0;
    if (d == NULL)
        die("%s: %s (is /proc mounted?)", DT_ROOT, strerror(errno));
    while (!found && (e = readdir(d)) != NULL) {
        char label[64] = "", compat[64] = "";
        if (strncmp(e->d_name, "ivc@", 4) != 0)
            continue;
        snprintf(c->node, sizeof c->node, "%s/%s", DT_ROOT, e->d_name);
        if (read_prop(c->node, "compatible", compat, sizeof compat - 1) < 0 ||
            strcmp(compat, "tenonos,ivc-channel") != 0)
            continue;
        if (read_prop(c->node, "label", label, sizeof label - 1) > 0 && strcmp(label, name) == 0)
            found = 1;
    }
    closedir(d);
    if (!found) {
        list_channels();
        die("no channel '%s' in this guest's device tree: give one of the names above (the partition "
            "description's /mortise/channels node names, with this guest among its members)", name);
    }
    snprintf(c->name, sizeof c->name, "%s", name);

    uint32_t ac = 2, sc = 2;
    (void)prop_u32(DT_ROOT, "#address-cells", &ac);
    (void)prop_u32(DT_ROOT, "#size-cells", &sc);
    uint8_t reg[64];
    int n = read_prop(c->node, "reg", reg, sizeof reg);
    uint32_t entry = 4 * (ac + sc);
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || n != (int)(2 * entry))
        die("%s/reg: expected two entries (doorbell page, shared memory)", c->node);
    c->db_phys = cells(reg, ac);
    c->db_size = cells(reg + 4 * ac, sc);
    c->shm_phys = cells(reg + entry, ac);
    c->shm_size = cells(reg + entry + 4 * ac, sc);
    if (prop_u32(c->node, "tenonos,channel-id", &c->id) || prop_u32(c->node, "tenonos,member", &c->member) ||
        prop_u32(c->node, "tenonos,members", &c->members))
        die("%s: tenonos,channel-id, tenonos,member or tenonos,members missing", c->node);
    memset(c->irq_cells, 0, sizeof c->irq_cells);
    if (read_prop(c->node, "interrupts", c->irq_cells, sizeof c->irq_cells) == 12)
        c->spi = be32(c->irq_cells + 4);
    else
        die("%s/interrupts: expected one GIC interrupt (3 cells)", c->node);
    c->read_only = has_prop(c->node, "read-only");
    c->uncached = has_prop(c->node, "tenonos,uncached");
}

/* ---- Mapping and the doorbell -------------------------------------------- */

static void *map_at(int fd, off_t off, size_t size, const char *what) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    if (p == MAP_FAILED)
        die("mmap of the %s (%zu bytes at offset 0x%llx) failed: %s", what, size, (unsigned long long)off,
            strerror(errno));
    return p;
}

/* A uio device bound to the channel's node: /sys/class/uio/uioN/device/of_node. */
static int find_uio(struct chan *c, char *dev, size_t cap) {
    char want[PATH_MAX], path[PATH_MAX], got[PATH_MAX];
    DIR *d;
    struct dirent *e;
    int found = -1;
    if (realpath(c->node, want) == NULL || (d = opendir("/sys/class/uio")) == NULL)
        return -1;
    while (found < 0 && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "uio", 3) != 0)
            continue;
        snprintf(path, sizeof path, "/sys/class/uio/%s/device/of_node", e->d_name);
        if (realpath(path, got) != NULL && strcmp(got, want) == 0) {
            snprintf(dev, cap, "/dev/%s", e->d_name);
            found = 0;
        }
    }
    closedir(d);
    return found;
}

/* A gpio-keys key on the channel's interrupt: /sys/class/input/eventN/device/device/of_node/KEY/interrupts. */
static int find_key(struct chan *c) {
    DIR *d = opendir("/sys/class/input"), *k;
    struct dirent *e, *ke;
    int found = -1;
    if (d == NULL)
        return -1;
    while (found < 0 && (e = readdir(d)) != NULL) {
        char node[PATH_MAX];
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        snprintf(node, sizeof node, "/sys/class/input/%s/device/device/of_node", e->d_name);
        if ((k = opendir(node)) == NULL)
            continue;
        while (found < 0 && (ke = readdir(k)) != NULL) {
            char key[PATH_MAX + 256];
            uint8_t irq[12];
            uint32_t code;
            if (ke->d_name[0] == '.')
                continue;
            snprintf(key, sizeof key, "%s/%s", node, ke->d_name);
            if (read_prop(key, "interrupts", irq, sizeof irq) == 12 && memcmp(irq, c->irq_cells, 12) == 0 &&
                prop_u32(key, "linux,code", &code) == 0) {
                c->key = (uint16_t)code;
                snprintf(c->wait_dev, sizeof c->wait_dev, "/dev/input/%s", e->d_name);
                found = 0;
            }
        }
        closedir(k);
    }
    closedir(d);
    return found;
}

static void open_channel(struct chan *c, const char *name) {
    find_channel(c, name);
    char uio[32];
    if (find_uio(c, uio, sizeof uio) == 0) {
        int fd = open(uio, O_RDWR);
        if (fd < 0)
            die("%s: %s", uio, strerror(errno));
        long page = sysconf(_SC_PAGESIZE);
        c->db = map_at(fd, 0, c->db_size, "doorbell page (uio map 0)");
        c->shm = map_at(fd, page, c->shm_size, "shared memory (uio map 1)");
        snprintf(c->access, sizeof c->access, "%s", uio);
        snprintf(c->wait_dev, sizeof c->wait_dev, "%s", uio);
        c->wait = WAIT_UIO;
        c->wait_fd = fd;
    } else {
        int fd = open("/dev/mem", O_RDWR | O_SYNC);
        if (fd < 0)
            die("/dev/mem: %s (run as root)", strerror(errno));
        c->db = map_at(fd, (off_t)c->db_phys, c->db_size, "doorbell page (/dev/mem)");
        c->shm = map_at(fd, (off_t)c->shm_phys, c->shm_size, "shared memory (/dev/mem)");
        close(fd);
        snprintf(c->access, sizeof c->access, "/dev/mem");
        if (find_key(c) == 0) {
            c->wait_fd = open(c->wait_dev, O_RDONLY | O_NONBLOCK);
            if (c->wait_fd < 0)
                die("%s: %s", c->wait_dev, strerror(errno));
            c->wait = WAIT_EVDEV;
        } else {
            c->wait = WAIT_SLEEP;
            c->wait_fd = -1;
            snprintf(c->wait_dev, sizeof c->wait_dev, "none");
        }
    }
    uint32_t id = mmio_read32(c->db + DB_ID / 4);
    if (id != DB_MAGIC)
        die("%s: the doorbell page at 0x%llx reads ID 0x%08x, not \"TNDB\": is this guest running under Mortise?",
            c->name, (unsigned long long)c->db_phys, id);
}

/* Waits for the doorbell, at most ms milliseconds (-1: no limit).
 * Returns 1 when it rang (or may have), 0 on timeout. */
static int wait_doorbell(struct chan *c, int ms) {
    static int said;
    if (c->wait == WAIT_SLEEP) {
        if (!said++)
            fprintf(stderr, "%s: no doorbell interrupt for '%s' (neither a uio device nor a gpio-keys key on its "
                    "interrupt): looking at the ring every millisecond instead\n", prog, c->name);
        struct timespec ts = {0, 1000000};
        if (ms == 0 || interrupted)
            return 0;
        nanosleep(&ts, NULL);
        return 1;
    }
    if (c->wait == WAIT_UIO) {
        uint32_t on = 1;
        if (write(c->wait_fd, &on, sizeof on) != sizeof on)
            die("%s: re-enabling the interrupt failed: %s", c->wait_dev, strerror(errno));
    }
    for (;;) {
        struct pollfd p = {c->wait_fd, POLLIN, 0};
        int r = poll(&p, 1, ms);
        if (r < 0 && errno == EINTR) {
            if (interrupted)
                return 0;
            continue;
        }
        if (r < 0)
            die("%s: poll: %s", c->wait_dev, strerror(errno));
        if (r == 0)
            return 0;
        if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
            die("%s: the doorbell device went away (poll events 0x%x)", c->wait_dev, (unsigned)p.revents);
        if (c->wait == WAIT_UIO) {
            uint32_t count;
            if (read(c->wait_fd, &count, sizeof count) != sizeof count)
                die("%s: read: %s", c->wait_dev, strerror(errno));
            return 1;
        }
        /* evdev: drain what is queued; an event of our key, or lost events, is a doorbell. */
        struct input_event ev[64];
        int rang = 0;
        ssize_t n;
        while ((n = read(c->wait_fd, ev, sizeof ev)) > 0)
            for (size_t i = 0; i < (size_t)n / sizeof ev[0]; ++i)
                if ((ev[i].type == EV_KEY && ev[i].code == c->key) ||
                    (ev[i].type == EV_SYN && ev[i].code == SYN_DROPPED))
                    rang = 1;
        if (rang)
            return 1;
    }
}

static void ring_peer(struct chan *c) {
    __asm__ volatile("dsb st" ::: "memory"); /* the ring's stores before the doorbell */
    mmio_write32(c->db + DB_RING / 4, 0);    /* 0: every other member */
}

/* ---- The ring --------------------------------------------------------------- */

static const char *ring_error(int rc) {
    switch (-rc) {
    case TN_EAGAIN: return "full or empty";
    case TN_EMSGSIZE: return "message larger than the ring's largest";
    case TN_ENOBUFS: return "message larger than the buffer";
    case TN_ECONNRESET: return "the peer reset its end";
    case TN_EBADMSG: return "the ring is corrupt (the peer wrote something impossible)";
    case TN_ENOTCONN: return "not formatted yet";
    case TN_EPROTO: return "formatted with another version or size";
    case TN_EINVAL: return "invalid argument";
    }
    return "unknown error";
}

static int remaining(uint64_t deadline) {
    if (deadline == 0)
        return -1;
    uint64_t now = now_ns();
    return now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
}

static uint64_t deadline_after(int ms) { return ms < 0 ? 0 : now_ns() + (uint64_t)ms * 1000000u + 1; }

static void attach(struct chan *c) {
    if (c->read_only)
        die("%s: this guest's mapping of the channel is read-only: it can look (ivc-tool info) but not "
            "take part in the ring", c->name);
    if (c->members != 2 || c->member > 1)
        die("%s: member %u of %u: the ring joins exactly two members (docs/ivc-ring.md)", c->name, c->member,
            c->members);
    int rc;
    if (c->member == 0 && mmio_read32(c->shm) != RING_MAGIC) {
        uint32_t ring = 1u << 30;
        while (ring >= 64 && tn_ivc_region_size(ring) > c->shm_size)
            ring >>= 1;
        rc = tn_ivc_format(&c->ring, c->shm, c->shm_size, ring);
        if (rc != 0)
            die("%s: formatting the region failed: %s", c->name, ring_error(rc));
    } else {
        /* Member B waits for A to format the region (A rings when it has). */
        uint64_t deadline = deadline_after(timeout_ms < 0 ? 30000 : timeout_ms);
        while ((rc = tn_ivc_attach(&c->ring, c->shm, c->shm_size, c->member == 0 ? TN_IVC_SIDE_A : TN_IVC_SIDE_B))
               == -TN_ENOTCONN) {
            int left = remaining(deadline);
            if (left == 0)
                die("%s: the region is still not formatted: member 0 formats it when it opens the channel; "
                    "is it running?", c->name);
            (void)wait_doorbell(c, left < 0 || left > 10 ? 10 : left);
        }
        if (rc != 0)
            die("%s: attaching to the region failed: %s", c->name, ring_error(rc));
    }
    ring_peer(c); /* the peer learns of our new generation */
}

/* Receives one message into buf (cap bytes); waits for the doorbell while the
 * ring is empty, until deadline (0: none). Returns the payload size, or -1 on
 * timeout. Reports a peer reset on stderr and goes on. */
static long recv_msg(struct chan *c, void *buf, uint32_t cap, uint32_t *type, uint64_t deadline) {
    for (;;) {
        int64_t pending = tn_ivc_rx_pending(&c->ring);
        if (pending == -TN_ECONNRESET) {
            ++c->peer_resets;
            fprintf(stderr, "%s: %s: the peer reset its end (restart); its unread messages are dropped\n", prog,
                    c->name);
            continue;
        }
        if (pending < 0)
            die("%s: receiving failed: %s", c->name, ring_error((int)pending));
        if (pending == 0) {
            int left = remaining(deadline);
            if (left == 0 || !wait_doorbell(c, left))
                return -1;
            continue;
        }
        tn_ivc_msg_t m;
        int rc = tn_ivc_peek(&c->ring, &m);
        if (rc == -TN_ECONNRESET || rc == -TN_EAGAIN)
            continue; /* a reset between the two calls: the next look reports it */
        if (rc != 0)
            die("%s: receiving failed: %s", c->name, ring_error(rc));
        if (m.size > cap)
            die("%s: a %u-byte message does not fit the %u-byte buffer", c->name, m.size, cap);
        copy_from_region(buf, m.data, m.size);
        *type = m.type;
        if ((rc = tn_ivc_release(&c->ring)) != 0)
            die("%s: receiving failed: %s", c->name, ring_error(rc));
        /* A ring that was more than half full: the sender may be waiting for room. */
        if (pending > (int64_t)tn_ivc_max_message(&c->ring))
            ring_peer(c);
        return (long)m.size;
    }
}

/* Sends one message; waits for room while the ring is full, until deadline.
 * Returns 0, or -1 on timeout. */
static int send_msg(struct chan *c, const void *data, uint32_t size, uint32_t type, uint64_t deadline) {
    for (;;) {
        void *p;
        int rc = tn_ivc_reserve(&c->ring, size, &p);
        if (rc == 0) {
            copy_to_region(p, data, size);
            if ((rc = tn_ivc_commit(&c->ring, size, type)) != 0)
                die("%s: %s", c->name, ring_error(rc));
            ring_peer(c);
            return 0;
        }
        if (rc == -TN_ECONNRESET) {
            ++c->peer_resets;
            continue;
        }
        if (rc != -TN_EAGAIN)
            die("%s: sending failed: %s", c->name, ring_error(rc));
        /* Full: the consumer may not ring when it makes room; look again every millisecond. */
        int left = remaining(deadline);
        if (left == 0)
            return -1;
        (void)wait_doorbell(c, left < 0 || left > 1 ? 1 : left);
    }
}

/* ---- Commands ----------------------------------------------------------------- */

static void print_payload(const uint8_t *b, long n) {
    int text = 1;
    for (long i = 0; i < n; ++i)
        if (b[i] < 0x20 || b[i] > 0x7e)
            text = 0;
    if (text) {
        printf("\"%.*s\"\n", (int)n, (const char *)b);
        return;
    }
    for (long i = 0; i < n && i < 32; ++i)
        printf("%02x", b[i]);
    printf("%s\n", n > 32 ? "..." : "");
}

static int cmd_info(struct chan *c) {
    uint32_t member = mmio_read32(c->db + DB_MEMBER / 4);
    printf("%s: channel '%s' (id %u), member %u of %u, %s%s\n", prog, c->name, c->id, c->member, c->members,
           c->read_only ? "read-only" : "read-write", c->uncached ? ", uncached" : "");
    printf("%s:   node %s, doorbell SPI %u (INTID %u)\n", prog, c->node, c->spi, c->spi + 32);
    printf("%s:   doorbell page 0x%llx, shared memory 0x%llx (%llu bytes)\n", prog, (unsigned long long)c->db_phys,
           (unsigned long long)c->shm_phys, (unsigned long long)c->shm_size);
    printf("%s:   mapped through %s, doorbell wait %s%s\n", prog, c->access,
           c->wait == WAIT_UIO ? "uio " : c->wait == WAIT_EVDEV ? "gpio-keys " : "", c->wait_dev);
    printf("%s:   doorbell page: version %u, channel %u, member %u of %u, peers running 0x%x\n", prog,
           mmio_read32(c->db + DB_VERSION / 4), mmio_read32(c->db + DB_CHANNEL / 4), member & 0xff,
           (member >> 8) & 0xff, mmio_read32(c->db + DB_PEERS / 4));
    const volatile uint32_t *h = (const volatile uint32_t *)c->shm;
    if (mmio_read32(&h[0]) != RING_MAGIC) {
        printf("%s:   ring: not formatted yet (member 0 formats it)\n", prog);
        return 0;
    }
    printf("%s:   ring: version %u, 2 rings of %u bytes; A->B write %u gen %u, read %u gen %u; "
           "B->A write %u gen %u, read %u gen %u\n",
           prog, mmio_read32(&h[1]), mmio_read32(&h[3]), mmio_read32(&h[0x40 / 4]), mmio_read32(&h[0x44 / 4]),
           mmio_read32(&h[0x80 / 4]), mmio_read32(&h[0x84 / 4]), mmio_read32(&h[0xc0 / 4]),
           mmio_read32(&h[0xc4 / 4]), mmio_read32(&h[0x100 / 4]), mmio_read32(&h[0x104 / 4]));
    return 0;
}

static int cmd_recv(struct chan *c, unsigned long count) {
    static uint8_t buf[MAX_MSG];
    unsigned long got = 0;
    attach(c);
    while (count == 0 || got < count) {
        uint32_t type;
        long n = recv_msg(c, buf, sizeof buf, &type, deadline_after(timeout_ms));
        if (n < 0) {
            printf("%s: timeout after %lu messages\n", prog, got);
            return 1;
        }
        ++got;
        printf("%s: message %lu: type %u, %ld bytes", prog, got, type, n);
        if (quiet) {
            printf("\n");
        } else {
            printf(": ");
            print_payload(buf, n);
        }
        fflush(stdout);
    }
    return 0;
}

static int cmd_send(struct chan *c, int argc, char **argv, uint32_t type) {
    static char text[MAX_MSG];
    size_t len = 0;
    for (int i = 0; i < argc; ++i) {
        size_t n = strlen(argv[i]);
        if (len + n + 1 > sizeof text)
            die("the message is longer than %zu bytes", sizeof text);
        if (i > 0)
            text[len++] = ' ';
        memcpy(text + len, argv[i], n);
        len += n;
    }
    attach(c);
    if (len > tn_ivc_max_message(&c->ring))
        die("%s: %zu bytes: the largest message is %u bytes", c->name, len, tn_ivc_max_message(&c->ring));
    if (send_msg(c, text, (uint32_t)len, type, deadline_after(timeout_ms < 0 ? 5000 : timeout_ms)) != 0)
        die("%s: the ring stayed full: the peer reads nothing", c->name);
    printf("%s: sent %zu bytes (type %u) on '%s'\n", prog, len, type, c->name);
    return 0;
}

static int cmd_echo(struct chan *c, unsigned long count) {
    static uint8_t buf[MAX_MSG];
    unsigned long done = 0;
    attach(c);
    while (count == 0 || done < count) {
        uint32_t type;
        long n = recv_msg(c, buf, sizeof buf, &type, deadline_after(timeout_ms));
        if (n < 0)
            break;
        if (send_msg(c, buf, (uint32_t)n, type, deadline_after(timeout_ms < 0 ? 5000 : timeout_ms)) != 0)
            die("%s: the ring stayed full: the peer reads nothing", c->name);
        ++done;
    }
    printf("%s: echoed %lu messages%s\n", prog, done, count != 0 && done < count ? " (timeout)" : "");
    return count != 0 && done < count;
}

static int cmd_pingpong(struct chan *c, unsigned long count, uint32_t size) {
    static uint8_t out[MAX_MSG], in[MAX_MSG];
    uint64_t min = UINT64_MAX, max = 0, sum = 0;
    unsigned long done = 0, errors = 0, other = 0;
    if (size < 8)
        size = 8;
    attach(c);
    if (size > tn_ivc_max_message(&c->ring))
        die("%s: %u bytes: the largest message is %u bytes", c->name, size, tn_ivc_max_message(&c->ring));
    for (unsigned long i = 0; i < count; ++i) {
        for (uint32_t b = 0; b < size; ++b)
            out[b] = (uint8_t)(i * 7 + b * 13);
        memcpy(out, &i, sizeof i); /* size >= 8 */
        uint64_t t0 = now_ns(), deadline = deadline_after(timeout_ms < 0 ? 2000 : timeout_ms);
        if (send_msg(c, out, size, IVC_DEMO_PING, deadline) != 0)
            die("%s: ping %lu: the ring stayed full", c->name, i);
        uint32_t type;
        long n;
        while ((n = recv_msg(c, in, sizeof in, &type, deadline)) >= 0 && type != IVC_DEMO_PONG)
            ++other;
        if (n < 0)
            die("%s: ping %lu: no pong within %d ms (does the peer answer type %u with type %u?)", c->name, i,
                timeout_ms < 0 ? 2000 : timeout_ms, IVC_DEMO_PING, IVC_DEMO_PONG);
        uint64_t rtt = now_ns() - t0;
        if ((uint32_t)n != size || memcmp(in, out, size) != 0) {
            ++errors;
            fprintf(stderr, "%s: pong %lu differs from its ping\n", prog, i);
        }
        min = rtt < min ? rtt : min;
        max = rtt > max ? rtt : max;
        sum += rtt;
        ++done;
    }
    printf("%s: pingpong: %lu round trips of %u bytes, %lu errors, %lu other messages skipped; "
           "min %llu us, mean %llu us, max %llu us\n",
           prog, done, size, errors, other, (unsigned long long)(done ? min / 1000 : 0),
           (unsigned long long)(done ? sum / done / 1000 : 0), (unsigned long long)(max / 1000));
    return errors != 0;
}

/* The demo's Linux side: starts the sensor, checks each record (checksum,
 * sequence), answers every `every` records with a set point, and prints
 * statistics every `report` records. The control: the reading is a waveform
 * plus a drifting bias plus the offset Linux sets; the set point is minus the
 * mean of (reading - offset) over the last 100 records (one period of the
 * waveform, whose mean is 0), so the readings settle around 0. */
static int cmd_demo(struct chan *c, unsigned long records, uint32_t every, uint32_t report) {
    static uint8_t buf[MAX_MSG];
    enum { WINDOW = 100 };
    static int32_t raw[WINDOW], val[WINDOW];
    int64_t raw_sum = 0, val_sum = 0;
    uint32_t expect = 0, filled = 0, sp_seq = 0;
    unsigned long got = 0, gaps = 0, bad = 0, other = 0;
    int32_t vmin = INT32_MAX, vmax = INT32_MIN;
    struct ivc_demo_sample last = {0};
    int rc = 0;
    int wait_ms = timeout_ms < 0 ? 5000 : timeout_ms;

    attach(c);
    struct ivc_demo_start st = {(uint32_t)records, 0};
    if (send_msg(c, &st, sizeof st, IVC_DEMO_START, deadline_after(5000)) != 0)
        die("%s: cannot start the sensor: the ring stayed full", c->name);
    printf("ivc-demo: sensor started: %lu records, a set point every %u\n", records, every);
    uint64_t start = now_ns();
    while (records == 0 || got + gaps < records) {
        uint32_t type;
        long n = recv_msg(c, buf, sizeof buf, &type, deadline_after(wait_ms));
        if (n < 0 && interrupted) {
            printf("ivc-demo: interrupted\n");
            break;
        }
        if (n < 0) {
            printf("ivc-demo: FAILED: no record for %d ms after %lu records\n", wait_ms, got);
            rc = 1;
            break;
        }
        if (type != IVC_DEMO_SAMPLE || n != (long)sizeof(struct ivc_demo_sample)) {
            ++other;
            continue;
        }
        struct ivc_demo_sample s;
        memcpy(&s, buf, sizeof s);
        if (s.check != ivc_demo_check(&s, offsetof(struct ivc_demo_sample, check))) {
            ++bad;
            printf("ivc-demo: record after seq %u: bad checksum\n", expect - 1);
            continue;
        }
        if (s.seq < expect) {
            ++bad;
            printf("ivc-demo: record %u arrived after %u\n", s.seq, expect - 1);
            continue;
        }
        gaps += s.seq - expect; /* records the sensor dropped (it counts them too) */
        expect = s.seq + 1;
        ++got;
        last = s;
        vmin = s.value < vmin ? s.value : vmin;
        vmax = s.value > vmax ? s.value : vmax;
        uint32_t slot = s.seq % WINDOW;
        raw_sum += (int64_t)(s.value - s.offset) - raw[slot];
        val_sum += (int64_t)s.value - val[slot];
        raw[slot] = s.value - s.offset;
        val[slot] = s.value;
        filled = filled < WINDOW ? filled + 1 : WINDOW;
        if (every != 0 && (s.seq + 1) % every == 0 && filled == WINDOW) {
            struct ivc_demo_setpoint sp = {sp_seq, s.seq, s.time_ns, (int32_t)(-raw_sum / WINDOW), 0};
            sp.check = ivc_demo_check(&sp, offsetof(struct ivc_demo_setpoint, check));
            if (send_msg(c, &sp, sizeof sp, IVC_DEMO_SETPOINT, deadline_after(1000)) != 0) {
                printf("ivc-demo: FAILED: set point %u: the ring stayed full\n", sp_seq);
                rc = 1;
                break;
            }
            ++sp_seq;
        }
        if (report != 0 && got % report == 0) {
            printf("ivc-demo: %lu records (seq %u, %lu missing, %lu bad), %u set points; mean %d, range %d..%d, "
                   "offset %d\n", got, s.seq, gaps, bad, sp_seq, (int)(val_sum / WINDOW), vmin, vmax, s.offset);
            vmin = INT32_MAX;
            vmax = INT32_MIN;
        }
    }
    if (send_msg(c, NULL, 0, IVC_DEMO_STOP, deadline_after(1000)) != 0)
        rc = 1;
    printf("ivc-demo: done: %lu records in %llu ms, %lu missing, %lu bad, %lu other messages, %u set points sent\n",
           got, (unsigned long long)((now_ns() - start) / 1000000), gaps, bad, other, sp_seq);
    printf("ivc-demo: last record %u: mean %d, offset %d; the sensor had applied %u set points, dropped %u; "
           "peer resets %u\n", last.seq, (int)(val_sum / WINDOW), last.offset, last.setpoints, last.drops,
           c->peer_resets);
    return rc || bad != 0 || (records != 0 && got == 0);
}

static void usage(void) {
    fprintf(stderr,
            "usage: %s [-t MS] [-q] COMMAND NAME [ARGS]\n"
            "  info NAME                the channel: node, addresses, doorbell page, ring indices\n"
            "  recv NAME [COUNT]        print COUNT messages (default 1; 0: forever)\n"
            "  send NAME [--type N] TEXT...   send the words as one message (type 0)\n"
            "  echo NAME [COUNT]        send each message back (default 0: forever)\n"
            "  pingpong NAME COUNT [SIZE]     COUNT round trips of type 5 -> 6 messages\n"
            "  demo NAME [RECORDS [EVERY [REPORT]]]  apps/ivc-demo's Linux side: RECORDS sensor\n"
            "                           records (default 0: forever), a set point every EVERY\n"
            "                           (10), statistics every REPORT (1000)\n"
            "  -t MS   give up a wait after MS milliseconds (recv, echo: then exit)\n"
            "  -q      recv: print no payload\n"
            "NAME is the channel's name (the label of its ivc@ node in /proc/device-tree).\n",
            prog);
    exit(2);
}

static unsigned long number(const char *s, const char *what) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno != 0 || *s == '\0' || *end != '\0')
        die("%s: '%s' is not a number", what, s);
    return v;
}

int main(int argc, char **argv) {
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            timeout_ms = (int)number(argv[++i], "-t");
        else if (strcmp(argv[i], "-q") == 0)
            quiet = 1;
        else
            usage();
    }
    if (argc - i < 2)
        usage();
    const char *cmd = argv[i], *name = argv[i + 1];
    char **rest = argv + i + 2;
    int nrest = argc - i - 2;
    static struct chan c;
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* Ctrl-C ends a wait: demo then stops the sensor, echo and recv print what they did. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (strcmp(cmd, "info") == 0 && nrest == 0) {
        open_channel(&c, name);
        return cmd_info(&c);
    }
    if (strcmp(cmd, "recv") == 0 && nrest <= 1) {
        open_channel(&c, name);
        return cmd_recv(&c, nrest ? number(rest[0], "COUNT") : 1);
    }
    if (strcmp(cmd, "send") == 0 && nrest >= 1) {
        uint32_t type = IVC_DEMO_TEXT;
        if (nrest >= 2 && strcmp(rest[0], "--type") == 0) {
            type = (uint32_t)number(rest[1], "--type");
            rest += 2;
            nrest -= 2;
        }
        open_channel(&c, name);
        return cmd_send(&c, nrest, rest, type);
    }
    if (strcmp(cmd, "echo") == 0 && nrest <= 1) {
        open_channel(&c, name);
        return cmd_echo(&c, nrest ? number(rest[0], "COUNT") : 0);
    }
    if (strcmp(cmd, "pingpong") == 0 && (nrest == 1 || nrest == 2)) {
        open_channel(&c, name);
        return cmd_pingpong(&c, number(rest[0], "COUNT"), nrest == 2 ? (uint32_t)number(rest[1], "SIZE") : 64);
    }
    if (strcmp(cmd, "demo") == 0 && nrest <= 3) {
        open_channel(&c, name);
        return cmd_demo(&c, nrest > 0 ? number(rest[0], "RECORDS") : 0,
                        nrest > 1 ? (uint32_t)number(rest[1], "EVERY") : 10,
                        nrest > 2 ? (uint32_t)number(rest[2], "REPORT") : 1000);
    }
    usage();
}
