/*
 * Included ahead of every target source (support/make/toolchain.mk).
 *
 * A Tenon or Mortise image is one statically linked, self-relocating
 * executable: no symbol is ever resolved from outside it. Marking every
 * declaration hidden tells the compiler so, and extern variables are then
 * reached with a PC-relative address (adrp + add) instead of a load from the
 * GOT. -fvisibility=hidden alone covers only definitions.
 */
#pragma GCC visibility push(hidden)
