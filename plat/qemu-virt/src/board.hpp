// What the QEMU virt platform learned about the machine at boot, for the
// platform's other files (interrupt set-up reads the device tree from here).
#pragma once

#include <tn/arch/mmu.hpp>
#include <tn/arch/psci.hpp>
#include <tn/fdt.hpp>
#include <tn/types.hpp>

namespace tn::plat::qemu_virt {

// GIC distributor, CPU interface, redistributors and ITS of QEMU virt
// (hw/arm/virt.c memory map) lie in 0x08000000-0x08ffffff; the MMU maps this
// window as device memory and GIC set-up refuses regions outside it.
constexpr arch::mmu::Range k_gic_window{0x08000000, 0x01000000};

struct Board {
    arch::mmu::Range ram;
    uptr uart_base;
    arch::PsciConduit psci;
    uptr dtb;  // the validated device tree, or 0
};

/// The device tree discover() validated and indexed, without walking it again.
/// NotFound when the boot had none (or it did not validate).
Result<fdt::Fdt, fdt::Error> device_tree();

/// Reads the device tree at @p dtb (0: none); every value it cannot find comes
/// from the Kconfig board constants, and @p why says what was missing.
Board discover(uptr dtb, unsigned entry_el, const char** why);

/// Sets up plat::page_allocator() (CONFIG_LIBMEMORY); false after reporting why not.
bool init_page_pool();

/// The board as discovered at boot. @pre tn_plat_start ran discover().
const Board& board();

}  // namespace tn::plat::qemu_virt
