/// @file
/// @brief Mortise's QEMU virt board as host tools see it: the platform a partition
/// description is checked against at build time (support/tools/partcheck) and in
/// hyp/partition's tests and fuzzer.
///
/// At boot Mortise learns the machine from the device tree QEMU passes (src/board.cpp);
/// this is the same machine written down, for code that runs before there is one.
/// Host-only: src/partition_platform.cpp is built into those tools, not into the image.
#pragma once

#include <mortise/partition.hpp>
#include <tn/types.hpp>

namespace tn::plat::mortise_qemu_virt {

/// QEMU virt as scripts/qemu-run boots it with @p ram_size bytes of RAM and @p cpus
/// CPUs (hw/arm/virt.c memory map): RAM at its fixed base, Mortise keeping the GICv3
/// distributor, ITS and redistributor space, the PL011 and that UART's SPI. No reserved
/// region and no image list: add them to the result where they are known.
mortise::partition::Platform partition_platform(u64 ram_size, unsigned cpus);

}  // namespace tn::plat::mortise_qemu_virt
