// Host tests of the shared-memory ring (tn/ivc_ring.hpp): the byte layout of
// docs/ivc-ring.md, traffic against a std::deque model (wrap-around, padding,
// full and empty, the 2^32 index wrap), reserve/commit and peek/release, the
// generation rules of restarts and resets, and every corruption a hostile peer
// can write being reported as Corrupt. Both members run on one host thread over
// a region that is an exact-size heap allocation (ASan sees any stray access).
#include <tn/ivc_ring.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <memory>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace tn;
using namespace tn::ivc;
namespace L = tn::ivc::layout;

template <class R>
std::string st(const R& r) {
    return r.ok() ? "ok" : to_string(r.error());
}

struct Region {
    explicit Region(u32 ring_bytes) : size(Channel::region_size(ring_bytes)) {
        mem = static_cast<u8*>(std::aligned_alloc(64, size));
        std::memset(mem, 0xa5, size);
    }
    ~Region() { std::free(mem); }
    Region(const Region&) = delete;
    Region& operator=(const Region&) = delete;

    u32 get32(usize off) const {
        u32 v;
        std::memcpy(&v, mem + off, 4);
        return v;
    }
    u64 get64(usize off) const {
        u64 v;
        std::memcpy(&v, mem + off, 8);
        return v;
    }
    void put32(usize off, u32 v) { std::memcpy(mem + off, &v, 4); }
    void put64(usize off, u64 v) { std::memcpy(mem + off, &v, 8); }

    usize size;
    u8* mem;
};

constexpr u64 word(u32 gen, u32 index) { return (u64{gen} << 32) | index; }

class IvcRing : public ::testing::Test {
protected:
    // A formats, B attaches; A's first look at each ring reports B's attach.
    void connect(u32 ring_bytes) {
        region = std::make_unique<Region>(ring_bytes);
        ASSERT_EQ(st(a.format(region->mem, region->size, ring_bytes)), "ok");
        ASSERT_EQ(st(b.attach(region->mem, region->size, Side::B)), "ok");
        ASSERT_EQ(st(a.rx_pending()), "PeerReset");
        ASSERT_EQ(st(a.tx_free()), "PeerReset");
        ASSERT_EQ(st(a.rx_pending()), "ok");
        ASSERT_EQ(st(a.tx_free()), "ok");
        ASSERT_EQ(st(b.rx_pending()), "ok");
        ASSERT_EQ(st(b.tx_free()), "ok");
    }
    std::vector<u8> msg(u32 n, u8 seed) {
        std::vector<u8> v(n);
        for (u32 i = 0; i < n; ++i)
            v[i] = static_cast<u8>(seed + i * 7);
        return v;
    }
    std::string recv_str(Channel& c) {
        u8 buf[4096];
        auto r = c.recv(buf, sizeof buf);
        if (!r.ok())
            return to_string(r.error());
        return std::string(reinterpret_cast<const char*>(buf), r.value().size);
    }
    Result<void, Error> send_str(Channel& c, const std::string& s, u32 type = 0) {
        return c.send(s.data(), static_cast<u32>(s.size()), type);
    }

    std::unique_ptr<Region> region;
    Channel a, b;
};

// ---- Layout and attach ------------------------------------------------------

TEST_F(IvcRing, LayoutMatchesTheDocument) {
    connect(256);
    Region& r = *region;
    EXPECT_EQ(Channel::region_size(256), 0x140u + 512u);
    EXPECT_EQ(std::memcmp(r.mem, "TNIV", 4), 0);
    EXPECT_EQ(r.get32(0x04), 1u);
    EXPECT_EQ(r.get32(0x08), 0x140u + 512u);
    EXPECT_EQ(r.get32(0x0c), 256u);
    EXPECT_EQ(r.get64(0x40), word(1, 0));  // A's producer, ring 0
    EXPECT_EQ(r.get64(0x80), word(1, 0));  // B's consumer, ring 0
    EXPECT_EQ(r.get64(0xc0), word(1, 0));  // B's producer, ring 1
    EXPECT_EQ(r.get64(0x100), word(1, 0)); // A's consumer, ring 1

    ASSERT_EQ(send_str(a, "hello", 7).ok(), true);
    EXPECT_EQ(r.get64(0x40), word(1, 16));
    EXPECT_EQ(r.get32(0x140), 5u);  // record header: length, type
    EXPECT_EQ(r.get32(0x144), 7u);
    EXPECT_EQ(std::memcmp(r.mem + 0x148, "hello", 5), 0);
    ASSERT_EQ(send_str(b, "x").ok(), true);
    EXPECT_EQ(r.get64(0xc0), word(1, 16));
    EXPECT_EQ(r.get32(0x140 + 256), 1u);
    EXPECT_EQ(recv_str(b), "hello");
    EXPECT_EQ(r.get64(0x80), word(1, 16));
    EXPECT_EQ(a.max_message(), 120u);
    EXPECT_EQ(a.ring_bytes(), 256u);
}

