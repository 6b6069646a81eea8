// Host tests of the report for a thread that exits while owning mutexes
// (src/exit_check.hpp): it names the thread, counts its mutexes, gives each
// one's run-time and link-time address and its highest waiter, and stays
// within the buffer; and that a thread returning with a mutex held gets it
// printed and stops the system with status 134.
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include <tn/console.hpp>
#include <tn/plat.hpp>

#include "exit_check.hpp"
#include "sync_test.hpp"

// What src/exit_check.cpp prints and stops with, on the host: the console
// is stderr, powering off ends the process with the status.
extern "C" int tn_printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    return n;
}

namespace tn::plat {
void power_off(int status) {
    std::fflush(stderr);
    _exit(status);
}
}  // namespace tn::plat

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

// The whole path: a thread function returning with a mutex held ends in
// sched::exit(), which calls lib/sync's exit_holding_mutexes(): the report,
// then power-off with status 134.
TEST_F(ExitReportTest, ReturningWhileHoldingAMutexStopsTheSystem) {
    static Mutex s_mutex;
    EXPECT_EXIT(start("leaver", 5, [] { EXPECT_EQ(st(s_mutex.lock()), "ok"); }),
                ::testing::ExitedWithCode(k_exit_holding_status),
                "Tenon fatal: thread \"leaver\" exited holding 1 mutex\n"
                "  mutex 0x[0-9a-f]+ \\(link address 0x[0-9a-f]+\\): no thread waits for it\n"
                "  The data a mutex protects may be half updated");
    EXPECT_EQ(s_mutex.owner(), nullptr);  // only the child ran the thread
}

}  // namespace
