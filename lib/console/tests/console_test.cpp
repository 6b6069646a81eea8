// Console input dispatch: no source, a polled source, an interrupt-driven one
// whose wait() is where bytes arrive, and the drop count; output through the
// sink with '\n' expanded.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include <tn/console.hpp>

namespace {

using tn::u64;

struct FakeSource {
    std::deque<int> queued;   // what try_get() returns, in order
    std::string arrives;      // what each wait() call delivers, one byte per call
    int waits = 0;
    u64 lost = 0;

    static int try_get(void* ctx) {
        auto* s = static_cast<FakeSource*>(ctx);
        if (s->queued.empty())
            return -1;
        int c = s->queued.front();
        s->queued.pop_front();
        return c;
    }
    static void wait(void* ctx) {
        auto* s = static_cast<FakeSource*>(ctx);
        ++s->waits;
        if (!s->arrives.empty()) {
            s->queued.push_back(static_cast<unsigned char>(s->arrives[0]));
            s->arrives.erase(0, 1);
        }
    }
    static u64 dropped(void* ctx) { return static_cast<FakeSource*>(ctx)->lost; }
};

class ConsoleInput : public ::testing::Test {
protected:
    void TearDown() override { tn::console::set_source({nullptr, nullptr, nullptr, nullptr}); }
    FakeSource src;
};

TEST_F(ConsoleInput, NoSourceMeansNoInput) {
    tn::console::set_source({nullptr, nullptr, nullptr, nullptr});
    EXPECT_EQ(tn::console::try_getc(), -1);
    EXPECT_EQ(tn::console::wait_getc(), -1);  // does not hang
    EXPECT_EQ(tn_getchar(), -1);
    EXPECT_EQ(tn_try_getchar(), -1);
    EXPECT_EQ(tn::console::input_dropped(), 0u);
}

TEST_F(ConsoleInput, TryGetcNeverWaits) {
    tn::console::set_source({FakeSource::try_get, FakeSource::wait, FakeSource::dropped, &src});
    src.queued = {'a', 0xff};
    EXPECT_EQ(tn::console::try_getc(), 'a');
    EXPECT_EQ(tn_try_getchar(), 0xff);  // bytes are 0-255, never confused with -1
    EXPECT_EQ(tn::console::try_getc(), -1);
    EXPECT_EQ(src.waits, 0);
}

TEST_F(ConsoleInput, WaitGetcWaitsOnlyWhileEmpty) {
    tn::console::set_source({FakeSource::try_get, FakeSource::wait, FakeSource::dropped, &src});
    src.queued = {'x'};
    EXPECT_EQ(tn::console::wait_getc(), 'x');
    EXPECT_EQ(src.waits, 0);
    src.arrives = "yz";
    EXPECT_EQ(tn_getchar(), 'y');
    EXPECT_EQ(src.waits, 1);
    EXPECT_EQ(tn::console::wait_getc(), 'z');
    EXPECT_EQ(src.waits, 2);
}

TEST_F(ConsoleInput, PolledSourceSpinsWithoutWaitHook) {
    static int polls;
    polls = 0;
    auto try_get = [](void*) { return ++polls < 5 ? -1 : 'p'; };
    tn::console::set_source({try_get, nullptr, nullptr, nullptr});
    EXPECT_EQ(tn::console::wait_getc(), 'p');
    EXPECT_EQ(polls, 5);
    EXPECT_EQ(tn::console::input_dropped(), 0u);  // no count kept
}

TEST_F(ConsoleInput, DroppedComesFromTheSource) {
    tn::console::set_source({FakeSource::try_get, FakeSource::wait, FakeSource::dropped, &src});
    src.lost = 42;
    EXPECT_EQ(tn::console::input_dropped(), 42u);
}

TEST(ConsoleOutput, SinkGetsCrBeforeEachNewline) {
    static std::string out;
    out.clear();
    tn::console::set_sink([](char c, void*) { out += c; }, nullptr);
    EXPECT_EQ(tn_puts("a\nb"), 4);
    tn_printf("%d\n", 7);
    EXPECT_EQ(out, "a\r\nb\r\n7\r\n");
    tn::console::set_sink(nullptr, nullptr);
}

}  // namespace