TEST_F(IvcRing, FormatAndAttachCheckTheirArguments) {
    Region r(256);
    Channel c;
    EXPECT_EQ(st(c.format(r.mem + 8, r.size - 8, 256)), "InvalidArgument");
    EXPECT_EQ(st(c.format(r.mem, r.size, 96)), "InvalidArgument");
    EXPECT_EQ(st(c.format(r.mem, r.size, 32)), "InvalidArgument");
    EXPECT_EQ(st(c.format(r.mem, r.size - 1, 256)), "InvalidArgument");
    EXPECT_EQ(st(c.format(nullptr, r.size, 256)), "InvalidArgument");
    EXPECT_FALSE(c.attached());
    EXPECT_EQ(st(c.send("x", 1)), "InvalidArgument");
    EXPECT_EQ(st(c.peek()), "InvalidArgument");

    EXPECT_EQ(st(c.attach(r.mem, r.size, Side::B)), "NotFormatted");
    EXPECT_EQ(st(c.attach(r.mem + 8, r.size - 8, Side::B)), "InvalidArgument");
    ASSERT_EQ(st(c.format(r.mem, r.size, 256)), "ok");
    Channel d;
    EXPECT_EQ(st(d.attach(r.mem, r.size - 64, Side::B)), "Incompatible");
    r.put32(L::k_hdr_version, 2);
    EXPECT_EQ(st(d.attach(r.mem, r.size, Side::B)), "Incompatible");
    r.put32(L::k_hdr_version, 1);
    r.put32(L::k_hdr_ring_bytes, 96);
    EXPECT_EQ(st(d.attach(r.mem, r.size, Side::B)), "Incompatible");
    r.put32(L::k_hdr_ring_bytes, 1u << 31);
    EXPECT_EQ(st(d.attach(r.mem, r.size, Side::B)), "Incompatible");
    r.put32(L::k_hdr_ring_bytes, 128);  // sizes disagree
    EXPECT_EQ(st(d.attach(r.mem, r.size, Side::B)), "Incompatible");
    r.put32(L::k_hdr_ring_bytes, 256);
    r.put32(L::k_hdr_magic, 0x12345678);
    EXPECT_EQ(st(d.attach(r.mem, r.size, Side::B)), "NotFormatted");
    r.put32(L::k_hdr_magic, L::k_magic);
    EXPECT_EQ(st(d.attach(r.mem, r.size, Side::B)), "ok");
    EXPECT_EQ(d.generation(), 1u);
}

// ---- Traffic --------------------------------------------------------------

TEST_F(IvcRing, BothDirectionsWithTypes) {
    connect(1024);
    ASSERT_TRUE(send_str(a, "to b", 3).ok());
    ASSERT_TRUE(send_str(b, "to a", 4).ok());
    ASSERT_TRUE(a.send(nullptr, 0, 9).ok());
    u8 buf[16];
    auto m = b.recv(buf, sizeof buf);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.value().type, 3u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.value().data), m.value().size), "to b");
    m = b.recv(buf, sizeof buf);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.value().size, 0u);
    EXPECT_EQ(m.value().type, 9u);
    EXPECT_EQ(st(b.recv(buf, sizeof buf)), "Empty");
    m = a.recv(buf, sizeof buf);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.value().type, 4u);
    EXPECT_EQ(st(a.send("x", 1, L::k_type_pad)), "InvalidArgument");
}

