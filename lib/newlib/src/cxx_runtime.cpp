// The parts of libstdc++'s runtime that C++ code in an image with newlib
// needs and that the image cannot link from the cross compiler's
// libstdc++.a, built for glibc (docs/newlib-cxx.md).
//
// The global operator new and delete on malloc's heap: std::vector,
// std::string and the other allocator-aware containers use them. They
// replace lib/nolibc's operator delete, which halts because a kernel
// without newlib has no heap. Exceptions are off, so a failed allocation
// cannot throw std::bad_alloc: the throwing forms report it and abort(),
// the std::nothrow ones return nullptr as the standard says.
//
// The std::__throw_* functions the headers call where they would throw
// (std::vector::at out of range, a std::string longer than max_size()...):
// they print what would have been thrown and abort().
//
// std::nothrow (std::stable_sort's temporary buffer uses it), the
// std::chrono clocks' now() on newlib's clock_gettime(), and
// std::_Sp_make_shared_tag::_S_eq, which std::make_shared's control block
// asks when code built without RTTI looks for a deleter.
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ctime>
#include <new>

const std::nothrow_t std::nothrow{};

namespace {

[[noreturn]] void out_of_memory(std::size_t size) {
    std::fprintf(stderr, "operator new: out of memory (%zu bytes)\n", size);
    std::abort();
}

void* alloc(std::size_t size) {
    // malloc(0) may return nullptr; operator new must return a distinct object.
    return std::malloc(size ? size : 1);
}

void* alloc_aligned(std::size_t size, std::align_val_t align) {
    std::size_t a = static_cast<std::size_t>(align);
    void* p = nullptr;
    return posix_memalign(&p, a < sizeof(void*) ? sizeof(void*) : a, size ? size : 1) == 0 ? p : nullptr;
}

}  // namespace

void* operator new(std::size_t size) {
    void* p = alloc(size);
    if (!p)
        out_of_memory(size);
    return p;
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return alloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return alloc(size); }

void* operator new(std::size_t size, std::align_val_t align) {
    void* p = alloc_aligned(size, align);
    if (!p)
        out_of_memory(size);
    return p;
}
void* operator new[](std::size_t size, std::align_val_t align) { return operator new(size, align); }
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return alloc_aligned(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return alloc_aligned(size, align);
}

// malloc's free() takes every form back, aligned blocks included.
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

[[noreturn]] void fail(const char* what, const char* msg) {
    std::fprintf(stderr, "C++: %s%s%s\n", what, msg ? ": " : "", msg ? msg : "");
    std::abort();
}

}  // namespace

namespace std {

void __throw_bad_exception() { fail("std::bad_exception", nullptr); }
void __throw_bad_alloc() { fail("std::bad_alloc", nullptr); }
void __throw_bad_array_new_length() { fail("std::bad_array_new_length", nullptr); }
void __throw_bad_cast() { fail("std::bad_cast", nullptr); }
void __throw_bad_typeid() { fail("std::bad_typeid", nullptr); }
void __throw_logic_error(const char* msg) { fail("std::logic_error", msg); }
void __throw_domain_error(const char* msg) { fail("std::domain_error", msg); }
void __throw_invalid_argument(const char* msg) { fail("std::invalid_argument", msg); }
void __throw_length_error(const char* msg) { fail("std::length_error", msg); }
void __throw_out_of_range(const char* msg) { fail("std::out_of_range", msg); }
void __throw_out_of_range_fmt(const char* fmt, ...) {
    std::fputs("C++: std::out_of_range: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fputc('\n', stderr);
    std::abort();
}
void __throw_runtime_error(const char* msg) { fail("std::runtime_error", msg); }
void __throw_range_error(const char* msg) { fail("std::range_error", msg); }
void __throw_overflow_error(const char* msg) { fail("std::overflow_error", msg); }
void __throw_underflow_error(const char* msg) { fail("std::underflow_error", msg); }
void __throw_ios_failure(const char* msg) { fail("std::ios_base::failure", msg); }
void __throw_ios_failure(const char* msg, int) { fail("std::ios_base::failure", msg); }
void __throw_system_error(int) { fail("std::system_error", nullptr); }
void __throw_future_error(int) { fail("std::future_error", nullptr); }
void __throw_bad_function_call() { fail("std::bad_function_call", nullptr); }

namespace chrono {

namespace {
nanoseconds clock_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return seconds(ts.tv_sec) + nanoseconds(ts.tv_nsec);
}
}  // namespace

system_clock::time_point system_clock::now() noexcept {
    return time_point(duration_cast<system_clock::duration>(clock_ns(CLOCK_REALTIME)));
}
steady_clock::time_point steady_clock::now() noexcept {
    return time_point(duration_cast<steady_clock::duration>(clock_ns(CLOCK_MONOTONIC)));
}

}  // namespace chrono

// A static image without RTTI has one tag object: the one _S_ti() returns.
bool _Sp_make_shared_tag::_S_eq(const type_info& ti) noexcept { return &ti == &_S_ti(); }

}  // namespace std
