// C++ on newlib (docs/newlib-cxx.md): the C library through <cstdio>,
// <cstring>, <cstdlib>, <cmath>, <cerrno>, <ctime>, <cctype>; the
// header-only parts of libstdc++; global constructors before main and
// destructors after it; std::vector and std::string on malloc through
// lib/newlib's operator new.
#include <algorithm>
#include <any>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace {

int g_failures;

void check(bool ok, const char* what) {
    if (!ok) {
        std::printf("newlib-cxx: FAILED %s\n", what);
        ++g_failures;
    }
}

// Built before main() from the image's constructor list (.init_array).
// Its destructor is never run: the image keeps no .fini_array.
struct Global {
    int value;
    Global() : value(std::atoi("1234")) {}
};
Global g_global;

// A function-local static's destructor is registered with atexit() when it
// is built (-fno-use-cxa-atexit), so exit() after main's return runs it.
struct Local {
    ~Local() { std::printf("newlib-cxx: local static destructor ran\n"); }
};
void touch_local() {
    static Local local;
}

constexpr std::uint64_t fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static_assert(fib(20) == 6765);
static_assert(std::is_same_v<std::make_unsigned_t<int>, unsigned>);
static_assert(std::numeric_limits<std::int32_t>::max() == INT32_MAX);
static_assert(std::popcount(0xf0f0u) == 8 && std::bit_width(255u) == 8);
static_assert(std::string_view("tenon").substr(1, 3) == "eno");

constexpr int sum_sorted_first(std::array<int, 4> a) {
    std::sort(a.begin(), a.end());
    return a[0];
}
static_assert(sum_sorted_first({4, 3, 9, 1}) == 1);

std::optional<int> parse_digit(char c) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
        return std::nullopt;
    return c - '0';
}

int sum(std::span<const int> s) { return std::accumulate(s.begin(), s.end(), 0); }

struct alignas(64) Wide {
    unsigned char bytes[64];
};

}  // namespace

