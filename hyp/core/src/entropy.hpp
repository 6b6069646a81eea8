// Seeds for the guests' device trees (/chosen/rng-seed and /chosen/kaslr-seed, which Linux
// mixes into its random pool and uses for KASLR). Mortise gathers what the machine offers
// once, at boot, and derives each guest boot's seeds from it:
//   - the host device tree's /chosen/rng-seed and kaslr-seed (QEMU's virt board writes 32
//     bytes from the host's random source at every start; firmware such as U-Boot may too),
//   - RNDR when the CPU has FEAT_RNG (Armv8.5: `-cpu max`; not Cortex-A53/A57/A72),
//   - the physical counter at each draw (the only source left without the other two: it
//     then makes seeds distinct, not unpredictable).
// The pool is stirred with SplitMix64 (a mixing function, not a cryptographic generator), so
// the seeds are exactly as good as those sources. source() names what was found.
#pragma once

#include <tn/types.hpp>

namespace mortise::entropy {

/// Reads the host tree's seeds (board().dtb) and probes RNDR. Called once, before any guest boots.
void init();
/// Fills @p out with @p size seed bytes for a guest boot (@p salt: the guest's index); every call
/// gives different bytes.
void fill(tn::u8* out, tn::usize size, tn::u64 salt);
/// What init() found, for the boot log: e.g. "the host's /chosen/rng-seed (32 bytes) and the counter".
const char* source();

}  // namespace mortise::entropy
