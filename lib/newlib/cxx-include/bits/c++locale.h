/*
 * libstdc++'s C locale model for newlib on Tenon (docs/newlib-cxx.md).
 *
 * The cross compiler's bits/c++locale.h is the GNU model: its __c_locale is
 * glibc's __locale_t pointer, while newlib's __locale_t is a struct tag, so
 * every header that reaches <bits/locale_classes.h> (<memory>, <iterator>,
 * <chrono>, <complex>...) stopped compiling. Here __c_locale is newlib's
 * locale_t, a pointer as well. The locale and stream classes that use it are
 * compiled into libstdc++, which the image does not link: this only lets
 * their declarations compile.
 */
#ifndef _GLIBCXX_CXX_LOCALE_H
#define _GLIBCXX_CXX_LOCALE_H 1

#pragma GCC system_header

#include <clocale>

#define _GLIBCXX_NUM_CATEGORIES 6

namespace std _GLIBCXX_VISIBILITY(default) {
_GLIBCXX_BEGIN_NAMESPACE_VERSION

typedef ::locale_t __c_locale;

/* A number in the "C" locale's format, as libstdc++'s number formatting
 * expects: newlib's LC_NUMERIC is always "C" unless the program changes it,
 * and its uselocale() switches the calling thread's locale. */
inline int __convert_from_v(const __c_locale& __cloc, char* __out, const int __size, const char* __fmt, ...) {
    __c_locale __old = ::uselocale(__cloc);
    __builtin_va_list __args;
    __builtin_va_start(__args, __fmt);
    const int __ret = __builtin_vsnprintf(__out, __size, __fmt, __args);
    __builtin_va_end(__args);
    ::uselocale(__old);
    return __ret;
}

_GLIBCXX_END_NAMESPACE_VERSION
}  // namespace std

#endif
