/// @file
/// @brief Distinct address types: mixing a physical, intermediate-physical and virtual
/// address is a type error, not a silent bug.
#pragma once

#include <compare>

#include <tn/types.hpp>

namespace tn {

/// An address of the kind @p Tag names (PhysAddr, Ipa, VirtAddr). Only
/// explicit construction and value() convert from and to integers.
template <class Tag>
class Addr {
public:
    /// Address 0.
    constexpr Addr() = default;
    /// The address @p v.
    constexpr explicit Addr(u64 v) : m_value(v) {}
    /// The address as an integer.
    constexpr u64 value() const { return m_value; }
    /// The address @p off bytes further.
    constexpr Addr operator+(u64 off) const { return Addr{m_value + off}; }
    /// Bytes from @p o to this address.
    constexpr u64 operator-(Addr o) const { return m_value - o.m_value; }
    /// Compares two addresses of the same kind.
    constexpr auto operator<=>(const Addr&) const = default;

private:
    u64 m_value = 0;
};

using PhysAddr = Addr<struct PhysTag>;  ///< A physical address.
using Ipa = Addr<struct IpaTag>;        ///< An intermediate physical address (a guest's physical address).
using VirtAddr = Addr<struct VirtTag>;  ///< A virtual address.

}  // namespace tn
