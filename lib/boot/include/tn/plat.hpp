/// @file
/// @brief The contract between the boot library and a platform library.
///
/// Every platform (plat/&lt;board&gt;) provides these; nothing else calls them directly.
#pragma once

#include <tn/result.hpp>
#include <tn/types.hpp>

/// Entered from arch code on the boot CPU with the MMU off, BSS cleared, a
/// boot stack and IRQs masked. @p dtb is the device tree's physical address as
/// the boot loader passed it in x0 (may be 0); @p entry_el the exception level
/// the image was entered at (1 or 2). Sets up the console, then calls
/// tn::boot::run().
extern "C" [[noreturn]] void tn_plat_start(tn::uptr dtb, unsigned entry_el);

/// Entered from arch code on secondary CPU @p cpu (CONFIG_TN_SMP), started by
/// start_secondary_cpus(): MMU on with the boot CPU's tables, its own boot
/// stack, IRQs masked. Sets up the CPU's interrupt interface and timer, marks
/// it online (tn::smp::cpu_online) and calls tn_secondary_main(cpu).
extern "C" [[noreturn]] void tn_plat_secondary_start(unsigned cpu);

/// What an online secondary CPU runs: by default (lib/boot, weak) it idles
/// with IRQs unmasked, serving cross-CPU calls; a scheduler (lib/sched)
/// replaces it with its per-CPU idle thread.
extern "C" [[noreturn]] void tn_secondary_main(unsigned cpu);

namespace tn::mem {
class PageAllocator;
}
namespace tn::fdt {
class Fdt;
enum class Error : u8;
}  // namespace tn::fdt

/// What every platform library provides (lib/boot's contract).
namespace tn::plat {

/// The kernel's physical page pool (platforms with CONFIG_LIBMEMORY), set up
/// before the init levels run. Not locked: callers serialise (lib/sched takes
/// the kernel lock around it). An application that allocates pages itself
/// must do so before it creates threads, or hold tn::tntimer::KernelLock.
/// @context Thread. @blocking No.
mem::PageAllocator& page_allocator();

/// Starts the secondary CPUs, at most CONFIG_TN_MAX_CPUS - 1, and returns once
/// each is online or reported as failed. Called by tn::boot::run() after the
/// init levels, before main(). Only with CONFIG_TN_SMP.
/// @context Boot CPU, at boot.
void start_secondary_cpus();

/// The device tree the boot loader passed, validated at boot, for drivers
/// that look up their device (include <tn/fdt.hpp> to use it). NotFound when
/// the boot had none or it did not validate.
/// @context Any. @blocking No.
Result<fdt::Fdt, fdt::Error> device_tree();

/// Why map_device() or map_shared() refused.
enum class MapError : u8 {
    NotDevice,    ///< map_device(): empty or wrapping range, or it touches RAM or the image.
    OutOfTables,  ///< The translation-table pool ran out: raise ARCH_ARM64_MMU_TABLES.
    NotShared,    ///< map_shared(): empty or wrapping range, or it touches RAM, the image or another mapping.
};
/// Printable name of @p e, for logs.
const char* map_error_name(MapError e);

/// Makes the registers of a device the platform does not use itself
/// accessible at their physical address: [base, base + size), rounded out to
/// pages, becomes Device-nGnRE, never executable. The platform maps its own
/// console, interrupt controller and RAM at boot; drivers of other devices
/// (one passed through by a hypervisor, say) call this first.
/// @param base physical address of the registers.
/// @param size bytes.
/// @retval MapError::NotDevice empty or wrapping range, or it touches RAM or the image.
/// @retval MapError::OutOfTables no translation table left (raise ARCH_ARM64_MMU_TABLES).
/// @context Thread only. @blocking No.
Result<void, MapError> map_device(u64 base, u64 size);

/// Makes memory shared with another guest (an inter-VM channel, lib/ivc) or
/// a coherent device accessible at its physical address: [base, base + size),
/// rounded out to pages, becomes Normal Inner Shareable memory, Write-Back
/// cacheable when @p cacheable, else Non-cacheable (both sides of a sharing
/// must agree: a mismatch of memory types loses coherency); read/write when
/// @p writable, else read-only; never executable. Mapping the same region
/// again the same way succeeds and changes nothing.
/// @param base physical address (a guest: intermediate physical address).
/// @param size bytes.
/// @param cacheable Write-Back (true) or Non-cacheable (false).
/// @param writable read/write (true) or read-only (false).
/// @retval MapError::NotShared empty or wrapping range, or it touches RAM, the
///         image, a device or a mapping of another kind.
/// @retval MapError::OutOfTables no translation table left (raise ARCH_ARM64_MMU_TABLES).
/// @context Thread only. @blocking No.
Result<void, MapError> map_shared(u64 base, u64 size, bool cacheable, bool writable = true);

/// Powers the machine off (or, where that is impossible, halts). @p status is
/// the application's exit status; it is reported on the console first.
/// @context Any. @blocking Never returns.
[[noreturn]] void power_off(int status);

}  // namespace tn::plat
