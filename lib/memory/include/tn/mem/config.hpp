/// @file
/// @brief Build-time parameters of lib/memory, with the defaults used when no generated
/// config.h is present (host unit tests).
///
/// These values size arrays inside PageAllocator and Tlsf, so every translation
/// unit must see the same values: the build force-includes config.h into every
/// compile (support/make/toolchain.mk), and host tests see none, so both are
/// consistent. Ranges are enforced here as well as in Config.uk.
#pragma once

#ifndef CONFIG_LIBMEMORY_PAGE_MAX_ORDER
/// Largest page block order (Kconfig LIBMEMORY_PAGE_MAX_ORDER): 2^N pages.
#define CONFIG_LIBMEMORY_PAGE_MAX_ORDER 18
#endif
#ifndef CONFIG_LIBMEMORY_PAGE_MAX_REGIONS
/// Memory regions one PageAllocator manages (LIBMEMORY_PAGE_MAX_REGIONS).
#define CONFIG_LIBMEMORY_PAGE_MAX_REGIONS 8
#endif
#ifndef CONFIG_LIBMEMORY_PAGE_MAX_RESERVED
/// Reserved ranges one PageAllocator records (LIBMEMORY_PAGE_MAX_RESERVED).
#define CONFIG_LIBMEMORY_PAGE_MAX_RESERVED 16
#endif
#ifndef CONFIG_LIBMEMORY_TLSF_SL_LOG2
/// TLSF second-level subdivisions, log2 (LIBMEMORY_TLSF_SL_LOG2).
#define CONFIG_LIBMEMORY_TLSF_SL_LOG2 5
#endif
#ifndef CONFIG_LIBMEMORY_TLSF_MAX_POOLS
/// Pools one Tlsf heap takes (LIBMEMORY_TLSF_MAX_POOLS).
#define CONFIG_LIBMEMORY_TLSF_MAX_POOLS 4
#endif

static_assert(CONFIG_LIBMEMORY_PAGE_MAX_ORDER >= 9 && CONFIG_LIBMEMORY_PAGE_MAX_ORDER <= 24,
              "LIBMEMORY_PAGE_MAX_ORDER: valid range 9-24");
static_assert(CONFIG_LIBMEMORY_PAGE_MAX_REGIONS >= 1 && CONFIG_LIBMEMORY_PAGE_MAX_REGIONS <= 64,
              "LIBMEMORY_PAGE_MAX_REGIONS: valid range 1-64");
static_assert(CONFIG_LIBMEMORY_PAGE_MAX_RESERVED >= 1 && CONFIG_LIBMEMORY_PAGE_MAX_RESERVED <= 256,
              "LIBMEMORY_PAGE_MAX_RESERVED: valid range 1-256");
static_assert(CONFIG_LIBMEMORY_TLSF_SL_LOG2 >= 2 && CONFIG_LIBMEMORY_TLSF_SL_LOG2 <= 5,
              "LIBMEMORY_TLSF_SL_LOG2: valid range 2-5");
static_assert(CONFIG_LIBMEMORY_TLSF_MAX_POOLS >= 1 && CONFIG_LIBMEMORY_TLSF_MAX_POOLS <= 64,
              "LIBMEMORY_TLSF_MAX_POOLS: valid range 1-64");
