/// @file
/// @brief Ordered initialisation (lib/boot): TN_INIT() registers a function to run before main().
///
/// Ordered initialisation without a central list: a library registers an init
/// function with a level, the linker collects the records into one table sorted
/// by level (lib/boot/boot.lds), and lib/boot runs them before main().
///
/// @code{.cpp}
///   static int gic_init() { ...; return 0; }
///   TN_INIT(gic_init, TN_INIT_DRIVER);
/// @endcode
///
/// Within a level, functions run in link order (library discovery order, then
/// object order). An init function returns 0 or a negative error; the first
/// failure stops the boot with a report naming the function, and the image
/// powers off with exit status tn::boot::k_init_failed_status. Init functions
/// run on the boot CPU with IRQs masked, after the static constructors and
/// before the secondary CPUs start and main() runs, so they must not block or
/// sleep.
#pragma once

#include <tn/types.hpp>

/// Init level: before the platform (arch and early kernel setup).
#define TN_INIT_EARLY 1
/// Init level: board setup.
#define TN_INIT_PLATFORM 2
/// Init level: device drivers.
#define TN_INIT_DRIVER 3
/// Init level: kernel libraries (the scheduler).
#define TN_INIT_LIB 4
/// Init level: the application's own setup, last before main().
#define TN_INIT_APP 5

/// The init table behind TN_INIT() (lib/boot).
namespace tn::init {

/// One registered init function (TN_INIT() makes it).
struct Record {
    int (*fn)();       ///< The function: 0 on success, else a negative error.
    const char* name;  ///< Its name, for the failure report.
    int level;         ///< TN_INIT_EARLY .. TN_INIT_APP.
};

/// Name of an init level ("driver"), for reports.
const char* level_name(int level);

/// What run() stopped at.
struct Failure {
    const Record* record;  ///< The failing function; nullptr when every function succeeded.
    int error;             ///< What it returned.
};

/// Runs [begin, end) in order; stops at the first function returning nonzero.
/// @return the failure, or {nullptr, 0}. @context Thread, at boot.
Failure run(const Record* begin, const Record* end);

}  // namespace tn::init

#define TN_INIT_CAT2(a, b) a##b
#define TN_INIT_CAT(a, b) TN_INIT_CAT2(a, b)
#define TN_INIT_STR2(x) #x
#define TN_INIT_STR(x) TN_INIT_STR2(x)

/// Registers int fn() to run at @p level (TN_INIT_EARLY .. TN_INIT_APP),
/// before main(). Use at namespace scope, once per function.
#define TN_INIT(fn, level)                                                                       \
    static_assert((level) >= TN_INIT_EARLY && (level) <= TN_INIT_APP, "bad init level");         \
    [[gnu::used, gnu::section(".tn_inittab." TN_INIT_STR(level))]] static const ::tn::init::Record \
        TN_INIT_CAT(tn_init_record_, fn) = {fn, #fn, level}
