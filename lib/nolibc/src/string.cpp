// memcpy, memmove and memset move 8-byte words when they can, and memcmp
// compares them. They also run
// before the MMU is on, where every data access is Device-nGnRnE and an
// unaligned access faults, so they never make one: words are used only when
// dst and src agree modulo the word size (bytes up to the first aligned
// address, then words, then the remaining bytes); when they agree only modulo
// 4 or 2, 4- or 2-byte units are used instead, otherwise single bytes.
//
// The compiler turns struct copies into calls to these, so they must not
// themselves be turned back into calls to memcpy/memset: every function with
// a copy or fill loop carries the no-builtin attribute, the helpers included
// (GCC does not inline a function whose optimize attributes differ from the
// caller's, and an out-of-line helper would lose the attribute).
// Words are accessed through may_alias types (no strict-aliasing assumption).
#include <string.h>

#define TN_NO_BUILTIN __attribute__((optimize("no-tree-loop-distribute-patterns")))
#define TN_STRING_INLINE TN_NO_BUILTIN inline __attribute__((always_inline))

namespace {

typedef unsigned long __attribute__((may_alias)) word_t;
typedef unsigned int __attribute__((may_alias)) half_t;
typedef unsigned short __attribute__((may_alias)) quarter_t;
static_assert(sizeof(word_t) == 8 && sizeof(half_t) == 4 && sizeof(quarter_t) == 2);

using uptr = __UINTPTR_TYPE__;

inline uptr addr(const void* p) { return reinterpret_cast<uptr>(p); }

// Forward copy in units of W: bytes until d is aligned to W, then units (four
// per iteration: the loads of a group come before its stores, which GCC pairs
// into LDP/STP), leaving fewer than sizeof(W) bytes in n for the caller.
// Requires (d - s) % sizeof(W) == 0. Also correct for an overlapping move
// with d < s: every unit is loaded before anything at or after it is stored.
template <typename W>
TN_STRING_INLINE void copy_fwd(unsigned char*& d, const unsigned char*& s, size_t& n) {
    constexpr size_t w = sizeof(W);
    while (n && (addr(d) & (w - 1))) {
        *d++ = *s++;
        --n;
    }
    auto* dw = reinterpret_cast<W*>(d);
    auto* sw = reinterpret_cast<const W*>(s);
    for (; n >= 4 * w; n -= 4 * w, dw += 4, sw += 4) {
        W a = sw[0], b = sw[1], c = sw[2], e = sw[3];
        dw[0] = a;
        dw[1] = b;
        dw[2] = c;
        dw[3] = e;
    }
    for (; n >= w; n -= w)
        *dw++ = *sw++;
    d = reinterpret_cast<unsigned char*>(dw);
    s = reinterpret_cast<const unsigned char*>(sw);
}

// Backward copy in units of W, d and s pointing one past the end of what is
// left: bytes until d is aligned to W, then units, leaving fewer than
// sizeof(W) bytes in n. Correct for an overlapping move with d > s.
template <typename W>
TN_STRING_INLINE void copy_bwd(unsigned char*& d, const unsigned char*& s, size_t& n) {
    constexpr size_t w = sizeof(W);
    while (n && (addr(d) & (w - 1))) {
        *--d = *--s;
        --n;
    }
    auto* dw = reinterpret_cast<W*>(d);
    auto* sw = reinterpret_cast<const W*>(s);
    for (; n >= 4 * w; n -= 4 * w) {
        dw -= 4;
        sw -= 4;
        W a = sw[3], b = sw[2], c = sw[1], e = sw[0];
        dw[3] = a;
        dw[2] = b;
        dw[1] = c;
        dw[0] = e;
    }
    for (; n >= w; n -= w)
        *--dw = *--sw;
    d = reinterpret_cast<unsigned char*>(dw);
    s = reinterpret_cast<const unsigned char*>(sw);
}

// Below this many bytes the alignment work costs more than it saves.
constexpr size_t kWordMin = 16;

// Forward copy of n bytes (memcpy, and memmove when d < s).
TN_STRING_INLINE void forward(unsigned char* d, const unsigned char* s, size_t n) {
    if (n >= kWordMin) {
        uptr diff = addr(d) ^ addr(s);
        if ((diff & 7) == 0)
            copy_fwd<word_t>(d, s, n);
        else if ((diff & 3) == 0)
            copy_fwd<half_t>(d, s, n);
        else if ((diff & 1) == 0)
            copy_fwd<quarter_t>(d, s, n);
    }
    while (n--)
        *d++ = *s++;
}

}  // namespace

