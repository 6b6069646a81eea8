/*
 * libstdc++'s configuration, corrected for newlib on Tenon
 * (docs/newlib-cxx.md). The cross compiler's bits/c++config.h describes
 * Linux and glibc; the macros undone here name what this image does not have,
 * so the headers that test them take their portable path instead of
 * referring to missing headers or functions.
 */
#ifndef TN_NEWLIB_CXX_CONFIG_H
#define TN_NEWLIB_CXX_CONFIG_H

#include_next <bits/c++config.h>

/* The image links no libstdc++: its explicit instantiations (std::string,
 * the stream and locale classes) are not there to refer to, so the
 * compiler instantiates what the program uses, as for any other template. */
#undef _GLIBCXX_EXTERN_TEMPLATE
#define _GLIBCXX_EXTERN_TEMPLATE 0

/* No futex system call: std::atomic<T>::wait/notify (C++20) and the
 * gthreads layer (std::mutex, std::thread, std::condition_variable...) are
 * not offered; their out-of-line parts live in libstdc++.so/.a, built for
 * glibc. */
#undef _GLIBCXX_HAVE_LINUX_FUTEX
#undef _GLIBCXX_HAVE_LINUX_FUTEX_PRIVATE
#undef _GLIBCXX_HAS_GTHREADS

/* The gthreads calls that remain (bits/gthr-default.h here) are never weak
 * references: a static image has no libpthread that might be absent. */
#undef _GLIBCXX_GTHREAD_USE_WEAK
#define _GLIBCXX_GTHREAD_USE_WEAK 0

/* std::counting_semaphore would sit on sem_t; with the gthreads layer off
 * it is not offered either. */
#undef _GLIBCXX_HAVE_POSIX_SEMAPHORE

/* newlib 3.3 has no <uchar.h> and no timespec_get(). */
#undef _GLIBCXX_HAVE_UCHAR_H
#undef _GLIBCXX_USE_C11_UCHAR_CXX11
#undef _GLIBCXX_HAVE_TIMESPEC_GET

#endif
