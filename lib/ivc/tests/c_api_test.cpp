// The C interface (tn/ivc_ring.h): each call forwards to tn::ivc::Channel, and
// each tn::ivc::Error comes back as its negative TN_E* code.
#include <tn/ivc_ring.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace {

struct CRegion {
    explicit CRegion(uint32_t ring) : size(tn_ivc_region_size(ring)) {
        mem = std::aligned_alloc(64, size);
        std::memset(mem, 0, size);
    }
    ~CRegion() { std::free(mem); }
    size_t size;
    void* mem;
};

TEST(IvcRingC, SendReceiveAndErrors) {
    CRegion r(64);
    EXPECT_EQ(r.size, 0x140u + 128u);
    tn_ivc_t a{}, b{};
    EXPECT_EQ(tn_ivc_attach(&b, r.mem, r.size, TN_IVC_SIDE_B), -TN_ENOTCONN);
    EXPECT_EQ(tn_ivc_attach(&b, r.mem, r.size, 7), -TN_EINVAL);
    EXPECT_EQ(tn_ivc_format(&a, r.mem, r.size, 48), -TN_EINVAL);
    ASSERT_EQ(tn_ivc_format(&a, r.mem, r.size, 64), 0);
    ASSERT_EQ(tn_ivc_attach(&b, r.mem, r.size, TN_IVC_SIDE_B), 0);
    EXPECT_EQ(tn_ivc_max_message(&a), 24u);

    EXPECT_EQ(tn_ivc_send(&a, "hi", 2, 3), -TN_ECONNRESET);  // B's attach, once
    EXPECT_EQ(tn_ivc_send(&a, "hi", 2, 3), 0);
    EXPECT_EQ(tn_ivc_send(&a, "x", 25, 0), -TN_EMSGSIZE);
    void* p = nullptr;
    ASSERT_EQ(tn_ivc_reserve(&a, 24, &p), 0);
    std::memcpy(p, "zero", 4);
    ASSERT_EQ(tn_ivc_commit(&a, 4, 5), 0);
    EXPECT_EQ(tn_ivc_tx_free(&a), 64 - 16 - 16);
    EXPECT_EQ(tn_ivc_send(&a, "0123456789abcdef01234567", 24, 0), 0);
    EXPECT_EQ(tn_ivc_send(&a, nullptr, 0, 0), -TN_EAGAIN);
    EXPECT_EQ(tn_ivc_rx_pending(&b), 64);

    char buf[32];
    tn_ivc_msg_t m;
    EXPECT_EQ(tn_ivc_recv(&b, buf, 1, &m), -TN_ENOBUFS);
    ASSERT_EQ(tn_ivc_recv(&b, buf, sizeof buf, &m), 0);
    EXPECT_EQ(m.size, 2u);
    EXPECT_EQ(m.type, 3u);
    EXPECT_EQ(m.data, buf);
    ASSERT_EQ(tn_ivc_peek(&b, &m), 0);
    EXPECT_EQ(std::memcmp(m.data, "zero", 4), 0);
    EXPECT_EQ(m.type, 5u);
    EXPECT_EQ(tn_ivc_release(&b), 0);
    ASSERT_EQ(tn_ivc_recv(&b, buf, sizeof buf, &m), 0);
    EXPECT_EQ(m.size, 24u);
    EXPECT_EQ(tn_ivc_recv(&b, buf, sizeof buf, &m), -TN_EAGAIN);
    EXPECT_EQ(tn_ivc_commit(&a, 0, 0), -TN_EINVAL);

    // A hostile A: its write index far ahead. B reports corrupt until reset.
    uint64_t w = (uint64_t{1} << 32) | 4096;
    std::memcpy(static_cast<char*>(r.mem) + 0x40, &w, 8);
    EXPECT_EQ(tn_ivc_recv(&b, buf, sizeof buf, &m), -TN_EBADMSG);
    EXPECT_EQ(tn_ivc_rx_pending(&b), -TN_EBADMSG);
    tn_ivc_t a2{};
    ASSERT_EQ(tn_ivc_attach(&a2, r.mem, r.size, TN_IVC_SIDE_A), 0);
    tn_ivc_reset(&b);
    EXPECT_EQ(tn_ivc_rx_pending(&b), 0);
    EXPECT_EQ(tn_ivc_send(&a2, "ok", 2, 0), -TN_ECONNRESET);
    EXPECT_EQ(tn_ivc_send(&a2, "ok", 2, 0), 0);
    ASSERT_EQ(tn_ivc_recv(&b, buf, sizeof buf, &m), 0);
    EXPECT_EQ(std::memcmp(buf, "ok", 2), 0);

    // Another version: Incompatible.
    uint32_t v = 2;
    std::memcpy(static_cast<char*>(r.mem) + 4, &v, 4);
    tn_ivc_t c{};
    EXPECT_EQ(tn_ivc_attach(&c, r.mem, r.size, TN_IVC_SIDE_B), -TN_EPROTO);
}

}  // namespace
