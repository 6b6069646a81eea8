/*
 * libstdc++'s threading primitives for newlib on Tenon (docs/newlib-cxx.md).
 *
 * The headers use them for reference counts (std::shared_ptr, the
 * ref-counted parts of locales and streams) through ext/atomicity.h and
 * ext/concurrence.h. With lib/posix they are the POSIX ones (libstdc++'s
 * gthr-posix.h on lib/posix's <pthread.h>), so those counts are atomic.
 * Without it there are no POSIX threads and the single-threaded model
 * applies: the counts are plain integers, and objects that share them (two
 * copies of one std::shared_ptr) must not be used from two Tenon threads.
 */
#ifndef TN_NEWLIB_CXX_GTHR_DEFAULT_H
#define TN_NEWLIB_CXX_GTHR_DEFAULT_H

#ifdef CONFIG_LIBPOSIX
#include_next <bits/gthr-default.h>
#else
#include <bits/gthr-single.h>
#endif

#endif