TEST_F(IvcRing, FullAndEmptyEdges) {
    connect(64);  // 64 data bytes: max message 24, records of 32
    EXPECT_EQ(a.max_message(), 24u);
    EXPECT_EQ(st(a.send(msg(25, 0).data(), 25)), "TooBig");
    ASSERT_TRUE(a.send(msg(24, 1).data(), 24).ok());
    ASSERT_TRUE(a.send(msg(24, 2).data(), 24).ok());
    EXPECT_EQ(a.tx_free().value(), 0u);
    EXPECT_EQ(st(a.send(nullptr, 0)), "Full");
    EXPECT_EQ(b.rx_pending().value(), 64u);
    u8 buf[24];
    ASSERT_TRUE(b.recv(buf, sizeof buf).ok());
    EXPECT_EQ(std::memcmp(buf, msg(24, 1).data(), 24), 0);
    // 32 bytes free, at offset 0: one record of 32 fits, then 8-byte ones do not.
    ASSERT_TRUE(a.send(msg(20, 3).data(), 20).ok());
    EXPECT_EQ(st(a.send(nullptr, 0)), "Full");
    ASSERT_TRUE(b.recv(buf, sizeof buf).ok());
    ASSERT_TRUE(b.recv(buf, sizeof buf).ok());
    EXPECT_EQ(std::memcmp(buf, msg(20, 3).data(), 20), 0);
    EXPECT_EQ(st(b.recv(buf, sizeof buf)), "Empty");
    EXPECT_EQ(b.rx_pending().value(), 0u);
    EXPECT_EQ(a.tx_free().value(), 64u);
}

TEST_F(IvcRing, PaddingRecordAtTheEnd) {
    connect(256);  // max message 120
    // Fill to offset 200, drain, then a 100-byte message needs 112 bytes: pad 56.
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(a.send(msg(32, u8(i)).data(), 32).ok());
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(b.recv(std::vector<u8>(64).data(), 64).ok());
    EXPECT_EQ(a.tx_free().value(), 256u);
    ASSERT_TRUE(a.send(msg(100, 9).data(), 100).ok());
    EXPECT_EQ(region->get32(L::data(0, 256) + 200), 48u);
    EXPECT_EQ(region->get32(L::data(0, 256) + 204), L::k_type_pad);
    EXPECT_EQ(region->get32(L::data(0, 256)), 100u);
    EXPECT_EQ(b.rx_pending().value(), 56u + 112u);
    std::vector<u8> buf(128);
    auto m = b.recv(buf.data(), buf.size());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.value().size, 100u);
    EXPECT_EQ(std::memcmp(buf.data(), msg(100, 9).data(), 100), 0);
    EXPECT_EQ(b.rx_pending().value(), 0u);
    // The largest message fits in an empty ring wherever the indices stand.
    for (int k = 0; k < 64; ++k) {
        ASSERT_TRUE(a.send(msg(u32(k % 3) * 8, 1).data(), u32(k % 3) * 8).ok());
        ASSERT_TRUE(b.recv(buf.data(), buf.size()).ok());
        ASSERT_EQ(st(a.send(msg(120, u8(k)).data(), 120)), "ok") << k;
        ASSERT_TRUE(b.recv(buf.data(), buf.size()).ok());
        ASSERT_EQ(std::memcmp(buf.data(), msg(120, u8(k)).data(), 120), 0);
    }
}

TEST_F(IvcRing, ReserveCommit) {
    connect(256);
    auto r = a.reserve(40);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().size, 40u);
    EXPECT_GE(r.value().data, region->mem);
    EXPECT_LE(r.value().data + 40, region->mem + region->size);
    std::memcpy(r.value().data, "zero copy", 9);
    EXPECT_EQ(st(b.peek()), "Empty");  // nothing visible before commit
    EXPECT_EQ(st(a.commit(41)), "InvalidArgument");
    EXPECT_EQ(st(a.commit(9, L::k_type_pad)), "InvalidArgument");
    ASSERT_EQ(st(a.commit(9, 5)), "ok");
    EXPECT_EQ(st(a.commit(9)), "InvalidArgument");  // one commit per reserve
    EXPECT_EQ(recv_str(b), "zero copy");
    // A second reserve replaces the first; TooBig and Full as send().
    ASSERT_TRUE(a.reserve(8).ok());
    r = a.reserve(3);
    ASSERT_TRUE(r.ok());
    std::memcpy(r.value().data, "abc", 3);
    ASSERT_TRUE(a.commit(3).ok());
    EXPECT_EQ(recv_str(b), "abc");
    EXPECT_EQ(st(a.reserve(121)), "TooBig");
    int sent = 0;
    while (a.send(nullptr, 0).ok())
        ++sent;
    EXPECT_EQ(sent, 256 / 8);
    EXPECT_EQ(st(a.reserve(0)), "Full");
    EXPECT_EQ(st(a.commit(0)), "InvalidArgument");  // the failed reserve() left none
}