extern "C" {

TN_NO_BUILTIN void* memcpy(void* dst, const void* src, size_t n) {
    forward(static_cast<unsigned char*>(dst), static_cast<const unsigned char*>(src), n);
    return dst;
}

TN_NO_BUILTIN void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    // Addresses compared as integers: the two need not be in one object.
    if (addr(d) == addr(s))
        return dst;
    if (addr(d) < addr(s) || addr(d) - addr(s) >= n) {
        forward(d, s, n);
        return dst;
    }
    // d overlaps the end of s: copy from the end down.
    d += n;
    s += n;
    if (n >= kWordMin) {
        uptr diff = addr(d) ^ addr(s);
        if ((diff & 7) == 0)
            copy_bwd<word_t>(d, s, n);
        else if ((diff & 3) == 0)
            copy_bwd<half_t>(d, s, n);
        else if ((diff & 1) == 0)
            copy_bwd<quarter_t>(d, s, n);
    }
    while (n--)
        *--d = *--s;
    return dst;
}

TN_NO_BUILTIN void* memset(void* dst, int c, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto b = static_cast<unsigned char>(c);
    if (n >= kWordMin) {
        while (addr(d) & 7) {
            *d++ = b;
            --n;
        }
        word_t v = b * 0x0101010101010101ul;
        auto* dw = reinterpret_cast<word_t*>(d);
        for (; n >= 32; n -= 32, dw += 4) {
            dw[0] = v;
            dw[1] = v;
            dw[2] = v;
            dw[3] = v;
        }
        for (; n >= 8; n -= 8)
            *dw++ = v;
        d = reinterpret_cast<unsigned char*>(dw);
    }
    while (n--)
        *d++ = b;
    return dst;
}

// -1, 0 or 1 as the first differing byte (as unsigned char) of a is below,
// absent or above b's. When a and b agree modulo 8 and n is large enough:
// bytes up to the first aligned address, then 8-byte words (two per
// iteration), then the remaining bytes. A differing word is ordered by its
// bytes in memory order: byte-reversed (little endian), the first byte is the
// most significant, so an unsigned compare of the reversed words decides.
TN_NO_BUILTIN int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    if (n >= kWordMin && ((addr(x) ^ addr(y)) & 7) == 0) {
        for (; addr(x) & 7; --n, ++x, ++y)
            if (*x != *y)
                return *x < *y ? -1 : 1;
        auto* xw = reinterpret_cast<const word_t*>(x);
        auto* yw = reinterpret_cast<const word_t*>(y);
        for (; n >= 16; n -= 16, xw += 2, yw += 2) {
            word_t x0 = xw[0], y0 = yw[0], x1 = xw[1], y1 = yw[1];
            if (x0 != y0)
                return __builtin_bswap64(x0) < __builtin_bswap64(y0) ? -1 : 1;
            if (x1 != y1)
                return __builtin_bswap64(x1) < __builtin_bswap64(y1) ? -1 : 1;
        }
        if (n >= 8) {
            if (*xw != *yw)
                return __builtin_bswap64(*xw) < __builtin_bswap64(*yw) ? -1 : 1;
            ++xw;
            ++yw;
            n -= 8;
        }
        x = reinterpret_cast<const unsigned char*>(xw);
        y = reinterpret_cast<const unsigned char*>(yw);
    }
    for (; n; --n, ++x, ++y)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n])
        ++n;
    return n;
}

size_t strnlen(const char* s, size_t max) {
    size_t n = 0;
    while (n < max && s[n])
        ++n;
    return n;
}

int strcmp(const char* a, const char* b) {
    for (; *a && *a == *b; ++a, ++b)
        ;
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (; n && *a && *a == *b; --n, ++a, ++b)
        ;
    return n ? static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b) : 0;
}

char* strchr(const char* s, int c) {
    for (;; ++s) {
        if (*s == static_cast<char>(c))
            return const_cast<char*>(s);
        if (!*s)
            return nullptr;
    }
}

}  // extern "C"
