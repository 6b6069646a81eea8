// C++ ABI hooks a freestanding kernel must provide. Objects are never deleted
// through the global heap (there is none here), so reaching operator delete or
// a pure virtual call is a kernel bug and halts.
#include <stddef.h>

extern "C" [[noreturn]] void tn_arch_halt();

extern "C" void __cxa_pure_virtual() { tn_arch_halt(); }

// Weak: an image with newlib has a heap, and lib/newlib's operator delete
// (src/cxx_runtime.cpp, on free()) replaces these.
__attribute__((weak)) void operator delete(void*) noexcept { tn_arch_halt(); }
__attribute__((weak)) void operator delete(void*, size_t) noexcept { tn_arch_halt(); }
