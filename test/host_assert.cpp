// TN_ASSERT on the host (tn/assert.hpp): linked into every unit test and
// fuzzer. A failed assertion is a bug, so the process aborts with the
// condition and its place on stderr (a fuzzer records the input that did it;
// a unit test checks an assertion with EXPECT_DEATH).
#include <tn/assert.hpp>

#include <cstdio>
#include <cstdlib>

extern "C" [[noreturn]] void tn_assert_failed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "assertion failed: %s\n  at %s:%d\n", expr, file, line);
    std::abort();
}