TEST_F(IvcRing, PeekRelease) {
    connect(256);
    ASSERT_TRUE(send_str(a, "one").ok());
    ASSERT_TRUE(send_str(a, "two").ok());
    EXPECT_EQ(st(b.release()), "ok");  // nothing peeked: no-op
    auto m = b.peek();
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.value().data), 3), "one");
    EXPECT_GE(m.value().data, region->mem);
    m = b.peek();
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.value().data), 3), "one");
    ASSERT_TRUE(b.release().ok());
    ASSERT_TRUE(b.release().ok());  // once only
    char small[2];
    EXPECT_EQ(st(b.recv(small, sizeof small)), "BufferTooSmall");
    EXPECT_EQ(recv_str(b), "two");
    EXPECT_EQ(recv_str(b), "Empty");
}

// Random traffic in both directions against a deque per direction, with
// reserve/commit (committing less than reserved), peek/release, and Full
// checked against an independent model of the free space and padding.
void run_model(IvcRing* t, Channel& tx, Channel& rx, u32 ring_bytes, u32 steps, u32 seed, u32 start) {
    std::mt19937 rng(seed);
    struct Rec {
        std::vector<u8> data;
        u32 type;
        u32 skip;  // padding before it
    };
    std::deque<Rec> model;
    u32 mw = start, mr = start;  // model indices
    const u32 maxm = ring_bytes / 2 - 8;
    std::vector<u8> buf(maxm + 8);
    for (u32 step = 0; step < steps; ++step) {
        const u32 op = rng() % 8;
        if (op < 4) {
            u32 n = rng() % 4 == 0 ? maxm : rng() % (maxm + 1);
            if (rng() % 16 == 0)
                n = 0;
            const u32 type = rng() % 1000;
            std::vector<u8> data(n);
            for (auto& x : data)
                x = static_cast<u8>(rng());
            // reserve() may ask for more than it commits: the space (and any
            // padding) is decided by the reserved size.
            const u32 rs = op == 0 ? std::min(maxm, n + static_cast<u32>(rng() % 9)) : n;
            const u32 rrec = 8 + ((rs + 7) & ~7u);
            const u32 contig = ring_bytes - (mw & (ring_bytes - 1));
            const u32 skip = rrec <= contig ? 0 : contig;
            const bool fits = (mw - mr) + skip + rrec <= ring_bytes;
            Result<void, Error> r{};
            if (op == 0) {
                auto res = tx.reserve(rs);
                if (res.ok()) {
                    ASSERT_EQ(res.value().size, rs);
                    if (n != 0)
                        std::memcpy(res.value().data, data.data(), n);
                    r = tx.commit(n, type);
                } else {
                    r = tn::err(res.error());
                }
            } else {
                r = tx.send(data.data(), n, type);
            }
            if (fits) {
                ASSERT_EQ(st(r), "ok") << "step " << step;
                model.push_back(Rec{std::move(data), type, skip});
                mw += skip + 8 + ((n + 7) & ~7u);
            } else {
                ASSERT_EQ(st(r), "Full") << "step " << step;
            }
        } else if (op < 7) {
            Result<Message, Error> m = tn::err(Error::Empty);
            if (op == 6) {
                m = rx.peek();
                if (m.ok()) {
                    std::memcpy(buf.data(), m.value().data, m.value().size);
                    m.value().data = buf.data();
                    ASSERT_TRUE(rx.release().ok());
                }
            } else {
                m = rx.recv(buf.data(), buf.size());
            }
            if (model.empty()) {
                ASSERT_EQ(st(m), "Empty") << "step " << step;
                continue;
            }
            ASSERT_EQ(st(m), "ok") << "step " << step;
            const auto& [want, type, skip] = model.front();
            ASSERT_EQ(m.value().size, want.size());
            ASSERT_EQ(m.value().type, type);
            if (!want.empty()) {
                ASSERT_EQ(std::memcmp(m.value().data, want.data(), want.size()), 0);
            }
            mr += skip + 8 + ((u32(want.size()) + 7) & ~7u);
            model.pop_front();
        } else {
            ASSERT_EQ(tx.tx_free().value(), ring_bytes - (mw - mr));
            auto p = rx.rx_pending();
            ASSERT_TRUE(p.ok());
            ASSERT_EQ(p.value(), mw - mr);
        }
    }
    (void)t;
}

