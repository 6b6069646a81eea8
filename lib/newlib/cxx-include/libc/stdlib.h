/*
 * newlib's <stdlib.h> for C++ (docs/newlib-cxx.md).
 *
 * With -fno-use-cxa-atexit the compiler registers the destructor of a
 * function-local static object with atexit(), through its own built-in
 * declaration of atexit, which has default visibility. Tenon's prelude
 * (support/include/tn_prelude.h) makes every declaration hidden, newlib's
 * atexit among them, and the two would conflict: declaring it here first
 * with default visibility, as the compiler does, keeps them equal. The image
 * is static either way, so the call binds the same.
 */
#if defined(__cplusplus) && !defined(TN_NEWLIB_CXX_STDLIB_H)
#define TN_NEWLIB_CXX_STDLIB_H
extern "C" int atexit(void (*)(void)) __attribute__((__visibility__("default")));
#endif

#include_next <stdlib.h>
