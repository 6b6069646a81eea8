// Host tests of the report for a thread that exits while owning mutexes
// (src/exit_check.hpp): it names the thread, counts its mutexes, gives each
// one's run-time and link-time address and its highest waiter, and stays
// within the buffer. (Powering off is the target's part.)
#include <cstdio>
#include <cstring>
#include <string>

#include "exit_check.hpp"
#include "sync_test.hpp"

namespace {

using namespace tn;
using namespace tn::sync;
using namespace sync_test;

class ExitReportTest : public SyncTest {};

std::string hex(const void* p, u64 minus = 0) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(reinterpret_cast<u64>(p) - minus));
    return b;
}

TEST_F(ExitReportTest, NamesThreadMutexesAndWaiters) {
    Mutex a, b;
    Thread* owner = start("owner", 2, [&] {
        EXPECT_EQ(st(a.lock()), "ok");
        EXPECT_EQ(st(b.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(b.unlock()), "ok");
        EXPECT_EQ(st(a.unlock()), "ok");
    });
    Thread* waiter = start("waiter", 9, [&] {
        EXPECT_EQ(st(b.lock()), "ok");
        EXPECT_EQ(st(b.unlock()), "ok");
    });
    char buf[512];
    usize held;
    {
        sched::Locked l;
        held = detail::exit_holding_report(l, owner, 0x1000, buf, sizeof buf);
    }
    EXPECT_EQ(held, 2u);
    std::string want = "Tenon fatal: thread \"owner\" exited holding 2 mutexes\n"
                       "  mutex " + hex(&a) + " (link address " + hex(&a, 0x1000) + "): no thread waits for it\n"
                       "  mutex " + hex(&b) + " (link address " + hex(&b, 0x1000) +
                       "): \"waiter\" (priority 9) and maybe others wait for it\n";
    EXPECT_EQ(std::string(buf), want);

    // A short buffer is cut, terminated, never overrun.
    char small[40];
    std::memset(small, 'x', sizeof small);
    {
        sched::Locked l;
        EXPECT_EQ(detail::exit_holding_report(l, owner, 0, small, 24), 2u);
    }
    EXPECT_EQ(std::string(small), want.substr(0, 23));
    EXPECT_EQ(small[24], 'x');
    step(owner);
    EXPECT_TRUE(done(waiter));
}

TEST_F(ExitReportTest, OneMutexNoWaiters) {
    Mutex m;
    Thread* owner = start("solo", 2, [&] {
        EXPECT_EQ(st(m.lock()), "ok");
        hand_back();
        EXPECT_EQ(st(m.unlock()), "ok");
    });
    char buf[256];
    {
        sched::Locked l;
        EXPECT_EQ(detail::exit_holding_report(l, owner, 0, buf, sizeof buf), 1u);
    }
    EXPECT_EQ(std::string(buf).substr(0, 50), "Tenon fatal: thread \"solo\" exited holding 1 mutex\n");
    step(owner);
    {
        sched::Locked l;
        EXPECT_EQ(detail::exit_holding_report(l, owner, 0, buf, sizeof buf), 0u);
    }
}

}  // namespace
