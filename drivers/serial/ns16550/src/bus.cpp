// Device access of the 16550 driver: one volatile load or store of the
// configured width. Kept out of line so host tests can link a register model.
#include <tn/drivers/ns16550.hpp>

namespace tn::ns16550::detail {

u32 bus_read(uptr addr, u8 width) {
    if (width == 4)
        return *reinterpret_cast<volatile u32*>(addr);
    return *reinterpret_cast<volatile u8*>(addr);
}

void bus_write(uptr addr, u8 width, u32 value) {
    if (width == 4)
        *reinterpret_cast<volatile u32*>(addr) = value;
    else
        *reinterpret_cast<volatile u8*>(addr) = static_cast<u8>(value);
}

}  // namespace tn::ns16550::detail
