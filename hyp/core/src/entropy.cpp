// Seeds for guest device trees: see entropy.hpp.
#include "entropy.hpp"

#include <tn/arch/sysreg.hpp>
#include <tn/fdt.hpp>
#include <tn/format.hpp>

#include "core.hpp"

namespace mortise::entropy {

namespace {

constexpr unsigned k_pool_words = 8;
u64 g_pool[k_pool_words];
u64 g_draws;
bool g_rndr;
char g_source[96] = "the counter only";

/// SplitMix64's finaliser (Steele, Lea, Flood: "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): every input bit affects every output bit.
u64 mix(u64 z) {
    z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebull;
    return z ^ (z >> 31);
}

/// Folds @p size bytes into the pool.
void absorb(const tn::u8* p, tn::usize size) {
    for (tn::usize i = 0; i < size; ++i) {
        u64& w = g_pool[(i / 8) % k_pool_words];
        w = mix(w ^ (u64{p[i]} << (8 * (i % 8))) ^ i);
    }
}

bool read_rndr(u64& v) {
#if defined(__aarch64__) && !defined(TN_HOST_TEST)
    u64 nzcv;
    asm volatile("mrs %0, s3_3_c2_c4_0\n\tmrs %1, nzcv" : "=r"(v), "=r"(nzcv));
    return (nzcv & (1ull << 30)) == 0;  // Z set: no valid number this time
#else
    v = 0;
    return false;
#endif
}

}  // namespace

void init() {
    unsigned host_bytes = 0;
    auto host = tn::fdt::Fdt::try_open(reinterpret_cast<const void*>(board().dtb), board().dtb_size);
    if (host.ok()) {
        if (auto chosen = host.value().find_path("/chosen"); chosen.ok()) {
            for (const char* name : {"rng-seed", "kaslr-seed"})
                if (auto p = host.value().property(chosen.value(), name); p.ok()) {
                    absorb(p.value().data(), p.value().size());
                    host_bytes += p.value().size();
                }
        }
    }
#if defined(__aarch64__) && !defined(TN_HOST_TEST)
    g_rndr = tn::arch::IdAa64isar0El1::Rndr::get(tn::arch::IdAa64isar0El1::read()) != 0;
#endif
    tn::fmt::format(g_source, sizeof g_source, "%s%s%s%s", host_bytes ? "the host's /chosen seeds" : "",
                    host_bytes && g_rndr ? ", " : "", g_rndr ? "RNDR" : "",
                    host_bytes || g_rndr ? " and the counter" : "the counter only (predictable)");
}

void fill(tn::u8* out, tn::usize size, u64 salt) {
    const u64 draw = __atomic_fetch_add(&g_draws, 1, __ATOMIC_RELAXED);
    u64 state = mix(tn::arch::CntpctEl0::read() ^ mix(salt + 0x9e37'79b9'7f4a'7c15ull * (draw + 1)));
    for (tn::usize i = 0; i < size; i += 8) {
        u64 hw = 0;
        if (g_rndr && read_rndr(hw))
            state ^= hw;
        state = mix(state + g_pool[(i / 8) % k_pool_words] + i);
        for (tn::usize b = 0; b < 8 && i + b < size; ++b)
            out[i + b] = static_cast<tn::u8>(state >> (8 * b));
    }
}

const char* source() { return g_source; }

}  // namespace mortise::entropy
