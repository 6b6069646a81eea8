// libFuzzer target for tn::fdt::apply_overlay: the input is an overlay blob applied to a fixed guest-like
// tree. No input may crash it or make it read outside either blob or write outside the output (ASan,
// UBSan; the output buffer is exactly its capacity); a merged tree must open again with the size returned,
// keep the base's root properties and nodes, and a refusal must say why.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vector>

#include <tn/fdt.hpp>
#include <tn/fdt_overlay.hpp>
#include <tn/fdt_writer.hpp>

using namespace tn;
using namespace tn::fdt;

namespace {

constexpr usize k_cap = 16384;

struct Base {
    alignas(8) u8 buf[4096];
    usize size;
    Base() {
        Writer w(buf, sizeof buf);
        w.begin_node("").property_u32("#address-cells", 2).property_u32("#size-cells", 2);
        w.begin_node("chosen").property_string("bootargs", "console=ttyAMA0").property_u64("linux,initrd-start", 1);
        w.end_node();
        w.begin_node("memory@40000000").property_string("device_type", "memory").end_node();
        w.begin_node("cpus").begin_node("cpu@0").property_string("enable-method", "psci").end_node().end_node();
        w.begin_node("intc@8000000").property_empty("interrupt-controller").property_u32("phandle", 1).end_node();
        w.end_node();
        size = w.finish();
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const Base base;
    // The reader wants the overlay 8-byte aligned: a copy of exactly the input's length.
    std::vector<u64> ov((size + 7) / 8 + 1);
    memcpy(ov.data(), data, size);
    // The output buffer exactly k_cap bytes on the heap, so ASan catches a write past it.
    std::vector<u64> out(k_cap / 8);
    OverlayStatus st;
    const usize n = apply_overlay(base.buf, base.size, ov.data(), size, out.data(), k_cap, st);
    if (n == 0) {
        if (st.error == OverlayError::None || overlay_explain(st.error) == nullptr)
            __builtin_trap();
        return 0;
    }
    if (st.error != OverlayError::None || n > k_cap)
        __builtin_trap();
    auto merged = Fdt::try_open(out.data(), n);
    if (!merged.ok() || merged.value().total_size() != n)
        __builtin_trap();
    const Fdt& m = merged.value();
    for (const char* path : {"/chosen", "/memory@40000000", "/cpus/cpu@0", "/intc@8000000"})
        if (!m.find_path(path).ok())
            __builtin_trap();
    if (m.prop_u32(m.root(), "#address-cells").value_or(0) != 2 ||
        m.prop_u32(m.find_path("/intc@8000000").value(), "phandle").value_or(0) != 1)
        __builtin_trap();
    return 0;
}
