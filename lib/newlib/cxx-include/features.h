/*
 * <features.h> for C++ code that sees newlib (docs/newlib-cxx.md).
 *
 * The cross compiler's libstdc++ headers were configured for glibc: their
 * bits/os_defines.h includes <features.h>, which glibc has and newlib does
 * not, and asks __GLIBC_PREREQ() which glibc versions' quirks apply. Here no
 * glibc is present, so every such question is answered "no"; the feature
 * macros themselves come from newlib's <sys/features.h> (with Tenon's
 * POSIX additions from lib/newlib/include/sys/features.h).
 */
#ifndef TN_NEWLIB_CXX_FEATURES_H
#define TN_NEWLIB_CXX_FEATURES_H

#include <sys/features.h>

#ifndef __GLIBC_PREREQ
#define __GLIBC_PREREQ(major, minor) 0
#endif

#endif