TEST_F(IvcRing, ModelSmallRing) {
    connect(64);
    run_model(this, a, b, 64, 100000, 1, 0);
    run_model(this, b, a, 64, 100000, 2, 0);
}

TEST_F(IvcRing, ModelLargerRings) {
    for (u32 ring : {128u, 1024u, 4096u}) {
        connect(ring);
        run_model(this, a, b, ring, 60000, ring, 0);
        run_model(this, b, a, ring, 60000, ring + 1, 0);
    }
}

// The free-running u32 indices wrap at 2^32: restart both members with their
// lines moved just below it (attach resumes from them).
TEST_F(IvcRing, ModelAcrossIndexWrap) {
    connect(256);
    const u32 start = 0xFFFF'FF00;
    region->put64(L::prod_line(0), word(1, start));
    region->put64(L::cons_line(0), word(1, start));
    region->put32(L::prod_line(0) + L::k_prod_gen_start, start);
    Channel a2, b2;
    ASSERT_TRUE(a2.attach(region->mem, region->size, Side::A).ok());
    ASSERT_TRUE(b2.attach(region->mem, region->size, Side::B).ok());
    EXPECT_EQ(st(b2.peek()), "Empty");  // B attached after A's restart
    EXPECT_EQ(st(a2.send(nullptr, 0)), "PeerReset");
    EXPECT_EQ(st(a2.peek()), "PeerReset");
    run_model(this, a2, b2, 256, 20000, 5, start);
    EXPECT_LT(region->get32(L::prod_line(0)), start);  // it did wrap
}

// ---- Generations and resets ---------------------------------------------------

TEST_F(IvcRing, ProducerRestartDropsWhatItLeftUnread) {
    connect(256);
    ASSERT_TRUE(send_str(a, "old 1").ok());
    ASSERT_TRUE(send_str(a, "old 2").ok());
    EXPECT_EQ(recv_str(b), "old 1");
    Channel a2;  // A restarts: its memory is gone, the region is not
    ASSERT_TRUE(a2.attach(region->mem, region->size, Side::A).ok());
    EXPECT_EQ(a2.generation(), 2u);
    EXPECT_EQ(region->get32(L::prod_line(0) + 4), 2u);  // documented generation word
    ASSERT_TRUE(send_str(a2, "new").ok());
    EXPECT_EQ(recv_str(b), "PeerReset");  // reported once
    EXPECT_EQ(recv_str(b), "new");        // "old 2" dropped, "new" kept
    EXPECT_EQ(recv_str(b), "Empty");
    EXPECT_EQ(st(b.send(nullptr, 0)), "PeerReset");  // A's consumer end too
    EXPECT_EQ(st(b.send("x", 1)), "ok");
    EXPECT_EQ(recv_str(a2), "x");
}

TEST_F(IvcRing, ConsumerRestartKeepsWhatWasSent) {
    connect(256);
    ASSERT_TRUE(send_str(a, "m1").ok());
    ASSERT_TRUE(send_str(a, "m2").ok());
    EXPECT_EQ(recv_str(b), "m1");
    Channel b2;
    ASSERT_TRUE(b2.attach(region->mem, region->size, Side::B).ok());
    EXPECT_EQ(b2.generation(), 2u);
    EXPECT_EQ(recv_str(b2), "m2");
    EXPECT_EQ(st(send_str(a, "m3")), "PeerReset");
    EXPECT_EQ(st(send_str(a, "m3")), "ok");
    EXPECT_EQ(recv_str(a), "PeerReset");
    EXPECT_EQ(recv_str(b2), "m3");
}

