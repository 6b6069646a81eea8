/*
 * std::ctype_base's masks for newlib on Tenon (docs/newlib-cxx.md).
 *
 * The cross compiler's copy spells them with glibc's _IS* constants, which
 * newlib's <ctype.h> does not have; its classes are newlib's _U, _L, _N...
 * bits. std::ctype<char> (its table, is(), scan_is()) lives in libstdc++,
 * which the image does not link: these definitions let <memory>, <chrono>
 * and the stream headers compile; <cctype>'s functions are the C library's.
 */
#ifndef TN_NEWLIB_CXX_CTYPE_BASE_H
#define TN_NEWLIB_CXX_CTYPE_BASE_H

namespace std _GLIBCXX_VISIBILITY(default) {
_GLIBCXX_BEGIN_NAMESPACE_VERSION

struct ctype_base {
    typedef const int* __to_type;
    typedef unsigned short mask;
    static const mask upper = _U;
    static const mask lower = _L;
    static const mask alpha = _U | _L;
    static const mask digit = _N;
    static const mask xdigit = _X | _N;
    static const mask space = _S;
    static const mask print = _P | _U | _L | _N | _B;
    static const mask graph = _P | _U | _L | _N;
    static const mask cntrl = _C;
    static const mask punct = _P;
    static const mask alnum = _U | _L | _N;
    /* newlib has no class bit for blank (its _B marks ' ' alone). */
    static const mask blank = 0400;
};

_GLIBCXX_END_NAMESPACE_VERSION
}  // namespace std

#endif
