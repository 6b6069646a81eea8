// libFuzzer target for lib/fdt: no input may crash the reader or make it read outside
// the blob (built with ASan and UBSan). Registered by lib/fdt/tests/fuzz.mk.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tn/fdt.hpp>

#include "fdt_exercise.hpp"

namespace {

void put_be32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

/// Opens the blob without and with a node index: both must agree on whether it opens
/// and on every answer (a crash is the fuzzer's failure signal).
/// @return true if the blob opened.
bool open_and_exercise(const uint8_t* data, size_t size) {
    static tn::fdt::NodeIndex<64> index;  // Small: large fuzzed trees take the fallback.
    auto fdt = tn::fdt::Fdt::try_open(data, size);
    auto indexed = tn::fdt::Fdt::try_open(data, size, index);
    if (fdt.ok() != indexed.ok() || (!fdt.ok() && fdt.error() != indexed.error()))
        __builtin_trap();
    if (fdt.ok() && tn::fdt::test::index_differences(fdt.value(), indexed.value()) != 0)
        __builtin_trap();
    return fdt.ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // As given: libFuzzer passes an exact-size heap copy, so ASan catches over-reads.
    if (open_and_exercise(data, size) || size < 40)
        return 0;

    // Again with magic, totalsize and versions made plausible, so mutations that change
    // the length or break the header still reach the block and structure checks.
    uint8_t* copy = new uint8_t[size];
    memcpy(copy, data, size);
    put_be32(copy, tn::fdt::k_magic);
    put_be32(copy + 4, static_cast<uint32_t>(size));
    put_be32(copy + 20, 17);
    put_be32(copy + 24, 16);
    open_and_exercise(copy, size);
    delete[] copy;
    return 0;
}