TEST_F(IvcRing, MessagesSentBeforeThePeerAttachesArrive) {
    region = std::make_unique<Region>(256);
    ASSERT_TRUE(a.format(region->mem, region->size, 256).ok());
    ASSERT_TRUE(send_str(a, "early").ok());
    ASSERT_TRUE(b.attach(region->mem, region->size, Side::B).ok());
    EXPECT_EQ(recv_str(b), "early");
    EXPECT_EQ(st(a.tx_free()), "PeerReset");
}

TEST_F(IvcRing, ResetDropsPendingAndIsSeenOnce) {
    connect(256);
    ASSERT_TRUE(send_str(a, "lost").ok());
    ASSERT_TRUE(send_str(b, "lost too").ok());
    b.reset();
    EXPECT_EQ(b.generation(), 2u);
    EXPECT_EQ(recv_str(b), "Empty");  // its receiving ring was drained
    EXPECT_EQ(recv_str(a), "PeerReset");
    EXPECT_EQ(recv_str(a), "Empty");  // B's unread message dropped
    EXPECT_EQ(st(a.tx_free()), "PeerReset");
    EXPECT_EQ(a.tx_free().value(), 256u);
    ASSERT_TRUE(send_str(a, "after").ok());
    EXPECT_EQ(recv_str(b), "after");
}

