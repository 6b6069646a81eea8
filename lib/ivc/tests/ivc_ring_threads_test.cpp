// The shared-memory ring with its two members on two host threads (built with
// ThreadSanitizer): A sends numbered messages of varying size by copy and by
// reserve/commit, B echoes each one back, and both check every byte and the
// order. Full and Empty are retried; nothing may be Corrupt.
#include <tn/ivc_ring.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

using namespace tn;
using namespace tn::ivc;

constexpr u32 k_count = 20000;

u32 size_of(u32 seq, u32 max) { return (seq * 37) % (max + 1); }

void fill(u8* p, u32 n, u32 seq) {
    for (u32 i = 0; i < n; ++i)
        p[i] = static_cast<u8>(seq + i);
}

bool check(const u8* p, u32 n, u32 seq) {
    for (u32 i = 0; i < n; ++i)
        if (p[i] != static_cast<u8>(seq + i))
            return false;
    return true;
}

TEST(IvcRingThreads, EchoBothWays) {
    for (u32 ring : {64u, 1024u}) {
        const usize size = Channel::region_size(ring);
        u8* mem = static_cast<u8*>(std::aligned_alloc(64, size));
        Channel a, b;
        ASSERT_TRUE(a.format(mem, size, ring).ok());
        ASSERT_TRUE(b.attach(mem, size, Side::B).ok());
        const u32 max = a.max_message();
        bool b_ok = true;

        std::thread echo([&] {
            u8 buf[512];
            for (u32 seq = 0; seq < k_count && b_ok;) {
                auto m = b.recv(buf, sizeof buf);
                if (!m.ok()) {
                    b_ok = m.error() == Error::Empty;
                    std::this_thread::yield();
                    continue;
                }
                b_ok = m.value().type == seq && m.value().size == size_of(seq, max) &&
                       check(buf, m.value().size, seq);
                for (;;) {
                    auto r = b.send(buf, m.value().size, seq);
                    if (r.ok())
                        break;
                    if (r.error() != Error::Full) {
                        b_ok = false;
                        break;
                    }
                    std::this_thread::yield();
                }
                ++seq;
            }
        });

        u32 sent = 0, got = 0;
        int tx_resets = 0, rx_resets = 0;  // B's attach, seen once by each side
        while (got < k_count) {
            if (sent < k_count) {
                const u32 n = size_of(sent, max);
                Result<void, Error> r{};
                if (sent % 2 == 0) {
                    u8 tmp[512];
                    fill(tmp, n, sent);
                    r = a.send(tmp, n, sent);
                } else {
                    auto res = a.reserve(n);
                    if (res.ok()) {
                        fill(res.value().data, n, sent);
                        r = a.commit(n, sent);
                    } else {
                        r = tn::err(res.error());
                    }
                }
                if (r.ok())
                    ++sent;
                else if (r.error() == Error::PeerReset)
                    ++tx_resets;
                else
                    ASSERT_EQ(r.error(), Error::Full);
            }
            auto m = a.peek();
            if (m.ok()) {
                ASSERT_EQ(m.value().type, got);
                ASSERT_EQ(m.value().size, size_of(got, max));
                ASSERT_TRUE(check(m.value().data, m.value().size, got));
                ASSERT_TRUE(a.release().ok());
                ++got;
            } else if (m.error() == Error::PeerReset) {
                ++rx_resets;
            } else {
                ASSERT_EQ(m.error(), Error::Empty);
                std::this_thread::yield();
            }
        }
        echo.join();
        EXPECT_TRUE(b_ok);
        EXPECT_EQ(tx_resets, 1);
        EXPECT_EQ(rx_resets, 1);
        EXPECT_FALSE(a.corrupt());
        EXPECT_FALSE(b.corrupt());
        std::free(mem);
    }
}

}  // namespace
