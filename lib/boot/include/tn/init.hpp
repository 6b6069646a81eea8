/// @file
/// Ordered initialisation without a central list: a library registers an init
/// function with a level, the linker collects the records into one table sorted
/// by level (lib/boot/boot.lds), and lib/boot runs them before main().
///
///   static int gic_init() { ...; return 0; }
///   TN_INIT(gic_init, TN_INIT_DRIVER);
///
/// Within a level, functions run in link order (library discovery order, then
/// object order). An init function returns 0 or a negative error; the first
/// failure stops the boot with a report naming the function.
#pragma once

#include <tn/types.hpp>

#define TN_INIT_EARLY 1
#define TN_INIT_PLATFORM 2
#define TN_INIT_DRIVER 3
#define TN_INIT_LIB 4
#define TN_INIT_APP 5

namespace tn::init {

struct Record {
    int (*fn)();
    const char* name;
    int level;
};

/// Name of an init level ("driver"), for reports.
const char* level_name(int level);

struct Failure {
    const Record* record;  // nullptr when every function succeeded
    int error;
};

/// Runs [begin, end) in order; stops at the first function returning nonzero.
Failure run(const Record* begin, const Record* end);

}  // namespace tn::init

#define TN_INIT_CAT2(a, b) a##b
#define TN_INIT_CAT(a, b) TN_INIT_CAT2(a, b)
#define TN_INIT_STR2(x) #x
#define TN_INIT_STR(x) TN_INIT_STR2(x)

/// Registers int fn() to run at @p level (TN_INIT_EARLY .. TN_INIT_APP).
#define TN_INIT(fn, level)                                                                       \
    static_assert((level) >= TN_INIT_EARLY && (level) <= TN_INIT_APP, "bad init level");         \
    [[gnu::used, gnu::section(".tn_inittab." TN_INIT_STR(level))]] static const ::tn::init::Record \
        TN_INIT_CAT(tn_init_record_, fn) = {fn, #fn, level}