TEST_F(IvcRing, GenerationWrapSkipsZero) {
    connect(256);
    region->put64(L::prod_line(0), word(0xFFFF'FFFF, 0));
    Channel a2;
    ASSERT_TRUE(a2.attach(region->mem, region->size, Side::A).ok());
    EXPECT_EQ(a2.generation(), 1u);
}

// ---- Hostile peer: every violation is Corrupt, sticky until reset() ---------

class IvcCorrupt : public IvcRing {
protected:
    void SetUp() override {
        connect(256);
        ASSERT_TRUE(send_str(a, "first").ok());
        ASSERT_TRUE(send_str(a, "second").ok());
        EXPECT_EQ(recv_str(b), "first");
    }
    // B (the victim) reports Corrupt, keeps reporting it, then recovers by the
    // reset handshake: A re-attaches (a restarted peer), B resets.
    void expect_corrupt_then_recover() {
        EXPECT_EQ(recv_str(b), "Corrupt");
        EXPECT_TRUE(b.corrupt());
        EXPECT_EQ(recv_str(b), "Corrupt");
        EXPECT_EQ(st(b.rx_pending()), "Corrupt");
        EXPECT_EQ(st(b.send("x", 1)), "Corrupt");
        EXPECT_EQ(st(b.release()), "Corrupt");
        Channel a2;
        ASSERT_TRUE(a2.attach(region->mem, region->size, Side::A).ok());
        b.reset();
        EXPECT_FALSE(b.corrupt());
        EXPECT_EQ(recv_str(b), "Empty");
        EXPECT_EQ(st(send_str(a2, "again")), "PeerReset");
        ASSERT_EQ(st(send_str(a2, "again")), "ok");
        EXPECT_EQ(recv_str(b), "again");
        EXPECT_EQ(st(send_str(b, "back")), "ok");
        EXPECT_EQ(recv_str(a2), "PeerReset");
        EXPECT_EQ(recv_str(a2), "back");
    }
    usize data0() const { return L::data(0, 256); }
    // Legitimate empty messages until both indices of ring 0 stand at @p index.
    void advance_to(u32 index) {
        ASSERT_EQ(recv_str(b), "second");
        while (write0() < index)
            ASSERT_TRUE(a.send(nullptr, 0).ok());
        while (b.rx_pending().value() > 0)
            ASSERT_EQ(recv_str(b), "");
        ASSERT_EQ(region->get32(L::cons_line(0)), index);
    }
    u32 write0() const { return region->get32(L::prod_line(0)); }
};

TEST_F(IvcCorrupt, WriteIndexMisaligned) {
    region->put64(L::prod_line(0), word(1, write0() + 4));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, WriteIndexMoreThanARingAhead) {
    region->put64(L::prod_line(0), word(1, 16 + 256 + 8));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, WriteIndexMovesBackwards) {
    EXPECT_EQ(b.rx_pending().value(), 16u);  // B has seen write = 32
    region->put64(L::prod_line(0), word(1, 24));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, WriteIndexBehindReadIndex) {
    region->put64(L::prod_line(0), word(1, 8));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, LengthLargerThanTheDataPresent) {
    region->put32(data0() + 16, 9);  // "second": 8 + 8 bytes present, 8 + 16 claimed
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, LengthBeyondCapacity) {
    region->put32(data0() + 16, 0xFFFF'FFF0);
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, LengthAboveMaxMessage) {
    // Enough data present, but more than max_message() (120).
    region->put64(L::prod_line(0), word(1, 16 + 136));
    region->put32(data0() + 16, 128);
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, RecordCrossingTheEnd) {
    advance_to(232);
    // A record of 32 bytes at offset 232 would end at 264.
    region->put64(data0() + 232, word(0, 24));
    region->put64(L::prod_line(0), word(1, 232 + 32));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, PaddingAtOffsetZero) {
    advance_to(256);
    region->put64(data0(), word(L::k_type_pad, 248));
    region->put64(L::prod_line(0), word(1, 256 + 64));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, PaddingOfTheWrongLength) {
    region->put64(data0() + 16, word(L::k_type_pad, 100));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, PaddingWithoutARecordAfterIt) {
    // "second" at 16 becomes a padding up to the end, and write stops at 256.
    region->put64(L::prod_line(0), word(1, 256));
    region->put64(data0() + 16, word(L::k_type_pad, 256 - 16 - 8));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, PaddingFollowedByPadding) {
    region->put64(L::prod_line(0), word(1, 256 + 16));
    region->put64(data0() + 16, word(L::k_type_pad, 256 - 16 - 8));
    region->put64(data0(), word(L::k_type_pad, 8));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, NewGenerationStartingOutsideTheRing) {
    region->put32(L::prod_line(0) + L::k_prod_gen_start, 4096);
    region->put64(L::prod_line(0), word(7, write0()));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorrupt, NewGenerationStartingMisaligned) {
    region->put32(L::prod_line(0) + L::k_prod_gen_start, 20);
    region->put64(L::prod_line(0), word(7, write0()));
    expect_corrupt_then_recover();
}

// The consumer is the hostile one: A (the producer) is the victim.
class IvcCorruptConsumer : public IvcRing {
protected:
    void SetUp() override {
        connect(256);
        ASSERT_TRUE(send_str(a, "first").ok());
        ASSERT_TRUE(send_str(a, "second").ok());
        EXPECT_EQ(recv_str(b), "first");
        EXPECT_EQ(a.tx_free().value(), 256u - 16u);
    }
    void expect_corrupt_then_recover() {
        EXPECT_EQ(st(send_str(a, "x")), "Corrupt");
        EXPECT_EQ(st(a.tx_free()), "Corrupt");
        EXPECT_EQ(st(a.reserve(1)), "Corrupt");
        EXPECT_EQ(st(a.commit(0)), "Corrupt");
        EXPECT_EQ(recv_str(a), "Corrupt");
        Channel b2;
        ASSERT_TRUE(b2.attach(region->mem, region->size, Side::B).ok());
        a.reset();  // resynchronises with b2 as it stands: no PeerReset for A
        ASSERT_EQ(st(send_str(a, "again")), "ok");
        EXPECT_EQ(recv_str(b2), "PeerReset");
        EXPECT_EQ(recv_str(b2), "again");
    }
};

TEST_F(IvcCorruptConsumer, ReadIndexMisaligned) {
    region->put64(L::cons_line(0), word(1, 12));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorruptConsumer, ReadIndexMovesBackwards) {
    region->put64(L::cons_line(0), word(1, 8));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorruptConsumer, ReadIndexPastTheWriteIndex) {
    region->put64(L::cons_line(0), word(1, 40));
    expect_corrupt_then_recover();
}

TEST_F(IvcCorruptConsumer, NewGenerationReadIndexOutsideTheRing) {
    region->put64(L::cons_line(0), word(9, 32 - 264));
    expect_corrupt_then_recover();
}

// A consumer that resets may stand anywhere within one ring behind the write index.
TEST_F(IvcCorruptConsumer, NewGenerationAnywhereInTheWindowIsFine) {
    region->put64(L::cons_line(0), word(9, 32 - 256));
    EXPECT_EQ(st(a.tx_free()), "PeerReset");
    EXPECT_EQ(a.tx_free().value(), 0u);
}

}  // namespace
