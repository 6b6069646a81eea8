// Interrupt controller and timer of the QEMU virt platform.
#pragma once

namespace tn::plat::qemu_virt {

/// Finds the GIC (GICv2 or GICv3) and the EL1 virtual timer's interrupt,
/// initialises both on the boot CPU and installs them with lib/irq and
/// lib/clock; IRQs stay masked. A machine it cannot set up is reported on the
/// console and powered off (status 1). Built with LIBIRQ only; without
/// DRV_TIMER_ARM_GENERIC it sets up the GIC alone.
/// @pre discover() ran (board.hpp) and the MMU maps the GIC window.
void qemu_virt_irq_init();

/// Installs the console input source (console_input.cpp): the PL011's receive
/// interrupt and ring buffer with DRV_SERIAL_PL011_RX_IRQ, else polling.
/// @pre qemu_virt_irq_init() ran (with LIBIRQ).
void qemu_virt_console_input_init();

}  // namespace tn::plat::qemu_virt