int main() {
    check(g_global.value == 1234, "global constructor before main");

    // <cstdio>: newlib's printf, doubles included.
    std::printf("newlib-cxx: printf %d %s %.3f %e\n", -42, "tenon", 3.14159, 12345.678);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%05.1f|%x|%s", 2.25, 0xbeefu, "ok");
    check(n == 13 && std::strcmp(buf, "002.2|beef|ok") == 0, "snprintf");

    // <cstdlib>, <cerrno>: strtod and errno (newlib's ERANGE).
    char* end = nullptr;
    double d = std::strtod("2.5e3xyz", &end);
    check(d == 2500.0 && std::strcmp(end, "xyz") == 0, "strtod");
    errno = 0;
    std::strtod("1e999", nullptr);
    check(errno == ERANGE && ERANGE == 34, "strtod ERANGE");
    check(std::abs(-7) == 7 && std::labs(-7L) == 7L, "abs");

    // <cmath>: libm through the std:: overloads.
    std::printf("newlib-cxx: sqrt2 %.10f cbrt27 %.3f hypot %.1f\n", std::sqrt(2.0), std::cbrt(27.0),
                std::hypot(3.0, 4.0));
    check(std::fabs(std::sqrt(2.0f) - 1.41421356f) < 1e-6f, "sqrt(float)");
    check(std::round(2.5) == 3.0 && std::trunc(-2.7) == -2.0 && std::fmax(1.0, 2.0) == 2.0, "round/trunc/fmax");
    check(std::isnan(std::nan("")) && std::isinf(std::numeric_limits<double>::infinity()), "isnan/isinf");
    check(std::fabs(std::pow(2.0, 0.5) - std::sqrt(2.0)) < 1e-15, "pow");

    // <cstring>, <cctype>.
    std::strcpy(buf, "Tenon");
    for (char* p = buf; *p; ++p)
        *p = static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
    check(std::strcmp(buf, "TENON") == 0 && std::strlen(buf) == 5 && std::memchr(buf, 'N', 5) == buf + 2,
          "cstring/cctype");

    // <ctime>: newlib's time conversions.
    std::time_t t = 86400 * 365;
    std::tm* tm = std::gmtime(&t);
    check(tm && std::strftime(buf, sizeof buf, "%Y-%m-%d", tm) == 10 && std::strcmp(buf, "1971-01-01") == 0,
          "gmtime/strftime");
    std::tm when{};
    when.tm_year = 71;
    when.tm_mday = 1;
    check(std::mktime(&when) == t && std::difftime(t, 0) == 31536000.0, "mktime/difftime");

    // Header-only templates.
    std::array<int, 6> a{5, 3, 8, 1, 9, 2};
    std::sort(a.begin(), a.end());
    check(std::is_sorted(a.begin(), a.end()) && a.front() == 1 && a.back() == 9, "array + sort");
    check(sum(a) == 28, "span + accumulate");
    check(parse_digit('7').value_or(-1) == 7 && !parse_digit('x'), "optional");
    std::string_view sv = "key=value";
    auto eq = sv.find('=');
    check(eq == 3 && sv.substr(eq + 1) == "value", "string_view");
    std::atomic<int> counter{0};
    counter.fetch_add(5);
    check(counter.load() == 5 && counter.is_lock_free(), "atomic");
    check(std::bit_cast<std::uint64_t>(1.0) == 0x3ff0000000000000ull, "bit_cast");
    alignas(int) unsigned char storage[sizeof(int)];
    int* placed = new (storage) int(77);
    check(*placed == 77, "placement new");
    auto [lo, hi] = std::minmax({4, -2, 9});
    check(lo == -2 && hi == 9, "minmax");

    // Allocating containers: operator new on newlib's malloc.
    std::vector<std::string> words;
    for (int i = 0; i < 100; ++i)
        words.push_back("word-" + std::to_string(i) + std::string(20, 'x'));
    check(words.size() == 100 && words[42].substr(0, 7) == "word-42" && words[42].size() == 27, "vector<string>");
    std::string joined;
    for (const auto& w : words)
        joined += w.substr(0, 5);
    check(joined.size() == 500, "string append");
    std::vector<int> v(1000);
    std::iota(v.begin(), v.end(), 0);
    check(std::accumulate(v.begin(), v.end(), 0) == 499500, "vector<int>");
    auto up = std::make_unique<Wide>();
    check(reinterpret_cast<std::uintptr_t>(up.get()) % 64 == 0, "aligned new");
    auto sp = std::make_shared<std::string>("shared");
    auto sp2 = sp;
    check(sp.use_count() == 2 && *sp2 == "shared", "shared_ptr");
    std::deque<int> dq;
    for (int i = 0; i < 1000; ++i)
        (i % 2 ? dq.push_back(i) : dq.push_front(i));
    check(dq.size() == 1000 && dq.front() == 998 && dq.back() == 999, "deque");
    int base = 40;
    std::function<int(int)> add = [base](int x) { return base + x; };
    check(add(2) == 42, "function");
    std::variant<int, std::string> var = std::string("text");
    check(std::holds_alternative<std::string>(var) && std::get<1>(var).size() == 4, "variant");
    std::any any = 3.5;
    check(std::any_cast<double>(any) == 3.5 && !std::any_cast<int>(&any), "any");
    check(std::to_string(2.5) == "2.500000", "to_string(double)");
    std::vector<double> ds{3.5, -1.0, 2.25, 0.0};
    std::stable_sort(ds.begin(), ds.end());
    check(ds.front() == -1.0 && ds.back() == 3.5, "stable_sort");

    // <chrono>'s clocks on clock_gettime().
    auto t0 = std::chrono::steady_clock::now();
    struct timespec nap = {0, 2000000};
    nanosleep(&nap, nullptr);
    auto waited = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    check(waited.count() >= 2000, "steady_clock across a 2 ms sleep");
    auto wall = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    check(wall - std::time(nullptr) <= 1, "system_clock");
    std::printf("newlib-cxx: vector %zu strings, last %s\n", words.size(), words.back().c_str());

    touch_local();
    std::atexit([] { std::printf("newlib-cxx: atexit handler ran\n"); });

    if (g_failures == 0)
        std::printf("newlib-cxx: all checks passed\n");
    return g_failures == 0 ? 0 : 1;
}
