/*
 * Each CPU's stack: a guard page (unmapped), then the stack (image.S places
 * them, tenon-arm64.lds puts them after the BSS). A header of its own, so a
 * change of ARCH_ARM64_BOOT_STACK_SIZE rebuilds only what lays out stacks.
 */
#pragma once

#define STACK_SIZE	((CONFIG_ARCH_ARM64_BOOT_STACK_SIZE + 4095) & ~4095)
#define STACK_STRIDE	(4096 + STACK_SIZE)
