// A 16550's Config from its device tree node (Documentation/devicetree/
// bindings/serial/8250.yaml and snps-dw-apb-uart.yaml in Linux name the
// properties: reg-shift, reg-io-width, clock-frequency, current-speed).
#include <tn/drivers/ns16550.hpp>

namespace tn::ns16550 {

namespace {

// Checked in order; a node matching none is not this driver's.
constexpr const char* k_compatibles[] = {"snps,dw-apb-uart", "ns16550a", "ns16550", "ns16450"};

// Leading decimal digits of @p s ("1500000n8" -> 1500000); 0 if none or too big.
u32 leading_number(const char* s) {
    u64 v = 0;
    for (; s && *s >= '0' && *s <= '9'; ++s) {
        v = v * 10 + static_cast<u64>(*s - '0');
        if (v > 0xffffffffu)
            return 0;
    }
    return static_cast<u32>(v);
}

// An optional <u32> property: @p fallback when absent, else its value or error.
Result<u32, fdt::Error> optional_u32(const fdt::Fdt& dt, fdt::Node n, const char* name, u32 fallback) {
    auto v = dt.prop_u32(n, name);
    if (!v.ok() && v.error() == fdt::Error::NotFound)
        return fallback;
    return v;
}

}  // namespace

bool compatible(const fdt::Fdt& dt, fdt::Node n) {
    for (const char* c : k_compatibles)
        if (dt.compatible_with(n, c))
            return true;
    return false;
}

Result<Config, fdt::Error> config_from_node(const fdt::Fdt& dt, fdt::Node n, const char* options) {
    if (!compatible(dt, n))
        return err(fdt::Error::BadValue);
    auto reg = TN_TRY(dt.reg(n, 0));
    u32 shift = TN_TRY(optional_u32(dt, n, "reg-shift", 0));
    u32 width = TN_TRY(optional_u32(dt, n, "reg-io-width", 1));
    u32 clock = TN_TRY(optional_u32(dt, n, "clock-frequency", 0));
    u32 baud = TN_TRY(optional_u32(dt, n, "current-speed", 0));
    if (shift > 3 || (width != 1 && width != 4))
        return err(fdt::Error::BadValue);
    if (!baud)
        baud = leading_number(options);
    return Config{reg.address, static_cast<u8>(shift), static_cast<u8>(width), dt.compatible_with(n, "snps,dw-apb-uart"),
                  clock, baud};
}

}  // namespace tn::ns16550
