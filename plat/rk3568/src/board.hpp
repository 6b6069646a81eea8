// What the RK3568 platform learned at boot, for its other files.
#pragma once

#include <tn/arch/mmu.hpp>
#include <tn/drivers/ns16550.hpp>
#include <tn/fdt.hpp>
#include <tn/plat/rk3568.hpp>
#include <tn/types.hpp>

namespace tn::plat::rk3568 {

/// The board: discover()'s answers, with the Kconfig fallbacks filled in
/// for every part it reported missing (Board::missing keeps those bits).
const Board& board();
/// The RAM bank the image runs in (the one the MMU maps).
arch::mmu::Range ram();
/// The device tree the boot validated, or 0.
uptr dtb();
/// The validated, indexed tree; NotFound when the boot had none.
Result<fdt::Fdt, fdt::Error> device_tree();

/// Sets up plat::page_allocator() (CONFIG_LIBMEMORY); false after saying why not.
bool init_page_pool();
/// GIC-600 and the EL1 virtual timer on the boot CPU; powers off on failure.
void irq_init();
/// Console input: the UART's receive interrupt (DRV_SERIAL_NS16550_RX_IRQ), else polling.
void console_input_init();

}  // namespace tn::plat::rk3568
