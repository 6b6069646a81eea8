/// @file
/// @brief Typed register fields: one place defines each field's position and width.
///
/// @code{.cpp}
///   struct Cr : tn::Reg<0x30, u32> {
///       struct Uarten : tn::Field<0, 1> {};
///       struct Txe    : tn::Field<8, 1> {};
///   };
///   u32 v = Cr::Uarten::bits(1) | Cr::Txe::bits(1);
///   if (Cr::Txe::get(v)) ...
/// @endcode
///
/// Fields are plain shifts and masks on an integer, never C++ bitfields, so the
/// access width to device memory stays under our control.
#pragma once

#include <tn/types.hpp>

namespace tn {

/// A field of @p Width bits at bit @p Shift of a register value.
template <unsigned Shift, unsigned Width>
struct Field {
    static_assert(Width >= 1 && Shift + Width <= 64, "field outside a 64-bit register");
    static constexpr unsigned shift = Shift;  ///< Lowest bit of the field.
    static constexpr unsigned width = Width;  ///< Bits in the field.
    /// The field's bits in a register value.
    static constexpr u64 mask = (Width == 64 ? ~u64{0} : ((u64{1} << Width) - 1)) << Shift;

    /// The register value with only this field set to @p v (excess bits dropped).
    static constexpr u64 bits(u64 v) { return (v << Shift) & mask; }
    /// This field's value in register value @p reg.
    static constexpr u64 get(u64 reg) { return (reg & mask) >> Shift; }
    /// @p reg with this field replaced by @p v.
    static constexpr u64 set(u64 reg, u64 v) { return (reg & ~mask) | bits(v); }
    /// @p reg with this field zero.
    static constexpr u64 clear(u64 reg) { return reg & ~mask; }
};

}  // namespace tn
